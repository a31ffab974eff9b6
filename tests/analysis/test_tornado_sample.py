"""The tornado of a large run comes from a documented sub-sample (issue 19).

Above ``tornado_threshold`` iterations the Spearman rho of each risk is computed from the
first ``tornado_sample`` iterations only; the result says so (``tornado_sample``) and states
the error (``tornado_rho_se_max = 1 / sqrt(n_t - 3)``). Every other figure still uses all N
iterations, bit for bit as an exact run gives it. The thresholds are lowered here so that
the tests stay fast; the defaults are 500,000 and 200,000.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.analysis import sample, simulate
from mitra.analysis.risk.montecarlo import (
    TORNADO_SAMPLE,
    TORNADO_THRESHOLD,
    SimulationResult,
    _ColumnSums,
    _histogram_of_sorted,
    _mean_sd,
    _pairwise_matches_numpy,
    _tail_mean,
    _type7_matches_numpy,
    _type7_of_sorted,
)

from .specs import make_spec, risk


def without_tornado(result: SimulationResult) -> dict[str, Any]:
    """``to_dict()`` without timing and without every figure the tornado sample changes."""
    d: dict[str, Any] = result.to_dict()
    for key in ("timing", "tornado", "tornado_sample", "tornado_rho_se_max"):
        d.pop(key, None)
    for line in d["risks"]:
        del line["rho"], line["variance_share"]
    return d


def two_risks() -> dict[str, Any]:
    return make_spec(
        [
            risk("A", probability=0.3, impact={"type": "lognormal", "mean": 5, "sd": 3}),
            risk("B", probability=1.0, impact={"type": "uniform", "min": 0, "max": 10}),
        ],
        correlations=[{"risks": ["A", "B"], "rho": 0.4}],
    )


def test_the_defaults_are_documented_values() -> None:
    assert TORNADO_THRESHOLD == 500_000
    assert TORNADO_SAMPLE == 200_000
    assert round(1 / math.sqrt(TORNADO_SAMPLE - 3), 4) == 0.0022


def test_up_to_the_threshold_the_tornado_is_exact_and_the_json_unchanged() -> None:
    # given a run at the default threshold exactly
    result = simulate(make_spec(), iterations=TORNADO_THRESHOLD, seed=1)
    # then no sample is reported, neither in the result nor in its JSON
    assert result.tornado_sample is None
    assert result.tornado_rho_se_max is None
    d: dict[str, Any] = result.to_dict()
    assert "tornado_sample" not in d and "tornado_rho_se_max" not in d


def test_above_the_default_threshold_the_sample_and_its_error_are_reported() -> None:
    # given one iteration more than the default threshold
    result = simulate(make_spec(), iterations=TORNADO_THRESHOLD + 1, seed=1)
    # then the tornado used the first 200,000 iterations, with its error stated
    assert result.tornado_sample == TORNADO_SAMPLE
    assert result.tornado_rho_se_max == 1 / math.sqrt(TORNADO_SAMPLE - 3)
    d = json.loads(json.dumps(result.to_dict()))
    assert d["tornado_sample"] == TORNADO_SAMPLE
    assert d["tornado_rho_se_max"] == pytest.approx(0.0022361, abs=1e-7)
    keys = list(d)  # beside the tornado, before the risks
    assert keys.index("tornado_sample") == keys.index("tornado") + 1
    assert keys.index("tornado_rho_se_max") == keys.index("tornado") + 2
    assert keys.index("risks") == keys.index("tornado") + 3


def test_the_sub_sampled_tornado_is_that_of_the_first_iterations(toll_road: Path) -> None:
    # given 150,000 iterations, the tornado from the first 70,000 (two random-stream blocks)
    n, n_t, seed = 150_000, 70_000, 21
    result = simulate(
        toll_road, iterations=n, seed=seed, tornado_threshold=100_000, tornado_sample=n_t
    )
    # then rho (and the ranking, the shares) are bit for bit those of a 70,000-iteration run
    short = simulate(toll_road, iterations=n_t, seed=seed)
    assert result.tornado_sample == n_t
    assert result.tornado_rho_se_max == 1 / math.sqrt(n_t - 3)
    assert [(t.id, t.rho, t.variance_share) for t in result.tornado] == [
        (t.id, t.rho, t.variance_share) for t in short.tornado
    ]
    # and every other figure is the exact run's, from all 150,000 iterations
    exact = simulate(toll_road, iterations=n, seed=seed, tornado_threshold=n)
    assert exact.tornado_sample is None
    assert without_tornado(result) == without_tornado(exact)
    # which are numpy's statistics of the samples
    s = sample(toll_road, iterations=n, seed=seed)
    qs = list(result.npv.percentiles)
    assert (
        list(result.npv.percentiles.values())
        == np.percentile(s.npv, [float(q[1:]) for q in qs]).tolist()
    )
    assert result.npv.mean == float(np.mean(s.npv))
    assert result.risk_cost.var == float(np.quantile(s.total_cost, result.var_confidence))
    assert [line.mean_cost for line in result.risks] == [
        float(np.mean(row)) for row in s.risk_costs
    ]


def test_the_sub_sampled_rho_is_within_four_standard_errors_of_the_full_rho(
    toll_road: Path,
) -> None:
    # given 400,000 iterations, ranked in full and from the first 100,000
    n, seed = 400_000, 5
    full = simulate(toll_road, iterations=n, seed=seed, tornado_threshold=n)
    sub = simulate(
        toll_road, iterations=n, seed=seed, tornado_threshold=200_000, tornado_sample=100_000
    )
    assert sub.tornado_rho_se_max is not None
    # then each rho differs from the full-N rho by less than 4 stated standard errors
    for a, b in zip(sub.risks, full.risks, strict=True):
        assert abs(a.rho - b.rho) < 4 * sub.tornado_rho_se_max, a.id
    # and the ranking agrees wherever the full-N rho are further apart than that
    gap = 8 * sub.tornado_rho_se_max
    order = [t.id for t in full.tornado]
    rho = {t.id: abs(t.rho) for t in full.tornado}
    sub_rank = {t.id: k for k, t in enumerate(sub.tornado)}
    for a in order:
        for b in order:
            if rho[a] - rho[b] > gap:
                assert sub_rank[a] < sub_rank[b], (a, b)


def test_threads_chunks_and_regeneration_give_the_same_sub_sampled_result() -> None:
    n = 140_000
    kwargs: dict[str, Any] = {"tornado_threshold": 50_000, "tornado_sample": 66_000}
    reference = simulate(two_risks(), iterations=n, seed=3, **kwargs)
    assert reference.tornado_sample == 66_000
    for variant in (
        {"workers": 2},
        {"chunk_size": 9_999},
        {"column_budget": 1},
        {"column_budget": 1, "workers": 2, "chunk_size": 30_001},
    ):
        again = simulate(two_risks(), iterations=n, seed=3, **kwargs, **variant)
        d, e = again.to_dict(), reference.to_dict()
        del d["timing"], e["timing"]
        assert d == e, variant


def test_a_sample_as_large_as_the_run_is_the_exact_tornado() -> None:
    result = simulate(
        two_risks(), iterations=30_000, seed=4, tornado_threshold=10_000, tornado_sample=30_000
    )
    exact = simulate(two_risks(), iterations=30_000, seed=4)
    assert result.tornado_sample is None
    assert result.to_dict()["tornado"] == exact.to_dict()["tornado"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tornado_sample": 3}, "tornado_sample must be >= 4"),
        ({"tornado_threshold": -1}, "tornado_threshold must be >= 0"),
    ],
)
def test_bad_tornado_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(make_spec(), iterations=10, seed=1, **kwargs)


# ------------------------------------------------- shortcuts that must equal numpy bit for bit


def test_the_numpy_shortcuts_hold_with_this_numpy() -> None:
    # the fast paths are taken (else the engine falls back to numpy itself)
    assert _pairwise_matches_numpy()
    assert _type7_matches_numpy()


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6_000),
    st.lists(st.integers(1, 3_000), min_size=1, max_size=6),
    st.integers(1, 3),
    st.integers(0, 2**32 - 1),
)
def test_column_sums_are_numpys_whatever_the_chunks(
    n: int, sizes: list[int], risks: int, seed: int
) -> None:
    # given columns of costs (many zeros, a wide range of magnitudes) cut into chunks
    rng = np.random.default_rng(seed)
    data = rng.standard_normal((risks, n)) * 10.0 ** rng.uniform(-6.0, 6.0, (risks, n))
    data[rng.random((risks, n)) < 0.6] = 0.0
    chunks, start, k = [], 0, 0
    while start < n:
        length = min(sizes[k % len(sizes)], n - start)
        chunks.append((start, length))
        start, k = start + length, k + 1
    # when the chunks are summed as they come (in any order)
    sums = _ColumnSums(n, chunks, risks)
    for start, length in reversed(chunks):
        sums.add(start, data[:, start : start + length].copy())
    # then each sum, and each mean, is numpy's over the whole column
    got = sums.sums()
    for i in range(risks):
        assert got[i].tobytes() == np.add.reduce(data[i]).tobytes()
        assert float(got[i] / n) == float(np.mean(data[i]))


#: few distinct values, so that ties and values on the histogram's edges are frequent
POOL = st.sampled_from([-3.5, -1.0, 0.0, 1e-300, 0.2, 2.0, 2.0000000000000004, 7.25, 10.0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(POOL, min_size=1, max_size=60),
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.booleans(),
)
def test_order_statistics_of_the_sorted_copy_are_numpys(
    pool: list[float], seed: int, spread: bool, negative_zero: bool
) -> None:
    # given values, possibly continuous, possibly with -0.0 (and 0.0 when the pool has it:
    # np.sort may then return either sign for both, so numpy itself is used)
    rng = np.random.default_rng(seed)
    values = np.array(pool)
    if spread:
        values = np.concatenate([values, rng.normal(size=rng.integers(1, 3_000))])
    if negative_zero:
        values = np.concatenate([values, [-0.0, -0.0]])
    rng.shuffle(values)
    ordered = np.sort(values)
    probs = [0.05, 0.5, 0.9, 0.95, 0.975, *np.linspace(0.0, 1.0, 101).tolist()]
    # then quantiles, histogram, mean, sd and CVaR are numpy's, bit for bit
    assert _type7_of_sorted(ordered, probs, values).tobytes() == (
        np.quantile(values, probs).tobytes()
    )
    try:
        expected_counts, expected_edges = np.histogram(values, bins=50)
    except ValueError as error:  # e.g. a range too narrow for 50 finite bins: the same error
        with pytest.raises(ValueError, match=str(error)):
            _histogram_of_sorted(ordered, 50, values)
    else:
        counts, edges = _histogram_of_sorted(ordered, 50, values)
        assert counts.tolist() == expected_counts.tolist()
        assert edges.tobytes() == expected_edges.tobytes()
    mean, sd = _mean_sd(values)
    assert mean == float(np.mean(values))
    assert sd == (float(np.std(values, ddof=1)) if values.size > 1 else None)
    var = float(np.quantile(values, 0.95))
    assert _tail_mean(values, var) == float(np.mean(values, where=values >= var))


def test_values_on_the_histogram_edges_are_counted_as_numpy_does() -> None:
    # given values exactly on every bin edge, and a run of equal values
    edges = np.histogram_bin_edges(np.array([-1.0, 3.0]), bins=50)
    values = np.concatenate([edges, edges[10:12], np.full(7, edges[25])])
    counts, got_edges = _histogram_of_sorted(np.sort(values), 50, values)
    expected_counts, expected_edges = np.histogram(values, bins=50)
    assert counts.tolist() == expected_counts.tolist()
    assert got_edges.tobytes() == expected_edges.tobytes()
    # and a constant sample (numpy widens the range by 0.5 on each side)
    same = np.full(5, 2.5)
    counts, got_edges = _histogram_of_sorted(same, 50, same)
    assert counts.tolist() == np.histogram(same, bins=50)[0].tolist()
    assert got_edges.tolist() == np.histogram(same, bins=50)[1].tolist()


def test_a_sub_sampled_run_keeps_only_the_first_columns_and_needs_no_second_pass() -> None:
    # given a run whose full cost columns exceed the budget but whose first n_t fit
    n, n_t = 140_000, 20_000
    kwargs: dict[str, Any] = {"tornado_threshold": 50_000, "tornado_sample": n_t}
    budget = 8 * 2 * 30_000  # two risks: room for 30,000 iterations of columns
    calls: list[tuple[int, int]] = []
    result = simulate(
        two_risks(),
        iterations=n,
        seed=8,
        column_budget=budget,
        progress=lambda d, t: calls.append((d, t)),
        **kwargs,
    )
    # then one pass sufficed (progress counts n iteration-passes, not 2 n)
    assert calls[-1] == (n, n)
    # and the result is bit for bit the one computed with regenerated columns, with chunks
    # too small for the chunk-by-chunk column sums, and with two threads
    for variant in (
        {"column_budget": 1},
        {"column_budget": budget, "chunk_size": 1_000},
        {"column_budget": budget, "chunk_size": 4_096, "workers": 2},
    ):
        again = simulate(two_risks(), iterations=n, seed=8, **kwargs, **variant)
        d, e = again.to_dict(), result.to_dict()
        del d["timing"], e["timing"]
        assert d == e, variant
    # and each risk's mean cost is numpy's mean of its full column
    s = sample(two_risks(), iterations=n, seed=8)
    assert [line.mean_cost for line in result.risks] == [
        float(np.mean(row)) for row in s.risk_costs
    ]
