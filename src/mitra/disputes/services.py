"""Writes of disputes, grievances, political events and amendments. Every write checks permission
here, is audited (simple-history) and versioned (a stale edit → ``StaleEdit``, 409)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.notifications.services import notify
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Document, Partnership, PartnershipMember, Visibility
from mitra.partnerships.permissions import can_view_item

from . import ladders, selectors
from .models import (
    ContractAmendment,
    Dispute,
    DisputeSettings,
    DisputeStatus,
    DisputeType,
    EventLink,
    Grievance,
    GrievanceStatus,
    PoliticalEvent,
    check_ladder,
)
from .permissions import (
    can_act_on_dispute,
    can_enter_events,
    can_handle_grievances,
    can_link_event,
    can_manage_settings,
    can_raise_dispute,
    can_record_amendment,
    designated_member,
)

SETTINGS_FIELDS = (
    "ladder_template",
    "ladder",
    "designated_member",
    "acknowledge_days",
    "official_dependence",
    "multi_year_budget",
    "dprd_approval",
    "change_in_law_clause",
)


def _deny(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _create(instance: Any, actor: Any) -> Any:
    instance.full_clean()
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    return instance


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_full_name() or actor.get_username()


def dispute_url(dispute: Dispute) -> str:
    return reverse("disputes:dispute", args=[dispute.partnership_id, dispute.pk])


def _tell_parties(
    dispute: Dispute, kind: str, actor: Any, *, also: Iterable[Any] = (), **params: Any
) -> None:
    """Tell the parties (and ``also``: e.g. the partners just removed from the dispute), the
    person who raised it and, unless the dispute is confidential, the lead partner."""
    orgs = [m.organisation for m in dispute.parties.all() if m.left_on is None]
    orgs += [o for o in also if o not in orgs]
    users = [dispute.raised_by] if dispute.raised_by_id else []
    if not dispute.confidential:
        lead = next((m for m in dispute.partnership.members.all() if m.is_lead), None)
        if lead is not None:
            orgs.append(lead.organisation)
    notify(
        kind=kind,
        actor=actor,
        users=users,
        organisations=orgs,
        partnership_id=dispute.partnership_id,
        url=dispute_url(dispute),
        params={"partnership": dispute.partnership.title, "dispute": dispute.title, **params},
        # A confidential dispute leaves no trace on the partnership's feed, and its followers
        # (who are not all parties) are not told.
        feed=not dispute.confidential,
        followers=not dispute.confidential,
    )


# --------------------------------------------------------------------------- settings


@transaction.atomic
def settings_save(
    *, actor: Any, partnership: Partnership, data: dict[str, Any], expected_version: int | None
) -> DisputeSettings:
    _deny(
        can_manage_settings(actor, partnership),
        _("Only the lead partner's administrators can change the dispute settings."),
    )
    data = dict(data)
    template = data.get("ladder_template")
    if template and not data.get("ladder"):
        if template not in ladders.LADDERS:
            raise ValidationError({"ladder_template": _("Unknown ladder.")})
        data["ladder"] = ladders.ladder_of(template)
    member = data.get("designated_member")
    if member is not None and (member.partnership_id != partnership.pk or member.left_on):
        raise ValidationError({"designated_member": _("Choose a current partner.")})
    check_ladder(data.get("ladder"))
    fields = {k: data[k] for k in SETTINGS_FIELDS if k in data}
    stored = DisputeSettings.objects.filter(partnership=partnership).first()
    if stored is None:
        instance = selectors.settings_of(partnership)
        instance.version = 1
        for k, v in fields.items():
            setattr(instance, k, v)
        return _create(instance, actor)
    return save_versioned(stored, expected_version=expected_version, actor=actor, fields=fields)


# --------------------------------------------------------------------------- disputes


def _members(partnership: Partnership, ids: list[int]) -> list[PartnershipMember]:
    found = list(partnership.members.filter(pk__in=ids, left_on__isnull=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"parties": _("Choose current partners of this partnership.")})
    return found


def _documents(partnership: Partnership, ids: list[int], actor: Any) -> list[Document]:
    found = [
        d
        for d in Document.objects.filter(pk__in=ids, partnership=partnership)
        if can_view_item(actor, partnership, d.confidentiality, d.owner.organisation_id)
    ]
    if len(found) != len(set(ids)):
        raise ValidationError({"documents": _("Choose documents of this partnership.")})
    return found


@transaction.atomic
def dispute_create(*, actor: Any, partnership: Partnership, data: dict[str, Any]) -> Dispute:
    _deny(
        can_raise_dispute(actor, partnership),
        _("Only the partners of this partnership can raise a dispute."),
    )
    parties = _members(partnership, list(data.get("parties") or []))
    documents = _documents(partnership, list(data.get("documents") or []), actor)
    ladder = data.get("ladder") or selectors.settings_of(partnership).ladder
    now = timezone.now()
    dispute = Dispute(
        partnership=partnership,
        title=data.get("title", ""),
        description=data.get("description", ""),
        dispute_type=data.get("dispute_type", ""),
        other_parties=data.get("other_parties", ""),
        confidential=bool(data.get("confidential")),
        ladder=ladder,
        rung=0,
        rung_started_at=now,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        grievance=data.get("grievance"),
        steps=[
            {
                "rung": 0,
                "at": now.isoformat(),
                "by": _actor_name(actor),
                "reason": "",
                "on_deadline": False,
            }
        ],
    )
    if dispute.confidential and not parties:
        raise ValidationError(
            {"parties": _("Name the partners involved: only they see a confidential dispute.")}
        )
    _create(dispute, actor)
    dispute.parties.set(parties)
    dispute.documents.set(documents)
    _tell_parties(dispute, "disputes.raised", actor)
    return dispute


def _escalate(dispute: Dispute, *, actor: Any, reason: str, on_deadline: bool) -> Dispute:
    now = timezone.now()
    dispute.rung += 1
    dispute.rung_started_at = now
    dispute.steps = [
        *dispute.steps,
        {
            "rung": dispute.rung,
            "at": now.isoformat(),
            "by": _actor_name(actor),
            "reason": reason,
            "on_deadline": on_deadline,
        },
    ]
    return dispute


@transaction.atomic
def dispute_escalate(
    *, actor: Any, dispute: Dispute, reason: str = "", expected_version: int | None
) -> Dispute:
    _deny(
        can_act_on_dispute(actor, dispute),
        _("Only the partners involved can escalate this dispute."),
    )
    if dispute.status != DisputeStatus.OPEN:
        raise ApplicationError(_("This dispute is resolved."))
    if not dispute.has_next:
        raise ApplicationError(_("This is the last step of the ladder."))
    _escalate(dispute, actor=actor, reason=reason, on_deadline=False)
    dispute = save_versioned(
        dispute,
        expected_version=expected_version,
        actor=actor,
        fields={"rung": dispute.rung, "rung_started_at": dispute.rung_started_at},
    )
    _tell_parties(dispute, "disputes.escalated", actor, step=ladders.rung_label(dispute.current))
    return dispute


@transaction.atomic
def dispute_resolve(
    *,
    actor: Any,
    dispute: Dispute,
    outcome: str,
    lessons: str = "",
    expected_version: int | None,
) -> Dispute:
    _deny(
        can_act_on_dispute(actor, dispute),
        _("Only the partners involved can resolve this dispute."),
    )
    if dispute.status != DisputeStatus.OPEN:
        raise ApplicationError(_("This dispute is resolved."))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say how the dispute was settled.")})
    dispute = save_versioned(
        dispute,
        expected_version=expected_version,
        actor=actor,
        fields={
            "status": DisputeStatus.RESOLVED,
            "outcome": outcome.strip(),
            "lessons": (lessons or "").strip(),
            "resolved_at": timezone.now(),
        },
    )
    if dispute.grievance_id:
        Grievance.objects.filter(pk=dispute.grievance_id).update(status=GrievanceStatus.CLOSED)
    _tell_parties(dispute, "disputes.resolved", actor)
    return dispute


#: The fields of a dispute that ``dispute_update`` changes (besides parties and documents).
DISPUTE_EDIT_FIELDS = (
    "title",
    "description",
    "dispute_type",
    "other_parties",
    "confidential",
    "lessons",
)
#: What a resolved dispute may still change: the rest is the record of what was settled.
RESOLVED_EDITABLE = frozenset({"lessons", "documents"})


def _locked_message() -> Any:
    return _("This dispute is resolved: only its lessons learned and documents can change.")


def _may_remove(actor: Any, dispute: Dispute, removed: list[PartnershipMember]) -> bool:
    """A side is dropped from a dispute by the person who raised it (who named the sides), or
    withdraws itself: no party takes another out of a dispute (and, if confidential, out of its
    sight) on its own."""
    if not removed or dispute.raised_by_id == getattr(actor, "pk", None):
        return True
    own = user_organisation_ids(actor)
    return all(m.organisation_id in own for m in removed)


@transaction.atomic
def dispute_update(
    *,
    actor: Any,
    dispute: Dispute,
    data: dict[str, Any],
    expected_version: int | None,
) -> Dispute:
    """Correct what was recorded when the dispute was raised, or add its lessons learned.

    Only the keys present in ``data`` change: ``title``, ``description``, ``dispute_type``,
    ``parties`` (membership ids), ``other_parties``, ``confidential``, ``documents`` (document
    ids) and ``lessons``. A value equal to the stored one is no change.

    Who: the people who escalate and resolve it (``can_act_on_dispute``): the person who raised
    it, the users of the partner organisations involved and, for a dispute that is not
    confidential, the lead partner's administrators, who keep the partnership's register. Other
    partners and platform staff only read it. A party may add partners; only the person who
    raised the dispute removes another side (a partner may withdraw its own organisation), and
    the partners removed are told, so that no side is dropped from a dispute without knowing.

    Rules:

    - A resolved dispute is the record of a settlement: only its lessons learned and its
      documents change; any other change is refused, field by field. Lessons learned belong to
      the resolution: an open dispute refuses them (they are given when resolving).
    - Parties, as when raised: current partners of this partnership (a party that has left the
      partnership since may stay on the dispute).
    - Documents, as when raised: documents of this partnership the actor may see. Linked
      documents the actor may not see stay linked (one cannot remove what one cannot see).
    - A confidential dispute is seen only by its parties: it keeps at least one.

    Versioned (``expected_version``; a stale one raises ``StaleEdit``, 409, nothing written) and
    audited: simple-history records the field changes, and the party and document changes are
    written into the record's change reason, which the History tab shows
    (``disputes.history``). The parties are told (``disputes.changed``).
    """
    _deny(
        can_act_on_dispute(actor, dispute),
        _("Only the partners involved can edit this dispute."),
    )
    resolved = dispute.status == DisputeStatus.RESOLVED
    errors: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for name in DISPUTE_EDIT_FIELDS:
        if name not in data:
            continue
        value = bool(data[name]) if name == "confidential" else (data[name] or "")
        if value == getattr(dispute, name):
            continue
        if resolved and name not in RESOLVED_EDITABLE:
            errors[name] = _locked_message()
        elif not resolved and name == "lessons":
            errors[name] = _(
                "Lessons learned are recorded when the dispute is resolved: resolve it first."
            )
        else:
            fields[name] = value

    old_parties = {m.pk: m for m in dispute.parties.all()}
    parties: list[PartnershipMember] | None = None
    if "parties" in data and set(data["parties"] or []) != set(old_parties):
        ids = list(data["parties"] or [])
        if resolved:
            errors["parties"] = _locked_message()
        else:
            parties = list(
                dispute.partnership.members.filter(pk__in=ids).filter(
                    Q(left_on__isnull=True) | Q(pk__in=list(old_parties))
                )
            )
            if len(parties) != len(set(ids)):
                errors["parties"] = _("Choose current partners of this partnership.")
            elif not _may_remove(
                actor, dispute, [m for pk, m in old_parties.items() if pk not in ids]
            ):
                errors["parties"] = _(
                    "Only the person who raised the dispute removes another side from it; "
                    "a partner may withdraw its own organisation."
                )

    old_documents = {d.pk: d for d in dispute.documents.select_related("owner")}
    documents: list[Document] | None = None
    if "documents" in data:
        wanted = set(data["documents"] or [])
        hidden = {
            pk
            for pk, d in old_documents.items()
            if not can_view_item(
                actor, dispute.partnership, d.confidentiality, d.owner.organisation_id
            )
        }
        if wanted | hidden != set(old_documents):
            try:
                added = _documents(dispute.partnership, list(wanted - set(old_documents)), actor)
            except ValidationError as exc:
                errors.update(exc.message_dict)
            else:
                kept = [d for pk, d in old_documents.items() if pk in wanted or pk in hidden]
                documents = kept + added

    confidential = fields.get("confidential", dispute.confidential)
    if confidential and not (parties if parties is not None else old_parties) and not errors:
        errors["parties"] = _("Name the partners involved: only they see a confidential dispute.")
    if errors:
        raise ValidationError(errors)
    if not fields and parties is None and documents is None:
        return dispute  # nothing changed: no version, no history row, nobody told

    reason: dict[str, list[list[int]]] = {}
    if parties is not None:
        reason["parties"] = [sorted(old_parties), sorted(m.pk for m in parties)]
    if documents is not None:
        reason["documents"] = [sorted(old_documents), sorted(d.pk for d in documents)]
    dispute._change_reason = json.dumps(reason) if reason else None  # type: ignore[attr-defined]
    dispute = save_versioned(dispute, expected_version=expected_version, actor=actor, fields=fields)
    if parties is not None:
        dispute.parties.set(parties)
    if documents is not None:
        dispute.documents.set(documents)
    kept = {m.pk for m in parties} if parties is not None else set(old_parties)
    removed = [m.organisation for pk, m in old_parties.items() if pk not in kept]
    _tell_parties(dispute, "disputes.changed", actor, also=removed)
    return dispute


def escalate_overdue(now: datetime.datetime | None = None) -> dict[str, list[Any]]:
    """The job: every open dispute past its rung's deadline goes one rung up ("escalated on
    deadline"), or, on the last rung, is marked overdue once; every grievance not acknowledged
    in time is flagged once. Idempotent: a second run finds nothing new. Parties are told."""
    now = now or timezone.now()
    escalated: list[Dispute] = []
    overdue: list[Dispute] = []
    for d in selectors.overdue_disputes(now):
        with transaction.atomic():
            dispute = Dispute.objects.select_for_update().get(pk=d.pk)
            if dispute.status != DisputeStatus.OPEN or dispute.deadline > now:
                continue
            if dispute.has_next:
                previous = ladders.rung_label(dispute.current)
                _escalate(
                    dispute,
                    actor=None,
                    reason=str(_("The deadline of “%(step)s” passed.") % {"step": previous}),
                    on_deadline=True,
                )
                dispute.rung_started_at = now
                dispute.steps[-1]["at"] = now.isoformat()
                dispute.version += 1
                dispute._history_user = None  # type: ignore[attr-defined]
                dispute.save()
                _tell_parties(
                    dispute,
                    "disputes.escalated_on_deadline",
                    None,
                    step=ladders.rung_label(dispute.current),
                    previous=previous,
                )
                escalated.append(dispute)
            elif dispute.overdue_notified_at is None:
                dispute.overdue_notified_at = now
                dispute._history_user = None  # type: ignore[attr-defined]
                dispute.save(update_fields=["overdue_notified_at"])
                _tell_parties(
                    dispute, "disputes.overdue", None, step=ladders.rung_label(dispute.current)
                )
                overdue.append(dispute)
    grievances: list[Grievance] = []
    for g in selectors.overdue_grievances(now):
        with transaction.atomic():
            Grievance.objects.filter(pk=g.pk).update(overdue_notified_at=now)
            member = designated_member(g.partnership)
            notify(
                kind="disputes.grievance_overdue",
                organisations=[member.organisation] if member else [],
                partnership_id=g.partnership_id,
                url=reverse("disputes:grievance", args=[g.partnership_id, g.pk]),
                params={"partnership": g.partnership.title, "reference": g.reference},
                feed=False,
            )
            grievances.append(g)
    return {"escalated": escalated, "overdue": overdue, "grievances": grievances}


# --------------------------------------------------------------------------- grievances


@transaction.atomic
def grievance_file(*, partnership: Partnership, data: dict[str, Any]) -> Grievance:
    """Anyone, without an account, on a published partnership."""
    if partnership.visibility != Visibility.PUBLIC:
        raise PermissionDenied(_("Grievances are filed on published partnerships."))
    if not (data.get("description") or "").strip():
        raise ValidationError({"description": _("Say what happened.")})
    settings = selectors.settings_of(partnership)
    grievance = Grievance(
        partnership=partnership,
        name=(data.get("name") or "").strip(),
        contact=(data.get("contact") or "").strip(),
        description=data["description"].strip(),
        desa=(data.get("desa") or "").strip(),
        acknowledge_by=timezone.now() + datetime.timedelta(days=settings.acknowledge_days),
    )
    while Grievance.objects.filter(reference=grievance.reference).exists():  # pragma: no cover
        grievance.reference = Grievance._meta.get_field("reference").default()
    _create(grievance, None)
    member = designated_member(partnership)
    notify(
        kind="disputes.grievance_filed",
        organisations=[member.organisation] if member else [],
        partnership_id=partnership.pk,
        url=reverse("disputes:grievance", args=[partnership.pk, grievance.pk]),
        params={
            "partnership": partnership.title,
            "reference": grievance.reference,
            "days": settings.acknowledge_days,
        },
        feed=False,
    )
    return grievance


@transaction.atomic
def grievance_acknowledge(
    *,
    actor: Any,
    grievance: Grievance,
    public_response: str = "",
    expected_version: int | None,
) -> Grievance:
    _deny(
        can_handle_grievances(actor, grievance.partnership),
        _("Only the partner designated to answer grievances can acknowledge one."),
    )
    if grievance.status != GrievanceStatus.RECEIVED:
        raise ApplicationError(_("This grievance was already acknowledged."))
    return save_versioned(
        grievance,
        expected_version=expected_version,
        actor=actor,
        fields={
            "status": GrievanceStatus.ACKNOWLEDGED,
            "acknowledged_at": timezone.now(),
            "acknowledged_by": actor,
            "public_response": (public_response or "").strip() or grievance.public_response,
        },
    )


@transaction.atomic
def grievance_respond(
    *,
    actor: Any,
    grievance: Grievance,
    public_response: str,
    close: bool = False,
    expected_version: int | None,
) -> Grievance:
    _deny(
        can_handle_grievances(actor, grievance.partnership),
        _("Only the partner designated to answer grievances can answer one."),
    )
    fields: dict[str, Any] = {"public_response": (public_response or "").strip()}
    if grievance.status == GrievanceStatus.RECEIVED:
        fields |= {"acknowledged_at": timezone.now(), "acknowledged_by": actor}
        fields["status"] = GrievanceStatus.ACKNOWLEDGED
    if close:
        fields["status"] = GrievanceStatus.CLOSED
    return save_versioned(grievance, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def grievance_to_dispute(*, actor: Any, grievance: Grievance) -> Dispute:
    """Handle the grievance as a dispute of type grievance between the designated partner and
    the affected people."""
    _deny(
        can_handle_grievances(actor, grievance.partnership),
        _("Only the partner designated to answer grievances can do this."),
    )
    existing = Dispute.objects.filter(grievance=grievance).first()
    if existing is not None:
        return existing
    member = designated_member(grievance.partnership)
    who = grievance.name or str(_("Affected people"))
    if grievance.desa:
        who = f"{who} ({grievance.desa})"
    dispute = dispute_create(
        actor=actor,
        partnership=grievance.partnership,
        data={
            "title": str(_("Grievance %(reference)s") % {"reference": grievance.reference}),
            "description": grievance.description,
            "dispute_type": DisputeType.GRIEVANCE,
            "other_parties": who,
            "parties": [member.pk] if member else [],
            "grievance": grievance,
        },
    )
    fields: dict[str, Any] = {"status": GrievanceStatus.IN_PROGRESS}
    if grievance.acknowledged_at is None:
        fields |= {"acknowledged_at": timezone.now(), "acknowledged_by": actor}
    for k, v in fields.items():
        setattr(grievance, k, v)
    grievance.version += 1
    grievance._history_user = actor  # type: ignore[attr-defined]
    grievance.save()
    return dispute


# --------------------------------------------------------------------------- events


@transaction.atomic
def event_create(
    *, actor: Any, data: dict[str, Any], partnerships: list[Partnership] = ()
) -> PoliticalEvent:
    _deny(
        can_enter_events(actor),
        _("Only partners and platform staff can enter political events."),
    )
    if not partnerships and not getattr(actor, "is_staff", False):
        # the public log shows every event: a partner enters what concerns its partnerships
        raise ValidationError(
            {
                "partnerships": _(
                    "Link the event to a partnership you are a partner of: only platform staff "
                    "enter events that concern no partnership yet."
                )
            }
        )
    for p in partnerships:
        _deny(
            can_link_event(actor, p),
            _("You can link an event only to partnerships you are a partner of."),
        )
    event = PoliticalEvent(
        kind=data.get("kind", ""),
        title=data.get("title", ""),
        date=data.get("date"),
        description=data.get("description", ""),
        region=data.get("region", ""),
        source=data.get("source", ""),
        created_by=actor,
    )
    _create(event, actor)
    for p in partnerships:
        event_link(actor=actor, event=event, partnership=p)
    return event


@transaction.atomic
def event_link(
    *, actor: Any, event: PoliticalEvent, partnership: Partnership, note: str = ""
) -> EventLink:
    _deny(
        can_link_event(actor, partnership),
        _("You can link an event only to partnerships you are a partner of."),
    )
    link = EventLink.objects.filter(event=event, partnership=partnership).first()
    if link is not None:
        return link
    link = _create(
        EventLink(event=event, partnership=partnership, note=note, linked_by=actor), actor
    )
    notify(
        kind="disputes.event_linked",
        actor=actor,
        organisations=[
            m.organisation for m in partnership.members.all() if m.is_lead and m.left_on is None
        ],
        partnership_id=partnership.pk,
        url=reverse("partnerships:tab", args=[partnership.pk, "disputes"]),
        params={"partnership": partnership.title, "event": event.title},
    )
    return link


@transaction.atomic
def link_stress(*, actor: Any, link: EventLink) -> EventLink:
    """Create the stress scenario the event implies through finance's service (saved and
    audited there), run the partnership's scenarios, and keep it on the link."""
    from mitra.finance import appraisal_services

    _deny(
        can_link_event(actor, link.partnership),
        _("Only the partners of this partnership can do this."),
    )
    template = selectors.proposed_scenario(link)
    if template is None:
        raise ApplicationError(_("This kind of event implies no stress scenario."))
    if link.scenario is None:
        name = f"{link.event.title}: {template['name']}"[:120]
        from mitra.finance.appraisal_models import StressScenario

        scenario = StressScenario.objects.filter(partnership=link.partnership, name=name).first()
        if scenario is None:
            scenario = appraisal_services.scenario_create(
                actor=actor,
                partnership=link.partnership,
                data={
                    "name": name,
                    "description": str(template["description"]),
                    "template": template["key"],
                    "shocks": template["shocks"],
                },
            )
        link.scenario = scenario
        link.version += 1
        link._history_user = actor  # type: ignore[attr-defined]
        link.save()
    appraisal_services.stress_run(actor=actor, partnership=link.partnership)
    link.refresh_from_db()
    return link


# --------------------------------------------------------------------------- amendments


@transaction.atomic
def amendment_create(
    *, actor: Any, partnership: Partnership, data: dict[str, Any]
) -> ContractAmendment:
    _deny(
        can_record_amendment(actor, partnership),
        _("Only the partners of this partnership can record an amendment."),
    )
    document = data.get("document")
    if document is not None and document.partnership_id != partnership.pk:
        raise ValidationError({"document": _("Choose a document of this partnership.")})
    amendment = ContractAmendment(
        partnership=partnership,
        date=data.get("date"),
        rationale=data.get("rationale", ""),
        description=data.get("description", ""),
        amends=data.get("amends", ""),
        document=document,
        event=data.get("event"),
        dispute=data.get("dispute"),
        public=data.get("public", True),
        created_by=actor,
    )
    return _create(amendment, actor)
