"""Where partners disagree: the weighted conflict matrix, and per lever the ranges' overlap.

1. The **weighted conflict matrix**: which pairs of partners pull the same lever
   in opposite directions, and how much it matters to them
   (:func:`conflict_matrix`, with :func:`objectives_oppose`);
2. per lever, the **intersection** of the acceptable ranges or, when it is
   empty, the **gap**, the tightest pair and the minimal total relaxation
   (:func:`lever_ranges`).

Conflict weights are dimensionless; ranges, gaps and relaxations are in the
lever's unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mitra.analysis.alignment.spec import AlignmentSpec, Lever, Objective

__all__ = [
    "ConflictMatrix",
    "LeverRange",
    "conflict_matrix",
    "lever_ranges",
    "objectives_oppose",
]

FloatArray: TypeAlias = NDArray[np.float64]


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
    >>> from mitra.analysis.alignment import load_alignment_spec
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


def _readonly(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a
