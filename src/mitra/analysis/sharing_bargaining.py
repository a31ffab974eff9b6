"""Nash bargaining over a partnership's benefit, and the core of a TU game.

Decimal policy: ``decimal.Decimal`` is not supported; amounts are float64 in
currency units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from mitra.analysis.sharing_shapley import MAX_EXACT_PLAYERS

__all__ = [
    "BlockingCoalition",
    "CoreCheck",
    "core_check",
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


@dataclass(frozen=True)
class BlockingCoalition:
    """A coalition that does better on its own than under an allocation.

    ``mask`` has bit ``i`` set for each member ``i`` (``members`` in ascending
    order); ``worth`` is ``v(S)``, ``allocated`` is ``x(S) = sum_{i in S} x_i``
    and ``excess = worth - allocated > 0`` (currency units).
    """

    mask: int
    members: tuple[int, ...]
    worth: float
    allocated: float
    excess: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "members": list(self.members),
            "worth": self.worth,
            "allocated": self.allocated,
            "excess": self.excess,
        }


@dataclass(frozen=True)
class CoreCheck:
    """Result of :func:`core_check` (amounts in currency units).

    ``in_core`` is true when the allocation is efficient (``|x(N) - v(N)| <=
    atol``) and no coalition has an excess above ``atol``. ``blocking`` is the
    most-violated coalition (largest excess ``v(S) - x(S) > atol``; ties go to the
    smallest bitmask) or ``None``. ``surplus_gap = x(N) - v(N)``; ``max_excess``
    is the largest ``v(S) - x(S)`` over proper non-empty coalitions (``<= 0``
    when no proper coalition can object).
    """

    in_core: bool
    efficient: bool
    surplus_gap: float
    max_excess: float
    blocking: BlockingCoalition | None
    atol: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "in_core": self.in_core,
            "efficient": self.efficient,
            "surplus_gap": self.surplus_gap,
            "max_excess": self.max_excess,
            "blocking": None if self.blocking is None else self.blocking.to_dict(),
            "atol": self.atol,
        }


def core_check(values: ArrayLike, allocation: ArrayLike, tolerance: float = 1e-9) -> CoreCheck:
    """Whether an allocation is in the core, and if not, which coalition blocks it.

    Parameters
    ----------
    values : array_like of float, shape (2**n,)
        Coalition worths (currency units), as for
        :func:`~mitra.analysis.sharing_shapley.shapley`; ``values[0] = 0``.
    allocation : array_like of float, shape (n,)
        ``x_i``, what each player gets (currency units).
    tolerance : float
        Relative tolerance: a violation counts when it exceeds
        ``atol = tolerance * max(1, max |v|)``.

    Returns
    -------
    CoreCheck
        Core membership, efficiency gap, the largest excess and the
        most-violated blocking coalition (members are player indices).

    Notes
    -----
    The core is ``{x : x(N) = v(N), x(S) >= v(S) for all S}``. The excess of
    ``S`` is ``e(S) = v(S) - x(S)``; a coalition with ``e(S) > 0`` blocks ``x``
    (its members can do better together on their own). If ``x(N) < v(N)``
    the grand coalition itself blocks. All ``2**n`` sums ``x(S)`` are built by
    doubling (``x(S ∪ {i}) = x(S) + x_i`` for the masks ``2**i .. 2**(i+1)-1``),
    so the check is ``O(2**n)`` in time and memory.

    References
    ----------
    D. B. Gillies, "Solutions to general non-zero-sum games", in A. W. Tucker
    and R. D. Luce (eds.), *Contributions to the Theory of Games IV*, Annals of
    Mathematics Studies 40, Princeton University Press, 1959, pp. 47-85.

    Examples
    --------
    In the glove game the Shapley value (2/3, 1/6, 1/6) is not in the core:
    the left glove and one right glove (players 0 and 1) get 5/6 but are worth 1.

    >>> check = core_check([0, 0, 0, 1, 0, 1, 0, 1], [2 / 3, 1 / 6, 1 / 6])
    >>> check.in_core, check.blocking.members, round(check.blocking.excess, 6)
    (False, (0, 1), 0.166667)
    """
    raw = np.asarray(values)
    if raw.ndim != 1 or raw.size < 1 or raw.size & (raw.size - 1):
        raise ValueError("values must be a one-dimensional table of length 2**n")
    n = raw.size.bit_length() - 1
    if n > MAX_EXACT_PLAYERS:
        raise ValueError(f"at most {MAX_EXACT_PLAYERS} players, got {n}")
    v = np.ascontiguousarray(raw, dtype=np.float64)
    if not np.isfinite(v).all():
        raise ValueError("values must be finite")
    if v[0] != 0.0:
        raise ValueError(f"values[0] (the empty coalition) must be 0, got {v[0]!r}")
    x = _vector("allocation", allocation)
    if x.size != n:
        raise ValueError(f"allocation must have one amount per player ({n}), got {x.size}")
    atol = float(tolerance) * max(1.0, float(np.abs(v).max()))
    sums = np.zeros(v.size)
    for i in range(n):
        sums[1 << i : 2 << i] = sums[: 1 << i] + x[i]
    excess = v - sums
    excess[0] = -np.inf
    gap = float(sums[-1] - v[-1])
    proper = excess[1:-1]
    max_excess = float(proper.max()) if proper.size else 0.0
    best = int(np.argmax(excess))
    blocking = None
    if excess[best] > atol:
        blocking = BlockingCoalition(
            mask=best,
            members=tuple(i for i in range(n) if best >> i & 1),
            worth=float(v[best]),
            allocated=float(sums[best]),
            excess=float(excess[best]),
        )
    efficient = abs(gap) <= atol
    return CoreCheck(
        in_core=efficient and blocking is None,
        efficient=efficient,
        surplus_gap=gap,
        max_excess=max_excess,
        blocking=blocking,
        atol=atol,
    )
