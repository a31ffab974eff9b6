"""The goal-alignment spec (``alignment.schema.json``): levers, partners and their objectives.

Frozen dataclasses (:class:`Lever`, :class:`Objective`, :class:`Partner`,
:class:`AlignmentSpec`), the packaged schema (:func:`alignment_schema`), the
semantic checks (:func:`validate_alignment_spec`) and loading
(:func:`load_alignment_spec`). A lever is a shared decision (a toll tariff,
concession years, a service level, a cost share...); each objective states a
direction (``increase``, ``decrease`` or ``target``), a weight and an acceptable
range on one lever.

Decimal policy: levers are plain float64 in their own unit (a label only);
``decimal.Decimal`` is not supported.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from mitra.analysis._spec import SpecIssue, checked, json_path, packaged_schema, validate

__all__ = [
    "AlignmentSpec",
    "Lever",
    "Objective",
    "Partner",
    "alignment_schema",
    "load_alignment_spec",
    "validate_alignment_spec",
]

Direction: TypeAlias = Literal["increase", "decrease", "target"]

#: Default lever tolerance as a share of the lever's bounds width ``U - L``.
DEFAULT_TOLERANCE_SHARE = 0.01


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Lever:
    """A shared lever: values in ``[min, max]`` of ``unit`` (a label only).

    ``tolerance`` (lever unit) is how far apart two targets (or a target and a
    range end) must be to count as opposite; default ``0.01 * (max - min)``.
    """

    id: str
    name: str
    unit: str
    min: float
    max: float
    tolerance: float
    description: str | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """``(L, U)`` in the lever's unit."""
        return (self.min, self.max)


@dataclass(frozen=True)
class Objective:
    """One partner's objective on one lever.

    ``weight`` is the raw weight ``omega >= 0`` as given; ``lo < hi`` is the
    acceptable range and ``target`` (``lo <= target <= hi``) is set only for
    ``direction = 'target'``.
    """

    lever: str
    direction: Direction
    weight: float
    lo: float
    hi: float
    target: float | None = None
    note: str | None = None

    @property
    def ideal(self) -> float:
        """The best value inside the range: ``hi`` (increase), ``lo`` (decrease) or ``target``."""
        if self.direction == "increase":
            return self.hi
        if self.direction == "decrease":
            return self.lo
        assert self.target is not None
        return self.target


@dataclass(frozen=True)
class Partner:
    """A partner (``sector``: public, social, private, academia or media) and its objectives."""

    id: str
    name: str
    sector: str
    objectives: tuple[Objective, ...]

    @property
    def weights(self) -> dict[str, float]:
        """Normalised weights ``w_pj = omega_pj / sum_k omega_pk`` by lever id (sum 1)."""
        total = math.fsum(o.weight for o in self.objectives)
        return {o.lever: o.weight / total for o in self.objectives}

    def objective(self, lever: str) -> Objective | None:
        """The partner's objective on ``lever``, or ``None`` if it has none."""
        return next((o for o in self.objectives if o.lever == lever), None)


@dataclass(frozen=True)
class AlignmentSpec:
    """A validated alignment spec; build one with :func:`load_alignment_spec`."""

    name: str
    levers: tuple[Lever, ...]
    partners: tuple[Partner, ...]
    description: str | None = None

    @property
    def lever_ids(self) -> tuple[str, ...]:
        """Lever ids in spec order."""
        return tuple(lever.id for lever in self.levers)

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Partner ids in spec order."""
        return tuple(p.id for p in self.partners)

    def lever(self, lever_id: str) -> Lever:
        """The lever with id ``lever_id`` (``KeyError`` if absent)."""
        for lever in self.levers:
            if lever.id == lever_id:
                return lever
        raise KeyError(lever_id)

    def partner(self, partner_id: str) -> Partner:
        """The partner with id ``partner_id`` (``KeyError`` if absent)."""
        for p in self.partners:
            if p.id == partner_id:
                return p
        raise KeyError(partner_id)

    def with_partners(self, partners: Iterable[Partner]) -> AlignmentSpec:
        """A copy with another list of partners (e.g. one partner added)."""
        return AlignmentSpec(self.name, self.levers, tuple(partners), self.description)

    def to_dict(self) -> dict[str, Any]:
        """The spec as a JSON-ready dict; :func:`load_alignment_spec` accepts it."""
        out: dict[str, Any] = {"spec_version": "1.0", "name": self.name}
        if self.description is not None:
            out["description"] = self.description
        out["levers"] = []
        for lever in self.levers:
            item: dict[str, Any] = {
                "id": lever.id,
                "name": lever.name,
                "unit": lever.unit,
                "bounds": [lever.min, lever.max],
                "tolerance": lever.tolerance,
            }
            if lever.description is not None:
                item["description"] = lever.description
            out["levers"].append(item)
        out["partners"] = [
            {
                "id": p.id,
                "name": p.name,
                "sector": p.sector,
                "objectives": [_objective_to_dict(o) for o in p.objectives],
            }
            for p in self.partners
        ]
        return out


def _objective_to_dict(o: Objective) -> dict[str, Any]:
    out: dict[str, Any] = {"lever": o.lever, "direction": o.direction}
    if o.target is not None:
        out["target"] = o.target
    out |= {"weight": o.weight, "range": [o.lo, o.hi]}
    if o.note is not None:
        out["note"] = o.note
    return out


# --------------------------------------------------------------------------- schema and loading


_SCHEMA = "alignment.schema.json"


def alignment_schema() -> dict[str, Any]:
    """The alignment JSON Schema shipped in this package (``alignment.schema.json``)."""
    return packaged_schema(_SCHEMA)


def validate_alignment_spec(data: Any) -> list[SpecIssue]:
    """Every problem of a parsed alignment spec, schema and semantic; empty when valid.

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
    Semantic checks: unique lever and partner ids; lever bounds ``L < U``; each
    objective names a known lever, at most once per partner; ``lo < hi`` inside
    the lever's bounds; ``target`` only for direction ``'target'`` and then
    ``lo <= target <= hi``; a partner's raw weights not all 0; every lever has
    at least one objective.

    Examples
    --------
    >>> for issue in validate_alignment_spec({"spec_version": "1.0", "name": "x"}):
    ...     print(issue)
    $: missing required field 'levers'
    $: missing required field 'partners'
    """
    return validate(data, _SCHEMA, _semantic_issues)


def _semantic_issues(spec: Mapping[str, Any]) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    levers: dict[str, tuple[float, float]] = {}
    lever_at: dict[str, int] = {}
    for j, lever in enumerate(spec["levers"]):
        lid = lever["id"]
        if lid in lever_at:
            issues.append(
                SpecIssue(
                    json_path(["levers", j, "id"]),
                    f"duplicate lever id '{lid}' (already used by $.levers[{lever_at[lid]}])",
                )
            )
            continue
        lever_at[lid] = j
        lo, hi = lever["bounds"]
        if not lo < hi:
            issues.append(
                SpecIssue(
                    json_path(["levers", j, "bounds"]),
                    f"the minimum ({lo:g}) must be less than the maximum ({hi:g})",
                )
            )
        levers[lid] = (lo, hi)
    used: set[str] = set()
    partner_at: dict[str, int] = {}
    for i, partner in enumerate(spec["partners"]):
        pid = partner["id"]
        if pid in partner_at:
            issues.append(
                SpecIssue(
                    json_path(["partners", i, "id"]),
                    f"duplicate partner id '{pid}' (already used by $.partners[{partner_at[pid]}])",
                )
            )
        else:
            partner_at[pid] = i
        seen: dict[str, int] = {}
        for k, objective in enumerate(partner["objectives"]):
            here: list[str | int] = ["partners", i, "objectives", k]
            lid = objective["lever"]
            if lid not in lever_at:
                known = ", ".join(lever_at) or "none"
                issues.append(
                    SpecIssue(
                        json_path([*here, "lever"]), f"unknown lever '{lid}' (levers: {known})"
                    )
                )
                continue
            used.add(lid)
            if lid in seen:
                issues.append(
                    SpecIssue(
                        json_path([*here, "lever"]),
                        f"partner '{pid}' already has an objective on lever '{lid}' "
                        f"($.partners[{i}].objectives[{seen[lid]}]); state one per lever",
                    )
                )
            seen.setdefault(lid, k)
            issues += _objective_issues(objective, levers.get(lid), here)
        if all(o["weight"] == 0 for o in partner["objectives"]):
            issues.append(
                SpecIssue(
                    json_path(["partners", i, "objectives"]),
                    "the weights must not all be 0 (they are normalised to sum to 1)",
                )
            )
    for lid, j in lever_at.items():
        if lid not in used:
            issues.append(
                SpecIssue(
                    json_path(["levers", j]),
                    f"no partner has an objective on lever '{lid}'; add one or remove the lever",
                )
            )
    return issues


def _objective_issues(
    objective: Mapping[str, Any], bounds: tuple[float, float] | None, here: list[str | int]
) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    lo, hi = objective["range"]
    where = json_path([*here, "range"])
    if not lo < hi:
        issues.append(SpecIssue(where, f"lo ({lo:g}) must be less than hi ({hi:g})"))
    elif bounds is not None and bounds[0] < bounds[1] and not bounds[0] <= lo < hi <= bounds[1]:
        issues.append(
            SpecIssue(
                where,
                f"[{lo:g}, {hi:g}] must lie inside the lever's bounds [{bounds[0]:g}, {bounds[1]:g}]",
            )
        )
    if "target" in objective:
        target = objective["target"]
        if objective["direction"] != "target":
            issues.append(
                SpecIssue(
                    json_path([*here, "target"]),
                    f"only allowed when direction is 'target' (direction is "
                    f"'{objective['direction']}')",
                )
            )
        elif lo < hi and not lo <= target <= hi:
            issues.append(
                SpecIssue(
                    json_path([*here, "target"]),
                    f"target ({target:g}) must lie inside the range [{lo:g}, {hi:g}]",
                )
            )
    return issues


def load_alignment_spec(
    source: AlignmentSpec | Mapping[str, Any] | str | os.PathLike[str],
) -> AlignmentSpec:
    """Load and validate an alignment spec.

    Parameters
    ----------
    source : AlignmentSpec, Mapping or path
        A path to a JSON file, an already parsed document, or a spec (returned
        unchanged).

    Returns
    -------
    AlignmentSpec

    Raises
    ------
    SpecError
        If the file cannot be read or parsed, or the document is invalid;
        ``.issues`` lists every problem as ``path: message``.

    Notes
    -----
    Defaults: a lever's ``tolerance`` is ``0.01 * (U - L)``.

    References
    ----------
    ``mitra/analysis/schemas/alignment.schema.json`` (spec version 1.0), also
    published as ``docs/schemas/alignment.schema.json``.
    """
    if isinstance(source, AlignmentSpec):
        return source
    return _build(checked(source, validate_alignment_spec))


def _build(spec: Mapping[str, Any]) -> AlignmentSpec:
    levers = []
    for lv in spec["levers"]:
        lo, hi = float(lv["bounds"][0]), float(lv["bounds"][1])
        tolerance = float(lv.get("tolerance", DEFAULT_TOLERANCE_SHARE * (hi - lo)))
        levers.append(
            Lever(lv["id"], lv["name"], lv["unit"], lo, hi, tolerance, lv.get("description"))
        )
    partners = tuple(
        Partner(
            p["id"],
            p["name"],
            p["sector"],
            tuple(
                Objective(
                    lever=o["lever"],
                    direction=o["direction"],
                    weight=float(o["weight"]),
                    lo=float(o["range"][0]),
                    hi=float(o["range"][1]),
                    target=float(o["target"]) if "target" in o else None,
                    note=o.get("note"),
                )
                for o in p["objectives"]
            ),
        )
        for p in spec["partners"]
    )
    return AlignmentSpec(spec["name"], tuple(levers), partners, spec.get("description"))
