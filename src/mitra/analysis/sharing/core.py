"""The core of a transferable-utility game: whether an allocation is in it, and who blocks it.

Decimal policy: ``decimal.Decimal`` is not supported; amounts are float64 in
currency units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mitra.analysis.sharing.bargaining import _vector
from mitra.analysis.sharing.shapley import MAX_EXACT_PLAYERS

__all__ = [
    "BlockingCoalition",
    "CoreCheck",
    "core_check",
]


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
        :func:`~mitra.analysis.sharing.shapley.shapley`; ``values[0] = 0``.
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
