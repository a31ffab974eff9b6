"""Writes of matching: offers on needs (made, changed, withdrawn, accepted, declined) and the
matching profile. Each checks the actor's permission, validates (field errors), refuses stale
edits, records the actor in the history and runs in one transaction.

Accepting an offer goes through the partnerships services: ``commitment_create`` (the
commitment is the offering organisation's own, recorded in the name of the user who made the
offer) and, when the organisation is not a partner yet, either ``member_add`` or an invitation
(issue 14: an organisation joins only with its administrators' consent). An offer made by one
of the organisation's administrators is that consent: the organisation is added at once. An
offer made by anyone else (a staff member) is accepted, but the organisation is only invited
(``coordination.services.invitation_create``); when its administrators accept, it becomes a
partner and the commitment is created (``on_invitation_answered``, registered with
coordination's invitation hook in ``MatchingConfig.ready()``); when they decline, the offer is
"declined by the organisation".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mitra.coordination import services as coordination_services
from mitra.coordination.models import Invitation, InvitationStatus
from mitra.core.choices import Confidentiality
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.core.money import format_quantity
from mitra.organisations.models import Organisation, OrganisationRole, Sector
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Need, Partnership, Role, Stage, Visibility
from mitra.partnerships.permissions import member_org_ids

from .models import MatchingProfile, Offer, OfferStatus
from .permissions import (
    can_decide_offer,
    can_edit_profile,
    can_offer_for,
    offer_joins_by_invitation,
)

OFFER_FIELDS = ("quantity", "unit", "currency", "terms", "message")
PROFILE_FIELDS = (
    "capabilities_ind",
    "capabilities_en",
    "regions",
    "nationwide",
    "development_sectors",
    "forms",
    "annual_capacity",
    "capacity_currency",
    "open_to_offers",
)
CLOSED_STAGES = (Stage.CLOSED, Stage.CANCELLED)


def audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def committed_total(need: Need) -> Decimal:
    """Everything pledged against the need, confidential commitments included. Used only to
    tell whether the need is covered, never shown."""
    total = need.commitments.aggregate(total=models.Sum("quantity"))["total"]
    return total if total is not None else Decimal(0)


def is_open(need: Need) -> bool:
    return committed_total(need) < need.quantity


def _offering_organisation(actor: Any, organisation: Organisation | None) -> Organisation:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to offer."))
    if organisation is not None:
        deny_unless(
            can_offer_for(actor, organisation),
            _("You may only offer for an organisation you belong to."),
        )
        return organisation
    orgs = list(Organisation.objects.filter(pk__in=user_organisation_ids(actor)))
    if not orgs:
        raise PermissionDenied(
            _("Only members of a registered organisation can offer: join or register one first.")
        )
    if len(orgs) > 1:
        raise ValidationError(
            {"organisation": _("You belong to several organisations: choose which one offers.")}
        )
    return orgs[0]


def _check_offerable(need: Need, organisation: Organisation) -> None:
    partnership: Partnership = need.partnership
    if partnership.visibility != Visibility.PUBLIC or partnership.stage in CLOSED_STAGES:
        raise ValidationError(
            {"need": _("Offers are taken only on the needs of published, running partnerships.")}
        )
    if organisation.pk in member_org_ids(partnership):
        raise ValidationError(
            {
                "organisation": _(
                    "Your organisation is already a partner of this partnership: pledge on its "
                    "Needs tab instead."
                )
            }
        )
    if not is_open(need):
        raise ValidationError({"need": _("This need is already covered: it takes no offers.")})


def _check_quantity(need: Need, quantity: Any) -> None:
    if quantity is not None and quantity > need.quantity:
        raise ValidationError(
            {
                "quantity": _("An offer cannot be more than the need asks for (%(needed)s).")
                % {"needed": format_quantity(need.quantity, currency=need.currency, unit=need.unit)}
            }
        )


def _offer_data(need: Need, data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in OFFER_FIELDS}
    # Counted in the need's measure unless the caller says otherwise (then checked).
    if not fields.get("unit") and not fields.get("currency"):
        fields["unit"], fields["currency"] = need.unit, need.currency
    else:
        fields.setdefault("unit", "")
        fields.setdefault("currency", "")
    for name in ("unit", "currency", "terms", "message"):
        if fields.get(name) is None:
            fields[name] = ""
    return fields


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    need: Need,
    data: dict[str, Any],
    organisation: Organisation | None = None,
) -> Offer:
    """An organisation offers to fill (part of) a published partnership's open need."""
    organisation = _offering_organisation(actor, organisation)
    _check_offerable(need, organisation)
    if Offer.objects.filter(need=need, organisation=organisation, status=OfferStatus.OPEN).exists():
        raise ValidationError(
            {
                "need": _(
                    "Your organisation already has an open offer on this need: change or "
                    "withdraw it."
                )
            }
        )
    offer = Offer(need=need, organisation=organisation, created_by=actor, **_offer_data(need, data))
    offer.full_clean()
    _check_quantity(need, offer.quantity)
    audited(offer, actor)
    offer.save()
    return offer


def _require_open(offer: Offer) -> None:
    if offer.status != OfferStatus.OPEN:
        raise ApplicationError(
            _("This offer is no longer open (%(status)s).")
            % {"status": offer.get_status_display()},
            {"field": "status"},
        )


@transaction.atomic
def offer_update(
    *, actor: Any, offer: Offer, data: dict[str, Any], expected_version: int | None
) -> Offer:
    """The offering organisation changes its open offer."""
    deny_unless(
        can_offer_for(actor, offer.organisation),
        _("Only the offering organisation may change its offer."),
    )
    _require_open(offer)
    fields = {k: v for k, v in data.items() if k in ("quantity", "terms", "message")}
    _check_quantity(offer.need, fields.get("quantity"))
    return save_versioned(offer, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def offer_withdraw(*, actor: Any, offer: Offer, expected_version: int | None) -> Offer:
    deny_unless(
        can_offer_for(actor, offer.organisation),
        _("Only the offering organisation may withdraw its offer."),
    )
    _require_open(offer)
    return save_versioned(
        offer,
        expected_version=expected_version,
        actor=actor,
        fields={"status": OfferStatus.WITHDRAWN, "decided_at": timezone.now()},
    )


@transaction.atomic
def offer_decline(*, actor: Any, offer: Offer, reason: str, expected_version: int | None) -> Offer:
    """The partnership's manager declines the offer, saying why (the offering organisation
    reads the reason)."""
    deny_unless(
        can_decide_offer(actor, offer.need.partnership),
        _("Only administrators of the lead partner may decline offers."),
    )
    _require_open(offer)
    if not (reason or "").strip():
        raise ValidationError({"decline_reason": _("Say why the offer is declined.")})
    return save_versioned(
        offer,
        expected_version=expected_version,
        actor=actor,
        fields={
            "status": OfferStatus.DECLINED,
            "decline_reason": reason.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )


def fitting_role(organisation: Organisation, resource_type: str) -> str:
    """The role an organisation joins with when its offer is accepted: what it brings, said in
    the roles partnerships already use."""
    if organisation.sector == Sector.MEDIA:
        return Role.MEDIA_PARTNER
    if resource_type == "cash":
        return Role.FINANCIER if organisation.kind == "bank" else Role.FUNDER
    if organisation.sector == Sector.ACADEMIA:
        return Role.RESEARCH_PARTNER
    if organisation.sector == Sector.SOCIAL and resource_type in ("expertise", "network"):
        return Role.IMPLEMENTER
    return Role.TECHNICAL_PARTNER


def _pledging_user(offer: Offer) -> Any:
    """Who the commitment is recorded for: the user who offered, if still in the organisation,
    else one of its administrators."""
    organisation = offer.organisation
    if (
        offer.created_by_id
        and offer.created_by
        and organisation.pk in user_organisation_ids(offer.created_by)
    ):
        return offer.created_by
    membership = (
        organisation.memberships.filter(role=OrganisationRole.ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise ApplicationError(
            _(
                "Nobody of the offering organisation can be recorded as pledging: ask it to offer again."
            )
        )
    return membership.user


@transaction.atomic
def offer_accept(
    *,
    actor: Any,
    offer: Offer,
    expected_version: int | None,
    confidentiality: str = Confidentiality.PARTNERS,
) -> Offer:
    """The partnership's manager accepts: the offer becomes the offering organisation's
    commitment against the need.

    When the organisation is not a partner yet, it joins first — at once if one of its
    administrators made the offer, otherwise through an invitation its administrators accept
    (then the commitment waits for them: ``offer.awaits_organisation``)."""
    need = offer.need
    partnership = need.partnership
    deny_unless(
        can_decide_offer(actor, partnership),
        _("Only administrators of the lead partner may accept offers."),
    )
    _require_open(offer)
    if confidentiality not in Confidentiality.values:
        raise ValidationError({"confidentiality": _("Unknown confidentiality.")})
    by_invitation = offer_joins_by_invitation(offer)
    # Claim the version first: a stale accept changes nothing.
    save_versioned(
        offer,
        expected_version=expected_version,
        actor=actor,
        fields={
            "status": OfferStatus.ACCEPTED,
            "decided_by": actor,
            "decided_at": timezone.now(),
            "commitment_confidentiality": confidentiality,
        },
    )
    member = partnership.members.filter(organisation=offer.organisation).first()
    if member is None and by_invitation:
        offer.invitation = _invite(actor=actor, offer=offer)
        audited(offer, actor)
        offer.save(update_fields=["invitation", "updated_at"])
        return offer
    if member is None:
        member = partnership_services.member_add(
            actor=actor,
            partnership=partnership,
            organisation=offer.organisation,
            roles=[fitting_role(offer.organisation, need.resource_type)],
        )
    elif member.left_on is not None:
        raise ApplicationError(
            _(
                "This organisation has left the partnership: add it again on the Partners tab first."
            ),
            {"field": "organisation"},
        )
    return _commit(actor=actor, offer=offer, member=member)


def _invite(*, actor: Any, offer: Offer) -> Invitation:
    """The invitation that carries the accepted offer to the organisation's administrators; a
    pending invitation of the organisation to the partnership is reused (one at a time)."""
    partnership = offer.need.partnership
    pending = partnership.invitations.filter(
        organisation=offer.organisation, status=InvitationStatus.PENDING
    ).first()
    if pending is not None:
        return pending  # type: ignore[no-any-return]
    # A stored message read by the other organisation, whatever its language: both languages.
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(
                str(
                    _(
                        "This invitation comes from the offer no. %(id)s on “%(need)s”, made by "
                        "%(user)s and accepted by the coordinator. Accept it and your "
                        "organisation becomes a partner, with the offer recorded as its "
                        "commitment; decline it and the offer lapses."
                    )
                    % {"id": offer.pk, "need": offer.need.title, "user": _offerer_name(offer)}
                )
            )
    return coordination_services.invitation_create(
        actor=actor,
        partnership=partnership,
        organisation=offer.organisation,
        roles=[fitting_role(offer.organisation, offer.need.resource_type)],
        message="\n\n".join(dict.fromkeys(texts)),
    )


def _offerer_name(offer: Offer) -> str:
    user = offer.created_by
    if user is None:
        return str(_("a former member"))
    return str(user.get_full_name() or user.get_username())


def _commit(*, actor: Any, offer: Offer, member: Any) -> Offer:
    need = offer.need
    # The terms stay with the offer (never public); the commitment only says where it came from.
    notes = str(_("From offer no. %(id)s.") % {"id": offer.pk})
    commitment = partnership_services.commitment_create(
        actor=_pledging_user(offer),
        need=need,
        member=member,
        data={
            "quantity": offer.quantity,
            "due_date": need.due_date,
            "confidentiality": offer.commitment_confidentiality or Confidentiality.PARTNERS,
            "notes": notes,
        },
        # the coordinator has read the amount and accepted it
        confirm_over_pledge=True,
    )
    offer.commitment = commitment
    audited(offer, actor)
    offer.save(update_fields=["commitment", "updated_at"])
    return offer


def on_invitation_answered(*, invitation: Invitation, actor: Any) -> None:
    """Coordination's invitation hook: the offering organisation's administrators answered (or
    the lead withdrew) the invitation that came from accepted offers.

    Accepted: each such offer becomes the organisation's commitment. Declined: the offer is
    "declined by the organisation"; withdrawn by the lead: the offer is withdrawn. Then nothing
    is created."""
    offers = Offer.objects.select_related("need__partnership", "organisation", "created_by").filter(
        invitation=invitation, status=OfferStatus.ACCEPTED, commitment__isnull=True
    )
    for offer in offers:
        if invitation.status == InvitationStatus.ACCEPTED and invitation.member is not None:
            _commit(actor=actor, offer=offer, member=invitation.member)
        elif invitation.status in (InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN):
            # Declined by its administrators, or the invitation taken back by the lead.
            offer.status = (
                OfferStatus.REFUSED
                if invitation.status == InvitationStatus.DECLINED
                else OfferStatus.WITHDRAWN
            )
            offer.version += 1
            audited(offer, actor)
            offer.save(update_fields=["status", "version", "updated_at"])


# --- the matching profile ------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    actor: Any,
    organisation: Organisation,
    data: dict[str, Any],
    expected_version: int | None,
) -> MatchingProfile:
    """Create or change the organisation's matching profile (its administrators)."""
    deny_unless(
        can_edit_profile(actor, organisation),
        _("Only administrators of the organisation may change its matching profile."),
    )
    fields = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    if fields.get("annual_capacity") is None and "annual_capacity" in fields:
        fields.setdefault("capacity_currency", "")
    profile = MatchingProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        profile = MatchingProfile(organisation=organisation, **fields)
        profile.full_clean()
        audited(profile, actor)
        profile.save()
        return profile
    return save_versioned(profile, expected_version=expected_version, actor=actor, fields=fields)
