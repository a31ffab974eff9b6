"""Goal alignment: partners' objectives over shared levers (``alignment.schema.json``).

Each partner of a partnership states objectives over shared *levers* (a toll
tariff, concession years, a service level, a cost share...): a direction
(``increase``, ``decrease`` or ``target``), a weight and an acceptable range.
This module reports

1. the **weighted conflict matrix**: which pairs of partners pull the same lever
   in opposite directions, and how much it matters to them
   (:func:`conflict_matrix`);
2. per lever, the **intersection** of the acceptable ranges or, when it is
   empty, the **gap**, the tightest pair and the minimal total relaxation
   (:func:`lever_ranges`);
3. the **maximin compromise**: the lever values inside every acceptable range
   that maximise the least-satisfied partner's satisfaction, solved as a linear
   program with :func:`scipy.optimize.linprog` (:func:`maximin_compromise`).

:func:`align` runs all three. The schema's description is the normative
statement of every formula; the docstrings below repeat them.

Definitions
-----------
Weights are normalised per partner: ``w_pj = omega_pj / sum_k omega_pk``.
Score of one objective at lever value ``x`` (defined on ``[lo, hi]`` only;
outside it the point is infeasible for that partner):

* increase: ``s = (x - lo) / (hi - lo)``
* decrease: ``s = (hi - x) / (hi - lo)``
* target ``tau``: ``s = (x - lo) / (tau - lo)`` for ``x <= tau`` and
  ``s = (hi - x) / (hi - tau)`` for ``x >= tau`` (1 at ``tau``, 0 at both ends).

Partner satisfaction ``S_p(x) = sum_j w_pj s_pj(x_j)`` in ``[0, 1]``.

Decimal policy: levers are plain float64 in their own unit (a label only);
``decimal.Decimal`` is not supported. Nothing here is money unless a lever's
unit says so, and then it is in that unit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from mitra.analysis._spec import SpecIssue, checked, json_path, packaged_schema, validate

__all__ = [
    "AlignmentResult",
    "AlignmentSpec",
    "Compromise",
    "ConflictMatrix",
    "Lever",
    "LeverRange",
    "Objective",
    "Partner",
    "align",
    "alignment_schema",
    "conflict_matrix",
    "lever_ranges",
    "load_alignment_spec",
    "maximin_compromise",
    "objective_score",
    "objectives_oppose",
    "partner_satisfaction",
    "validate_alignment_spec",
]

FloatArray: TypeAlias = NDArray[np.float64]
Direction: TypeAlias = Literal["increase", "decrease", "target"]

#: Default lever tolerance as a share of the lever's bounds width ``U - L``.
DEFAULT_TOLERANCE_SHARE = 0.01

#: Partners whose satisfaction is within this of the minimum are reported as binding.
BINDING_TOLERANCE = 1e-7

#: Stage 2 of the compromise keeps ``t >= t* - STAGE_TWO_SLACK`` (satisfaction units); if
#: HiGHS reports it infeasible (rounding), the stage-1 point is kept.
STAGE_TWO_SLACK = 0.0


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


# --------------------------------------------------------------------------- scores


def _pieces(o: Objective) -> list[tuple[float, float]]:
    """The linear pieces of a score as ``(zero_at, one_at)``: ``s = (x - z) / (o - z)``.

    The score (extended beyond the range) is ``min(1, piece_1, piece_2...)``.
    A target at a range end borrows the other side's width for its degenerate
    piece, which matters only outside the range.
    """
    if o.direction == "increase":
        return [(o.lo, o.hi)]
    if o.direction == "decrease":
        return [(o.hi, o.lo)]
    assert o.target is not None
    tau = o.target
    left = tau - o.lo if tau > o.lo else o.hi - tau
    right = o.hi - tau if o.hi > tau else tau - o.lo
    return [(tau - left, tau), (tau + right, tau)]


def objective_score(objective: Objective, x: float, *, extend: bool = False) -> float:
    """Score of one objective at lever value ``x`` (dimensionless).

    Parameters
    ----------
    objective : Objective
        The objective (range ``[lo, hi]`` and ``target`` in the lever's unit).
    x : float
        The lever value, in the lever's unit.
    extend : bool
        If false (the default), the score is defined on ``[lo, hi]`` only and
        ``nan`` outside it (infeasible). If true, the linear pieces are extended
        beyond the range and capped at 1 (used by the relaxed compromise only):
        the score is then negative on the 0 side of the range.

    Returns
    -------
    float
        In ``[0, 1]`` on the range.

    Notes
    -----
    increase: ``s = (x - lo) / (hi - lo)``; decrease: ``s = (hi - x) / (hi - lo)``;
    target ``tau``: ``s = (x - lo) / (tau - lo)`` for ``x <= tau``,
    ``s = (hi - x) / (hi - tau)`` for ``x >= tau``. Extended:
    ``min(1, pieces)``, a concave piecewise linear function.

    Examples
    --------
    >>> o = Objective("tariff", "target", 1.0, 0.0, 10.0, target=5.0)
    >>> objective_score(o, 2.5), objective_score(o, 5.0), objective_score(o, 10.0)
    (0.5, 1.0, 0.0)
    >>> objective_score(o, 11.0), objective_score(o, 11.0, extend=True)
    (nan, -0.2)
    """
    if not extend and not objective.lo <= x <= objective.hi:
        return math.nan
    score = 1.0
    for zero, one in _pieces(objective):
        score = min(score, (x - zero) / (one - zero))
    return score + 0.0  # -0.0 -> 0.0


def partner_satisfaction(
    spec: AlignmentSpec, partner_id: str, point: Mapping[str, float], *, extend: bool = False
) -> float:
    """Satisfaction ``S_p(x) = sum_j w_pj s_pj(x_j)`` of one partner at a point.

    Parameters
    ----------
    spec : AlignmentSpec
        The spec.
    partner_id : str
        The partner.
    point : Mapping[str, float]
        Lever id -> value (lever unit); needs every lever the partner has an
        objective on.
    extend : bool
        Passed to :func:`objective_score`.

    Returns
    -------
    float
        In ``[0, 1]``; ``nan`` when the point lies outside one of the partner's
        acceptable ranges (even one of weight 0) and ``extend`` is false.

    Examples
    --------
    >>> spec = load_alignment_spec({
    ...     "spec_version": "1.0", "name": "demo",
    ...     "levers": [{"id": "x", "name": "x", "unit": "", "bounds": [0, 10]}],
    ...     "partners": [{"id": "a", "name": "A", "sector": "public", "objectives": [
    ...         {"lever": "x", "direction": "increase", "weight": 2, "range": [0, 10]}]}]})
    >>> partner_satisfaction(spec, "a", {"x": 4.0})
    0.4
    """
    partner = spec.partner(partner_id)
    weights = partner.weights
    terms = [
        weights[o.lever] * objective_score(o, float(point[o.lever]), extend=extend)
        for o in partner.objectives
    ]
    if any(math.isnan(t) for t in terms):
        return math.nan
    return math.fsum(terms)


# --------------------------------------------------------------------------- conflicts


def objectives_oppose(a: Objective, b: Objective, tolerance: float) -> bool:
    """Whether two objectives on the same lever pull it in opposite directions.

    Parameters
    ----------
    a, b : Objective
        Objectives of two partners on the same lever.
    tolerance : float
        ``tol``, in the lever's unit.

    Returns
    -------
    bool

    Notes
    -----
    Opposite when: increase vs decrease (always); target ``tau`` vs increase
    with ``hi - tau > tol``; target ``tau`` vs decrease with ``tau - lo > tol``;
    two targets with ``|tau_a - tau_b| > tol``. Never for the same direction
    (increase/increase, decrease/decrease).

    Examples
    --------
    >>> up = Objective("x", "increase", 1.0, 0.0, 10.0)
    >>> down = Objective("x", "decrease", 1.0, 5.0, 20.0)
    >>> at7 = Objective("x", "target", 1.0, 0.0, 10.0, target=7.0)
    >>> objectives_oppose(up, down, 0.1), objectives_oppose(up, at7, 0.1)
    (True, True)
    >>> objectives_oppose(up, at7, 5.0)
    False
    """
    kinds = {a.direction, b.direction}
    if kinds == {"increase", "decrease"}:
        return True
    if a.direction == b.direction and a.direction != "target":
        return False
    if a.direction == b.direction:  # two targets
        return abs(a.ideal - b.ideal) > tolerance
    target, other = (a, b) if a.direction == "target" else (b, a)
    if other.direction == "increase":
        return other.hi - target.ideal > tolerance
    return target.ideal - other.lo > tolerance


@dataclass(frozen=True)
class ConflictMatrix:
    """The weighted conflict matrix (dimensionless, in ``[0, 1]``).

    ``total[a, b] = sum_j by_lever[j][a, b]`` with partners in ``partners``
    order; ``by_lever[j][a, b] = w_aj w_bj`` when the objectives of ``a`` and
    ``b`` on lever ``j`` are opposite, else 0. Symmetric with a zero diagonal.
    """

    partners: tuple[str, ...]
    levers: tuple[str, ...]
    total: FloatArray
    by_lever: Mapping[str, FloatArray]

    def pairs(self) -> list[dict[str, Any]]:
        """Conflicting pairs, largest first: partners, total and per-lever weights."""
        out: list[dict[str, Any]] = []
        n = len(self.partners)
        for i in range(n):
            for k in range(i + 1, n):
                if self.total[i, k] > 0 or any(m[i, k] > 0 for m in self.by_lever.values()):
                    levers = {j: float(m[i, k]) for j, m in self.by_lever.items() if m[i, k] > 0}
                    out.append(
                        {
                            "partners": [self.partners[i], self.partners[k]],
                            "weight": float(self.total[i, k]),
                            "levers": levers,
                        }
                    )
        out.sort(key=lambda item: -float(item["weight"]))
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``partners``, ``matrix``, ``by_lever`` and ``pairs``."""
        return {
            "partners": list(self.partners),
            "matrix": self.total.tolist(),
            "by_lever": {j: m.tolist() for j, m in self.by_lever.items()},
            "pairs": self.pairs(),
        }


def conflict_matrix(spec: AlignmentSpec) -> ConflictMatrix:
    """The weighted conflict matrix between partners, with a per-lever breakdown.

    Parameters
    ----------
    spec : AlignmentSpec
        The spec.

    Returns
    -------
    ConflictMatrix
        ``total`` of shape ``(P, P)`` and one ``(P, P)`` matrix per lever.

    Notes
    -----
    ``C_ab = sum_{j : a, b opposite on j} w_aj * w_bj`` with normalised weights
    (see :func:`objectives_oppose`). ``C_aa = 0``, ``C_ab = C_ba``, and
    ``0 <= C_ab <= sum_j w_aj w_bj <= 1``. ``C_ab = 1`` only when both partners
    care about one single lever and pull it in opposite directions.

    Examples
    --------
    >>> spec = load_alignment_spec({
    ...     "spec_version": "1.0", "name": "demo",
    ...     "levers": [{"id": "x", "name": "x", "unit": "", "bounds": [0, 10]},
    ...                {"id": "y", "name": "y", "unit": "", "bounds": [0, 10]}],
    ...     "partners": [
    ...         {"id": "a", "name": "A", "sector": "public", "objectives": [
    ...             {"lever": "x", "direction": "increase", "weight": 3, "range": [0, 10]},
    ...             {"lever": "y", "direction": "increase", "weight": 1, "range": [0, 10]}]},
    ...         {"id": "b", "name": "B", "sector": "private", "objectives": [
    ...             {"lever": "x", "direction": "decrease", "weight": 1, "range": [0, 10]},
    ...             {"lever": "y", "direction": "increase", "weight": 1, "range": [0, 10]}]}]})
    >>> conflict_matrix(spec).total.tolist()
    [[0.0, 0.375], [0.375, 0.0]]
    """
    ids = spec.partner_ids
    n = len(ids)
    weights = [p.weights for p in spec.partners]
    by_lever: dict[str, FloatArray] = {}
    for lever in spec.levers:
        m = np.zeros((n, n))
        for i in range(n):
            oi = spec.partners[i].objective(lever.id)
            if oi is None:
                continue
            for k in range(i + 1, n):
                ok = spec.partners[k].objective(lever.id)
                if ok is not None and objectives_oppose(oi, ok, lever.tolerance):
                    m[i, k] = m[k, i] = weights[i][lever.id] * weights[k][lever.id]
        by_lever[lever.id] = _readonly(m)
    total = np.zeros((n, n))
    for m in by_lever.values():
        total += m
    return ConflictMatrix(ids, spec.lever_ids, _readonly(total), by_lever)


# --------------------------------------------------------------------------- ranges


@dataclass(frozen=True)
class LeverRange:
    """Per lever: do the partners' acceptable ranges meet, and if not by how much.

    All values in the lever's unit. ``intersection`` is ``(max lo, min hi)`` or
    ``None`` when empty; then ``gap = max lo - min hi > 0``, ``tightest_pair``
    is ``(partner with the highest lo, partner with the lowest hi)`` and
    ``disjoint_pairs`` lists every ``(above, below, miss)`` with
    ``miss = lo_above - hi_below > 0``, largest first. ``relaxation`` is the
    minimal total relaxation ``R = min_x sum_p dist(x, [lo_p, hi_p])`` and
    ``relaxed_interval`` the set of ``x`` attaining it (equal to the
    intersection, with ``R = 0``, when that is non-empty).
    """

    lever: str
    partners: tuple[str, ...]
    intersection: tuple[float, float] | None
    gap: float
    tightest_pair: tuple[str, str] | None
    disjoint_pairs: tuple[tuple[str, str, float], ...]
    relaxation: float
    relaxed_interval: tuple[float, float]

    @property
    def feasible(self) -> bool:
        """Whether every partner's range contains a common value."""
        return self.intersection is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "lever": self.lever,
            "partners": list(self.partners),
            "feasible": self.feasible,
            "intersection": None if self.intersection is None else list(self.intersection),
            "gap": self.gap,
            "tightest_pair": None if self.tightest_pair is None else list(self.tightest_pair),
            "disjoint_pairs": [
                {"above": a, "below": b, "miss": miss} for a, b, miss in self.disjoint_pairs
            ],
            "min_total_relaxation": self.relaxation,
            "relaxed_interval": list(self.relaxed_interval),
        }


def _distance(x: float, lo: float, hi: float) -> float:
    return max(0.0, lo - x, x - hi)


def _lever_range(lever: Lever, entries: Sequence[tuple[str, Objective]]) -> LeverRange:
    ids = tuple(p for p, _ in entries)
    los = [o.lo for _, o in entries]
    his = [o.hi for _, o in entries]
    lo_max, hi_min = max(los), min(his)
    # Minimal-relaxation set of the convex piecewise linear f(x) = sum_p dist(x, range_p):
    # its left end is the smallest breakpoint where the right slope
    # #{hi_p <= x} - #{lo_p > x} is >= 0, its right end the largest breakpoint where the left
    # slope #{hi_p < x} - #{lo_p >= x} is <= 0 (integer counts: no float tolerance needed).
    points = sorted(set(los) | set(his))
    left = next(b for b in points if sum(h <= b for h in his) - sum(lo > b for lo in los) >= 0)
    right = next(
        b for b in reversed(points) if sum(h < b for h in his) - sum(lo >= b for lo in los) <= 0
    )
    relaxation = math.fsum(_distance(left, lo, hi) for lo, hi in zip(los, his, strict=True))
    if lo_max <= hi_min:
        return LeverRange(lever.id, ids, (lo_max, hi_min), 0.0, None, (), 0.0, (lo_max, hi_min))
    above = ids[los.index(lo_max)]
    below = ids[his.index(hi_min)]
    pairs = [(pa, pb, oa.lo - ob.hi) for pa, oa in entries for pb, ob in entries if oa.lo > ob.hi]
    pairs.sort(key=lambda item: -item[2])
    return LeverRange(
        lever.id,
        ids,
        None,
        lo_max - hi_min,
        (above, below),
        tuple(pairs),
        relaxation,
        (left, right),
    )


def lever_ranges(spec: AlignmentSpec) -> tuple[LeverRange, ...]:
    """Per lever, the intersection of the partners' acceptable ranges, or the gap.

    Parameters
    ----------
    spec : AlignmentSpec
        The spec.

    Returns
    -------
    tuple of LeverRange
        One per lever, in spec order (values in the lever's unit).

    Notes
    -----
    Over the partners ``p`` with an objective on lever ``j``: intersection
    ``[max_p lo_p, min_p hi_p]``; gap ``max_p lo_p - min_p hi_p`` when positive.
    The minimal total relaxation ``R_j = min_x sum_p dist(x, [lo_p, hi_p])``
    (``dist`` = distance from ``x`` to the interval) is the least total amount
    by which ranges must be widened so that they share a point; the minimum of
    this convex piecewise linear function is reached on an interval whose ends
    are range ends (a median of the endpoints). ``R_j >= gap``, with equality
    for two partners.

    Examples
    --------
    Ranges [0, 10], [0, 10], [20, 30], [20, 30]: gap 10, but each of the four
    must move, total 20, anywhere in [10, 20].
    """
    out: list[LeverRange] = []
    for lever in spec.levers:
        entries = [(p.id, o) for p in spec.partners if (o := p.objective(lever.id)) is not None]
        out.append(_lever_range(lever, entries))
    return tuple(out)


# --------------------------------------------------------------------------- compromise


@dataclass(frozen=True)
class Compromise:
    """A maximin compromise point and the partners' satisfaction there.

    ``point`` maps lever id to value (lever unit); ``satisfaction`` and
    ``scores`` (per partner, per lever) are dimensionless. ``binding`` lists the
    partners at the minimum. When ``relaxed`` is true, the point lies in the
    minimal-relaxation set of each lever, not inside every acceptable range:
    ``relaxations[lever][partner]`` is how far outside that partner's range it
    lies (lever unit), and scores are extended linearly beyond the ranges
    (negative below the 0 end).
    """

    point: Mapping[str, float]
    satisfaction: Mapping[str, float]
    min_satisfaction: float
    binding: tuple[str, ...]
    scores: Mapping[str, Mapping[str, float]]
    relaxed: bool = False
    relaxations: Mapping[str, Mapping[str, float]] | None = None

    @property
    def label(self) -> str:
        """A human-readable statement of what this compromise is."""
        if self.relaxed:
            return (
                "RELAXED compromise: the acceptable ranges do not intersect; maximin after the "
                "minimal total relaxation of the ranges (not acceptable to every partner as stated)"
            )
        return "maximin compromise within every partner's acceptable range"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "label": self.label,
            "relaxed": self.relaxed,
            "point": dict(self.point),
            "min_satisfaction": self.min_satisfaction,
            "satisfaction": dict(self.satisfaction),
            "binding": list(self.binding),
            "scores": {p: dict(s) for p, s in self.scores.items()},
        }
        if self.relaxations is not None:
            out["relaxations"] = {j: dict(r) for j, r in self.relaxations.items()}
        return out


def maximin_compromise(spec: AlignmentSpec, *, relaxed: bool = False) -> Compromise | None:
    """The lever values that maximise the minimum partner satisfaction.

    Parameters
    ----------
    spec : AlignmentSpec
        The spec.
    relaxed : bool
        If false, search the intersection of the acceptable ranges and return
        ``None`` when some lever's intersection is empty. If true, search each
        lever's minimal-relaxation set (see :func:`lever_ranges`, equal to the
        intersection where that is non-empty) with scores extended beyond the
        ranges, and label the result as relaxed.

    Returns
    -------
    Compromise or None

    Notes
    -----
    Linear program in normalised lever values ``y_j = (x_j - L_j)/(U_j - L_j)``,
    one variable ``u_k`` per objective of positive weight and ``t``:

        maximise t  s.t.  t <= sum_{k of p} w_k u_k   for every partner p,
                          u_k <= piece(y) for each linear piece of objective k,
                          u_k <= 1,  y_j in the (relaxed) intersection of lever j.

    A target score is concave (the minimum of two linear pieces), so it is
    split into two constraints; at the optimum ``u_k`` equals the score where
    it matters. Maximin points are rarely unique, so a second stage keeps
    ``t >= t*`` and maximises ``sum_p S_p`` (this makes the point
    Pareto-optimal among maximin points; remaining ties are broken by the
    solver, HiGHS, deterministically). Satisfactions are recomputed exactly
    at the reported point. Partners within 1e-7 of the minimum are binding.

    References
    ----------
    Rawls' maximin (egalitarian) bargaining solution; the LP form of maximising
    a minimum of concave piecewise linear functions: S. Boyd and
    L. Vandenberghe, *Convex Optimization*, Cambridge University Press, 2004,
    section 4.3.1 ("minimizing a piecewise-linear function"), p. 150.

    Examples
    --------
    Two partners, one lever in [0, 12]: A increases it on [0, 10], B decreases
    it on [4, 12]. The scores ``x/10`` and ``(12 - x)/8`` cross at
    ``x = 20/3``, where both are ``2/3``:

    >>> spec = load_alignment_spec({
    ...     "spec_version": "1.0", "name": "demo",
    ...     "levers": [{"id": "x", "name": "x", "unit": "", "bounds": [0, 12]}],
    ...     "partners": [
    ...         {"id": "a", "name": "A", "sector": "public", "objectives": [
    ...             {"lever": "x", "direction": "increase", "weight": 1, "range": [0, 10]}]},
    ...         {"id": "b", "name": "B", "sector": "private", "objectives": [
    ...             {"lever": "x", "direction": "decrease", "weight": 1, "range": [4, 12]}]}]})
    >>> c = maximin_compromise(spec)
    >>> round(c.point["x"], 9), round(c.min_satisfaction, 9), c.binding
    (6.666666667, 0.666666667, ('a', 'b'))
    """
    ranges = lever_ranges(spec)
    if not relaxed and not all(r.feasible for r in ranges):
        return None
    boxes = {r.lever: r.relaxed_interval for r in ranges}
    levers = spec.levers
    col = {lever.id: j for j, lever in enumerate(levers)}
    nx = len(levers)
    terms: list[tuple[int, Objective, float]] = []  # (partner index, objective, weight)
    for i, partner in enumerate(spec.partners):
        weights = partner.weights
        terms.extend((i, o, weights[o.lever]) for o in partner.objectives if weights[o.lever] > 0)
    nu = len(terms)
    nvar = nx + nu + 1
    rows: list[FloatArray] = []
    rhs: list[float] = []
    for k, (_, o, _) in enumerate(terms):
        lever = levers[col[o.lever]]
        width = lever.max - lever.min
        for zero, one in _pieces(o):
            # u <= (x - zero)/(one - zero) with x = L + y W  <=>  u - y W/(one - zero) <= (L - zero)/(one - zero)
            row = np.zeros(nvar)
            row[nx + k] = 1.0
            row[col[o.lever]] = -width / (one - zero)
            rows.append(row)
            rhs.append((lever.min - zero) / (one - zero))
    for i in range(len(spec.partners)):
        row = np.zeros(nvar)
        row[-1] = 1.0
        for k, (pi, _, w) in enumerate(terms):
            if pi == i:
                row[nx + k] = -w
        rows.append(row)
        rhs.append(0.0)
    a_ub = np.vstack(rows)
    b_ub = np.array(rhs)
    bounds: list[tuple[float | None, float | None]] = []
    for lever in levers:
        lo, hi = boxes[lever.id]
        width = lever.max - lever.min
        bounds.append(((lo - lever.min) / width, (hi - lever.min) / width))
    bounds += [(None, 1.0)] * nu
    cost = np.zeros(nvar)
    cost[-1] = -1.0
    first = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[*bounds, (None, None)], method="highs")
    if first.status != 0:  # pragma: no cover - bounded and feasible by construction
        raise RuntimeError(f"maximin linear program failed: {first.message}")
    t_star = float(first.x[-1])
    cost = np.zeros(nvar)
    for k, (_, _, w) in enumerate(terms):
        cost[nx + k] = -w
    second = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        bounds=[*bounds, (t_star - STAGE_TWO_SLACK, None)],
        method="highs",
    )
    solution = second.x if second.status == 0 else first.x
    point: dict[str, float] = {}
    for j, lever in enumerate(levers):
        lo, hi = boxes[lever.id]
        x = lever.min + float(solution[j]) * (lever.max - lever.min)
        point[lever.id] = float(min(max(x, lo), hi))
    return _compromise(spec, point, relaxed)


def _compromise(spec: AlignmentSpec, point: Mapping[str, float], relaxed: bool) -> Compromise:
    satisfaction = {
        p.id: partner_satisfaction(spec, p.id, point, extend=relaxed) for p in spec.partners
    }
    scores = {
        p.id: {o.lever: objective_score(o, point[o.lever], extend=relaxed) for o in p.objectives}
        for p in spec.partners
    }
    low = min(satisfaction.values())
    binding = tuple(p for p, s in satisfaction.items() if s - low <= BINDING_TOLERANCE)
    relaxations: dict[str, dict[str, float]] | None = None
    if relaxed:
        relaxations = {}
        for lever in spec.levers:
            x = point[lever.id]
            moved = {
                p.id: _distance(x, o.lo, o.hi)
                for p in spec.partners
                if (o := p.objective(lever.id)) is not None and _distance(x, o.lo, o.hi) > 0
            }
            if moved:
                relaxations[lever.id] = moved
    return Compromise(dict(point), satisfaction, low, binding, scores, relaxed, relaxations)


# --------------------------------------------------------------------------- all together


@dataclass(frozen=True)
class AlignmentResult:
    """What :func:`align` reports: conflicts, ranges and the compromise.

    ``compromise`` is ``None`` when ``feasible`` is false; then
    ``relaxed_compromise`` holds the compromise after the minimal relaxation.
    """

    spec: AlignmentSpec
    conflicts: ConflictMatrix
    ranges: tuple[LeverRange, ...]
    compromise: Compromise | None
    relaxed_compromise: Compromise | None

    @property
    def feasible(self) -> bool:
        """Whether every lever's acceptable ranges intersect."""
        return all(r.feasible for r in self.ranges)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``mitra align --format json`` output)."""
        spec = self.spec
        return {
            "spec_version": "1.0",
            "name": spec.name,
            "levers": [
                {"id": lv.id, "name": lv.name, "unit": lv.unit, "bounds": list(lv.bounds)}
                for lv in spec.levers
            ],
            "partners": [
                {"id": p.id, "name": p.name, "sector": p.sector, "weights": p.weights}
                for p in spec.partners
            ],
            "conflicts": self.conflicts.to_dict(),
            "ranges": [r.to_dict() for r in self.ranges],
            "feasible": self.feasible,
            "compromise": None if self.compromise is None else self.compromise.to_dict(),
            "relaxed_compromise": (
                None if self.relaxed_compromise is None else self.relaxed_compromise.to_dict()
            ),
        }


def align(source: AlignmentSpec | Mapping[str, Any] | str | os.PathLike[str]) -> AlignmentResult:
    """Goal alignment of a spec: conflict matrix, range intersections, maximin compromise.

    Parameters
    ----------
    source : AlignmentSpec, Mapping or path
        A spec, a parsed document or a path to a JSON file.

    Returns
    -------
    AlignmentResult
        See :func:`conflict_matrix`, :func:`lever_ranges` and
        :func:`maximin_compromise` for the formulas.

    Raises
    ------
    SpecError
        If the spec cannot be read or is invalid.

    Examples
    --------
    >>> result = align("examples/align/toll-road.json")  # doctest: +SKIP
    >>> result.feasible, result.compromise.binding  # doctest: +SKIP
    """
    spec = load_alignment_spec(source)
    ranges = lever_ranges(spec)
    feasible = all(r.feasible for r in ranges)
    return AlignmentResult(
        spec,
        conflict_matrix(spec),
        ranges,
        maximin_compromise(spec) if feasible else None,
        None if feasible else maximin_compromise(spec, relaxed=True),
    )


def _readonly(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


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
