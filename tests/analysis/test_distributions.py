"""Distributions: analytic moments, exact inverse CDFs, bounds and the PERT table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import ndtr

from mitra.analysis import Lognormal, Normal, Pert, PertQuantileTable, Triangular, Uniform
from mitra.analysis.risk.distributions import Distribution

CASES: list[Distribution] = [
    Triangular(2.0, 5.0, 14.0),
    Triangular(0.0, 0.0, 1.0),
    Pert(1.0, 4.0, 18.0),
    Pert(0.0, 10.0, 10.0, 2.0),
    Lognormal(35.0, 25.0),
    Normal(-3.0, 4.0),
    Uniform(-1.0, 3.0),
]


def moments_within_4_se(x: np.ndarray, mean: float, variance: float) -> tuple[float, float]:
    """z-scores of the sample mean and sample variance against the analytic values."""
    n = x.size
    se_mean = math.sqrt(variance / n)
    centred = x - x.mean()
    fourth = float(np.mean(centred**4))
    se_var = math.sqrt(max(fourth - variance**2, 0.0) / n)
    return (x.mean() - mean) / se_mean, (x.var(ddof=1) - variance) / se_var


@pytest.mark.parametrize("dist", CASES, ids=repr)
def test_independent_sampler_moments_match_the_analytic_values(dist: Distribution) -> None:
    # given 400,000 independent draws
    x = dist.sample(np.random.default_rng(11), 400_000)
    # when their mean and variance are compared with the closed forms
    z_mean, z_var = moments_within_4_se(x, dist.expected_value(), dist.variance())
    # then both are within 4 standard errors
    assert abs(z_mean) < 4
    assert abs(z_var) < 4


@pytest.mark.parametrize("dist", CASES, ids=repr)
def test_copula_transform_moments_match_the_analytic_values(dist: Distribution) -> None:
    # given the copula route x = F^-1(Phi(z)) of 400,000 standard normals
    z = np.random.default_rng(12).standard_normal(400_000)
    x = PertQuantileTable(dist)(z) if isinstance(dist, Pert) else dist.from_normal(z)
    # then mean and variance are within 4 standard errors of the closed forms
    z_mean, z_var = moments_within_4_se(x, dist.expected_value(), dist.variance())
    assert abs(z_mean) < 4
    assert abs(z_var) < 4


def test_analytic_moments_by_hand() -> None:
    # Triangular(0, 3, 6): mean 3, variance (0 + 36 + 9 - 0 - 0 - 18)/18 = 1.5
    assert Triangular(0, 3, 6).expected_value() == 3.0
    assert Triangular(0, 3, 6).variance() == 1.5
    # PERT(0, 3, 6): alpha = beta = 3, mean 3, variance 36 * 9 / (36 * 7) = 9/7
    assert (Pert(0, 3, 6).alpha, Pert(0, 3, 6).beta) == (3.0, 3.0)
    assert Pert(0, 3, 6).expected_value() == 3.0
    assert Pert(0, 3, 6).variance() == pytest.approx(9 / 7, rel=1e-15)
    # Lognormal(mean 1, sd 1): sigma^2 = ln 2, mu = -ln(2)/2
    assert Lognormal(1, 1).sigma ** 2 == pytest.approx(math.log(2), rel=1e-15)
    assert Lognormal(1, 1).mu == pytest.approx(-math.log(2) / 2, rel=1e-15)
    # Uniform(0, 6): variance 3
    assert Uniform(0, 6).variance() == 3.0


def test_inverse_cdfs_at_known_points() -> None:
    # Triangular(0, 1, 2) is symmetric: median 1; F^-1(1/8) = sqrt(1/8 * 2 * 1) = 0.5
    assert Triangular(0, 1, 2).ppf([0.5, 0.125, 0.0, 1.0]).tolist() == [1.0, 0.5, 0.0, 2.0]
    # Uniform(2, 4) at 0.25 is 2.5
    assert Uniform(2, 4).ppf(0.25) == 2.5
    # Normal at Phi(1.5) is mean + 1.5 sd
    assert Normal(1, 2).ppf(ndtr(1.5)) == pytest.approx(4.0, rel=1e-12)
    # PERT(0, 3, 6) is Beta(3, 3) scaled: the median is 3
    assert Pert(0, 3, 6).ppf(0.5) == pytest.approx(3.0, abs=1e-12)


@pytest.mark.parametrize("dist", CASES, ids=repr)
def test_inverse_cdf_agrees_with_scipy(dist: Distribution) -> None:
    # given SciPy's version of the same distribution
    u = np.linspace(0.001, 0.999, 101)
    if isinstance(dist, Triangular):
        ref = stats.triang(
            (dist.mode - dist.min) / (dist.max - dist.min), dist.min, dist.max - dist.min
        )
    elif isinstance(dist, Pert):
        ref = stats.beta(dist.alpha, dist.beta, dist.min, dist.max - dist.min)
    elif isinstance(dist, Lognormal):
        ref = stats.lognorm(dist.sigma, scale=math.exp(dist.mu))
    elif isinstance(dist, Normal):
        ref = stats.norm(dist.mean, dist.sd)
    else:
        ref = stats.uniform(dist.min, dist.max - dist.min)
    # then the inverse CDFs agree
    np.testing.assert_allclose(dist.ppf(u), ref.ppf(u), rtol=1e-10, atol=1e-12)
    assert dist.expected_value() == pytest.approx(float(ref.mean()), rel=1e-12, abs=1e-12)
    assert dist.variance() == pytest.approx(float(ref.var()), rel=1e-10)


bounded = st.builds(
    lambda cls, a, w, f, lam: (
        Pert(a, a + w * f, a + w, lam) if cls == "pert" else Triangular(a, a + w * f, a + w)
    ),
    st.sampled_from(["pert", "triangular"]),
    st.floats(-1e6, 1e6),
    st.floats(1e-3, 1e6),
    st.floats(0, 1),
    st.floats(0.05, 50),
)


@settings(max_examples=80, deadline=None)
@given(dist=bounded, seed=st.integers(0, 2**32))
def test_pert_and_triangular_never_leave_their_bounds(dist: Pert | Triangular, seed: int) -> None:
    # given draws by every route: independent, exact copula, and (for PERT) the table
    rng = np.random.default_rng(seed)
    z = np.concatenate([rng.standard_normal(2_000), [-40.0, -8.6, 0.0, 8.6, 40.0]])
    routes = [dist.sample(rng, 2_000), dist.from_normal(z), dist.ppf(ndtr(z))]
    if isinstance(dist, Pert):
        routes.append(PertQuantileTable(dist)(z))
    # then every value lies in [min, max]
    for x in routes:
        assert x.min() >= dist.min
        assert x.max() <= dist.max


@settings(max_examples=40, deadline=None)
@given(
    f=st.floats(0, 1),
    lam=st.floats(0.01, 200),
    a=st.floats(-1e3, 1e3),
    w=st.floats(1e-3, 1e3),
)
def test_pert_table_is_within_2e_7_of_the_exact_transform(
    f: float, lam: float, a: float, w: float
) -> None:
    # given a PERT and its interpolation table
    dist = Pert(a, a + w * f, a + w, lam)
    table = PertQuantileTable(dist)
    # when compared with the exact F^-1(Phi(z)) on a fine grid (grid points and midpoints)
    z = np.linspace(-8.5, 8.5, 4 * 8192 + 1)
    err = np.abs(table(z) - dist.from_normal(z))
    # then the error is below the documented 2e-7 (max - min), plus rounding of |a|
    assert err.max() <= 2e-7 * w + 4e-16 * (abs(a) + w)


def test_pert_table_is_exact_at_its_grid_points_and_clamps_outside() -> None:
    # given a table of PERT(0, 1, 4)
    dist = Pert(0.0, 1.0, 4.0)
    table = PertQuantileTable(dist, points=17, z_max=8.0)
    grid = np.linspace(-8.0, 8.0, 17)
    # then at the grid points it is the exact transform, and beyond it the end values
    np.testing.assert_array_equal(table(grid), dist.from_normal(grid))
    assert table(np.array([-100.0, 100.0])).tolist() == dist.from_normal([-8.0, 8.0]).tolist()
