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

from mitra.analysis import sample, simulate
from mitra.analysis.risk.montecarlo import (
    TORNADO_SAMPLE,
    TORNADO_THRESHOLD,
    SimulationResult,
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
