"""Nash bargaining over a partnership's benefit: the closed form with transferable
utility (:func:`nash_bargaining`) and a general convex frontier
(:func:`nash_bargaining_general`).

Decimal policy: ``decimal.Decimal`` is not supported; amounts are float64 in
currency units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

__all__ = [
    "nash_bargaining",
    "nash_bargaining_general",
]

FloatArray: TypeAlias = NDArray[np.float64]


def _vector(name: str, values: ArrayLike) -> FloatArray:
    a = np.array(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite")
    return a


def _weights(weights: ArrayLike | None, n: int) -> FloatArray:
    if weights is None:
        return np.ones(n)
    w = _vector("weights", weights)
    if w.size != n:
        raise ValueError(f"weights must have one entry per party ({n}), got {w.size}")
    if (w <= 0).any():
        raise ValueError("weights must be > 0")
    return w


def nash_bargaining(
    total: float, disagreement: ArrayLike, weights: ArrayLike | None = None
) -> FloatArray:
    """Split a transferable total by the (weighted) Nash bargaining solution.

    Parameters
    ----------
    total : float
        The amount the partners share if they agree (currency units).
    disagreement : array_like of float, shape (n,)
        ``d_i``: what partner ``i`` gets if there is no agreement, its walk-away
        value (currency units).
    weights : array_like of float, shape (n,), optional
        Bargaining weights ``w_i > 0``; equal weights (the symmetric solution)
        by default. Only their ratios matter.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        ``x_i = d_i + w_i / sum(w) * (total - sum(d))`` (currency units).

    Raises
    ------
    ValueError
        If ``total < sum(d)``: no split gives every partner its walk-away
        value, so there is no agreement to bargain over.

    Notes
    -----
    The weighted Nash solution maximises ``prod_i (x_i - d_i)^{w_i}`` over
    ``x >= d`` with ``sum(x) = total``. With transferable utility the frontier
    is a hyperplane and the first-order conditions ``w_i / (x_i - d_i) =
    lambda`` give the closed form above: each partner gets its walk-away value
    plus a share of the surplus ``total - sum(d)`` in proportion to its weight.

    References
    ----------
    J. F. Nash, "The bargaining problem", *Econometrica* 18(2), 1950,
    pp. 155-162. E. Kalai, "Nonsymmetric Nash solutions and replications of
    2-person bargaining", *International Journal of Game Theory* 6(3), 1977,
    pp. 129-133.

    Examples
    --------
    >>> nash_bargaining(100.0, [10.0, 20.0]).tolist()
    [45.0, 55.0]
    >>> nash_bargaining(100.0, [10.0, 20.0], weights=[3, 1]).tolist()
    [62.5, 37.5]
    """
    d = _vector("disagreement", disagreement)
    if d.size == 0:
        raise ValueError("disagreement must have at least one party")
    w = _weights(weights, d.size)
    if not np.isfinite(total):
        raise ValueError(f"total must be finite, got {total}")
    surplus = float(total) - float(d.sum())
    if surplus < 0:
        raise ValueError(
            f"infeasible: the total ({total:,.6g}) is less than the sum of the walk-away values "
            f"({float(d.sum()):,.6g}); no agreement leaves every partner at or above its "
            "walk-away value"
        )
    return np.asarray(d + w / w.sum() * surplus, dtype=np.float64)


def nash_bargaining_general(
    constraint: Callable[[FloatArray], float],
    disagreement: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    tolerance: float = 1e-10,
) -> FloatArray:
    """Nash bargaining without transferable utility, over a convex feasible set.

    Parameters
    ----------
    constraint : callable
        ``g(u) -> float`` with the feasible utility vectors ``{u : g(u) <= 0}``
        (utility in currency units or any cardinal scale); ``g`` must be convex
        and continuous, and the set bounded in the direction of gains.
    disagreement : array_like of float, shape (n,)
        The disagreement point ``d`` (walk-away utilities); some ``u > d`` must
        be feasible.
    weights : array_like of float, shape (n,), optional
        Bargaining weights ``w_i > 0`` (symmetric by default).
    tolerance : float
        Tolerance of the optimiser (SciPy SLSQP ``ftol``).

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        The utility vector ``u*`` that maximises ``sum_i w_i log(u_i - d_i)``
        subject to ``g(u) <= 0`` and ``u > d``.

    Raises
    ------
    ValueError
        If no feasible point gives every player more than ``d``, if the set is
        unbounded in the direction of gains, or if the optimiser fails.

    Notes
    -----
    The problem is solved in ``y = log(u - d)`` (which keeps ``u > d``) with
    SciPy's SLSQP, starting halfway along the diagonal ``d + t (1, ..., 1)``
    to the boundary (found by bisection). With ``g(u) = sum(u) - total`` it
    reproduces :func:`nash_bargaining`.

    References
    ----------
    J. F. Nash, "The bargaining problem", *Econometrica* 18(2), 1950,
    pp. 155-162.

    Examples
    --------
    Frontier ``u_2 = sqrt(1 - u_1)``, ``d = 0``: maximise ``u_1 sqrt(1 - u_1)``,
    so ``u_1 = 2/3`` and ``u_2 = 1/sqrt(3)``.

    >>> u = nash_bargaining_general(lambda u: u[0] + u[1] ** 2 - 1, [0.0, 0.0])
    >>> u.round(6).tolist()
    [0.666667, 0.57735]
    """
    d = _vector("disagreement", disagreement)
    n = d.size
    if n == 0:
        raise ValueError("disagreement must have at least one party")
    w = _weights(weights, n)
    ones = np.ones(n)

    def g_along(t: float) -> float:
        return float(constraint(d + t * ones))

    if g_along(0.0) >= 0:
        raise ValueError(
            "infeasible: no feasible point gives every party more than its disagreement value"
        )
    hi = 1.0
    while g_along(hi) < 0:
        hi *= 2.0
        if hi > 1e15:
            raise ValueError("the feasible set is unbounded in the direction of gains")
    lo = 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if g_along(mid) < 0:
            lo = mid
        else:
            hi = mid
    y0 = np.full(n, np.log(0.5 * lo)) if lo > 0 else np.full(n, np.log(0.5 * hi))
    scale = max(1.0, float(np.abs(d).max()), hi)

    def objective(y: FloatArray) -> float:
        return -float(w @ y) / float(w.sum())

    def feasible(y: FloatArray) -> float:
        return -float(constraint(d + np.exp(y))) / scale

    gradient = -w / float(w.sum())  # the objective is linear in y: its gradient is exact

    result = optimize.minimize(
        objective,
        y0,
        jac=lambda y: gradient,
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": feasible}],
        options={"ftol": tolerance, "maxiter": 1000},
    )
    u = d + np.exp(np.asarray(result.x, dtype=np.float64))
    if not result.success or constraint(u) > 1e-7 * scale:
        raise ValueError(f"the optimiser did not converge: {result.message}")
    return _polish(constraint, d, w, u, scale)


def _polish(
    constraint: Callable[[FloatArray], float],
    d: FloatArray,
    w: FloatArray,
    u: FloatArray,
    scale: float,
) -> FloatArray:
    """Refine SLSQP's point by Newton's method on the optimality conditions.

    SLSQP stops when the objective stalls, which leaves the point accurate only to about the
    square root of its tolerance. At the optimum ``w_i = lambda (u_i - d_i) dg/du_i`` and
    ``g(u) = 0``; solving these (constraint gradient by central differences) gives the point to
    near machine precision. The refined point is kept only if it is feasible, keeps every party
    above its disagreement value and does not lower the weighted Nash product.
    """
    n = u.size

    def gradient(x: FloatArray) -> FloatArray:
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        out = np.empty(n)
        for i in range(n):
            step = np.zeros(n)
            step[i] = h[i]
            out[i] = (constraint(x + step) - constraint(x - step)) / (2.0 * h[i])
        return out

    g0 = gradient(u)
    lam0 = float(np.mean(w / ((u - d) * np.where(g0 == 0, 1.0, g0))))

    def residual(z: FloatArray) -> FloatArray:
        x, lam = z[:n], z[n]
        return np.append(w - lam * (x - d) * gradient(x), constraint(x) / scale)

    try:
        solved = optimize.root(residual, np.append(u, lam0), method="hybr")
    except (ValueError, FloatingPointError):  # pragma: no cover - defensive
        return u
    refined = np.asarray(solved.x[:n], dtype=np.float64)
    if (
        not solved.success
        or not np.all(np.isfinite(refined))
        or np.any(refined <= d)
        or constraint(refined) > 1e-9 * scale
        # SLSQP's point may sit just outside the frontier (by its constraint tolerance), which
        # lifts its product a little: compare with a margin of that order, not exactly.
        or float(w @ np.log(refined - d)) < float(w @ np.log(u - d)) - 1e-8
    ):
        return u
    return refined
