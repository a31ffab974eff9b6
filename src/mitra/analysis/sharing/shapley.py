"""The Shapley value of a transferable-utility game: exact, sampled, and the table builder.

A game with ``n`` players is given as its characteristic function, a float64
table ``values`` of length ``2**n``: ``values[mask]`` is the worth (currency
units) of the coalition whose members are the set bits of ``mask`` (bit ``i``
= player ``i``), with ``values[0] == 0`` (the empty coalition is worth nothing).

Decimal policy: ``decimal.Decimal`` is not supported; worths are float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mitra.analysis._random import SeedLike, as_generator, resolve_seed

__all__ = [
    "MAX_EXACT_PLAYERS",
    "ShapleyEstimate",
    "coalition_values",
    "shapley",
    "shapley_sample",
]

FloatArray: TypeAlias = NDArray[np.float64]
WorthFn: TypeAlias = Callable[[frozenset[int]], float]

#: Largest ``n`` accepted by :func:`shapley` (a table of 2**30 float64 is 8 GiB).
#: The computation itself needs about 1 MiB beyond the caller's table, so the
#: practical limit is the memory for ``values``: 8 * 2**n bytes (n = 20: 8 MiB,
#: n = 25: 256 MiB, n = 28: 2 GiB).
MAX_EXACT_PLAYERS = 30

#: Masks are processed in blocks of 2**_BLOCK_BITS (512 KiB of float64: cache-sized).
_BLOCK_BITS = 16


def _players_of(size: int) -> int:
    if size < 1 or size & (size - 1):
        raise ValueError(
            f"values must have a power-of-two length 2**n (one worth per coalition), got {size}"
        )
    return size.bit_length() - 1


def _check_table(values: ArrayLike) -> FloatArray:
    raw = np.asarray(values)  # no copy yet: the size is checked before any large allocation
    if raw.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {raw.shape}")
    n = _players_of(raw.size)
    if n > MAX_EXACT_PLAYERS:
        raise ValueError(
            f"exact Shapley values are limited to n <= {MAX_EXACT_PLAYERS} players, got {n}; "
            "use shapley_sample"
        )
    v = np.ascontiguousarray(raw, dtype=np.float64)
    if not np.isfinite(v).all():
        bad = int(np.flatnonzero(~np.isfinite(v))[0])
        raise ValueError(f"values must be finite; values[{bad}] is {v[bad]}")
    if v[0] != 0.0:
        raise ValueError(f"values[0] (the empty coalition) must be 0, got {v[0]!r}")
    return v


def _size_weights(n: int) -> FloatArray:
    """``w(s) = s! (n - s - 1)! / n! = 1 / (n * C(n - 1, s))`` for ``s = 0..n-1``, then 0."""
    w = np.zeros(n + 1)
    for s in range(n):
        w[s] = 1.0 / (n * math.comb(n - 1, s))
    return w


def shapley(values: ArrayLike) -> FloatArray:
    """Exact Shapley values of a TU game given as a table of coalition worths.

    Parameters
    ----------
    values : array_like of float, shape (2**n,)
        ``values[mask]`` = worth ``v(S)`` (currency units) of the coalition ``S``
        whose members are the set bits of ``mask`` (bit ``i`` = player ``i``).
        ``values[0]`` must be 0; every entry finite; ``n <= MAX_EXACT_PLAYERS``.

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        ``phi[i]``, the Shapley value of player ``i`` (currency units). They sum
        to ``v(N) = values[-1]`` (efficiency), up to rounding.

    Raises
    ------
    ValueError
        If the length is not a power of two, ``values[0] != 0``, an entry is not
        finite, or ``n > MAX_EXACT_PLAYERS``.

    Notes
    -----
    The Shapley value is

    .. math:: \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}} w(|S|)\\,
              (v(S \\cup \\{i\\}) - v(S)), \\qquad w(s) = \\frac{s!\\,(n-s-1)!}{n!}.

    Regrouping the sum by coalition instead of by pair gives, with ``w(n) = 0``,

    .. math:: \\phi_i = \\sum_{T \\ni i} c(T) - B, \\quad
              c(T) = (w(|T|-1) + w(|T|))\\, v(T), \\quad B = \\sum_T w(|T|)\\, v(T),

    because ``sum_{S not containing i} w(|S|) v(S) = B - sum_{T containing i} w(|T|) v(T)``.
    ``B`` is one weighted sum; the ``n`` sums over "coalitions containing
    ``i``" come from folding ``c`` in half repeatedly (the upper half of the
    array is the set of masks with the top bit set; adding the two halves
    removes that bit), ``2 * 2**n`` additions in all. The table is processed in
    cache-sized blocks of ``2**16`` masks, so the extra memory is about 1 MiB
    whatever ``n``; time is linear in ``2**n`` (n = 20: about 5 ms on a 2-core
    machine, see ``bench/shapley.py``).

    References
    ----------
    L. S. Shapley, "A value for n-person games", in H. W. Kuhn and A. W. Tucker
    (eds.), *Contributions to the Theory of Games II*, Annals of Mathematics
    Studies 28, Princeton University Press, 1953, pp. 307-317.

    Examples
    --------
    The glove game: player 0 holds a left glove, players 1 and 2 a right glove;
    a pair is worth 1.

    >>> v = [0, 0, 0, 1, 0, 1, 0, 1]     # masks 0b011, 0b101 and 0b111 hold a pair
    >>> shapley(v).round(6).tolist()
    [0.666667, 0.166667, 0.166667]
    """
    v = _check_table(values)
    n = _players_of(v.size)
    if n == 0:
        return np.zeros(0)
    w = _size_weights(n)
    coef = w.copy()
    coef[1:] += w[:-1]  # coef[k] = w(k - 1) + w(k)
    k = min(n, _BLOCK_BITS)
    size = 1 << k
    pc_low = np.bitwise_count(np.arange(size, dtype=np.uint32)).astype(np.intp)
    blocks = v.reshape(-1, size)
    low = np.zeros(k)
    block_totals = np.empty(blocks.shape[0])
    b_total = 0.0
    for j, block in enumerate(blocks):
        pj = j.bit_count()  # members among the high bits, shared by the whole block
        c = block * coef[pj : pj + k + 1][pc_low]
        by_size = np.bincount(pc_low, weights=block, minlength=k + 1)
        b_total += float(by_size @ w[pj : pj + k + 1])
        block_totals[j] = _fold(c, low)
    phi = np.empty(n)
    phi[:k] = low
    high = np.zeros(n - k)
    _fold(block_totals, high)
    phi[k:] = high
    return phi - b_total


def _fold(c: FloatArray, sums: FloatArray) -> float:
    """Add to ``sums[b]`` the sum of ``c[m]`` over masks with bit ``b`` set; return ``sum(c)``."""
    arr = c
    for bit in range(sums.size - 1, -1, -1):
        half = arr.size // 2
        upper = arr[half:]
        sums[bit] += float(upper.sum())
        arr = arr[:half] + upper
    return float(arr[0])


def coalition_values(
    players: Sequence[Hashable], fn: Callable[[frozenset[Any]], float]
) -> FloatArray:
    """Build the table of coalition worths from a function over sets of players.

    Parameters
    ----------
    players : sequence of hashable, length n
        Player labels; ``players[i]`` is bit ``i`` of a mask. Must be distinct.
    fn : callable
        ``fn(frozenset of labels) -> float``: the worth of a coalition (currency
        units). Called once for each of the ``2**n`` coalitions, including the
        empty one, which must be worth 0.

    Returns
    -------
    numpy.ndarray of float64, shape (2**n,)
        ``values[mask] = fn({players[i] : bit i of mask is set})``.

    Raises
    ------
    ValueError
        Duplicate labels, ``n > MAX_EXACT_PLAYERS``, ``fn(frozenset()) != 0``, or a
        non-finite worth.

    Notes
    -----
    This is ``2**n`` Python calls (about a second at n = 20 for a cheap ``fn``);
    build large tables with NumPy directly when the game has structure.

    Examples
    --------
    >>> coalition_values(["a", "b"], lambda s: float(len(s)) ** 2).tolist()
    [0.0, 1.0, 1.0, 4.0]
    """
    labels = list(players)
    n = len(labels)
    if len(set(labels)) != n:
        raise ValueError("players must be distinct")
    if n > MAX_EXACT_PLAYERS:
        raise ValueError(f"at most {MAX_EXACT_PLAYERS} players, got {n}")
    out = np.empty(1 << n)
    for mask in range(1 << n):
        members = frozenset(labels[i] for i in range(n) if mask >> i & 1)
        worth = float(fn(members))
        if not math.isfinite(worth):
            raise ValueError(f"the worth of {sorted(map(str, members))} is not finite: {worth}")
        out[mask] = worth
    if out[0] != 0.0:
        raise ValueError(f"the empty coalition must be worth 0, fn returned {out[0]!r}")
    return out


@dataclass(frozen=True)
class ShapleyEstimate:
    """Shapley values estimated by permutation sampling.

    ``values[i]`` is the mean marginal contribution of player ``i`` (currency
    units) over ``permutations`` random orders; ``standard_errors[i]`` its
    standard error ``sd / sqrt(permutations)``; ``seed`` the root seed used.
    """

    values: FloatArray
    standard_errors: FloatArray
    permutations: int
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "values": self.values.tolist(),
            "standard_errors": self.standard_errors.tolist(),
            "permutations": self.permutations,
            "seed": self.seed,
        }


def shapley_sample(
    game: ArrayLike | WorthFn,
    n_players: int | None = None,
    permutations: int = 10_000,
    seed: SeedLike = None,
) -> ShapleyEstimate:
    """Shapley values by Monte Carlo over random orders of the players.

    Parameters
    ----------
    game : array_like of float, shape (2**n,), or callable
        Either the table of coalition worths (as for :func:`shapley`) or a
        function ``fn(frozenset of player indices 0..n-1) -> float`` (currency
        units) with ``fn(frozenset()) == 0``. A function is called at most
        ``n * permutations`` times (results are cached per coalition).
    n_players : int, optional
        Number of players; required with a function, checked with a table.
    permutations : int
        Number of random orders ``P >= 2``.
    seed : int, numpy.random.Generator or None
        Root of the random orders (``None``: a fresh seed, reported back).

    Returns
    -------
    ShapleyEstimate
        Estimates and standard errors (currency units), ``P`` and the seed. The
        estimates sum exactly to ``v(N)`` (each order distributes ``v(N)``).

    Notes
    -----
    For a uniformly random order ``pi``, the marginal contribution of ``i``,
    ``v(P_i ∪ {i}) - v(P_i)`` with ``P_i`` the players before ``i``, has mean
    ``phi_i``. The estimate is its sample mean over ``P`` independent orders and
    the standard error is the sample standard deviation (``ddof = 1``) divided by
    ``sqrt(P)``. With a table the orders are processed in vectorised blocks.

    References
    ----------
    J. Castro, D. Gómez and J. Tejada, "Polynomial calculation of the Shapley
    value based on sampling", *Computers & Operations Research* 36(5), 2009,
    pp. 1726-1730.

    Examples
    --------
    >>> est = shapley_sample([0, 0, 0, 1, 0, 1, 0, 1], permutations=4000, seed=1)
    >>> bool(abs(est.values[0] - 2 / 3) < 4 * est.standard_errors[0])
    True
    """
    if permutations < 2:
        raise ValueError(f"permutations must be >= 2, got {permutations}")
    root = None if isinstance(seed, np.random.Generator) else resolve_seed(seed)
    rng = as_generator(seed if root is None else root)
    if callable(game):
        if n_players is None or n_players < 1:
            raise ValueError("n_players (>= 1) is required when the game is a function")
        n = n_players
        mean, m2 = _sample_fn(game, n, permutations, rng)
    else:
        v = np.ascontiguousarray(game, dtype=np.float64)
        if v.ndim != 1:
            raise ValueError(f"values must be one-dimensional, got shape {v.shape}")
        n = _players_of(v.size)
        if n_players is not None and n_players != n:
            raise ValueError(f"n_players is {n_players} but the table has 2**{n} entries")
        if n == 0:
            raise ValueError("the game has no players")
        if not np.isfinite(v).all():
            raise ValueError("values must be finite")
        if v[0] != 0.0:
            raise ValueError(f"values[0] (the empty coalition) must be 0, got {v[0]!r}")
        mean, m2 = _sample_table(v, n, permutations, rng)
    se = np.sqrt(m2 / (permutations - 1) / permutations)
    return ShapleyEstimate(mean, se, permutations, root)


def _sample_table(
    v: FloatArray, n: int, permutations: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    mean, m2 = np.zeros(n), np.zeros(n)
    block = max(1, 200_000 // n)
    done = 0
    while done < permutations:
        m = min(block, permutations - done)
        order = rng.permuted(np.tile(np.arange(n), (m, 1)), axis=1)
        masks = np.cumsum(np.left_shift(np.int64(1), order), axis=1)
        worth = v[masks]
        marginal = np.diff(worth, axis=1, prepend=0.0)
        per_player = np.empty_like(marginal)
        np.put_along_axis(per_player, order, marginal, axis=1)
        # Chan, Golub and LeVeque's pairwise update of the mean and sum of squares
        b_mean = per_player.mean(axis=0)
        b_m2 = ((per_player - b_mean) ** 2).sum(axis=0)
        delta = b_mean - mean
        count = done + m
        mean = mean + delta * (m / count)
        m2 = m2 + b_m2 + delta**2 * (done * m / count)
        done = count
    return mean, m2


def _sample_fn(
    fn: WorthFn, n: int, permutations: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    cache: dict[int, float] = {}

    def worth(mask: int) -> float:
        if mask not in cache:
            value = float(fn(frozenset(i for i in range(n) if mask >> i & 1)))
            if not math.isfinite(value):
                raise ValueError(f"the worth of coalition mask {mask} is not finite: {value}")
            cache[mask] = value
        return cache[mask]

    if worth(0) != 0.0:
        raise ValueError(f"the empty coalition must be worth 0, the function returned {worth(0)}")
    mean, m2 = np.zeros(n), np.zeros(n)
    for count in range(1, permutations + 1):
        mask, before = 0, 0.0
        for i in rng.permutation(n).tolist():
            mask |= 1 << i
            after = worth(mask)
            gain = after - before
            delta = gain - mean[i]  # Welford's update
            mean[i] += delta / count
            m2[i] += delta * (gain - mean[i])
            before = after
    return mean, m2
