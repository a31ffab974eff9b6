"""Writes on the goals of a partnership: permission, validation, version check, audit.

Every write runs in one transaction, calls ``full_clean()`` (the model's rules give field-level
messages: a range that does not contain the preferred value, a walk-away point on the wrong side)
and records who did it in the audit trail (simple-history). Edits carry the version they were made
on; a stale edit is refused (``StaleEdit``).

``record_agreement`` is the public entry point for other capabilities (the benefits app records
the agreed sharing rule through it, in the same negotiation record).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.partnerships.models import Partnership, PartnershipMember

from .models import EntryKind, Lever, LeverObjective, NegotiationEntry
from .permissions import (
    can_edit_goals,
    can_record_agreement,
    can_state_objective,
)

LEVER_FIELDS = (
    "name_ind",
    "name_en",
    "description_ind",
    "description_en",
    "unit",
    "currency",
    "min_value",
    "max_value",
    "direction",
)
OBJECTIVE_FIELDS = (
    "direction",
    "preferred",
    "acceptable_min",
    "acceptable_max",
    "walk_away",
    "weight",
    "confidentiality",
    "note",
)


def audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _actor_member(actor: Any, partnership: Partnership) -> PartnershipMember | None:
    """The actor's partner in this partnership (the lead's first, when the user has several)."""
    from mitra.organisations.permissions import user_organisation_ids

    orgs = user_organisation_ids(actor)
    mine = [m for m in partnership.members.all() if m.left_on is None and m.organisation_id in orgs]
    mine.sort(key=lambda m: (not m.is_lead, m.pk))
    return mine[0] if mine else None


# --------------------------------------------------------------------------- levers


def lever_key(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]", "_", slugify(name).replace("-", "_"))[:30].strip("_") or "lever"
    if not base[0].isalpha():
        base = f"l_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@transaction.atomic
def lever_create(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    catalogue_key: str = "",
) -> Lever:
    """Add a shared lever (from the catalogue or the partner's own)."""
    deny_unless(
        can_edit_goals(actor, partnership), _("Only partners of this partnership add levers.")
    )
    taken = set(partnership.goal_levers.values_list("key", flat=True))
    if catalogue_key and catalogue_key in taken:
        raise ApplicationError(
            _("This lever is already on the list."), {"field": "catalogue_entry"}
        )
    lever = Lever(
        partnership=partnership,
        key=catalogue_key or lever_key(data.get("name_en") or data.get("name_ind") or "", taken),
        catalogue_key=catalogue_key,
        added_by=_actor_member(actor, partnership),
        **{k: v for k, v in data.items() if k in LEVER_FIELDS},
    )
    lever.currency = (lever.currency or "").upper()
    lever.full_clean()
    audited(lever, actor)
    lever.save()
    return lever


@transaction.atomic
def lever_update(
    *, actor: Any, lever: Lever, data: dict[str, Any], expected_version: int | None
) -> Lever:
    deny_unless(
        can_edit_goals(actor, lever.partnership),
        _("Only partners of this partnership change levers."),
    )
    fields = {k: v for k, v in data.items() if k in LEVER_FIELDS}
    if "currency" in fields:
        fields["currency"] = (fields["currency"] or "").upper()
    new_min = fields.get("min_value", lever.min_value)
    new_max = fields.get("max_value", lever.max_value)
    outside = [
        o
        for o in lever.objectives.all()
        if o.acceptable_min < new_min or o.acceptable_max > new_max
    ]
    if outside:
        raise ApplicationError(
            _(
                "%(n)s objective(s) on this lever lie outside the new bounds; keep the bounds "
                "wide enough for them."
            )
            % {"n": len(outside)},
            {"field": "min_value"},
        )
    return save_versioned(lever, expected_version=expected_version, actor=actor, fields=fields)


@transaction.atomic
def lever_delete(*, actor: Any, lever: Lever) -> None:
    deny_unless(
        can_record_agreement(actor, lever.partnership),
        _("Only the lead partner's administrators remove a lever."),
    )
    audited(lever, actor)
    lever.delete()


# --------------------------------------------------------------------------- objectives


@transaction.atomic
def objective_set(
    *,
    actor: Any,
    lever: Lever,
    member: PartnershipMember,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> LeverObjective:
    """State (or change) the partner's objective on the lever; one per lever and partner."""
    deny_unless(
        member.partnership_id == lever.partnership_id and can_state_objective(actor, member),
        _("You state objectives for your own organisation only."),
    )
    fields = {k: v for k, v in data.items() if k in OBJECTIVE_FIELDS}
    existing = LeverObjective.objects.filter(lever=lever, member=member).first()
    if existing is not None:
        return save_versioned(
            existing,
            expected_version=expected_version,
            actor=actor,
            fields=fields,
        )
    objective = LeverObjective(lever=lever, member=member, **fields)
    objective.full_clean()
    audited(objective, actor)
    objective.save()
    return objective


@transaction.atomic
def objective_delete(*, actor: Any, objective: LeverObjective) -> None:
    deny_unless(
        can_state_objective(actor, objective.member),
        _("You remove objectives of your own organisation only."),
    )
    audited(objective, actor)
    objective.delete()


# --------------------------------------------------------------------------- negotiation record


def _entry(
    *,
    actor: Any,
    partnership: Partnership,
    kind: str,
    lever: Lever | None = None,
    subject: str = "",
    value: Decimal | None = None,
    value_text: str = "",
    note: str = "",
    parties: Iterable[PartnershipMember] | None = None,
) -> NegotiationEntry:
    if lever is not None and lever.partnership_id != partnership.pk:
        raise ApplicationError(_("This lever belongs to another partnership."), {"field": "lever"})
    entry = NegotiationEntry(
        partnership=partnership,
        lever=lever,
        subject=(subject or "").strip(),
        kind=kind,
        value=value,
        value_text=(value_text or "").strip(),
        member=_actor_member(actor, partnership),
        note=note or "",
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.full_clean(exclude=["parties"])
    audited(entry, actor)
    entry.save()
    if kind == EntryKind.AGREED:
        chosen = list(parties) if parties is not None else []
        if not chosen:
            chosen = [m for m in partnership.members.all() if m.left_on is None]
        foreign = [m for m in chosen if m.partnership_id != partnership.pk]
        if foreign:
            raise ApplicationError(
                _("Only partners of this partnership can agree."), {"field": "parties"}
            )
        entry.parties.set(chosen)
    return entry


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    partnership: Partnership,
    lever: Lever | None,
    kind: str,
    value: Decimal | None = None,
    subject: str = "",
    value_text: str = "",
    note: str = "",
) -> NegotiationEntry:
    """A proposal or counter-proposal, on a lever or another topic, by the actor's partner."""
    deny_unless(
        can_edit_goals(actor, partnership),
        _("Only partners of this partnership make proposals."),
    )
    if kind not in (EntryKind.PROPOSAL, EntryKind.COUNTER):
        raise ApplicationError(_("Choose a proposal or a counter-proposal."), {"field": "kind"})
    return _entry(
        actor=actor,
        partnership=partnership,
        kind=kind,
        lever=lever,
        subject=subject,
        value=value,
        value_text=value_text,
        note=note,
    )


@transaction.atomic
def lever_agreement_record(
    *,
    actor: Any,
    partnership: Partnership,
    lever: Lever,
    value: Decimal,
    parties: Iterable[PartnershipMember] | None = None,
    note: str = "",
) -> NegotiationEntry:
    """The agreed value of a lever, with the partners who agreed (default: every current one)."""
    deny_unless(
        can_record_agreement(actor, partnership),
        _("Only the lead partner's administrators record an agreement."),
    )
    return _entry(
        actor=actor,
        partnership=partnership,
        kind=EntryKind.AGREED,
        lever=lever,
        value=value,
        note=note,
        parties=parties,
    )


@transaction.atomic
def record_agreement(
    *, actor: Any, partnership: Partnership, subject: str, value: str, note: str = ""
) -> NegotiationEntry:
    """Record an agreement on a topic that is not a lever, in the partnership's negotiation record.

    For other capabilities (benefits: ``subject="Benefit-sharing rule"``, ``value="Shapley
    value"``). Permission: the actor's organisation is a partner that may manage the partnership
    (its lead's administrators); otherwise ``PermissionDenied``. An empty subject or value raises
    ``ValidationError`` on ``subject`` / ``value_text``. Audited; every current partner is listed as
    having agreed.
    """
    deny_unless(
        can_record_agreement(actor, partnership),
        _("Only the lead partner's administrators record an agreement."),
    )
    return _entry(
        actor=actor,
        partnership=partnership,
        kind=EntryKind.AGREED,
        subject=subject,
        value_text=value,
        note=note,
    )
