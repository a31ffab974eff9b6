"""Reads of matching: the public needs board, offers (never public), suggested partners, funding
instruments and matching profiles. Visibility is applied here, once, for every caller.

The board shows only published partnerships' needs and only public figures: whether a need is
still open is decided on every commitment (a need covered in confidence takes no offers), but
the amount still needed is shown only when every commitment to it is public; otherwise the
board says that part of it is pledged, without an amount.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Confidentiality
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.regions import subdivision_name
from mitra.organisations.models import Organisation, ResourceType
from mitra.organisations.permissions import user_admin_organisation_ids, user_organisation_ids
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    DevelopmentSector,
    Need,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Role,
    Stage,
    Visibility,
)
from mitra.partnerships.permissions import can_manage_partnership, member_org_ids

from . import ranking
from .funding import FundingFit, instruments_for
from .models import MatchingProfile, Offer, OfferStatus
from .permissions import can_view_matches, can_view_offer

ZERO = Decimal("0.00")
CLOSED_STAGES = (Stage.CLOSED, Stage.CANCELLED)

# --- the board ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    need: Need
    partnership: Partnership
    #: Sum of the public commitments (what anyone may see).
    public_pledged: Decimal
    #: Commitments not shown to the public (counted, never summed).
    hidden_commitments: int
    #: Whether the need still takes offers (decided on every commitment).
    is_open: bool

    @property
    def still_needed(self) -> Decimal | None:
        """What is still lacking, when the public may know it (every commitment is public)."""
        if self.hidden_commitments:
            return None
        return max(self.need.quantity - self.public_pledged, ZERO)

    @property
    def partly_pledged(self) -> bool:
        return bool(self.public_pledged) or bool(self.hidden_commitments)


def _board_queryset() -> QuerySet[Need]:
    public = Q(commitments__confidentiality=Confidentiality.PUBLIC)
    return (
        Need.objects.filter(partnership__visibility=Visibility.PUBLIC)
        .exclude(partnership__stage__in=CLOSED_STAGES)
        .select_related("partnership")
        .annotate(
            committed=Sum("commitments__quantity"),
            public_committed=Sum("commitments__quantity", filter=public),
            hidden=Count("commitments", filter=~public),
        )
    )


def _row(need: Any) -> BoardRow:
    committed = need.committed if need.committed is not None else ZERO
    return BoardRow(
        need=need,
        partnership=need.partnership,
        public_pledged=need.public_committed if need.public_committed is not None else ZERO,
        hidden_commitments=need.hidden,
        is_open=committed < need.quantity,
    )


def open_needs(*, filters: dict[str, Any] | None = None) -> list[BoardRow]:
    """Published, running partnerships' needs that are not fully covered, soonest due first.

    Filters: q (need or partnership title or description, either language, or the code),
    resource_type, development_sector, province, form, sdg (a goal of the partnership).
    """
    filters = filters or {}
    qs = _board_queryset()
    if filters.get("resource_type"):
        qs = qs.filter(resource_type=filters["resource_type"])
    for key in ("development_sector", "province", "form"):
        if filters.get(key):
            qs = qs.filter(**{f"partnership__{key}": filters[key]})
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(
            Q(title_ind__icontains=term)
            | Q(title_en__icontains=term)
            | Q(description_ind__icontains=term)
            | Q(description_en__icontains=term)
            | Q(partnership__title_ind__icontains=term)
            | Q(partnership__title_en__icontains=term)
            | Q(partnership__code__icontains=term)
        )
    sdg = filters.get("sdg")
    rows = [_row(n) for n in qs]
    rows = [r for r in rows if r.is_open and (not sdg or int(sdg) in (r.partnership.sdgs or []))]
    far = datetime.date.max
    rows.sort(key=lambda r: (r.need.due_date or far, -r.need.pk))
    return rows


def board_need_get(*, pk: Any) -> BoardRow:
    """One need of a published partnership (open or covered), public data only."""
    try:
        need = _board_queryset().get(pk=int(pk))
    except (Need.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Need not found.")) from None
    return _row(need)


def need_page_get(*, user: Any, pk: Any) -> BoardRow:
    """The need as its page shows it: any need of a published partnership; a need of another
    partnership only to that partnership's managers (who see its suggestions). NotFound
    otherwise."""
    try:
        return board_need_get(pk=pk)
    except NotFound:
        pass
    try:
        need = (
            Need.objects.select_related("partnership")
            .annotate(
                committed=Sum("commitments__quantity"),
                public_committed=Sum(
                    "commitments__quantity",
                    filter=Q(commitments__confidentiality=Confidentiality.PUBLIC),
                ),
                hidden=Count(
                    "commitments",
                    filter=~Q(commitments__confidentiality=Confidentiality.PUBLIC),
                ),
            )
            .get(pk=int(pk))
        )
    except (Need.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Need not found.")) from None
    if not can_manage_partnership(user, need.partnership):
        raise NotFound(_("Need not found."))
    return _row(need)


def funding_for(need: Need) -> list[FundingFit]:
    return instruments_for(need=need, partnership=need.partnership)


# --- offers -----------------------------------------------------------------------------------------


def _offers() -> QuerySet[Offer]:
    return Offer.objects.select_related(
        "need__partnership",
        "organisation",
        "commitment",
        "created_by",
        "decided_by",
        "invitation",
    )


def offers_for_need(*, user: Any, need: Need) -> list[Offer]:
    """The partnership's managers see every offer on the need; an offering organisation its own;
    anyone else none."""
    qs = _offers().filter(need=need)
    if can_manage_partnership(user, need.partnership):
        return list(qs)
    return list(qs.filter(organisation_id__in=user_organisation_ids(user)))


def offer_get(*, user: Any, pk: Any) -> Offer:
    """An offer the user may see; NotFound otherwise (never 403: an offer is not public)."""
    try:
        offer = _offers().get(pk=int(pk))
    except (Offer.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Offer not found.")) from None
    if not can_view_offer(user, offer, offer.need.partnership):
        raise NotFound(_("Offer not found."))
    return offer


def managed_partnership_ids(user: Any) -> set[int]:
    admin = user_admin_organisation_ids(user)
    if not admin:
        return set()
    return set(
        PartnershipMember.objects.filter(
            organisation_id__in=admin, left_on__isnull=True, role_rows__role=Role.LEAD
        ).values_list("partnership_id", flat=True)
    )


@dataclass(frozen=True)
class OfferLists:
    received: list[Offer]
    sent: list[Offer]


def offer_lists(*, user: Any) -> OfferLists:
    """Offers on the partnerships the user manages, and offers of the user's organisations."""
    managed = managed_partnership_ids(user)
    received = list(_offers().filter(need__partnership_id__in=managed)) if managed else []
    orgs = user_organisation_ids(user)
    sent = list(_offers().filter(organisation_id__in=orgs)) if orgs else []
    return OfferLists(received=received, sent=sent)


def offers_for_partnership(*, user: Any, partnership: Partnership) -> list[Offer]:
    if not can_manage_partnership(user, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner see the offers."))
    return list(_offers().filter(need__partnership=partnership))


def offerable_organisations(*, user: Any, need: Need) -> list[Organisation]:
    """The user's organisations that may offer on the need: not partners of it already, and
    without an open offer on it."""
    members = member_org_ids(need.partnership)
    offering = set(
        Offer.objects.filter(need=need, status=OfferStatus.OPEN).values_list(
            "organisation_id", flat=True
        )
    )
    return [
        o
        for o in Organisation.objects.filter(pk__in=user_organisation_ids(user)).order_by("name")
        if o.pk not in members and o.pk not in offering
    ]


# --- profiles -------------------------------------------------------------------------------------


def profile_get(organisation: Organisation) -> MatchingProfile | None:
    return MatchingProfile.objects.filter(organisation=organisation).first()


# --- suggested partners ---------------------------------------------------------------------------


def _float(value: Decimal | None) -> float:
    return float(value) if value is not None else 0.0


def candidates(
    *, exclude: set[int] | None = None, profiles: bool = True
) -> list[ranking.Candidate]:
    """Every registered organisation open to suggestions, as plain ranking inputs. Four queries
    whatever the number of organisations. Without ``profiles`` only the directory entry and the
    track record are used (the benchmark's default: demo profiles were written knowing the demo
    partnerships)."""
    exclude = exclude or set()
    today = timezone.localdate()
    delivered = dict(
        Delivery.objects.values("commitment_id")
        .annotate(total=Sum("quantity"))
        .values_list("commitment_id", "total")
    )
    history: dict[int, list[ranking.PastCommitment]] = defaultdict(list)
    for c in Commitment.objects.select_related("need__partnership", "member").order_by("id"):
        need, partnership = c.need, c.need.partnership
        got = delivered.get(c.pk) or ZERO
        due = c.due_date or need.due_date
        # Fulfilment is known once something was delivered or the due date has passed.
        known = got > 0 or (due is not None and due < today)
        history[c.member.organisation_id].append(
            ranking.PastCommitment(
                need_id=need.pk,
                partnership_id=partnership.pk,
                resource_type=need.resource_type,
                development_sector=partnership.development_sector,
                form=partnership.form,
                fulfilment=min(float(got / c.quantity), 1.0) if known and c.quantity else None,
                outstanding=max(_float(c.quantity - got), 0.0),
                measure=need.measure,
            )
        )
    memberships: dict[int, list[ranking.Membership]] = defaultdict(list)
    for org_id, p_id, form, sector, province in PartnershipMember.objects.values_list(
        "organisation_id",
        "partnership_id",
        "partnership__form",
        "partnership__development_sector",
        "partnership__province",
    ):
        memberships[org_id].append(ranking.Membership(p_id, form, sector, province))
    found = []
    for org in Organisation.objects.select_related("matching_profile").order_by("name"):
        if org.pk in exclude:
            continue
        profile = getattr(org, "matching_profile", None)
        if profile is not None and not profile.open_to_offers:
            continue
        if not profiles:
            profile = None
        text = " ".join(
            filter(
                None,
                [
                    org.description_ind or "",
                    org.description_en or "",
                    " ".join(org.expertise or []),
                    (profile.capabilities_ind or "") if profile else "",
                    (profile.capabilities_en or "") if profile else "",
                ],
            )
        )
        found.append(
            ranking.Candidate(
                organisation_id=org.pk,
                name=str(org),
                province=org.province,
                resource_types=frozenset(org.resource_types or []),
                regions=frozenset(profile.regions if profile else []),
                nationwide=bool(profile and profile.nationwide),
                development_sectors=frozenset(profile.development_sectors if profile else []),
                forms=frozenset(profile.forms if profile else []),
                text=text,
                capacity=_float(profile.annual_capacity)
                if profile and profile.annual_capacity is not None
                else None,
                capacity_currency=profile.capacity_currency if profile else "",
                history=tuple(history.get(org.pk, [])),
                memberships=tuple(memberships.get(org.pk, [])),
            )
        )
    return found


def need_query(need: Need) -> ranking.NeedQuery:
    from .services import committed_total

    partnership = need.partnership
    return ranking.NeedQuery(
        need_id=need.pk,
        partnership_id=partnership.pk,
        resource_type=need.resource_type,
        development_sector=partnership.development_sector,
        form=partnership.form,
        province=partnership.province,
        text=" ".join(
            filter(
                None,
                [
                    need.title_ind or "",
                    need.title_en or "",
                    need.description_ind or "",
                    need.description_en or "",
                    partnership.title_ind or "",
                    partnership.title_en or "",
                ],
            )
        ),
        measure=need.measure,
        is_cash=need.resource_type == ResourceType.CASH,
        gap=_float(max(need.quantity - committed_total(need), ZERO)),
    )


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def reason_text(reason: ranking.Reason) -> str:
    """A reason in the reader's language. Counts and percentages only: never an amount."""
    p = reason.params
    code = reason.code
    if code == "resource":
        return gettext("brings %(resource)s") % {
            "resource": _label(ResourceType, str(p["resource_type"])).lower()
        }
    if code == "track":
        return ngettext(
            "delivered %(n)s similar commitment, %(pct)s%% fulfilled",
            "delivered %(n)s similar commitments, %(pct)s%% fulfilled",
            int(p["n"]),  # type: ignore[call-overload]
        ) % {"n": p["n"], "pct": p["pct"]}
    if code == "track_pending":
        return ngettext(
            "pledged %(n)s similar commitment, nothing due yet",
            "pledged %(n)s similar commitments, nothing due yet",
            int(p["n"]),  # type: ignore[call-overload]
        ) % {"n": p["n"]}
    if code == "text":
        return gettext("its profile speaks of %(words)s") % {"words": ", ".join(p["words"])}  # type: ignore[arg-type]
    if code == "sector":
        return gettext("works in %(sector)s") % {
            "sector": _label(DevelopmentSector, str(p["sector"])).lower()
        }
    if code == "region":
        return gettext("works in %(province)s") % {"province": subdivision_name(str(p["province"]))}
    if code == "nationwide":
        return gettext("works nationwide")
    if code == "form":
        return gettext("knows the %(form)s form") % {
            "form": _label(PartnershipForm, str(p["form"]))
        }
    if code == "capacity":
        return {
            "ample": gettext("has room left for this need"),
            "some": gettext("has room left for half of this need or more"),
            "little": gettext("has little room left"),
            "none": gettext("has pledged its stated capacity elsewhere"),
        }[str(p["level"])]
    if code == "free":
        return gettext("no unfinished commitments elsewhere")
    if code == "busy":
        return ngettext(
            "%(n)s unfinished commitment elsewhere",
            "%(n)s unfinished commitments elsewhere",
            int(p["n"]),  # type: ignore[call-overload]
        ) % {"n": p["n"]}
    return code


PART_LABELS = {
    "resource": _("Resource type"),
    "track_record": _("Track record"),
    "text": _("Profile text"),
    "sector": _("Sector"),
    "region": _("Region"),
    "form": _("Partnership form"),
    "capacity": _("Capacity left"),
}


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    score: float
    #: (key, label, part 0–1, weight, points = weight × part × 100)
    parts: list[tuple[str, str, float, float, float]]
    reasons: list[str]
    summary: str = ""
    codes: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return round(self.score * 100)


def need_matches(*, user: Any, need: Need, limit: int = 10) -> list[Suggestion]:
    """Organisations that could fill the need, best first, each with its score parts and its
    reasons. Current partners are left out (they pledge directly). For the partnership's
    managers only."""
    partnership = need.partnership
    if not can_view_matches(user, partnership):
        raise PermissionDenied(
            _("Only administrators of the lead partner see the suggested partners.")
        )
    found = candidates(exclude=member_org_ids(partnership))
    matches = [m for m in ranking.rank(need_query(need), found, limit=None) if m.score > 0]
    matches = matches[:limit]
    orgs = Organisation.objects.in_bulk([m.organisation_id for m in matches])
    result = []
    for m in matches:
        reasons = [reason_text(r) for r in m.reasons]
        result.append(
            Suggestion(
                organisation=orgs[m.organisation_id],
                score=m.score,
                parts=[
                    (
                        key,
                        str(PART_LABELS[key]),
                        m.parts[key],
                        ranking.WEIGHTS[key],
                        round(ranking.WEIGHTS[key] * m.parts[key] * 100, 1),
                    )
                    for key in ranking.WEIGHTS
                ],
                reasons=reasons,
                summary="; ".join(reasons),
                codes=[r.code for r in m.reasons],
            )
        )
    return result
