"""The tornado's exact rank method (issue 19): one sort of packed 64-bit keys instead of an
``argsort``, collision runs put in exact order, ties averaged. Its ranks must equal SciPy's
``rankdata`` exactly, and its Spearman rho the argsort reference bit for bit, with and without
ties, on data made to collide in the packed keys."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from mitra.analysis import load_spec, sample, simulate
from mitra.analysis.risk.montecarlo import (
    _centered_ranks,
    _half_dot_4,
    _half_sum_2,
    _sort_order,
    _spearman_vs,
)

from .specs import make_spec, risk

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
#: a few values, so that ties are frequent; -0.0 and 0.0 are equal values
POOL = st.sampled_from([-3.5, -1.0, -0.0, 0.0, 1e-300, 2.0, 2.0000000000000004, 7.25, 1e300])


def reference_centered_ranks(x: np.ndarray) -> np.ndarray:
    """The method the engine used before issue 19: argsort, ties averaged, scattered back."""
    n = x.size
    order = np.argsort(x)
    work = x[order]
    new = np.empty(n, dtype=np.bool_)
    new[0] = True
    np.not_equal(work[1:], work[:-1], out=new[1:])
    work = np.arange(1.0, n + 1.0)
    if not new.all():
        starts = np.flatnonzero(new)
        sizes = np.diff(np.append(starts, n))
        work = np.repeat(starts + (sizes + 1) / 2.0, sizes)
    ranks = np.empty(n)
    ranks[order] = work
    return ranks - (n + 1) / 2.0


def reference_spearman_vs(column: np.ndarray, npv_ranks: np.ndarray, npv_ss: float) -> float:
    """The argsort version of ``_spearman_vs`` (zeros as one closed-form tie group)."""
    n = column.size
    nonzero = np.flatnonzero(column)
    m = nonzero.size
    if m == 0 or npv_ss <= 0.0:
        return 0.0
    values, r_npv = column[nonzero], npv_ranks[nonzero]
    n_zero, n_neg, centre = n - m, int(np.count_nonzero(values < 0.0)), (n + 1) / 2.0
    ranks = reference_centered_ranks(values) + ((m + 1) / 2.0 - centre)
    if n_zero:
        ranks[values > 0.0] += n_zero
    zero_rank = n_neg + (n_zero + 1) / 2.0 - centre
    s_xy = float(np.dot(ranks, r_npv)) - zero_rank * float(r_npv.sum())
    s_xx = float(np.dot(ranks, ranks)) + n_zero * zero_rank * zero_rank
    if s_xx <= 0.0:
        return 0.0
    return max(-1.0, min(1.0, s_xy / math.sqrt(s_xx * npv_ss)))


def assert_exact_ranks(x: np.ndarray) -> None:
    order, sorted_ranks = _sort_order(x)
    assert sorted(order.tolist()) == list(range(x.size))  # a permutation
    assert np.all(np.diff(x[order]) >= 0)  # that sorts x
    expected = stats.rankdata(x)  # average ranks for ties
    np.testing.assert_array_equal(sorted_ranks, expected[order])
    np.testing.assert_array_equal(_centered_ranks(x), expected - (x.size + 1) / 2.0)
    np.testing.assert_array_equal(_centered_ranks(x), reference_centered_ranks(x))


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 300), elements=FINITE))
def test_ranks_equal_scipy_on_any_finite_values(x: np.ndarray) -> None:
    assert_exact_ranks(x)


@settings(max_examples=300, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 300), elements=POOL))
def test_ranks_equal_scipy_with_many_ties(x: np.ndarray) -> None:
    assert_exact_ranks(x)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(2, 5_000),
    st.integers(0, 2**32 - 1),
    st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v != 0),
)
def test_ranks_equal_scipy_when_every_packed_key_collides(n: int, seed: int, base: float) -> None:
    # values fewer than n ulps apart mostly share the packed key's value bits: one or two
    # collision runs hold nearly every entry, ordered by the exact fix-up; repeats are ties
    rng = np.random.default_rng(seed)
    x = np.full(n, base)
    for k in range(1, n):
        x[k] = np.nextafter(x[k - 1], np.inf) if rng.random() < 0.7 else x[k - 1]
    rng.shuffle(x)
    assert_exact_ranks(x)


def test_ranks_of_a_large_array_with_rare_collisions_and_ties() -> None:
    rng = np.random.default_rng(19)
    x = rng.lognormal(3, 2, size=300_000)
    x[:1000] = x[1000:2000]  # exact ties
    x[2000:3000] = np.nextafter(x[3000:4000], np.inf)  # neighbours one ulp apart
    x[4000:4100] = 0.0
    x[4100:4200] = -0.0
    x[5000:6000] *= -1
    rng.shuffle(x)
    assert_exact_ranks(x)


def test_minus_zero_and_zero_are_one_tie() -> None:
    x = np.array([0.0, -0.0, 1.0, -1.0, -0.0])
    np.testing.assert_array_equal(_centered_ranks(x) + 3.0, [3.0, 3.0, 5.0, 1.0, 3.0])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 400),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 1.0),
    st.booleans(),
)
def test_spearman_equals_the_argsort_reference_bit_for_bit(
    n: int, seed: int, occurs: float, ties: bool
) -> None:
    # given a cost column with zeros (the risk did not occur), signed values, maybe ties
    rng = np.random.default_rng(seed)
    values = rng.normal(size=n)
    if ties:
        values = np.round(values, 1)
    column = np.where(rng.random(n) < occurs, values, 0.0)
    npv = rng.normal(size=n) - 0.5 * column
    if ties:
        npv = np.round(npv, 1)
    ranks = reference_centered_ranks(npv)
    ss = float(np.dot(ranks, ranks))
    # then the fast rho is the reference's exactly, and SciPy's within rounding
    rho = _spearman_vs(column, ranks, ss)
    assert rho == reference_spearman_vs(column, ranks, ss)
    if column.std() > 0 and npv.std() > 0:
        assert rho == pytest.approx(stats.spearmanr(column, npv).statistic, abs=1e-12)


def test_tornado_at_half_a_million_iterations_is_scipys() -> None:
    # given occasional risks (their zeros are one large tie), signed impacts and a copula
    spec = make_spec(
        [
            risk("A", probability=0.3, impact={"type": "lognormal", "mean": 5, "sd": 3}),
            risk("B", probability=1.0, impact={"type": "uniform", "min": 0, "max": 10}),
            risk("C", probability=0.5, impact={"type": "pert", "min": -1, "mode": 2, "max": 9}),
            risk(
                "D", probability=0.2, impact={"type": "triangular", "min": 4, "mode": 4, "max": 6}
            ),
        ],
        correlations=[{"risks": ["A", "C"], "rho": 0.5}],
    )
    n = 500_000
    result = simulate(spec, iterations=n, seed=11)
    s = sample(spec, iterations=n, seed=11)
    for i, line in enumerate(result.risks):
        expected = stats.spearmanr(s.risk_costs[i], s.npv).statistic
        assert line.rho == pytest.approx(expected, abs=1e-12), line.id
    # and the same when the columns are regenerated in passes or computed by two threads
    for kwargs in ({"column_budget": 1}, {"workers": 2}):
        again = simulate(spec, iterations=n, seed=11, **kwargs)
        assert [line.rho for line in again.risks] == [line.rho for line in result.risks]


def test_npv_percentiles_from_the_sorted_copy_are_numpys(toll_road: Path) -> None:
    model = load_spec(toll_road)

    result = simulate(model, iterations=70_001, seed=4)
    npv = sample(model, iterations=70_001, seed=4).npv
    qs = list(model.simulation.percentiles)
    assert list(result.npv.percentiles.values()) == np.percentile(npv, qs).tolist()
    assert [x for x, _ in result.cdf] == np.quantile(npv, np.linspace(0, 1, 101)).tolist()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3_000_000), st.integers(1, 2_000), st.integers(0, 2**32 - 1))
def test_the_exact_dot_of_centered_ranks_is_exact(n: int, size: int, seed: int) -> None:
    # given half-integers within +-n/2 (centered ranks of n iterations)
    rng = np.random.default_rng(seed)
    a = rng.integers(-n, n + 1, size=size) / 2.0
    b = rng.integers(-n, n + 1, size=size) / 2.0
    # then 4 sum(a b) and 2 sum(a) are Python's exact integers
    assert _half_dot_4(a, b, n) == sum(int(2 * x) * int(2 * y) for x, y in zip(a, b, strict=True))
    assert _half_sum_2(a) == sum(int(2 * x) for x in a)


def test_the_exact_dot_does_not_overflow_at_ten_million() -> None:
    n = 10_000_000
    a = np.full(200_000, n / 2.0)  # the largest centered rank, squared 200,000 times
    assert _half_dot_4(a, a, n) == 200_000 * n * n
