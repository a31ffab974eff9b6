"""Reads of the goals: visibility and confidentiality applied once, for every caller.

- ``goals_get``: the levers, each partner's objectives as this reader may see them (an objective
  for its owner only shows to others as a *hidden constraint*: who and which lever, no figures),
  and the negotiation record.
- ``alignment_spec``: the JSON ``mitra align`` reads, built from the objectives the reader may
  see (the API's ``alignment-spec``); with ``counted=True`` from every objective (the page's
  computation, where hidden constraints count but are never shown).
- ``alignment_result``: ``mitra.analysis.align`` on such a spec (the same numbers as the CLI).

Objectives of partners that have left the partnership are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from mitra.analysis import AlignmentResult, align
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.money import format_money, format_number
from mitra.partnerships.models import Partnership, PartnershipMember

from .models import Lever, LeverObjective, LeverUnit, NegotiationEntry
from .permissions import can_see_objective_values, can_view_goals

SPEC_VERSION = "1.0"


def require_goals(user: Any, partnership: Partnership) -> None:
    if not can_view_goals(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership can see its goals."))


# --------------------------------------------------------------------------- values in words


def unit_text(lever: Lever) -> str:
    """The lever's unit as a short label in the reader's language (IDR, %, years, people...)."""
    from mitra.core.choices import unit_label

    if lever.unit == LeverUnit.MONEY:
        return lever.currency
    if lever.unit == LeverUnit.PERCENT:
        return "%"
    if lever.unit == LeverUnit.YEARS:
        return _("years")
    if lever.unit == LeverUnit.DAYS:
        return _("days")
    return unit_label(lever.unit)


def spec_unit(lever: Lever) -> str:
    """The unit label the spec carries (language-independent: the API and CLI agree)."""
    if lever.unit == LeverUnit.MONEY:
        return lever.currency
    if lever.unit == LeverUnit.PERCENT:
        return "%"
    return lever.unit


def _places(value: Decimal) -> int:
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return 0 if not isinstance(exponent, int) or exponent >= 0 else min(-exponent, 2)


def value_text(lever: Lever, value: Decimal | float | None) -> str:
    """A lever value in the reader's locale: ``Rp 46.000`` / ``IDR 46,000``, ``35 %``, ``12 years``."""
    if value is None:
        return ""
    if isinstance(value, float):
        # A computed value (a compromise, a gap): rounded to what the lever's span makes sensible.
        span = float(lever.max_value - lever.min_value)
        value = round(value, 0 if span >= 1000 else (1 if span >= 10 else 2)) + 0.0
        amount = Decimal(str(value))
    else:
        amount = value
    places = _places(amount)
    if lever.unit == LeverUnit.MONEY:
        text = format_money(amount.quantize(Decimal("0.01")), lever.currency)
        return re.sub(r"[,.]00$", "", text) if places == 0 else text
    number = format_number(amount, places)
    if lever.unit == LeverUnit.PERCENT:
        return f"{number}%"
    return f"{number} {unit_text(lever)}"


# --------------------------------------------------------------------------- the tab


@dataclass(frozen=True)
class ObjectiveView:
    """An objective as one reader sees it: ``hidden`` ones carry no figures (all None)."""

    pk: int
    lever_id: int
    member: PartnershipMember
    hidden: bool
    mine: bool
    confidentiality: str
    direction: str | None
    preferred: Decimal | None
    acceptable_min: Decimal | None
    acceptable_max: Decimal | None
    walk_away: Decimal | None
    weight: int | None
    note: str
    version: int

    @property
    def partner_name(self) -> str:
        return str(self.member.organisation)


@dataclass
class LeverView:
    lever: Lever
    objectives: list[ObjectiveView] = field(default_factory=list)

    @property
    def visible(self) -> list[ObjectiveView]:
        return [o for o in self.objectives if not o.hidden]

    @property
    def hidden(self) -> list[ObjectiveView]:
        return [o for o in self.objectives if o.hidden]

    def mine(self, member_ids: set[int]) -> list[ObjectiveView]:
        return [o for o in self.objectives if o.member.pk in member_ids]


@dataclass
class Goals:
    partnership: Partnership
    levers: list[LeverView]
    entries: list[NegotiationEntry]
    members: list[PartnershipMember]

    @property
    def objective_count(self) -> int:
        return sum(len(lv.objectives) for lv in self.levers)


def _current_members(partnership: Partnership) -> list[PartnershipMember]:
    return [m for m in partnership.members.all() if m.left_on is None]


def _objectives(partnership: Partnership) -> list[LeverObjective]:
    return list(
        LeverObjective.objects.filter(
            lever__partnership=partnership, member__left_on__isnull=True
        ).select_related("member__organisation", "lever")
    )


def _view(user: Any, o: LeverObjective, own_orgs: set[int]) -> ObjectiveView:
    shown = can_see_objective_values(user, o.confidentiality, o.member.organisation_id)
    return ObjectiveView(
        pk=o.pk,
        lever_id=o.lever_id,
        member=o.member,
        hidden=not shown,
        mine=o.member.organisation_id in own_orgs,
        confidentiality=o.confidentiality,
        direction=o.direction if shown else None,
        preferred=o.preferred if shown else None,
        acceptable_min=o.acceptable_min if shown else None,
        acceptable_max=o.acceptable_max if shown else None,
        walk_away=o.walk_away if shown else None,
        weight=o.weight if shown else None,
        note=o.note if shown else "",
        version=o.version,
    )


def goals_get(*, user: Any, partnership: Partnership) -> Goals:
    """Everything the Goals tab shows this reader."""
    from mitra.organisations.permissions import user_organisation_ids

    require_goals(user, partnership)
    own = user_organisation_ids(user)
    levers = [LeverView(lv) for lv in partnership.goal_levers.all()]
    by_id = {lv.lever.pk: lv for lv in levers}
    for o in _objectives(partnership):
        by_id[o.lever_id].objectives.append(_view(user, o, own))
    entries = list(
        NegotiationEntry.objects.filter(partnership=partnership)
        .select_related("lever", "member__organisation", "recorded_by")
        .prefetch_related("parties__organisation")
    )
    return Goals(partnership, levers, entries, _current_members(partnership))


def lever_get(*, user: Any, partnership: Partnership, pk: int) -> Lever:
    require_goals(user, partnership)
    try:
        return partnership.goal_levers.get(pk=pk)
    except Lever.DoesNotExist:
        raise NotFound(_("Lever not found.")) from None


def objective_get(*, user: Any, lever: Lever, member: PartnershipMember) -> LeverObjective | None:
    """The partner's own objective on the lever (only for its own users), or None."""
    from .permissions import can_state_objective

    if not can_state_objective(user, member):
        raise PermissionDenied(_("You state objectives for your own organisation only."))
    return LeverObjective.objects.filter(lever=lever, member=member).first()


# --------------------------------------------------------------------------- the alignment spec


def partner_ids(partnership: Partnership) -> dict[int, str]:
    """Spec id of each member (from its short name; stable for a given membership list)."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for m in sorted(partnership.members.all(), key=lambda m: m.pk):
        org = m.organisation
        base = re.sub(r"[^a-z0-9_]", "_", slugify(org.short_name or org.name).replace("-", "_"))
        base = base[:30].strip("_") or "partner"
        if not base[0].isalpha():
            base = f"p_{base}"
        key, n = base, 2
        while key in taken:
            key, n = f"{base}_{n}", n + 1
        taken.add(key)
        out[m.pk] = key
    return out


def alignment_spec(
    *, user: Any, partnership: Partnership, counted: bool = False
) -> dict[str, Any] | None:
    """The ``mitra align`` spec of this partnership: the objectives the reader may see, or every
    objective with ``counted=True`` (for the computation only: never hand that to a reader).
    None when no partner has stated an objective yet. Levers and partners without objectives
    are left out (the spec requires every lever and partner to have one)."""
    require_goals(user, partnership)
    ids = partner_ids(partnership)
    kept: dict[int, list[LeverObjective]] = {}
    for o in _objectives(partnership):
        if counted or can_see_objective_values(user, o.confidentiality, o.member.organisation_id):
            kept.setdefault(o.member_id, []).append(o)
    if not kept:
        return None
    used = {o.lever_id for items in kept.values() for o in items}
    levers = [lv for lv in partnership.goal_levers.all() if lv.pk in used]
    members = {m.pk: m for m in partnership.members.all()}
    return {
        "spec_version": SPEC_VERSION,
        "name": partnership.title or f"#{partnership.pk}",
        "levers": [
            {
                "id": lv.key,
                "name": lv.name,
                "unit": spec_unit(lv),
                "bounds": [float(lv.min_value), float(lv.max_value)],
            }
            for lv in levers
        ],
        "partners": [
            {
                "id": ids[pk],
                "name": members[pk].organisation.name,
                "sector": members[pk].organisation.sector,
                "objectives": [
                    _objective_spec(o) for o in sorted(kept[pk], key=lambda o: o.lever_id)
                ],
            }
            for pk in sorted(kept)
        ],
    }


def _objective_spec(o: LeverObjective) -> dict[str, Any]:
    out: dict[str, Any] = {"lever": o.lever.key, "direction": o.direction}
    if o.direction == "target":
        out["target"] = float(o.preferred)
    out |= {
        "weight": o.weight,
        "range": [float(o.acceptable_min), float(o.acceptable_max)],
    }
    if o.note:
        out["note"] = o.note
    return out


def alignment_result(
    *, user: Any, partnership: Partnership, counted: bool = False
) -> AlignmentResult | None:
    """``mitra.analysis.align`` on :func:`alignment_spec` (None when there is nothing to align)."""
    spec = alignment_spec(user=user, partnership=partnership, counted=counted)
    return None if spec is None else align(spec)
