"""Reads of the benefit sharing: visibility and confidentiality applied once, for every caller.

A reader's sharing game counts the deliveries of every commitment the reader may see: those of
the partners' own commitments marked confidential count in their owner's view only (see
``permissions``). ``shared=True`` gives the game every partner sees alike (no owner-only
contribution at all): the one an agreement is computed from.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mitra.analysis import ShareResult, SpecIssue, analyse_game, load_game, validate_game
from mitra.core.choices import Confidentiality, unit_label
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.money import format_money, format_number
from mitra.organisations.models import ResourceType
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Commitment, Partnership, PartnershipMember

from . import specs
from .models import (
    CoalitionEstimate,
    SharingAgreement,
    SharingPlayer,
    SharingSettings,
    UnitValue,
)
from .permissions import can_edit_sharing, can_record_agreement, can_view_sharing
from .specs import Estimate, GameRows, Player, ValuedItem

#: The guided form asks for every group of partners up to this many partners (2^8 - 2 = 254
#: groups at most, most of them left at their default); larger games are imported as a file.
GUIDED_LIMIT = 8
#: Exact Shapley values and the core check, as ``mitra share`` computes them without sampling.
EXACT_LIMIT = 20


def require_view(user: Any, partnership: Partnership) -> None:
    if not can_view_sharing(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership see its benefit sharing."))


def settings_of(partnership: Partnership) -> SharingSettings | None:
    return SharingSettings.objects.filter(partnership=partnership).first()


def current_members(partnership: Partnership) -> list[PartnershipMember]:
    return list(
        partnership.members.filter(left_on__isnull=True)
        .select_related("organisation")
        .order_by("id")
    )


def players_of(partnership: Partnership) -> list[Player]:
    """The current partners in member order, with their stored id, walk-away value and weight
    (defaults for a partner nobody has written about yet)."""
    rows = {p.member_id: p for p in SharingPlayer.objects.filter(partnership=partnership)}
    taken = {p.key for p in rows.values()}
    out = []
    for member in current_members(partnership):
        organisation = member.organisation
        row = rows.get(member.pk)
        if row is None:
            key = specs.player_key(organisation.short_name or organisation.name, taken)
            taken.add(key)
        out.append(
            Player(
                member_id=member.pk,
                key=row.key if row else key,
                name=organisation.name,
                short_name=organisation.short_name or organisation.name,
                sector=organisation.sector,
                organisation_id=organisation.pk,
                walk_away=row.walk_away if row else Decimal("0.00"),
                bargaining_weight=row.bargaining_weight if row else Decimal(1),
                stored=row is not None,
            )
        )
    return out


def currency_of(partnership: Partnership, settings: SharingSettings | None) -> tuple[str, Decimal]:
    if settings is not None:
        return settings.currency, settings.amount_unit
    currency = partnership.currency or "IDR"
    return currency, specs.default_amount_unit(currency)


# --------------------------------------------------------------------------- valuation


@dataclass
class UnitValueRow:
    """A resource type and unit the partnership counts in, and its agreed value (if any)."""

    resource_type: str
    unit: str
    row: UnitValue | None

    @property
    def label(self) -> str:
        return f"{ResourceType(self.resource_type).label} · {unit_label(self.unit)}"


@dataclass
class Valuation:
    items: list[ValuedItem]
    #: Member id → number of commitments with deliveries not counted in this view.
    hidden: dict[int, int]
    currency: str

    @property
    def unvalued(self) -> list[ValuedItem]:
        return [i for i in self.items if i.value is None]

    def total_of(self, member_id: int) -> Decimal:
        return sum(
            (i.value for i in self.items if i.member_id == member_id and i.value is not None),
            Decimal(0),
        )

    @property
    def total(self) -> Decimal:
        return sum((i.value for i in self.items if i.value is not None), Decimal(0))

    @property
    def hidden_total(self) -> int:
        return sum(self.hidden.values())

    @property
    def own_confidential(self) -> list[ValuedItem]:
        return [i for i in self.items if i.confidential]


def _unit_values(partnership: Partnership) -> dict[tuple[str, str], UnitValue]:
    return {
        (u.resource_type, u.unit): u
        for u in UnitValue.objects.filter(partnership=partnership).select_related("set_by")
    }


def valuation(*, user: Any, partnership: Partnership, shared: bool = False) -> Valuation:
    """The current partners' delivered commitments valued in the sharing currency, as this
    reader may see them (``shared``: as every partner sees them)."""
    require_view(user, partnership)
    settings = settings_of(partnership)
    currency, _unit = currency_of(partnership, settings)
    values = _unit_values(partnership)
    mine = set() if shared else user_organisation_ids(user)
    commitments = (
        Commitment.objects.filter(need__partnership=partnership, member__left_on__isnull=True)
        .select_related("need", "member")
        .prefetch_related("deliveries")
        .order_by("member_id", "id")
    )
    items: list[ValuedItem] = []
    hidden: dict[int, int] = {}
    for c in commitments:
        delivered = sum((d.quantity for d in c.deliveries.all()), Decimal(0))
        if delivered <= 0:
            continue
        owner_only = c.confidentiality == Confidentiality.OWNER
        if owner_only and c.member.organisation_id not in mine:
            hidden[c.member_id] = hidden.get(c.member_id, 0) + 1
            continue
        need = c.need
        measure = need.measure
        face = need.resource_type == ResourceType.CASH and measure == currency
        if face:
            unit_value: Decimal | None = Decimal(1)
        else:
            row = values.get((need.resource_type, measure))
            unit_value = row.value if row else None
        value = None if unit_value is None else (delivered * unit_value).quantize(specs.CENT)
        items.append(
            ValuedItem(
                member_id=c.member_id,
                commitment_id=c.pk,
                need_title=need.title,
                resource_type=need.resource_type,
                measure=measure,
                delivered=delivered,
                unit_value=unit_value,
                value=value,
                confidential=owner_only,
                face_value=face,
            )
        )
    return Valuation(items=items, hidden=hidden, currency=currency)


def unit_value_rows(*, user: Any, partnership: Partnership) -> list[UnitValueRow]:
    """Every resource type and unit the partnership's needs count in (cash in another currency
    than the sharing currency too), with its agreed value; built from the needs, which every
    partner sees, so that no confidential commitment shows through."""
    require_view(user, partnership)
    currency, _unit = currency_of(partnership, settings_of(partnership))
    values = _unit_values(partnership)
    pairs: dict[tuple[str, str], None] = {}
    for need in partnership.needs.order_by("resource_type", "id"):
        measure = need.measure
        if need.resource_type == ResourceType.CASH and measure == currency:
            continue
        if measure:
            pairs[(need.resource_type, measure)] = None
    for pair in values:
        pairs[pair] = None
    return [UnitValueRow(rt, unit, values.get((rt, unit))) for rt, unit in pairs]


def unit_value_get(*, user: Any, partnership: Partnership, pk: int) -> UnitValue:
    require_view(user, partnership)
    found = UnitValue.objects.filter(partnership=partnership, pk=pk).first()
    if found is None:
        raise NotFound(_("Unit value not found."))
    return found


# --------------------------------------------------------------------------- the game


def _basis(currency: str) -> Any:
    def words(item: ValuedItem) -> str:
        assert item.unit_value is not None
        if item.resource_type == ResourceType.CASH:
            return _("%(amount)s at %(rate)s per %(from)s (agreed exchange rate)") % {
                "amount": format_money(item.delivered, item.measure),
                "rate": format_money(item.unit_value, currency),
                "from": item.measure,
            }
        return _("%(quantity)s %(unit)s delivered × %(value)s per unit (agreed unit value)") % {
            "quantity": format_number(item.delivered, 2),
            "unit": unit_label(item.measure),
            "value": format_money(item.unit_value, currency),
        }

    return words


def game_rows(*, user: Any, partnership: Partnership, shared: bool = False) -> GameRows:
    require_view(user, partnership)
    settings = settings_of(partnership)
    currency, amount_unit = currency_of(partnership, settings)
    players = players_of(partnership)
    estimates = [
        Estimate(e.kind, e.member_ids, e.value, e.note)
        for e in CoalitionEstimate.objects.filter(partnership=partnership)
    ]
    return GameRows(
        name=(settings.name if settings and settings.name else partnership.title),
        description=settings.description if settings else "",
        currency=currency,
        amount_unit=amount_unit,
        total_benefit=settings.total_benefit if settings else None,
        missing=settings.missing if settings else "additive",
        proposal_kind=settings.proposal_kind if settings else "rule",
        proposal_rule=settings.proposal_rule if settings else "proportional",
        proposal_values=dict(settings.proposal_values or {}) if settings else {},
        proposal_name=settings.proposal_name if settings else "",
        players=players,
        items=valuation(user=user, partnership=partnership, shared=shared).items,
        estimates=estimates,
    )


def game_spec(*, user: Any, partnership: Partnership, shared: bool = False) -> dict[str, Any]:
    """The sharing-game spec of the partnership as this reader may see it: the file
    ``mitra share`` reads (``GET .../sharing-game``)."""
    rows = game_rows(user=user, partnership=partnership, shared=shared)
    return specs.build_spec(rows, _basis(rows.currency))


def game_issues(spec: dict[str, Any]) -> list[SpecIssue]:
    return validate_game(spec)


def analyse(spec: dict[str, Any]) -> ShareResult:
    """``mitra share`` on the spec (exact Shapley values up to 20 partners; sampled with a
    fixed seed beyond, so that a page shows the same numbers on every visit)."""
    game = load_game(spec)
    if game.n > EXACT_LIMIT:
        return analyse_game(game, seed=0)
    return analyse_game(game)


def sharing_result(*, user: Any, partnership: Partnership) -> dict[str, Any]:
    """``mitra share SPEC --format json`` on this reader's spec (``GET .../sharing``); raises
    ``ApplicationError`` with the spec's issues when it cannot be analysed yet."""
    from mitra.core.errors import ApplicationError

    spec = game_spec(user=user, partnership=partnership)
    issues = game_issues(spec)
    if issues:
        raise ApplicationError(
            _("The sharing game is not complete yet: %(n)s problem(s).") % {"n": len(issues)},
            {"issues": [{"path": i.path, "message": i.message} for i in issues]},
        )
    return analyse(spec).to_dict()


# --------------------------------------------------------------------------- coalitions


@dataclass(frozen=True)
class CoalitionRow:
    """One group of partners: its worth (listed or by the default rule) and, when a split is
    known, what the split gives its members and by how much they would gain by leaving."""

    mask: int
    members: tuple[Player, ...]
    worth: float  # amount_unit
    listed: bool
    default: float  # what the default rule gives (amount_unit)
    allocated: float | None = None
    excess: float | None = None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def names(self) -> str:
        return ", ".join(p.short_name for p in self.members)


class Worths:
    """The worth of every group of partners by the spec's rule, read straight from a spec dict
    built by :func:`game_spec` (valid or not yet: the guided form needs the defaults before the
    game is complete). Amounts in ``amount_unit``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.ids = [p["id"] for p in spec["players"]]
        index = {pid: i for i, pid in enumerate(self.ids)}
        self.n = len(self.ids)
        self.full = (1 << self.n) - 1
        cf = spec.get("characteristic_function", {})

        def mask(members: list[str]) -> int:
            return sum(1 << index[m] for m in members if m in index)

        self.listed = {mask(c["members"]): float(c["worth"]) for c in cf.get("coalitions", [])}
        self.synergies = [(mask(s["members"]), float(s["bonus"])) for s in cf.get("synergies", [])]
        self.stand_alone = [
            self.listed.get(1 << i, float(p["walk_away"])) for i, p in enumerate(spec["players"])
        ]
        self.total = float(spec["total_benefit"])

    def default(self, mask: int) -> float:
        """Members' own values plus the synergies the group contains."""
        own = math.fsum(self.stand_alone[i] for i in range(self.n) if mask >> i & 1)
        return own + math.fsum(b for t, b in self.synergies if t and mask & t == t)

    def worth(self, mask: int) -> float:
        if mask == 0:
            return 0.0
        if mask == self.full:
            return self.total
        return self.listed.get(mask, self.default(mask))


def coalition_rows(
    spec: dict[str, Any], players: list[Player], allocation: list[float] | None = None
) -> list[CoalitionRow]:
    """Every proper group of partners, smallest first (at most ``GUIDED_LIMIT`` partners)."""
    w = Worths(spec)
    if w.n > GUIDED_LIMIT:
        return []
    by_key = {p.key: p for p in players}
    members_of = [by_key[pid] for pid in w.ids]
    rows = []
    for size in range(1, w.n):
        for combo in itertools.combinations(range(w.n), size):
            mask = sum(1 << i for i in combo)
            worth = w.worth(mask)
            allocated = None if allocation is None else math.fsum(allocation[i] for i in combo)
            rows.append(
                CoalitionRow(
                    mask=mask,
                    members=tuple(members_of[i] for i in combo),
                    worth=worth,
                    listed=mask in w.listed,
                    default=w.default(mask) if size > 1 else w.stand_alone[combo[0]],
                    allocated=allocated,
                    excess=None if allocated is None else worth - allocated,
                )
            )
    return rows


@dataclass(frozen=True)
class Shortfall:
    """A union of two groups worth less than the two apart (superadditivity fails)."""

    first: tuple[Player, ...]
    second: tuple[Player, ...]
    together: float
    apart: float


def superadditivity_shortfalls(
    spec: dict[str, Any], players: list[Player], limit: int = 5
) -> tuple[list[Shortfall], int]:
    """Pairs of disjoint groups whose union is estimated below the sum of the two (the first
    ``limit``, largest shortfall first, and their number). Checked up to ``GUIDED_LIMIT``."""
    w = Worths(spec)
    n = w.n
    if n > GUIDED_LIMIT or n < 2:
        return [], 0
    by_key = {p.key: p for p in players}
    members_of = [by_key[pid] for pid in w.ids]
    v = [w.worth(m) for m in range(w.full + 1)]
    tol = 1e-9 * max(1.0, max(abs(x) for x in v))
    found = []
    for s in range(1, w.full + 1):
        rest = w.full & ~s
        t = rest
        while t:
            if s < t:  # each unordered pair once
                apart = v[s] + v[t]
                together = v[s | t]
                if together < apart - tol:
                    found.append((apart - together, s, t, together, apart))
            t = (t - 1) & rest
    found.sort(key=lambda f: (-f[0], f[1], f[2]))

    def group(mask: int) -> tuple[Player, ...]:
        return tuple(members_of[i] for i in range(n) if mask >> i & 1)

    shown = [Shortfall(group(s), group(t), tog, apart) for _d, s, t, tog, apart in found[:limit]]
    return shown, len(found)


# --------------------------------------------------------------------------- agreements


def agreement_list(*, user: Any, partnership: Partnership) -> list[SharingAgreement]:
    require_view(user, partnership)
    return list(
        SharingAgreement.objects.filter(partnership=partnership).select_related("agreed_by")
    )


# --------------------------------------------------------------------------- the page


@dataclass
class SharingPage:
    """What the Benefit-sharing tab shows this reader."""

    partnership: Partnership
    settings: SharingSettings | None
    currency: str
    amount_unit: Decimal
    players: list[Player]
    valuation: Valuation
    unit_values: list[UnitValueRow]
    spec: dict[str, Any]
    issues: list[SpecIssue]
    result: ShareResult | None
    coalitions: list[CoalitionRow]
    shortfalls: list[Shortfall]
    shortfall_count: int
    agreements: list[SharingAgreement]
    can_edit: bool
    can_record: bool
    synergies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def guided(self) -> bool:
        return len(self.players) <= GUIDED_LIMIT

    @property
    def player_by_key(self) -> dict[str, Player]:
        return {p.key: p for p in self.players}


def sharing_page(*, user: Any, partnership: Partnership) -> SharingPage:
    require_view(user, partnership)
    settings = settings_of(partnership)
    currency, amount_unit = currency_of(partnership, settings)
    players = players_of(partnership)
    spec = game_spec(user=user, partnership=partnership)
    issues = game_issues(spec)
    result = None if issues else analyse(spec)
    coalitions: list[CoalitionRow] = []
    shortfalls: list[Shortfall] = []
    count = 0
    allocation = None if result is None else [float(x) for x in result.proposed]
    coalitions = coalition_rows(spec, players, allocation)
    shortfalls, count = superadditivity_shortfalls(spec, players)
    by_key = {p.key: p for p in players}
    synergies = [
        {"members": [by_key[m] for m in s["members"] if m in by_key], **s}
        for s in spec["characteristic_function"].get("synergies", [])
    ]
    return SharingPage(
        partnership=partnership,
        settings=settings,
        currency=currency,
        amount_unit=amount_unit,
        players=players,
        valuation=valuation(user=user, partnership=partnership),
        unit_values=unit_value_rows(user=user, partnership=partnership),
        spec=spec,
        issues=issues,
        result=result,
        coalitions=coalitions,
        shortfalls=shortfalls,
        shortfall_count=count,
        agreements=agreement_list(user=user, partnership=partnership),
        can_edit=can_edit_sharing(user, partnership),
        can_record=can_record_agreement(user, partnership),
        synergies=synergies,
    )
