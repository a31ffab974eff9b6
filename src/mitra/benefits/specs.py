"""The sharing game's rows ⇄ a sharing-game spec (``sharing-game.schema.json``, the file
``mitra share`` reads).

Stored amounts are ``Decimal`` currency units; the spec's numbers are multiples of
``amount_unit`` (floats, as the computation core takes them). :func:`to_spec_number` and
:func:`from_spec_number` are the only two crossings of that boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify

from mitra.organisations.models import ResourceType

from .models import DEFAULT_AMOUNT_UNIT

#: Resource type → the spec's contribution kind (see ``mitra.analysis.CONTRIBUTION_KINDS``).
RESOURCE_KIND: dict[str, str] = {
    ResourceType.CASH: "cash",
    ResourceType.LAND: "land",
    ResourceType.FACILITIES: "in_kind",
    ResourceType.EQUIPMENT: "in_kind",
    ResourceType.EXPERTISE: "expertise",
    ResourceType.DATA_IP: "data",
    ResourceType.NETWORK: "access",
}
CENT = Decimal("0.01")


def default_amount_unit(currency: str) -> Decimal:
    return DEFAULT_AMOUNT_UNIT.get(currency, Decimal(1))


def to_spec_number(amount: Decimal, amount_unit: Decimal) -> float | int:
    """Currency units → the spec's number in multiples of ``amount_unit`` (an int when whole,
    so that the file reads as people write it)."""
    value = amount / amount_unit
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    return float(value)


def from_spec_number(value: float | int, amount_unit: Decimal) -> Decimal:
    """The spec's number → currency units, to the hundredth (the stored precision)."""
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    return (amount * amount_unit).quantize(CENT, rounding=ROUND_HALF_EVEN)


def player_key(name: str, taken: set[str]) -> str:
    """A spec id from an organisation's (short) name, unique among ``taken``."""
    base = re.sub(r"[^a-z0-9_]", "_", slugify(name).replace("-", "_"))[:30].strip("_") or "partner"
    if not base[0].isalpha():
        base = f"p_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@dataclass(frozen=True)
class Player:
    """A partner in the game as the spec sees it (amounts in currency units)."""

    member_id: int
    key: str
    name: str
    short_name: str
    sector: str
    organisation_id: int
    walk_away: Decimal
    bargaining_weight: Decimal
    stored: bool  # a SharingPlayer row exists (else defaults)


@dataclass(frozen=True)
class ValuedItem:
    """One commitment's deliveries, valued (currency units of the sharing currency)."""

    member_id: int
    commitment_id: int
    need_title: str
    resource_type: str
    measure: str  # a unit code, or the currency of a cash need
    delivered: Decimal
    unit_value: Decimal | None  # None: no agreed unit value yet
    value: Decimal | None
    confidential: bool  # confidential to its owner (counted in the owner's view only)
    face_value: bool  # cash in the sharing currency

    @property
    def kind(self) -> str:
        return RESOURCE_KIND.get(self.resource_type, "other")


@dataclass(frozen=True)
class Estimate:
    kind: str
    member_ids: tuple[int, ...]
    value: Decimal
    note: str


@dataclass
class GameRows:
    """Everything a spec is built from, already filtered for one reader."""

    name: str
    description: str
    currency: str
    amount_unit: Decimal
    total_benefit: Decimal | None
    missing: str
    proposal_kind: str
    proposal_rule: str
    proposal_values: dict[str, str]
    proposal_name: str
    players: list[Player]
    items: list[ValuedItem] = field(default_factory=list)
    estimates: list[Estimate] = field(default_factory=list)


def contribution(item: ValuedItem, amount_unit: Decimal, basis: str | None) -> dict[str, Any]:
    """The spec's contribution for a valued item (which must have a value)."""
    assert item.value is not None and item.unit_value is not None
    out: dict[str, Any] = {"kind": item.kind}
    if item.kind == "expertise" and item.measure == "person-days":
        out["person_days"] = to_spec_number(item.delivered, Decimal(1))
        out["day_rate"] = to_spec_number(item.unit_value, amount_unit)
    elif item.kind == "land" and item.measure == "m2":
        out["area_m2"] = to_spec_number(item.delivered, Decimal(1))
        out["price_per_m2"] = to_spec_number(item.unit_value, amount_unit)
    else:
        if item.kind == "expertise":  # counted in hours, months, ...: valued as a service
            out["kind"] = "in_kind"
        out["amount"] = to_spec_number(item.value, amount_unit)
    out["description"] = item.need_title
    if basis:
        out["basis"] = basis
    return out


def build_spec(rows: GameRows, basis: Any) -> dict[str, Any]:
    """The sharing-game spec of ``rows``; ``basis(item)`` words the value basis of an item
    valued at an agreed unit value (in the reader's language)."""
    unit = rows.amount_unit
    keys = {p.member_id: p.key for p in rows.players}
    players = []
    for p in rows.players:
        entry: dict[str, Any] = {
            "id": p.key,
            "name": p.name,
            "sector": p.sector,
            "walk_away": to_spec_number(p.walk_away, unit),
        }
        if p.bargaining_weight != 1:
            entry["bargaining_weight"] = to_spec_number(p.bargaining_weight, Decimal(1))
        entry["contributions"] = [
            contribution(i, unit, None if i.face_value else basis(i))
            for i in rows.items
            if i.member_id == p.member_id and i.value is not None
        ]
        players.append(entry)
    coalitions, synergies = [], []
    for e in rows.estimates:
        if not all(m in keys for m in e.member_ids):
            continue  # a partner that has left: the group no longer exists
        members = [keys[m] for m in sorted(e.member_ids, key=list(keys).index)]
        item: dict[str, Any] = {"members": members}
        if e.kind == "synergy":
            item["bonus"] = to_spec_number(e.value, unit)
        else:
            item["worth"] = to_spec_number(e.value, unit)
        if e.note:
            item["note"] = e.note
        (synergies if e.kind == "synergy" else coalitions).append(item)
    cf: dict[str, Any] = {"missing": rows.missing}
    if coalitions:
        cf["coalitions"] = coalitions
    if synergies:
        cf["synergies"] = synergies
    proposal: dict[str, Any] = {}
    if rows.proposal_name:
        proposal["name"] = rows.proposal_name
    if rows.proposal_kind == "rule":
        proposal["rule"] = rows.proposal_rule or "proportional"
    else:
        values = {}
        for member_id, key in keys.items():
            text = rows.proposal_values.get(str(member_id))
            if text is None:
                continue
            number = Decimal(text)
            values[key] = (
                to_spec_number(number, unit)
                if rows.proposal_kind == "amounts"
                else to_spec_number(number, Decimal(1))
            )
        proposal[rows.proposal_kind] = values
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": rows.name,
    }
    if rows.description:
        spec["description"] = rows.description
    spec |= {
        "currency": rows.currency,
        "amount_unit": to_spec_number(unit, Decimal(1)),
        "players": players,
        "characteristic_function": cf,
        "total_benefit": to_spec_number(rows.total_benefit or Decimal(0), unit),
        "proposal": proposal,
    }
    return spec
