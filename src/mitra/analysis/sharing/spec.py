"""The benefit-sharing game spec (``sharing-game.schema.json``) as frozen dataclasses.

Loading follows :mod:`mitra.analysis.risk.spec`: strict JSON, the JSON Schema
shipped in this package, then semantic checks; every problem is a
:class:`~mitra.analysis.risk.spec.SpecIssue` with a JSON path such as
``$.players[2].contributions[0]``. The analysis of a game,
:func:`~mitra.analysis.sharing.fairness.analyse_game`, is in
:mod:`~mitra.analysis.sharing.fairness`.

The worth of a coalition (the schema's description is normative):
``v(empty) = 0``; ``v(N) = total_benefit``; a listed coalition has its listed
worth; an unlisted one (``missing = 'additive'``, the default) is worth the sum
of its members' stand-alone worths (the listed one-player coalition, else the
player's ``walk_away``) plus the bonus of every synergy it contains. With
``missing = 'error'`` every coalition must be listed.

Decimal policy: numbers are read as ``float``; all results are float64 in
``amount_unit`` of ``currency``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mitra.analysis._spec import SpecIssue, checked, json_path, packaged_schema, validate
from mitra.analysis.sharing.valuation import Contribution, value_contribution

__all__ = [
    "EXACT_PLAYER_LIMIT",
    "SharePlayer",
    "SharingGame",
    "game_schema",
    "load_game",
    "validate_game",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: Games with at most this many players get the full coalition table: exact
#: Shapley values and the core check. Larger games are sampled.
EXACT_PLAYER_LIMIT = 20

#: Tolerance on shares summing to 1 and amounts summing to the total (relative).
SUM_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SharePlayer:
    """A partner: id, name, sector, walk-away value (amount_unit), Nash weight, contributions."""

    id: str
    name: str
    sector: str
    walk_away: float
    bargaining_weight: float = 1.0
    contributions: tuple[Contribution, ...] = ()

    @property
    def contribution_value(self) -> float:
        """Total value of the partner's contributions (amount_unit)."""
        return math.fsum(c.value for c in self.contributions)


@dataclass(frozen=True)
class SharingGame:
    """A validated sharing-game spec. Build one with :func:`load_game`.

    ``coalitions`` maps a coalition bitmask (bit ``i`` = ``players[i]``) to its
    listed worth; ``synergies`` is a tuple of ``(mask, bonus)``; amounts are in
    ``amount_unit`` of ``currency``. ``proposal`` is ``("shares" | "amounts",
    {id: number})`` or ``("rule", name)``.
    """

    name: str
    currency: str
    amount_unit: float
    players: tuple[SharePlayer, ...]
    total_benefit: float
    proposal: tuple[str, Any]
    coalitions: Mapping[int, float] = field(default_factory=dict)
    synergies: tuple[tuple[int, float], ...] = ()
    missing: str = "additive"
    proposal_name: str | None = None
    description: str | None = None

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def ids(self) -> tuple[str, ...]:
        """Player ids in spec order."""
        return tuple(p.id for p in self.players)

    def stand_alone(self) -> FloatArray:
        """``a_i``: the listed worth of ``{i}``, else ``walk_away_i`` (amount_unit)."""
        return np.array(self._stand_alone)

    @cached_property
    def _stand_alone(self) -> tuple[float, ...]:
        return tuple(self.coalitions.get(1 << i, p.walk_away) for i, p in enumerate(self.players))

    def worth(self, mask: int) -> float:
        """``v(S)`` of the coalition with bitmask ``mask`` by the spec's rule (amount_unit)."""
        full = (1 << self.n) - 1
        if mask == 0:
            return 0.0
        if mask == full:
            return self.total_benefit
        if mask in self.coalitions:
            return self.coalitions[mask]
        a = self._stand_alone
        total = math.fsum(a[i] for i in range(self.n) if mask >> i & 1)
        return total + math.fsum(bonus for t, bonus in self.synergies if mask & t == t)

    def values(self) -> FloatArray:
        """The full table ``v[mask]`` of length ``2**n`` (amount_unit); n <= EXACT_PLAYER_LIMIT.

        Notes
        -----
        Built vectorised: the additive part by doubling (``v[2**i + m] = v[m] + a_i``
        for ``m < 2**i``), each synergy added where ``mask & T == T``, then the
        listed coalitions and ``v(N) = total_benefit`` written over it.
        """
        if self.n > EXACT_PLAYER_LIMIT:
            raise ValueError(
                f"the coalition table is built for at most {EXACT_PLAYER_LIMIT} players, "
                f"this game has {self.n}"
            )
        a = self.stand_alone()
        v = np.zeros(1 << self.n)
        for i in range(self.n):
            v[1 << i : 2 << i] = v[: 1 << i] + a[i]
        if self.synergies:
            masks = np.arange(1 << self.n, dtype=np.int64)
            for t, bonus in self.synergies:
                v[(masks & t) == t] += bonus
        for mask, worth in self.coalitions.items():
            v[mask] = worth
        v[0] = 0.0
        v[-1] = self.total_benefit
        return v

    def contributions(self) -> FloatArray:
        """Value of each player's contributions (amount_unit), shape ``(n,)``."""
        return np.array([p.contribution_value for p in self.players])

    def walk_away(self) -> FloatArray:
        """Walk-away values ``d_i`` (amount_unit), shape ``(n,)``."""
        return np.array([p.walk_away for p in self.players])

    def weights(self) -> FloatArray:
        """Nash bargaining weights, shape ``(n,)``."""
        return np.array([p.bargaining_weight for p in self.players])


# --------------------------------------------------------------------------- schema


_SCHEMA = "sharing-game.schema.json"


def game_schema() -> dict[str, Any]:
    """The sharing-game JSON Schema shipped in this package."""
    return packaged_schema(_SCHEMA)


def validate_game(data: Any) -> list[SpecIssue]:
    """Every problem of a parsed sharing-game spec, schema and semantic; empty when valid.

    Parameters
    ----------
    data : Any
        The parsed JSON document.

    Returns
    -------
    list of SpecIssue
        Sorted by path. Semantic checks run only when the document conforms to
        the schema.

    Notes
    -----
    Semantic checks: unique player ids; contribution quantities that match the
    kind (expertise: person_days and day_rate only; land: amount or area_m2 and
    price_per_m2; others: amount only); at least one contribution of positive
    value; coalition and synergy members that are players, each set listed once;
    a listed grand coalition equal to total_benefit; with ``missing = 'error'``
    every coalition listed; a proposal with exactly one of shares, amounts,
    rule, keys that are players, shares summing to 1 and amounts to
    total_benefit (relative tolerance 1e-9); the 'nash' rule only when the
    walk-away values do not exceed total_benefit.

    Examples
    --------
    >>> [str(i) for i in validate_game({"spec_version": "1.0"})][:2]
    ["$: missing required field 'amount_unit'", "$: missing required field 'currency'"]
    """
    return validate(data, _SCHEMA, _semantic_issues)


def _semantic_issues(spec: Mapping[str, Any]) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    index: dict[str, int] = {}
    for k, player in enumerate(spec["players"]):
        pid = player["id"]
        if pid in index:
            issues.append(
                SpecIssue(
                    json_path(["players", k, "id"]),
                    f"duplicate player id '{pid}' (already used by $.players[{index[pid]}])",
                )
            )
        else:
            index[pid] = k
        for j, item in enumerate(player.get("contributions", [])):
            issues += _contribution_issues(item, ["players", k, "contributions", j])
    total_contribution = 0.0
    for player in spec["players"]:
        for item in player.get("contributions", []):
            try:
                total_contribution += _contribution(item).value
            except ValueError:
                total_contribution = math.inf  # already reported; do not also report a zero sum
    if total_contribution <= 0:
        issues.append(
            SpecIssue(
                "$.players",
                "at least one contribution must have a positive value "
                "(contribution-proportional shares need it)",
            )
        )
    n = len(spec["players"])
    total = float(spec["total_benefit"])
    cf = spec.get("characteristic_function", {})
    full = (1 << n) - 1
    listed: dict[int, int] = {}
    for k, entry in enumerate(cf.get("coalitions", [])):
        here: list[str | int] = ["characteristic_function", "coalitions", k]
        mask = _members_mask(entry["members"], index, here, issues)
        if mask is None:
            continue
        if mask in listed:
            issues.append(
                SpecIssue(
                    json_path([*here, "members"]),
                    "this coalition is already listed at "
                    f"$.characteristic_function.coalitions[{listed[mask]}]",
                )
            )
            continue
        listed[mask] = k
        if mask == full and not math.isclose(entry["worth"], total, rel_tol=SUM_TOLERANCE):
            issues.append(
                SpecIssue(
                    json_path([*here, "worth"]),
                    f"the grand coalition must be worth total_benefit ({total:g}), "
                    f"got {entry['worth']:g}",
                )
            )
    seen: dict[int, int] = {}
    for k, entry in enumerate(cf.get("synergies", [])):
        here = ["characteristic_function", "synergies", k]
        mask = _members_mask(entry["members"], index, here, issues)
        if mask is None:
            continue
        if mask in seen:
            issues.append(
                SpecIssue(
                    json_path([*here, "members"]),
                    "a synergy of these members is already given at "
                    f"$.characteristic_function.synergies[{seen[mask]}]",
                )
            )
        seen.setdefault(mask, k)
    if cf.get("missing", "additive") == "error" and len(index) == n:
        issues += _completeness_issues(spec["players"], listed, n)
    issues += _proposal_issues(spec, index, total)
    return issues


def _contribution_issues(item: Mapping[str, Any], here: list[str | int]) -> list[SpecIssue]:
    kind = item["kind"]
    where = json_path(here)
    present = {
        k for k in ("amount", "person_days", "day_rate", "area_m2", "price_per_m2") if k in item
    }
    if kind == "expertise":
        extra = sorted(present - {"person_days", "day_rate"})
        if extra:
            return [
                SpecIssue(
                    where,
                    f"expertise is valued as person_days x day_rate; remove {', '.join(extra)}",
                )
            ]
        return []
    issues = [
        SpecIssue(json_path([*here, key]), f"{key} applies only to expertise")
        for key in ("person_days", "day_rate")
        if key in item
    ]
    if kind == "land":
        by_area = {"area_m2", "price_per_m2"} & present
        if by_area and ("amount" in present or len(by_area) != 2):
            issues.append(
                SpecIssue(where, "land is valued either by amount or by area_m2 and price_per_m2")
            )
        elif not by_area and "amount" not in present:
            issues.append(SpecIssue(where, "land needs an amount, or area_m2 and price_per_m2"))
    else:
        issues += [
            SpecIssue(json_path([*here, key]), f"{key} applies only to land")
            for key in ("area_m2", "price_per_m2")
            if key in item
        ]
    return issues


def _members_mask(
    members: Sequence[str], index: Mapping[str, int], here: list[str | int], issues: list[SpecIssue]
) -> int | None:
    mask = 0
    ok = True
    for j, pid in enumerate(members):
        if pid not in index:
            issues.append(SpecIssue(json_path([*here, "members", j]), f"unknown player id '{pid}'"))
            ok = False
        else:
            mask |= 1 << index[pid]
    return mask if ok else None


def _completeness_issues(
    players: Sequence[Mapping[str, Any]], listed: Mapping[int, int], n: int
) -> list[SpecIssue]:
    where = "$.characteristic_function.coalitions"
    if n > EXACT_PLAYER_LIMIT:
        return [
            SpecIssue(
                "$.characteristic_function.missing",
                f"'error' needs every one of the 2^{n} coalitions listed; use 'additive' "
                f"for more than {EXACT_PLAYER_LIMIT} players",
            )
        ]
    full = (1 << n) - 1
    absent = [m for m in range(1, full) if m not in listed]
    if not absent:
        return []
    example = [players[i]["id"] for i in range(n) if absent[0] >> i & 1]
    return [
        SpecIssue(
            where,
            f"missing is 'error' but {len(absent)} of {full - 1} coalitions are not listed, "
            f"e.g. {json.dumps(example)}",
        )
    ]


def _proposal_issues(
    spec: Mapping[str, Any], index: Mapping[str, int], total: float
) -> list[SpecIssue]:
    proposal = spec["proposal"]
    given = [k for k in ("shares", "amounts", "rule") if k in proposal]
    if len(given) != 1:
        found = ", ".join(given) if given else "none"
        return [
            SpecIssue("$.proposal", f"give exactly one of shares, amounts, rule (found: {found})")
        ]
    kind = given[0]
    if kind == "rule":
        walk = math.fsum(p["walk_away"] for p in spec["players"])
        if proposal["rule"] == "nash" and walk > total:
            return [
                SpecIssue(
                    "$.proposal.rule",
                    f"Nash bargaining is infeasible: the walk-away values sum to {walk:g}, "
                    f"more than total_benefit ({total:g})",
                )
            ]
        return []
    issues = [
        SpecIssue(json_path(["proposal", kind, pid]), f"'{pid}' is not a player of this game")
        for pid in proposal[kind]
        if pid not in index
    ]
    s = math.fsum(proposal[kind].values())
    target = 1.0 if kind == "shares" else total
    if abs(s - target) > SUM_TOLERANCE * max(1.0, abs(target)):
        what = "1" if kind == "shares" else f"total_benefit ({total:g})"
        issues.append(SpecIssue(f"$.proposal.{kind}", f"must sum to {what}, they sum to {s:.12g}"))
    return issues


# --------------------------------------------------------------------------- loading


def _contribution(item: Mapping[str, Any]) -> Contribution:
    return value_contribution(
        item["kind"],
        amount=item.get("amount"),
        person_days=item.get("person_days"),
        day_rate=item.get("day_rate"),
        area_m2=item.get("area_m2"),
        price_per_m2=item.get("price_per_m2"),
        basis=item.get("basis"),
        description=item.get("description"),
    )


def load_game(source: SharingGame | Mapping[str, Any] | str | os.PathLike[str]) -> SharingGame:
    """Load and validate a sharing-game spec.

    Parameters
    ----------
    source : SharingGame, Mapping or path
        A JSON file path, a parsed document, or a :class:`SharingGame` (returned
        unchanged).

    Returns
    -------
    SharingGame
        Amounts in ``amount_unit`` of ``currency``.

    Raises
    ------
    SpecError
        Unreadable, unparsable or invalid; ``.issues`` lists every problem.

    References
    ----------
    ``mitra/analysis/schemas/sharing-game.schema.json`` (spec version 1.0),
    copied to ``docs/schemas/``.
    """
    if isinstance(source, SharingGame):
        return source
    data = checked(source, validate_game)
    ids = {p["id"]: i for i, p in enumerate(data["players"])}

    def mask_of(members: Sequence[str]) -> int:
        return sum(1 << ids[m] for m in members)

    players = tuple(
        SharePlayer(
            id=p["id"],
            name=p["name"],
            sector=p["sector"],
            walk_away=float(p["walk_away"]),
            bargaining_weight=float(p.get("bargaining_weight", 1.0)),
            contributions=tuple(_contribution(c) for c in p.get("contributions", [])),
        )
        for p in data["players"]
    )
    cf = data.get("characteristic_function", {})
    proposal = data["proposal"]
    kind = next(k for k in ("shares", "amounts", "rule") if k in proposal)
    body = proposal[kind] if kind == "rule" else {k: float(v) for k, v in proposal[kind].items()}
    return SharingGame(
        name=data["name"],
        currency=data["currency"],
        amount_unit=float(data["amount_unit"]),
        players=players,
        total_benefit=float(data["total_benefit"]),
        proposal=(kind, body),
        coalitions={mask_of(c["members"]): float(c["worth"]) for c in cf.get("coalitions", [])},
        synergies=tuple(
            (mask_of(s["members"]), float(s["bonus"])) for s in cf.get("synergies", [])
        ),
        missing=cf.get("missing", "additive"),
        proposal_name=proposal.get("name"),
        description=data.get("description"),
    )
