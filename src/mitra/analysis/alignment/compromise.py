"""The maximin compromise, and :func:`align`, which reports conflicts, ranges and compromise.

:func:`maximin_compromise` finds the lever values inside every acceptable range
that maximise the least-satisfied partner's satisfaction, solved as a linear
program with :func:`scipy.optimize.linprog` (or, when the ranges do not
intersect, after the minimal total relaxation, labelled as such).
:func:`align` runs the conflict matrix, the range intersections and the
compromise on one spec.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from mitra.analysis.alignment.conflicts import (
    ConflictMatrix,
    LeverRange,
    _distance,
    conflict_matrix,
    lever_ranges,
)
from mitra.analysis.alignment.scores import _pieces, objective_score, partner_satisfaction
from mitra.analysis.alignment.spec import AlignmentSpec, Objective, load_alignment_spec

__all__ = [
    "AlignmentResult",
    "Compromise",
    "align",
    "maximin_compromise",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: Partners whose satisfaction is within this of the minimum are reported as binding.
BINDING_TOLERANCE = 1e-7

#: Stage 2 of the compromise keeps ``t >= t* - STAGE_TWO_SLACK`` (satisfaction units); if
#: HiGHS reports it infeasible (rounding), the stage-1 point is kept.
STAGE_TWO_SLACK = 0.0


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
