"""Scores and satisfaction: how far a lever value meets an objective, and a point a partner.

Weights are normalised per partner: ``w_pj = omega_pj / sum_k omega_pk``.
Score of one objective at lever value ``x`` (defined on ``[lo, hi]`` only;
outside it the point is infeasible for that partner):

* increase: ``s = (x - lo) / (hi - lo)``
* decrease: ``s = (hi - x) / (hi - lo)``
* target ``tau``: ``s = (x - lo) / (tau - lo)`` for ``x <= tau`` and
  ``s = (hi - x) / (hi - tau)`` for ``x >= tau`` (1 at ``tau``, 0 at both ends).

Partner satisfaction ``S_p(x) = sum_j w_pj s_pj(x_j)`` in ``[0, 1]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mitra.analysis.alignment.spec import AlignmentSpec, Objective

__all__ = [
    "objective_score",
    "partner_satisfaction",
]


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
    >>> from mitra.analysis.alignment import load_alignment_spec
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
