"""Monte Carlo engine for the risk-model spec: sample, evaluate, summarise.

The computation follows the normative description of
``risk-model.schema.json`` step by step: occurrence (I1), Gaussian-copula
impacts (I2), PV risk costs ``L_i = O_i X_i K_i`` (I3)-(I5), then the summary
(type-7 percentiles, VaR/CVaR, Spearman tornado).

Random stream layout
--------------------
Iterations are cut into fixed blocks of :data:`BLOCK_SIZE` = 65,536. In block
``b``, risk ``i`` owns two independent streams,
``Generator(PCG64(SeedSequence(seed, spawn_key=(b, i, 0))))`` for its occurrence
uniforms and ``(b, i, 1)`` for its impact (or, for a correlated risk, its latent
standard normal). Each stream is consumed strictly in iteration order, one value
per iteration, so the output does not depend on how a block is split into
chunks, on how many threads share the blocks, or on which other risks are being
computed: any single risk's costs can be regenerated on their own.

Decimal policy: the spec's numbers are JSON numbers read as ``float``; every
computation is float64 and every money output is a ``float`` in ``amount_unit``
of the spec's currency. Convert to ``Decimal`` at the edge (the web layer).
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mitra.analysis._random import SeedLike, resolve_seed, stream
from mitra.analysis.risk.distributions import (
    Distribution,
    Lognormal,
    Normal,
    Pert,
    PertQuantileTable,
    Triangular,
    Uniform,
)
from mitra.analysis.risk.spec import RiskModel, load_spec

__all__ = [
    "BLOCK_SIZE",
    "CHUNK_SIZE",
    "TORNADO_SAMPLE",
    "TORNADO_THRESHOLD",
    "ConvergencePoint",
    "CostSummary",
    "Histogram",
    "NpvSummary",
    "RiskSummary",
    "Samples",
    "SimulationResult",
    "Timing",
    "percentile_key",
    "sample",
    "simulate",
]

FloatArray: TypeAlias = NDArray[np.float64]
BoolArray: TypeAlias = NDArray[np.bool_]
Progress: TypeAlias = Callable[[int, int], None]

#: Iterations per random-stream block; part of the stream layout (changing it changes results).
BLOCK_SIZE = 65_536
#: Default iterations per vectorised step: a step's work arrays (128 KiB each) stay in the
#: CPU's cache. Never changes results. Sampling the 1M toll road took 0.47 s against 0.54 s
#: with 65,536 (medians, load 1.1); no difference when another process shares the core.
CHUNK_SIZE = 16_384
#: Default memory allowed for the per-risk cost columns kept for the tornado (bytes).
COLUMN_BUDGET = 256 * 2**20
#: Above this many iterations the tornado is computed on a sub-sample (see :func:`simulate`).
TORNADO_THRESHOLD = 500_000
#: Size of that sub-sample: the first ``TORNADO_SAMPLE`` iterations of the run.
TORNADO_SAMPLE = 200_000
_OCCURRENCE, _IMPACT = 0, 1
_HISTOGRAM_BINS = 50
_CDF_POINTS = 101
_CHECKPOINTS = 20
_INT64_SIGN = np.int64(-(2**63))


# =========================================================================== compiled model


@lru_cache(maxsize=256)
def _pert_table(dist: Pert) -> PertQuantileTable:
    return PertQuantileTable(dist)


def _copula_transform(dist: Distribution) -> Callable[[FloatArray], FloatArray]:
    """``z -> F^{-1}(Phi(z))`` for a correlated risk (fast paths per family)."""
    if isinstance(dist, Pert):
        return _pert_table(dist)
    if isinstance(dist, Normal | Lognormal):
        return dist.from_normal  # exact, no Phi round trip
    return dist.from_normal  # triangular, uniform: closed form after ndtr


def _sampler(dist: Distribution) -> Callable[[np.random.Generator, int], FloatArray]:
    """Exact independent sampler for an uncorrelated risk."""
    if isinstance(dist, Triangular | Uniform | Normal | Lognormal | Pert):
        return dist.sample
    raise TypeError(f"unknown distribution {dist!r}")  # pragma: no cover


@dataclass(frozen=True)
class _Plan:
    """Everything the per-chunk kernel needs, derived once from a model."""

    model: RiskModel
    prob: tuple[float, ...]
    pv: tuple[float, ...]
    correlated: tuple[bool, ...]
    chol_rows: tuple[tuple[tuple[int, float], ...], ...]  # per risk: (k, L_jk) over latents
    component: tuple[tuple[int, ...], ...]  # latents a correlated risk depends on
    party_terms: tuple[tuple[tuple[int, float], ...], ...]  # per party: (risk, share > 0)
    risk_parties: tuple[tuple[tuple[int, float], ...], ...]  # per risk: (party, share > 0)
    transforms: tuple[Callable[[FloatArray], FloatArray] | None, ...]
    samplers: tuple[Callable[[np.random.Generator, int], FloatArray], ...]

    @property
    def n_risks(self) -> int:
        return len(self.prob)


def _compile(model: RiskModel) -> _Plan:
    r = len(model.risks)
    c = model.correlation_matrix
    correlated = tuple(bool(np.any(c[i] != 0.0) and np.count_nonzero(c[i]) > 1) for i in range(r))
    chol = np.linalg.cholesky(c)
    chol_rows = tuple(
        tuple((k, float(chol[i, k])) for k in range(i + 1) if chol[i, k] != 0.0)
        if correlated[i]
        else ()
        for i in range(r)
    )
    # connected components of the correlation graph (the Cholesky factor is block diagonal)
    label = list(range(r))

    def find(i: int) -> int:
        while label[i] != i:
            label[i] = label[label[i]]
            i = label[i]
        return i

    for i in range(r):
        for j in range(i):
            if c[i, j] != 0.0:
                label[find(i)] = find(j)
    component = tuple(
        tuple(k for k in range(r) if correlated[i] and find(k) == find(i)) for i in range(r)
    )
    a = model.allocation_matrix
    party_terms = tuple(
        tuple((i, float(a[i, p])) for i in range(r) if a[i, p] != 0.0) for p in range(a.shape[1])
    )
    risk_parties = tuple(
        tuple((j, share) for j, terms in enumerate(party_terms) for k, share in terms if k == i)
        for i in range(r)
    )
    return _Plan(
        model=model,
        prob=tuple(float(p) for p in model.probabilities),
        pv=tuple(float(k) for k in model.pv_factors),
        correlated=correlated,
        chol_rows=chol_rows,
        component=component,
        party_terms=party_terms,
        risk_parties=risk_parties,
        transforms=tuple(
            _copula_transform(risk.impact) if correlated[i] else None
            for i, risk in enumerate(model.risks)
        ),
        samplers=tuple(_sampler(risk.impact) for risk in model.risks),
    )


# =========================================================================== kernel


@dataclass
class _Chunk:
    """Results of one chunk of ``m`` iterations for the risks in ``subset``."""

    rows: FloatArray  # (len(subset), m): L_i
    total: FloatArray | None = None  # (m,): L (only when subset is every risk)
    party: FloatArray | None = None  # (P, m): L_p
    impacts: FloatArray | None = None  # (len(subset), m): X_i
    occurred: BoolArray | None = None  # (len(subset), m): O_i


class _BlockStreams:
    """The generators of one block for the risks a pass needs."""

    def __init__(self, plan: _Plan, root: int, block: int, subset: Sequence[int]) -> None:
        latents = sorted({k for i in subset for k in plan.component[i]})
        impacts = sorted(set(latents) | {i for i in subset if not plan.correlated[i]})
        self.impact = {i: stream(root, block, i, _IMPACT) for i in impacts}
        self.occurrence = {
            i: stream(root, block, i, _OCCURRENCE) for i in subset if 0.0 < plan.prob[i] < 1.0
        }
        self.latents = latents


class _Scratch:
    """Work buffers of one thread, reused chunk after chunk (fresh 512 KiB arrays cost page
    faults each time: drawing into them took twice as long as drawing into a kept buffer)."""

    def __init__(self, size: int, n_latents: int) -> None:
        self.uniform = np.empty(size)
        self.happened = np.empty(size, dtype=np.bool_)
        self.tmp = np.empty(size)
        self.z = np.empty(size)
        self.latent = np.empty((n_latents, size))
        self.rows: FloatArray | None = None  # (risks, size): L_i rows of a chunk not kept

    def rows_for(self, risks: int, m: int) -> FloatArray:
        """Work rows for ``risks`` rows of ``m`` iterations (kept from chunk to chunk)."""
        if self.rows is None or self.rows.shape[0] < risks:
            self.rows = np.empty((risks, self.uniform.size))
        return self.rows[:risks, :m]


def _kernel(
    plan: _Plan,
    streams: _BlockStreams,
    subset: Sequence[int],
    m: int,
    *,
    full: bool,
    keep: bool,
    out: FloatArray | None = None,
    total_out: FloatArray | None = None,
    party_out: FloatArray | None = None,
    zeroed: bool = False,
    scratch: _Scratch | None = None,
) -> _Chunk:
    """Compute L_i (and L, L_p when ``full``) for the next ``m`` iterations of a block.

    ``out``, shape ``(len(subset), m)``, receives the L_i rows in place (no temporary
    rows and no copy); every entry is written. Without ``out`` the rows go to a fresh
    array when ``keep``, else to the thread's work rows (valid until its next chunk).
    Likewise ``total_out``, shape ``(m,)``, and ``party_out``, shape ``(P, m)``, receive
    L and L_p when ``full``. With ``zeroed`` the caller promises that ``out`` and
    ``party_out`` hold zeros (fresh ``np.zeros`` memory), so they are not filled with
    zeros again. ``scratch`` holds work buffers of at least ``m`` entries (the values
    drawn into them are those of fresh arrays).

    L and L_p are accumulated risk by risk, right after each row is computed (while it
    is in cache): every sum still adds the same terms in the same order (risks in
    register order, parties' shares in register order), so the bits are unchanged.
    """
    if scratch is None:
        scratch = _Scratch(m, len(streams.latents))
    latent: dict[int, FloatArray] = {}
    for j, k in enumerate(streams.latents):
        latent[k] = streams.impact[k].standard_normal(out=scratch.latent[j, :m])
    rows_zeroed = zeroed
    if out is not None:
        rows = out
    elif keep:
        rows, rows_zeroed = np.zeros((len(subset), m)), True
    else:
        rows, rows_zeroed = scratch.rows_for(len(subset), m), False
    impacts = np.full((len(subset), m), np.nan) if keep else None
    occurred = np.ones((len(subset), m), dtype=np.bool_) if keep else None
    tmp = scratch.tmp[:m]
    total: FloatArray | None = None
    party: FloatArray | None = None
    if full:
        total = np.empty(m) if total_out is None else total_out
        if party_out is None:
            party = np.zeros((len(plan.party_terms), m))
        else:
            party = party_out
            if not zeroed:
                party.fill(0.0)
    for r, i in enumerate(subset):
        p = plan.prob[i]
        hit: NDArray[np.intp] | None  # iterations where the risk occurs (None: all of them)
        if p >= 1.0:
            hit = None
        elif p <= 0.0:
            hit = np.empty(0, dtype=np.intp)
            if occurred is not None:
                occurred[r] = False
        else:
            uniform = streams.occurrence[i].random(out=scratch.uniform[:m])
            happened = np.less(uniform, p, out=scratch.happened[:m])
            hit = np.flatnonzero(happened)
            if occurred is not None:
                occurred[r] = happened
        row = rows[r]
        if hit is not None and not rows_zeroed:
            row.fill(0.0)
        if plan.correlated[i]:
            terms = plan.chol_rows[i]
            if len(terms) == 1 and terms[0][1] == 1.0:
                z = latent[terms[0][0]]
            else:
                z = scratch.z[:m]
                z.fill(0.0)
                for k, coef in terms:
                    np.multiply(latent[k], coef, out=tmp)
                    z += tmp
            transform = plan.transforms[i]
            assert transform is not None
            x = transform(z if hit is None else z[hit])
        else:
            # an independent impact is drawn only where it is used (same distribution)
            x = plan.samplers[i](streams.impact[i], m if hit is None else hit.size)
        if impacts is not None:
            impacts[r] = x if hit is None else np.nan
            if hit is not None:
                impacts[r, hit] = x
        if hit is None:
            np.multiply(x, plan.pv[i], out=row)
        else:
            x *= plan.pv[i]
            row[hit] = x
        if total is not None and party is not None:  # full: subset is every risk, r == i
            if r == 0:
                np.copyto(total, row)
            else:
                total += row
            for p_index, share in plan.risk_parties[i]:
                acc = party[p_index]
                if share == 1.0:  # x * 1.0 is x, bit for bit: skip the product
                    acc += row
                else:
                    np.multiply(row, share, out=tmp)
                    acc += tmp
    return _Chunk(rows=rows, impacts=impacts, occurred=occurred, total=total, party=party)


def _pieces(n: int, chunk_size: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """Blocks ``(index, start, [(chunk start, chunk length), ...])`` covering ``n`` iterations."""
    for b, start in enumerate(range(0, n, BLOCK_SIZE)):
        stop = min(start + BLOCK_SIZE, n)
        chunks = [(s, min(chunk_size, stop - s)) for s in range(start, stop, chunk_size)]
        yield b, start, chunks


def _run(
    plan: _Plan,
    root: int,
    n: int,
    subset: Sequence[int],
    sink: Callable[[int, _Chunk], None],
    *,
    full: bool,
    keep: bool = False,
    chunk_size: int = BLOCK_SIZE,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    rows_out: FloatArray | None = None,
    total_out: FloatArray | None = None,
    party_out: FloatArray | None = None,
    zeroed: bool = False,
) -> None:
    """Run every block for the risks in ``subset``, handing each chunk to ``sink``.

    With ``rows_out``, shape ``(len(subset), n_rows)``, each chunk that ends at or before
    ``n_rows`` writes its L_i rows straight into columns ``[start, start + m)`` (the
    chunk's ``rows`` is that view); the other chunks' rows are the thread's work rows,
    valid only during ``sink``. Likewise L into ``total_out`` ``(n,)`` and L_p into
    ``party_out`` ``(P, n)``. ``zeroed``: ``rows_out`` and ``party_out`` are fresh
    ``np.zeros`` (see :func:`_kernel`).
    """

    local = threading.local()  # one set of work buffers per thread
    n_rows = 0 if rows_out is None else rows_out.shape[1]

    def one_block(block: tuple[int, int, list[tuple[int, int]]]) -> int:
        b, _, chunks = block
        streams = _BlockStreams(plan, root, b, subset)
        scratch = getattr(local, "scratch", None)
        if scratch is None:
            size = max(length for _, length in blocks[0][2])  # the longest chunk
            scratch = local.scratch = _Scratch(size, len(streams.latents))
        done = 0
        for start, length in chunks:
            stop = start + length
            chunk = _kernel(
                plan,
                streams,
                subset,
                length,
                full=full,
                keep=keep,
                out=None if rows_out is None or stop > n_rows else rows_out[:, start:stop],
                total_out=None if total_out is None else total_out[start:stop],
                party_out=None if party_out is None else party_out[:, start:stop],
                zeroed=zeroed,
                scratch=scratch,
            )
            sink(start, chunk)
            done += length
        return done

    blocks = list(_pieces(n, chunk_size))
    if workers <= 1 or len(blocks) == 1:
        for block in blocks:
            done = one_block(block)
            if progress is not None:
                progress(done)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(one_block, blocks):
            if progress is not None:
                progress(done)


#: NumPy's pairwise summation sums at most this many values in its unrolled loop.
_PAIRWISE_LEAF = 128


class _ColumnSums:
    """``np.add.reduce`` of every full-length cost column, bit for bit, without the columns.

    NumPy sums a contiguous float64 array ``a`` of ``n`` values pairwise:
    ``s(a) = s(a[:k]) + s(a[k:])`` with ``k = n // 2 - (n // 2) % 8`` while ``n > 128``,
    an unrolled loop below that, and ``np.add.reduce(a) = 0.0 + s(a)`` (checked at run
    time by :func:`_pairwise_matches_numpy`; if it ever fails the columns are kept as
    before). Here every node of that tree whose iterations lie within one chunk is summed
    by ``np.add.reduce`` of the chunk's slice, for all risks at once (row by row: the same
    tree below the node); a node of at most 128 iterations that straddles chunks is
    copied piece by piece and summed at the end; the nodes above are added in the tree's
    order. So the sum, and the mean ``sum / n``, are those of the full column, whatever the
    chunk size or thread count. Work space: a few hundred sums per risk.
    """

    def __init__(self, n: int, chunks: Sequence[tuple[int, int]], risks: int) -> None:
        starts = [start for start, _ in chunks]
        stops = [start + length for start, length in chunks]
        # per chunk start: (leaf, lo, hi) slices summed directly, (small leaf, lo, hi, at) copied
        self._direct: dict[int, list[tuple[int, int, int]]] = {}
        self._copied: dict[int, list[tuple[int, int, int, int]]] = {}
        self._small_sizes: list[int] = []
        # the tree: ("d", leaf), ("s", small leaf) or ("+", left node, right node)
        self._nodes: list[tuple[str, int, int]] = []
        n_direct = 0

        def build(lo: int, size: int) -> int:
            nonlocal n_direct
            c = bisect.bisect_right(starts, lo) - 1
            if lo + size <= stops[c]:
                self._direct.setdefault(starts[c], []).append(
                    (n_direct, lo - starts[c], lo + size - starts[c])
                )
                self._nodes.append(("d", n_direct, 0))
                n_direct += 1
            elif size <= _PAIRWISE_LEAF:
                k = len(self._small_sizes)
                self._small_sizes.append(size)
                at = lo
                while at < lo + size:
                    c = bisect.bisect_right(starts, at) - 1
                    hi = min(stops[c], lo + size)
                    self._copied.setdefault(starts[c], []).append(
                        (k, at - starts[c], hi - starts[c], at - lo)
                    )
                    at = hi
                self._nodes.append(("s", k, 0))
            else:
                half = size // 2
                half -= half % 8
                left = build(lo, half)
                right = build(lo + half, size - half)
                self._nodes.append(("+", left, right))
            return len(self._nodes) - 1

        self._root = build(0, n)
        self._direct_sums = np.zeros((risks, n_direct))
        self._small = np.zeros((risks, len(self._small_sizes), _PAIRWISE_LEAF))

    def add(self, start: int, rows: FloatArray) -> None:
        """Take the chunk of rows ``(risks, m)`` that starts at iteration ``start``."""
        for leaf, lo, hi in self._direct.get(start, ()):
            self._direct_sums[:, leaf] = np.add.reduce(rows[:, lo:hi], axis=1)
        for k, lo, hi, at in self._copied.get(start, ()):
            self._small[:, k, at : at + hi - lo] = rows[:, lo:hi]

    def sums(self) -> FloatArray:
        """``np.add.reduce`` of each full column (every chunk must have been added)."""
        values: list[FloatArray] = []
        for kind, a, b in self._nodes:  # children come before their parent
            if kind == "d":
                values.append(self._direct_sums[:, a])
            elif kind == "s":
                values.append(np.add.reduce(self._small[:, a, : self._small_sizes[a]], axis=1))
            else:
                values.append(values[a] + values[b])
        result: FloatArray = 0.0 + values[self._root]
        return result


@lru_cache(maxsize=1)
def _pairwise_matches_numpy() -> bool:
    """Whether :class:`_ColumnSums` gives ``np.add.reduce`` bit for bit with this NumPy."""
    rng = np.random.default_rng(19)
    for n, sizes in ((5_000, (700, 1, 3, 130, 129, 2_000)), (3_000, (1_024,)), (1, (1,))):
        data = rng.standard_normal((3, n)) * 10.0 ** rng.uniform(-8.0, 8.0, (3, n))
        data[rng.random((3, n)) < 0.5] = 0.0
        chunks, start, k = [], 0, 0
        while start < n:
            length = min(sizes[k % len(sizes)], n - start)
            chunks.append((start, length))
            start, k = start + length, k + 1
        sums = _ColumnSums(n, chunks, 3)
        for start, length in chunks:
            sums.add(start, data[:, start : start + length])
        expected = [float(np.add.reduce(np.ascontiguousarray(row))) for row in data]
        if sums.sums().tolist() != expected:
            return False
    return True


# =========================================================================== public: sample


@dataclass(frozen=True)
class Samples:
    """Every per-iteration value of a run (for analysis and tests; memory ~ 8 (3R+P+2) N bytes).

    Attributes
    ----------
    risk_ids, party_ids : tuple of str
        Row labels of the per-risk and per-party arrays.
    npv : ndarray, shape (N,)
        Project NPV per iteration (amount_unit).
    total_cost : ndarray, shape (N,)
        Total PV risk cost ``L`` (amount_unit).
    party_costs : ndarray, shape (P, N)
        ``L_p`` (amount_unit).
    risk_costs : ndarray, shape (R, N)
        ``L_i = O_i X_i K_i`` (amount_unit).
    impacts : ndarray, shape (R, N)
        ``X_i`` (impact units), drawn whether or not the risk occurred.
    occurred : ndarray of bool, shape (R, N)
        ``O_i``.
    base_npv : float
        ``NPV0`` (amount_unit).
    seed : int
        Root seed of the run.
    """

    risk_ids: tuple[str, ...]
    party_ids: tuple[str, ...]
    npv: FloatArray
    total_cost: FloatArray
    party_costs: FloatArray
    risk_costs: FloatArray
    impacts: FloatArray
    occurred: BoolArray
    base_npv: float
    seed: int


def _check_run_args(iterations: int, chunk_size: int, workers: int) -> None:
    if isinstance(iterations, bool) or not isinstance(iterations, int | np.integer):
        raise TypeError(f"iterations must be an int, got {type(iterations).__name__}")
    if iterations < 1:
        raise ValueError(f"iterations must be >= 1, got {iterations}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")


def sample(
    spec: RiskModel | Mapping[str, Any] | str,
    iterations: int | None = None,
    seed: SeedLike = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
) -> Samples:
    """Draw ``iterations`` iterations and return every per-iteration value.

    Same draws as :func:`simulate` with the same spec, iterations and seed, but
    nothing is summarised and everything is kept in memory: use it for modest N.

    Parameters
    ----------
    spec : RiskModel, Mapping or path
        The risk model (see :func:`mitra.analysis.load_spec`).
    iterations : int, optional
        N >= 1; default the spec's ``simulation.iterations``.
    seed : int, numpy.random.Generator or None
        Default the spec's ``simulation.seed``, else fresh entropy.
    chunk_size, workers : int
        Iterations per vectorised step and threads; they never change the result.

    Returns
    -------
    Samples
        Arrays in amount_unit (costs, NPV) and impact units (impacts).

    Notes
    -----
    Per iteration: ``L_i = O_i X_i K_i``, ``L = sum_i L_i``,
    ``L_p = sum_i a_{i,p} L_i``, ``NPV = NPV0 - L`` (steps I1-I5 of the spec).

    Examples
    --------
    >>> from mitra.analysis import load_spec
    >>> s = sample({"spec_version": "1.0", "name": "x", "currency": "EUR",
    ...     "amount_unit": 1, "discount_rate": 0, "horizon_years": 1,
    ...     "base_cash_flows": {"mode": "by_year", "capex": [0], "opex": [0], "revenue": [10]},
    ...     "parties": {"public": "p"},
    ...     "risks": [{"id": "A", "name": "a", "probability": 1,
    ...                "impact": {"type": "uniform", "min": 1, "max": 2},
    ...                "applies_to": "revenue", "years": [1], "allocation": {"public": 1}}]},
    ...     iterations=3, seed=1)
    >>> bool(((s.npv == 10 - s.total_cost) & (s.total_cost >= 1) & (s.total_cost <= 2)).all())
    True
    """
    model = load_spec(spec)
    n = int(model.simulation.iterations if iterations is None else iterations)
    _check_run_args(n, chunk_size, workers)
    root = resolve_seed(model.simulation.seed if seed is None else seed)
    plan = _compile(model)
    r, p = plan.n_risks, len(plan.party_terms)
    total, party = np.empty(n), np.empty((p, n))
    rows, impacts, occurred = np.empty((r, n)), np.empty((r, n)), np.empty((r, n), np.bool_)

    def sink(start: int, chunk: _Chunk) -> None:
        stop = start + chunk.rows.shape[1]
        assert chunk.total is not None and chunk.party is not None
        assert chunk.impacts is not None and chunk.occurred is not None
        total[start:stop], party[:, start:stop] = chunk.total, chunk.party
        rows[:, start:stop], impacts[:, start:stop] = chunk.rows, chunk.impacts
        occurred[:, start:stop] = chunk.occurred

    _run(
        plan, root, n, range(r), sink, full=True, keep=True, chunk_size=chunk_size, workers=workers
    )
    return Samples(
        risk_ids=model.risk_ids,
        party_ids=model.party_ids,
        npv=model.base_npv - total,
        total_cost=total,
        party_costs=party,
        risk_costs=rows,
        impacts=impacts,
        occurred=occurred,
        base_npv=model.base_npv,
        seed=root,
    )


# =========================================================================== summaries


def percentile_key(q: float) -> str:
    """Output key of percentile ``q``: ``5 -> 'P5'``, ``97.5 -> 'P97.5'``.

    Examples
    --------
    >>> percentile_key(5.0), percentile_key(97.5)
    ('P5', 'P97.5')
    """
    return f"P{int(q)}" if float(q).is_integer() else f"P{float(q)!r}"


@dataclass(frozen=True)
class CostSummary:
    """Summary of a PV risk cost (total or one party's), amount_unit.

    ``var``/``cvar`` are VaR and CVaR at ``var_confidence``; ``analytic_mean`` is
    the closed form of the spec's checkable fact; ``sd``/``se`` are ``None`` for N = 1.
    """

    mean: float
    sd: float | None
    se: float | None
    percentiles: Mapping[str, float]
    var: float
    cvar: float
    analytic_mean: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "mean": self.mean,
            "sd": self.sd,
            "se": self.se,
            "percentiles": dict(self.percentiles),
            "var": self.var,
            "cvar": self.cvar,
            "analytic_mean": self.analytic_mean,
        }


@dataclass(frozen=True)
class NpvSummary:
    """Summary of the project NPV (amount_unit); ``base`` is NPV0 (no risk)."""

    base: float
    mean: float
    sd: float | None
    se: float | None
    prob_negative: float
    percentiles: Mapping[str, float]
    analytic_mean: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "base": self.base,
            "mean": self.mean,
            "sd": self.sd,
            "se": self.se,
            "prob_negative": self.prob_negative,
            "percentiles": dict(self.percentiles),
            "analytic_mean": self.analytic_mean,
        }


@dataclass(frozen=True)
class RiskSummary:
    """One risk's line of the tornado: mean PV cost (amount_unit), Spearman rho with NPV."""

    id: str
    name: str
    rho: float
    variance_share: float
    mean_cost: float
    analytic_mean_cost: float
    probability: float
    pv_factor: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "name": self.name,
            "rho": self.rho,
            "variance_share": self.variance_share,
            "mean_cost": self.mean_cost,
            "analytic_mean_cost": self.analytic_mean_cost,
            "probability": self.probability,
            "pv_factor": self.pv_factor,
        }


@dataclass(frozen=True)
class ConvergencePoint:
    """Running mean of NPV (amount_unit) after ``iterations`` iterations, and its SE."""

    iterations: int
    mean: float
    se: float | None


@dataclass(frozen=True)
class Histogram:
    """NPV histogram: ``len(edges) == len(counts) + 1`` (edges in amount_unit)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds: sampling passes only, and the whole :func:`simulate` call."""

    simulate_s: float
    total_s: float


@dataclass(frozen=True)
class SimulationResult:
    """The result of :func:`simulate`; :meth:`to_dict` gives the JSON shape of the CLI.

    ``tornado`` is ranked by ``|rho|`` descending; ``risks`` is in register order.
    ``cdf`` holds ``(x, p)`` points (``x`` = the type-7 ``p`` quantile of NPV).
    ``tornado_sample`` is ``None`` when every ``rho`` was computed from all iterations;
    otherwise it is the number of iterations (the first ones of the run) they were
    computed from, and ``tornado_rho_se_max = 1 / sqrt(tornado_sample - 3)`` bounds the
    approximate standard error of each such ``rho`` (see :func:`simulate`).
    """

    spec_name: str
    currency: str
    amount_unit: float
    iterations: int
    seed: int
    var_confidence: float
    npv: NpvSummary
    risk_cost: CostSummary
    parties: Mapping[str, CostSummary]
    party_names: Mapping[str, str]
    risks: tuple[RiskSummary, ...]
    tornado: tuple[RiskSummary, ...]
    convergence: tuple[ConvergencePoint, ...]
    histogram: Histogram
    cdf: tuple[tuple[float, float], ...]
    timing: Timing = field(compare=False)
    tornado_sample: int | None = None
    tornado_rho_se_max: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types (``json.dumps`` works; ``None`` for undefined sd/se)."""
        out: dict[str, Any] = {
            "spec_name": self.spec_name,
            "iterations": self.iterations,
            "seed": self.seed,
            "currency": self.currency,
            "amount_unit": _plain_number(self.amount_unit),
            "var_confidence": self.var_confidence,
            "npv": self.npv.to_dict(),
            "risk_cost": self.risk_cost.to_dict(),
            "parties": {
                key: {"name": self.party_names[key], **summary.to_dict()}
                for key, summary in self.parties.items()
            },
            "tornado": [risk.to_dict() for risk in self.tornado],
        }
        if self.tornado_sample is not None:  # only then: the shape of exact runs is unchanged
            out["tornado_sample"] = self.tornado_sample
            out["tornado_rho_se_max"] = self.tornado_rho_se_max
        out["risks"] = [risk.to_dict() for risk in self.risks]
        out["convergence"] = [
            {"iterations": c.iterations, "mean": c.mean, "se": c.se} for c in self.convergence
        ]
        out["histogram"] = {
            "edges": list(self.histogram.edges),
            "counts": list(self.histogram.counts),
        }
        out["cdf"] = [{"x": x, "p": p} for x, p in self.cdf]
        out["timing"] = {"simulate_s": self.timing.simulate_s, "total_s": self.timing.total_s}
        return out


def _plain_number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _mean_sd(values: FloatArray) -> tuple[float, float | None]:
    """``np.mean(values)`` and ``np.std(values, ddof=1)`` (None for one value), the mean
    computed once (``np.std``'s ``mean=``: numpy's own mean, as ``np.std`` computes it)."""
    mean = np.mean(values, keepdims=True)
    sd = float(np.std(values, ddof=1, mean=mean)) if values.size > 1 else None
    return float(mean[0]), sd


def _tail_mean(values: FloatArray, var: float) -> float:
    """``np.mean(values, where=values >= var)`` (CVaR): numpy's masked sum, in iteration order,
    over the count of the mask (counted directly rather than by a second masked sum)."""
    tail = values >= var
    return float(np.add.reduce(values, axis=None, where=tail)) / int(np.count_nonzero(tail))


def _cost_summary(
    values: FloatArray,
    qs: Sequence[float],
    alpha: float,
    analytic: float,
    sorted_values: FloatArray | None = None,
) -> CostSummary:
    """Summary of ``values``; ``sorted_values`` (``values`` sorted; may be reordered) saves a sort.

    The percentiles and VaR are type 7 of the sorted copy (:func:`_type7_of_sorted`): the
    same order statistics as ``values``, so the same numbers as ``np.quantile(values)``,
    without numpy's partition around several cut points (slower than one sort here). CVaR
    stays a mean over ``values`` in iteration order (a sum in another order could round
    differently).
    """
    if sorted_values is None:
        sorted_values = np.sort(values)
    quantiles = _type7_of_sorted(sorted_values, [q / 100.0 for q in qs] + [alpha], values)
    var = float(quantiles[-1])
    mean, sd = _mean_sd(values)
    return CostSummary(
        mean=mean,
        sd=sd,
        se=None if sd is None else sd / math.sqrt(values.size),
        percentiles={percentile_key(q): float(v) for q, v in zip(qs, quantiles, strict=False)},
        var=var,
        cvar=_tail_mean(values, var),
        analytic_mean=analytic,
    )


def _type7_of_sorted(
    sorted_values: FloatArray, probs: Sequence[float], values: FloatArray
) -> FloatArray:
    """``np.quantile(values, probs)`` (type 7), given ``sorted_values``, ``values`` sorted.

    The same order statistics and numpy's own arithmetic (``numpy.lib``'s ``_quantile``
    with ``method="linear"``: index ``(n - 1) p``, then its ``_lerp``), without its
    partition around every cut point, which costs more than the sort on a million values.
    :func:`_type7_matches_numpy` checks the numbers against ``np.quantile`` once per process.
    Equal values have equal bits except ``-0.0`` and ``0.0``, which numpy's partition may
    place differently from a sort (and ``np.sort`` may even turn one into the other): when
    both occur in ``values``, or if the check ever failed, ``np.quantile(values, probs)``
    itself is used.
    """
    if _mixed_zeros(sorted_values, values) or not _type7_matches_numpy():
        return np.quantile(values, probs)
    return _type7_formula(sorted_values, probs)


def _mixed_zeros(sorted_values: FloatArray, values: FloatArray) -> bool:
    """Whether ``values`` (sorted in ``sorted_values``) hold both ``-0.0`` and ``0.0``.

    They are the only equal values whose bits differ: their order in a sort or a partition
    is arbitrary, and ``np.sort`` (SIMD min/max) may return one sign for both. Only values
    with two zeros or more are scanned (sorting neither adds nor removes zeros).
    """
    lo = int(np.searchsorted(sorted_values, 0.0, side="left"))
    hi = int(np.searchsorted(sorted_values, 0.0, side="right"))
    if hi - lo < 2:
        return False
    negative = np.signbit(values[values == 0.0])
    return bool(negative.any()) and not bool(negative.all())


def _type7_formula(sorted_values: FloatArray, probs: Sequence[float]) -> FloatArray:
    n = sorted_values.size
    virtual = (n - 1) * np.asarray(probs, dtype=np.float64)
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1  # at or beyond the last value: the last value
    previous[above] = -1
    following[above] = -1
    low, high = previous.astype(np.intp), following.astype(np.intp)
    a, b = sorted_values[low], sorted_values[high]
    gamma = virtual - low
    diff = b - a
    result: FloatArray = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=result, where=gamma >= 0.5)
    return result


@lru_cache(maxsize=1)
def _type7_matches_numpy() -> bool:
    """Whether :func:`_type7_formula` gives ``np.quantile`` bit for bit with this NumPy."""
    rng = np.random.default_rng(7)
    probs = [0.05, 0.5, 0.9, 0.95, 0.975, 0.99, 1.0 / 3.0, *np.linspace(0.0, 1.0, 101).tolist()]
    for n in (1, 2, 3, 10, 101, 1_000, 99_999):
        values = rng.standard_normal(n) * 10.0 ** rng.uniform(-3.0, 3.0, n)
        values[: n // 3] = np.round(values[: n // 3]) + 0.0  # ties (no -0.0: see above)
        expected = np.quantile(values, probs)
        got = _type7_formula(np.sort(values), probs)
        if expected.tobytes() != got.tobytes():
            return False
    return True


def _histogram_of_sorted(
    sorted_values: FloatArray, bins: int, values: FloatArray
) -> tuple[NDArray[np.intp], FloatArray]:
    """``np.histogram(values, bins)``, given ``sorted_values``, ``values`` sorted.

    The edges are numpy's own (``np.histogram_bin_edges`` of the smallest and largest
    value: they depend on nothing else); the counts follow numpy's documented rule, each
    bin ``[e_i, e_i+1)`` and the last ``[e_-2, e_-1]``, read off the sorted values with
    ``np.searchsorted`` instead of a pass over every value. With both ``-0.0`` and ``0.0``
    among the values (see :func:`_type7_of_sorted`), ``np.histogram`` itself is used.
    """
    if _mixed_zeros(sorted_values, values):
        counts, edges = np.histogram(values, bins=bins)
        return counts, edges
    edges = np.histogram_bin_edges(sorted_values[[0, -1]], bins=bins)
    at = np.searchsorted(sorted_values, edges, side="left")
    at[-1] = sorted_values.size  # the last bin includes its right edge, the largest value
    return np.diff(at), edges


def _sort_order(x: FloatArray) -> tuple[NDArray[np.intp], FloatArray]:
    """The permutation that sorts ``x`` and the 1-based average rank at each sorted position.

    See :func:`_sort_order_ties` (which also counts the ties).
    """
    order, ranks, _ = _sort_order_ties(x)
    return order, ranks


def _sort_order_ties(x: FloatArray) -> tuple[NDArray[np.intp], FloatArray, int]:
    """:func:`_sort_order`, and ``sum(t**3 - t)`` over the groups of ``t`` equal values.

    Exact, and cheaper than ``np.argsort``: every value becomes one 64-bit key, its IEEE
    bits mapped so that unsigned order is numeric order, the low ``b`` bits replaced by
    its index (``2**b >= n``), and the keys are sorted with ``np.sort`` (about 1.5 times
    faster than ``np.argsort`` of the floats here). Values whose keys agree above the low
    ``b`` bits (they differ by less than about ``2**(b - 52)`` relative, or are equal)
    form collision runs, put in exact order with one ``np.lexsort`` over those entries
    only; equal values there share their mean rank (scipy's ``rankdata(method="average")``).
    Work space: about three arrays of ``n``. ``x`` must hold no NaN. The tie term is
    exact (a Python integer) for ``n < 2**21``.
    """
    n = x.size
    bits = max(1, (n - 1).bit_length())
    keys = np.add(x, 0.0).view(np.int64)  # a copy in which -0.0 became +0.0 (equal values)
    flip = keys >> 63
    flip |= _INT64_SIGN
    keys ^= flip  # negative: flip every bit; positive: flip the sign
    del flip
    ukeys = keys.view(np.uint64)
    ukeys &= ~np.uint64((1 << bits) - 1)  # clear the low bits
    ukeys |= np.arange(n, dtype=np.uint64)
    ukeys.sort()
    order = (ukeys & np.uint64((1 << bits) - 1)).view(np.intp)
    ukeys >>= np.uint64(bits)  # the value part alone
    ranks = np.arange(1.0, n + 1.0)
    if n < 2:
        return order, ranks, 0
    same = ukeys[1:] == ukeys[:-1]
    if not same.any():
        return order, ranks, 0
    involved = np.zeros(n, dtype=np.bool_)
    involved[1:] = same
    involved[:-1] |= same
    del same
    at = np.flatnonzero(involved)  # sorted positions in a collision run
    del involved
    run_key = ukeys[at]
    del ukeys
    values = x[order[at]]
    exact = np.lexsort((values, run_key))  # by run, then by value: moves only within runs
    order[at] = order[at][exact]
    values, run_key = values[exact], run_key[exact]
    # ties: equal values in the same run (equal values always share a run)
    tied = (values[1:] == values[:-1]) & (run_key[1:] == run_key[:-1])
    if tied.any():
        first = np.ones(at.size, dtype=np.bool_)
        first[1:] = ~tied
        starts = np.flatnonzero(first)
        sizes = np.diff(np.append(starts, at.size))
        ranks[at] = np.repeat(at[starts] + (sizes + 1) / 2.0, sizes)
        sizes = sizes[sizes > 1].astype(np.int64)
        return order, ranks, int((sizes * sizes * sizes - sizes).sum())
    return order, ranks, 0


def _half_dot_4(a: FloatArray, b: FloatArray, n: int) -> int:
    """``4 sum(a * b)`` exactly, for half-integers ``|a|, |b| <= n / 2`` (centered ranks).

    Not ``np.dot``: OpenBLAS splits a long dot product over threads, which spin on a
    shared machine (the summary took several times its CPU time) and whose partial sums
    make the last bits depend on the thread count. Here ``4 a b`` is an integer below
    ``n**2 < 2**53``, exact in float64, summed in int64 blocks too short to overflow and
    then in Python integers; for ``n <= 200,000`` every float sum was exact anyway, so
    results are those of ``np.dot`` there.
    """
    if n >= 2**26:  # 4 a b could reach 2**53: fall back to the rounded dot product
        return round(4 * float(np.dot(a, b)))
    block = max(1, min(2**16, 2**62 // max(1, n * n)))
    total = 0
    for start in range(0, a.size, block):
        product = np.multiply(a[start : start + block], b[start : start + block])
        product *= 4.0
        total += int(product.astype(np.int64).sum())
    return total


def _half_sum_2(a: FloatArray) -> int:
    """``2 sum(a)`` exactly, for half-integers below ``2**52`` in absolute value."""
    total = 0
    for start in range(0, a.size, 2**16):
        total += int((a[start : start + 2**16] * 2.0).astype(np.int64).sum())
    return total


def _centered_ranks(x: FloatArray) -> FloatArray:
    """Average ranks (ties share their mean rank) minus the mean rank ``(n + 1) / 2``."""
    n = x.size
    order, sorted_ranks = _sort_order(x)
    sorted_ranks -= (n + 1) / 2.0
    ranks = np.empty(n)
    ranks[order] = sorted_ranks
    return ranks


def _spearman_vs(column: FloatArray, npv_ranks: FloatArray, npv_ss: float) -> float:
    """Spearman rho of ``column`` with NPV, given NPV's centered ranks and their sum of squares.

    Only the non-zero entries are sorted: the zeros (iterations where the risk did
    not occur) form one tie group whose contribution is computed in closed form.
    Every centered rank is a half-integer, so the sums of products are computed
    exactly (:func:`_half_dot_4`) and rounded once.
    """
    n = column.size
    occurred = column != 0.0  # counting on the mask is ten times faster than on the floats
    m = int(np.count_nonzero(occurred))
    if m == 0 or npv_ss <= 0.0:
        return 0.0
    if m == n:
        values, r_npv = column, npv_ranks
    else:
        nonzero = np.flatnonzero(occurred)
        values, r_npv = column[nonzero], npv_ranks[nonzero]
        del nonzero
    del occurred
    n_zero = n - m
    n_neg = int(np.count_nonzero(values < 0.0))
    centre = (n + 1) / 2.0
    order, ranks, ties = _sort_order_ties(values)
    del values
    if n_zero:
        ranks[n_neg:] += n_zero  # the positive values rank above the zeros
    ranks -= centre  # ranks among all n, centered, in the column's sorted order
    if n < 2**26:
        r_npv = r_npv[order]  # NPV's ranks in the same order (exact sums: any order will do)
    else:  # _half_dot_4 rounds a dot product there: keep iteration order, as before
        in_order = np.empty(m)
        in_order[order] = ranks
        ranks = in_order
    del order
    zero_rank_2 = 2 * n_neg + n_zero + 1 - (n + 1)  # twice the zeros' centered rank
    # in quarters, exactly: sum over non-zero of 4 r s, minus the zeros' share
    quarter_xy = _half_dot_4(ranks, r_npv, n) - zero_rank_2 * _half_sum_2(r_npv)
    if n < 2**21:
        # 4 sum of squared centered average ranks, in closed form (the same integer):
        # (n**3 - n) / 3 less (t**3 - t) / 3 for each group of t ties (the zeros too)
        quarter_xx = (n**3 - n - ties - (n_zero**3 - n_zero)) // 3
    else:
        quarter_xx = _half_dot_4(ranks, ranks, n) + n_zero * zero_rank_2 * zero_rank_2
    s_xy, s_xx = quarter_xy / 4, quarter_xx / 4  # rounded once
    if s_xx <= 0.0:
        return 0.0
    return max(-1.0, min(1.0, s_xy / math.sqrt(s_xx * npv_ss)))


def _checkpoints(n: int) -> list[int]:
    low = min(n, 100)
    points = np.unique(np.round(np.geomspace(low, n, _CHECKPOINTS)).astype(np.int64))
    return [int(k) for k in points]


def _convergence(base: float, total: FloatArray) -> tuple[ConvergencePoint, ...]:
    """Running mean of NPV = NPV0 - L and its standard error at about 20 checkpoints."""
    points = _checkpoints(total.size)
    starts = np.array([0, *points[:-1]])
    sums = np.add.reduceat(total, starts)
    squares = np.add.reduceat(total * total, starts) if total.size <= 2**22 else None
    if squares is None:  # bounded memory: square segment by segment
        squares = np.array(
            [float(np.dot(total[a:b], total[a:b])) for a, b in zip(starts, points, strict=True)]
        )
    out = []
    s = ss = 0.0
    for k, seg_sum, seg_sq in zip(points, sums, squares, strict=True):
        s += float(seg_sum)
        ss += float(seg_sq)
        mean = s / k
        se = math.sqrt(max(ss - k * mean * mean, 0.0) / (k - 1) / k) if k > 1 else None
        out.append(ConvergencePoint(iterations=k, mean=base - mean, se=se))
    return tuple(out)


# =========================================================================== public: simulate


def simulate(
    spec: RiskModel | Mapping[str, Any] | str,
    iterations: int | None = None,
    seed: SeedLike = None,
    *,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
    column_budget: int = COLUMN_BUDGET,
    progress: Progress | None = None,
    tornado_threshold: int = TORNADO_THRESHOLD,
    tornado_sample: int = TORNADO_SAMPLE,
) -> SimulationResult:
    """Monte Carlo quantification of a risk-model spec.

    Parameters
    ----------
    spec : RiskModel, Mapping or path
        A path to a spec JSON file, a parsed spec, or a :class:`RiskModel`.
        Money in the spec is in ``amount_unit`` of its ``currency``.
    iterations : int, optional
        N >= 1. Default: the spec's ``simulation.iterations`` (10,000 if absent).
    seed : int, numpy.random.Generator or None
        Default: the spec's ``simulation.seed``, else fresh OS entropy. The root
        seed used is reported in the result (pass it back to reproduce the run).
    workers : int, default 1
        Threads sharing the blocks of 65,536 iterations; never changes the result.
    chunk_size : int, default 16,384
        Iterations per vectorised step (smaller means less working memory);
        never changes the result.
    column_budget : int, default 256 MiB
        Bytes allowed for keeping every risk's cost column (``8 R N``). Above it
        the columns are regenerated from their streams in passes of as many risks
        as fit; never changes the result.
    progress : callable, optional
        ``progress(done, total)`` in units of iteration-passes, called as blocks finish.
    tornado_threshold, tornado_sample : int, default 500,000 and 200,000
        When N > ``tornado_threshold`` and N > ``tornado_sample``, the tornado's ``rho``
        are computed from the first ``tornado_sample`` iterations only (reported as
        ``result.tornado_sample`` with ``result.tornado_rho_se_max``); every other
        figure still uses all N iterations. ``tornado_sample`` must be >= 4.

    Returns
    -------
    SimulationResult
        Frozen; amounts in amount_unit. ``.to_dict()`` gives plain JSON types.

    Raises
    ------
    SpecError
        If the spec is unreadable or invalid.
    ValueError
        If ``iterations``, ``chunk_size`` or ``workers`` is < 1, ``seed`` or
        ``tornado_threshold`` < 0, or ``tornado_sample`` < 4.

    Notes
    -----
    One iteration (spec steps I1-I5): ``O_i ~ Bernoulli(p_i)``;
    ``Z ~ N(0, C)``, ``X_i = F_i^{-1}(Phi(Z_i))`` for correlated risks and an exact
    independent draw otherwise; ``L_i = O_i X_i K_i``; ``L = sum_i L_i``;
    ``L_p = sum_i a_{i,p} L_i``; ``NPV = NPV0 - L``.

    Summary: means; sd with ``ddof = 1``; ``se = sd / sqrt(N)``; type-7 percentiles
    (``numpy.percentile``); ``VaR_a`` = type-7 ``a`` quantile of L (and of each
    ``L_p``), ``CVaR_a = mean(L | L >= VaR_a)``; tornado ``rho_i`` = Spearman
    rank correlation of ``L_i`` with NPV (average ranks for ties, 0 for a
    constant column), variance share ``rho_i² / sum_j rho_j²``.

    Tornado sub-sample: above ``tornado_threshold`` iterations, ``rho_i`` is the exact
    Spearman rho of the first ``n_t = tornado_sample`` iterations (the same ``rho_i`` a
    run of ``n_t`` iterations with the same seed gives; iterations are independent and
    identically distributed, so they are a simple random sample of the run). Its
    standard error is about ``(1 - rho²) sqrt((1 + rho² / 2) / (n_t - 3))`` (Bonett
    and Wright 2000; Fisher's ``(1 - rho²) / sqrt(n_t - 3)`` for Pearson's r), at most
    ``tornado_rho_se_max = 1 / sqrt(n_t - 3)``: 0.0022 for 200,000. The means
    (``mean_cost`` too), sd, percentiles, VaR/CVaR, P(NPV < 0), convergence, histogram
    and CDF always use all N iterations.

    Correlated Beta-PERT impacts use :class:`PertQuantileTable` (absolute error
    below ``2e-7 (max - min)``); every other transform is exact.

    Memory: ``8 (P + 3) N`` bytes for L, L_p and two sorted copies (of L and NPV), plus
    at most ``column_budget`` for per-risk columns (with a sub-sampled tornado, only their
    first ``tornado_sample`` iterations: each column's mean is summed chunk by chunk, bit
    for bit ``np.mean`` of the full column, so no second pass regenerates them) and
    sorting work space (10 million iterations of a 25-risk, 3-party spec stay under 1 GiB).

    References
    ----------
    ``risk-model.schema.json``, top-level description (normative).
    Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages.
    *The American Statistician* 50(4), 361-365.
    Rockafellar, R. T. and Uryasev, S. (2000). Optimization of conditional
    value-at-risk. *Journal of Risk* 2, 21-41.
    Bonett, D. G. and Wright, T. A. (2000). Sample size requirements for estimating
    Pearson, Kendall and Spearman correlations. *Psychometrika* 65(1), 23-28.

    Examples
    --------
    >>> result = simulate({"spec_version": "1.0", "name": "x", "currency": "EUR",
    ...     "amount_unit": 1, "discount_rate": 0, "horizon_years": 1,
    ...     "base_cash_flows": {"mode": "by_year", "capex": [0], "opex": [0], "revenue": [10]},
    ...     "parties": {"public": "p"},
    ...     "risks": [{"id": "A", "name": "a", "probability": 1,
    ...                "impact": {"type": "uniform", "min": 1, "max": 2},
    ...                "applies_to": "revenue", "years": [1], "allocation": {"public": 1}}]},
    ...     iterations=1000, seed=1)
    >>> result.npv.base, result.tornado[0].rho
    (10.0, -1.0)
    """
    started = time.perf_counter()
    model = load_spec(spec)
    n = int(model.simulation.iterations if iterations is None else iterations)
    _check_run_args(n, chunk_size, workers)
    if tornado_threshold < 0:
        raise ValueError(f"tornado_threshold must be >= 0, got {tornado_threshold}")
    if tornado_sample < 4:
        raise ValueError(f"tornado_sample must be >= 4, got {tornado_sample}")
    root = resolve_seed(model.simulation.seed if seed is None else seed)
    plan = _compile(model)
    r, p = plan.n_risks, len(plan.party_terms)
    # the tornado's iterations: all of them, or the first n_t of a large run
    n_t = n if n <= tornado_threshold else min(n, int(tornado_sample))
    # a sub-sampled tornado needs only the first n_t iterations of each L_i, and each
    # column's mean comes from its pairwise sum taken chunk by chunk: no full columns
    # (chunks of 1,024 or more: tinier ones would make too many pieces to sum)
    head_columns = (
        n_t < n
        and 8 * r * n_t <= column_budget
        and chunk_size >= 8 * _PAIRWISE_LEAF
        and _pairwise_matches_numpy()
    )
    keep_columns = not head_columns and 8 * r * n <= column_budget
    passes_total = n if keep_columns or head_columns else 2 * n
    state = {"done": 0}

    def tick(done: int) -> None:
        state["done"] += done
        if progress is not None:
            progress(min(state["done"], passes_total), passes_total)

    # ---- pass 1: L and L_p for every iteration (and the L_i that are kept) -----------
    # np.zeros: the kernel then writes only where a risk occurs (no second zero fill)
    total, party = np.empty(n), np.zeros((p, n))
    columns: FloatArray | None = None
    column_sums: _ColumnSums | None = None
    if keep_columns:
        columns = np.zeros((r, n))
    elif head_columns:
        columns = np.zeros((r, n_t))
        column_sums = _ColumnSums(n, [c for _, _, cs in _pieces(n, chunk_size) for c in cs], r)

    def sink(start: int, chunk: _Chunk) -> None:
        # L, L_p (and the L_i of chunks inside the kept columns) were written in place
        if column_sums is not None and columns is not None:
            column_sums.add(start, chunk.rows)
            stop = start + chunk.rows.shape[1]
            if start < n_t < stop:  # the chunk across the end of the kept columns
                columns[:, start:n_t] = chunk.rows[:, : n_t - start]

    t0 = time.perf_counter()
    _run(
        plan,
        root,
        n,
        range(r),
        sink,
        full=True,
        chunk_size=chunk_size,
        workers=workers,
        progress=tick,
        rows_out=columns,
        total_out=total,
        party_out=party,
        zeroed=True,
    )
    del sink
    sampling_s = time.perf_counter() - t0

    # ---- summaries of L and L_p, then NPV (in place of L) ------------------------
    # Order statistics come from sorted copies: one np.sort is cheaper than numpy's
    # partition around several cut points, and the same order statistics give the same
    # type-7 numbers (_type7_of_sorted). NPV = NPV0 - L is monotone in L, so NPV sorted is
    # NPV0 - (L sorted, reversed), value for value; its histogram and P(NPV < 0) are read
    # off it too.
    qs = list(dict.fromkeys(model.simulation.percentiles))
    alpha = model.simulation.var_confidence
    analytic_party = model.expected_party_costs()
    analytic_risk = model.expected_risk_costs()
    work = np.empty(n)
    parties = {}
    for j, pid in enumerate(model.party_ids):
        np.copyto(work, party[j])
        work.sort()
        parties[pid] = _cost_summary(party[j], qs, alpha, analytic_party[pid], work)
    np.copyto(work, total)
    work.sort()
    risk_cost = _cost_summary(total, qs, alpha, float(analytic_risk.sum()), work)
    # sorted NPV = NPV0 - (sorted L, reversed), bit for bit, in a free row of L_p if any
    npv_sorted = np.subtract(model.base_npv, work[::-1], out=party[0] if p else None)
    del work
    convergence = _convergence(model.base_npv, total)
    npv = total  # reuse the buffer: NPV = NPV0 - L, bit for bit
    np.negative(npv, out=npv)
    npv += model.base_npv
    npv_mean, sd = _mean_sd(npv)
    # count of NPV < 0 (-0.0 is not): the first sorted position >= 0
    prob_negative = float(np.searchsorted(npv_sorted, 0.0, side="left")) / n
    counts, edges = _histogram_of_sorted(npv_sorted, _HISTOGRAM_BINS, npv)
    probs = np.linspace(0.0, 1.0, _CDF_POINTS)
    cuts = [q / 100.0 for q in qs] + probs.tolist()
    quantiles = _type7_of_sorted(npv_sorted, cuts, npv)  # type 7, as of NPV
    del npv_sorted, party
    # NPV's centered average ranks in iteration order, over the tornado's iterations (all of
    # them, or the first n_t of a sub-sampled tornado)
    ranks = _centered_ranks(npv[:n_t])
    del npv, total
    npv_summary = NpvSummary(
        base=model.base_npv,
        mean=npv_mean,
        sd=sd,
        se=None if sd is None else sd / math.sqrt(n),
        prob_negative=prob_negative,
        percentiles={percentile_key(q): float(v) for q, v in zip(qs, quantiles, strict=False)},
        analytic_mean=model.expected_npv(),
    )
    cdf = tuple((float(x), float(q)) for x, q in zip(quantiles[len(qs) :], probs, strict=True))
    ranks_ss = _half_dot_4(ranks, ranks, n_t) / 4

    # ---- pass 2 (only when the columns did not fit): regenerate L_i in groups ------
    rho = np.zeros(r)
    mean_cost = np.zeros(r)
    if columns is not None:
        # np.mean of each full column: its sum taken chunk by chunk, or the kept column
        means = None if column_sums is None else column_sums.sums() / n

        def line(i: int, columns: FloatArray = columns) -> tuple[float, float]:
            mean_i = float(np.mean(columns[i]) if means is None else means[i])
            return mean_i, _spearman_vs(columns[i, :n_t], ranks, ranks_ss)

        if workers > 1:  # NumPy sorts without the GIL; each line is computed alone
            with ThreadPoolExecutor(max_workers=workers) as pool:
                lines = list(pool.map(line, range(r)))
        else:
            lines = [line(i) for i in range(r)]
        for i, (mean_i, rho_i) in enumerate(lines):
            mean_cost[i], rho[i] = mean_i, rho_i
        del line, columns
    else:
        order = sorted(range(r), key=lambda i: (not plan.correlated[i], plan.component[i], i))
        per_pass = max(1, column_budget // (8 * n))
        for g in range(0, r, per_pass):
            group = order[g : g + per_pass]
            cols = np.zeros((len(group), n))

            def group_sink(start: int, chunk: _Chunk) -> None:
                pass  # the rows were written into cols in place

            def group_tick(done: int, size: int = len(group)) -> None:
                tick(done * size // r)

            t1 = time.perf_counter()
            _run(
                plan,
                root,
                n,
                group,
                group_sink,
                full=False,
                chunk_size=chunk_size,
                workers=workers,
                progress=group_tick,
                rows_out=cols,
                zeroed=True,
            )
            sampling_s += time.perf_counter() - t1
            for k, i in enumerate(group):
                mean_cost[i] = float(np.mean(cols[k]))
                rho[i] = _spearman_vs(cols[k, :n_t], ranks, ranks_ss)
            del cols
    rho_ss = float(np.dot(rho, rho))
    risks = tuple(
        RiskSummary(
            id=risk.id,
            name=risk.name,
            rho=float(rho[i]),
            variance_share=float(rho[i] ** 2 / rho_ss) if rho_ss > 0 else 0.0,
            mean_cost=float(mean_cost[i]),
            analytic_mean_cost=float(analytic_risk[i]),
            probability=risk.probability,
            pv_factor=float(model.pv_factors[i]),
        )
        for i, risk in enumerate(model.risks)
    )
    tornado = tuple(sorted(risks, key=lambda s: -abs(s.rho)))
    return SimulationResult(
        spec_name=model.name,
        currency=model.currency,
        amount_unit=model.amount_unit,
        iterations=n,
        seed=root,
        var_confidence=alpha,
        npv=npv_summary,
        risk_cost=risk_cost,
        parties=parties,
        party_names=dict(model.parties),
        risks=risks,
        tornado=tornado,
        convergence=convergence,
        histogram=Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts)),
        cdf=cdf,
        timing=Timing(simulate_s=sampling_s, total_s=time.perf_counter() - started),
        tornado_sample=None if n_t == n else n_t,
        tornado_rho_se_max=None if n_t == n else 1.0 / math.sqrt(n_t - 3),
    )
