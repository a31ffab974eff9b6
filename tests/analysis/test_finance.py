"""Time-value functions: hand-worked and published known answers, numpy-financial, properties."""

from __future__ import annotations

import datetime as dt
import math
import warnings

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.analysis.finance import (
    IrrError,
    discounted_payback,
    irr,
    irr_all,
    mirr,
    npv,
    payback,
    xirr,
)


def root_tolerance(r: float, n: int) -> float:
    """Relative NPV residual allowed at a float rate ``r`` for ``n`` flows.

    1e-9, plus the error that the float spacing of ``r`` (about 1.1e-16) alone
    causes in ``(1 + r)^-k`` when ``1 + r`` is tiny (rates close to -100 %).
    """
    return 1e-9 + n * 2.3e-16 / (1.0 + r)


amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=-0.5, max_value=1.0, allow_nan=False)


# --------------------------------------------------------------------------- NPV


def test_npv_discounts_the_first_flow_one_year_by_default() -> None:
    # given 110 at the end of year 1 and 121 at the end of year 2, at 10 %
    # when valued
    value = npv(0.10, [110.0, 121.0])
    # then (hand) 110 / 1.1 + 121 / 1.21 = 100 + 100 = 200
    assert value == pytest.approx(200.0, rel=1e-15)


def test_npv_with_t0_does_not_discount_the_first_flow() -> None:
    # given -100 today, 60 and 60.5 at the ends of years 1 and 2, at 10 %
    # then (hand) -100 + 60 / 1.1 + 60.5 / 1.21 = -100 + 54.5454... + 50 = 4.5454...
    assert npv(0.10, [-100.0, 60.0, 60.5], t0=True) == pytest.approx(50 / 11, rel=1e-14)


def test_npv_of_an_array_of_rates_is_one_npv_per_rate() -> None:
    values = npv(np.array([0.0, 0.10]), [110.0])
    assert values.tolist() == pytest.approx([110.0, 100.0], rel=1e-15)


@given(rate=rates, flows=st.lists(amounts, min_size=1, max_size=40))
def test_npv_agrees_with_numpy_financial_with_the_documented_shift(
    rate: float, flows: list[float]
) -> None:
    # numpy-financial's npv puts values[0] at t = 0
    scale = 1.0 + sum(abs(f) for f in flows) * 10.0 ** (len(flows) * 0.31)
    assert npv(rate, flows, t0=True) == pytest.approx(npf.npv(rate, flows), abs=1e-9 * scale)
    assert npv(rate, flows) == pytest.approx(npf.npv(rate, [0.0, *flows]), abs=1e-9 * scale)


@given(
    rate=rates,
    f=st.lists(amounts, min_size=5, max_size=5),
    g=st.lists(amounts, min_size=5, max_size=5),
    a=st.floats(-100, 100),
    b=st.floats(-100, 100),
)
def test_npv_is_linear_in_the_flows(
    rate: float, f: list[float], g: list[float], a: float, b: float
) -> None:
    combined = a * np.array(f) + b * np.array(g)
    expected = a * npv(rate, f) + b * npv(rate, g)
    scale = 1.0 + (abs(a) + abs(b)) * 1e6 * 5 * 2.0**5
    assert npv(rate, combined) == pytest.approx(expected, abs=1e-9 * scale)


def test_npv_rejects_a_rate_of_minus_100_percent() -> None:
    with pytest.raises(ValueError, match="greater than -1"):
        npv(-1.0, [1.0])


# --------------------------------------------------------------------------- IRR


def test_irr_of_a_one_period_investment() -> None:
    # hand: -100 now, 110 in a year -> 10 %
    assert irr([-100.0, 110.0]) == pytest.approx(0.10, abs=1e-14)


def test_irr_of_a_two_period_investment_by_the_quadratic_formula() -> None:
    # given -100, 60, 60: with x = 1 + r, 100 x^2 - 60 x - 60 = 0
    # so (hand) x = (60 + sqrt(3600 + 24000)) / 200 = 1.13066238..., r = 0.13066238...
    expected = (60 + math.sqrt(27600)) / 200 - 1
    assert irr([-100.0, 60.0, 60.0]) == pytest.approx(expected, abs=1e-13)


def test_irr_agrees_with_numpy_financial_on_its_docstring_example() -> None:
    # numpy-financial irr docstring: irr([-100, 39, 59, 55, 20]) = 0.28094842115996066
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(0.28094842115996066, abs=1e-12)
    assert irr([-100, 39, 59, 55, 20]) == pytest.approx(npf.irr([-100, 39, 59, 55, 20]), abs=1e-12)


def test_two_irrs_are_both_reported_and_irr_refuses_to_pick_one() -> None:
    # given -100, 230, -132: -100 x^2 + 230 x - 132 = 0 with x = 1 + r gives
    # (hand) x = (230 +- sqrt(230^2 - 4 * 100 * 132)) / 200 = (230 +- 10) / 200 = 1.1 or 1.2
    flows = [-100.0, 230.0, -132.0]
    assert irr_all(flows) == pytest.approx((0.10, 0.20), abs=1e-12)
    with pytest.raises(IrrError, match="2 internal rates of return") as caught:
        irr(flows)
    assert caught.value.roots == pytest.approx((0.10, 0.20), abs=1e-12)


def test_three_irrs_of_a_polynomial_built_from_its_roots() -> None:
    # given flows whose NPV polynomial in x = 1/(1+r) has roots 1/1.05, 1/1.10, 1/1.20
    roots_x = [1 / 1.05, 1 / 1.10, 1 / 1.20]
    flows = np.polynomial.polynomial.polyfromroots(roots_x) * 1000
    # then all three IRRs are found
    assert irr_all(flows) == pytest.approx((0.05, 0.10, 0.20), abs=1e-9)


def test_no_real_irr_is_an_error_not_a_number() -> None:
    # given -100, 50, -60: -100 + 50 x - 60 x^2 has discriminant 2500 - 24000 < 0 (hand)
    with pytest.raises(IrrError, match="no internal rate of return: the NPV is never zero"):
        irr([-100.0, 50.0, -60.0])
    with pytest.raises(IrrError, match="never change sign") as caught:
        irr([100.0, 50.0])
    assert caught.value.roots == ()
    assert irr_all([0.0, 0.0]) == ()


def test_irr_handles_leading_and_trailing_zeros() -> None:
    assert irr([0.0, -100.0, 110.0, 0.0]) == pytest.approx(0.10, abs=1e-13)


def test_irr_of_a_40_year_project_in_rupiah_matches_numpy_financial() -> None:
    flows = np.r_[-2.0e12, -3.0e12, np.full(38, 6.1e11)]
    assert irr(flows) == pytest.approx(npf.irr(flows), abs=1e-10)


@settings(max_examples=200)
@given(
    invest=st.lists(st.floats(1.0, 1e6), min_size=1, max_size=4),
    returns=st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1e6)), min_size=1, max_size=40),
)
def test_irr_makes_npv_zero_and_agrees_with_numpy_financial(
    invest: list[float], returns: list[float]
) -> None:
    # one sign change: by Descartes' rule of signs at most one IRR
    flows = [-v for v in invest] + returns
    if sum(returns) <= 0:
        return
    r = irr(flows)
    magnitude = npv(r, np.abs(flows), t0=True)
    assert abs(npv(r, flows, t0=True)) <= root_tolerance(r, len(flows)) * magnitude
    # where numpy-financial's own root is accurate (its NPV is ~0), both agree
    try:
        reference = npf.irr(flows)
    except np.linalg.LinAlgError:  # numpy-financial's companion matrix overflowed
        return
    if not math.isnan(reference) and reference > -1:
        ref_magnitude = npv(reference, np.abs(flows), t0=True)
        if abs(npv(reference, flows, t0=True)) <= 1e-9 * ref_magnitude:
            assert r == pytest.approx(reference, abs=1e-7 * max(1.0, abs(r)))


@given(flows=st.lists(amounts, min_size=2, max_size=12))
def test_every_root_from_irr_all_makes_npv_zero(flows: list[float]) -> None:
    for r in irr_all(flows):
        assert r > -1
        magnitude = npv(r, np.abs(flows), t0=True)
        assert abs(npv(r, flows, t0=True)) <= root_tolerance(r, len(flows)) * magnitude


# --------------------------------------------------------------------------- XIRR


def test_xirr_reproduces_the_excel_help_example() -> None:
    # Microsoft, "XIRR function", Excel help (support.microsoft.com, XIRR example):
    # -10000 on 2008-01-01, 2750 on 2008-03-01, 4250 on 2008-10-30, 3250 on 2009-02-15,
    # 2750 on 2009-04-01 -> 0.373362535 (37.34 %). Excel iterates to 0.000001 %, so the
    # published figure is good to about 1e-8.
    dates = ["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"]
    flows = [-10000, 2750, 4250, 3250, 2750]
    assert xirr(dates, flows) == pytest.approx(0.373362535, abs=1e-8)
    as_dates = [dt.date.fromisoformat(d) for d in dates]
    assert xirr(as_dates, flows) == xirr(dates, flows)


def test_xirr_on_yearly_dates_of_365_days_equals_irr() -> None:
    # 2021-01-01 + 365 days = 2022-01-01 (no leap day), so year fractions are exactly 1, 2
    dates = ["2021-01-01", "2022-01-01", "2023-01-01"]
    assert xirr(dates, [-100, 60, 60]) == pytest.approx(irr([-100, 60, 60]), abs=1e-12)


def test_xirr_with_no_root_raises() -> None:
    with pytest.raises(IrrError, match="no XIRR"):
        xirr(["2020-01-01", "2021-01-01"], [100, 100])


def test_xirr_finds_a_rate_above_a_million_percent_on_flows_days_apart() -> None:
    # -100 then +200 one day later: (1 + r)^(1/365) = 2, r = 2^365 - 1 (about 7.5e109);
    # the old grid stopped at ln(1 + r) = 14 and wrongly said the NPV is never zero
    r = xirr(["2020-01-01", "2020-01-02"], [-100, 200])
    assert r == pytest.approx(2.0**365 - 1.0, rel=1e-9)


def test_xirr_over_a_century_does_not_warn_about_overflow() -> None:
    # 21 flows five years apart: exp(-ln(1 + r) t) overflows near r = -100 %; the
    # scan must still find the one root (2^(1/100) - 1) without leaking warnings
    dates = [dt.date(2000 + 5 * k, 1, 1) for k in range(21)]
    flows = [-100.0] + [0.0] * 19 + [50.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = xirr(dates, flows)
    t = (dt.date(2100, 1, 1) - dt.date(2000, 1, 1)).days / 365.0
    assert r == pytest.approx(0.5 ** (1.0 / t) - 1.0, abs=1e-12)


# --------------------------------------------------------------------------- MIRR


def test_mirr_reproduces_the_excel_help_example() -> None:
    # Microsoft, "MIRR function", Excel help: -120000, 39000, 30000, 21000, 37000, 46000,
    # finance rate 10 %, reinvestment rate 12 % -> 12.61 %
    flows = [-120000, 39000, 30000, 21000, 37000, 46000]
    assert round(mirr(flows, 0.10, 0.12), 4) == 0.1261
    assert mirr(flows, 0.10, 0.12) == pytest.approx(npf.mirr(flows, 0.10, 0.12), rel=1e-14)


def test_mirr_by_hand() -> None:
    # -100, 50, 80 at finance 10 %, reinvest 20 %: FV = 50 x 1.2 + 80 = 140, PV = 100
    # MIRR = (140 / 100)^(1/2) - 1 = 0.18321596...
    assert mirr([-100, 50, 80], 0.10, 0.20) == pytest.approx(math.sqrt(1.4) - 1, abs=1e-15)


@pytest.mark.parametrize(("fr", "rr"), [(-1.0, 0.1), (0.1, -1.5), (math.nan, 0.1)])
def test_mirr_rejects_a_rate_not_above_minus_100_percent(fr: float, rr: float) -> None:
    # a finance rate of -100 % made every PV infinite and MIRR came out as -1 (-100 %);
    # a reinvestment rate below -100 % gave a number from a negative growth factor
    with pytest.raises(ValueError, match="above -1"):
        mirr([-100, 50, 60], fr, rr)


@given(flows=st.lists(amounts, min_size=2, max_size=20), fr=st.floats(0, 0.5), rr=st.floats(0, 0.5))
def test_mirr_agrees_with_numpy_financial(flows: list[float], fr: float, rr: float) -> None:
    if not (any(f > 0 for f in flows) and any(f < 0 for f in flows)):
        with pytest.raises(ValueError, match="one positive and one negative"):
            mirr(flows, fr, rr)
        return
    assert mirr(flows, fr, rr) == pytest.approx(npf.mirr(flows, fr, rr), rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- payback


def test_payback_interpolates_within_the_year() -> None:
    # -100 today, then 40 a year: cumulative -60, -20, +20; 20 / 40 = half of year 3 (hand)
    assert payback([-100.0, 40.0, 40.0, 40.0], t0=True) == 2.5
    # the same flows one year later (flows[0] in year 1) pay back one year later
    assert payback([-100.0, 40.0, 40.0, 40.0]) == 3.5


def test_payback_is_none_when_never_paid_back_and_zero_without_investment() -> None:
    assert payback([-100.0, 30.0, 30.0], t0=True) is None
    assert payback([10.0, 30.0]) == 0.0


def test_discounted_payback_by_hand() -> None:
    # at 10 %: -100, 55 / 1.1 = 50, 66.55 / 1.21 = 55; cumulative -100, -50, +5
    # so 1 + 50 / 55 = 1.909090... years (hand)
    assert discounted_payback(0.10, [-100.0, 55.0, 66.55], t0=True) == pytest.approx(
        1 + 50 / 55, abs=1e-12
    )
    assert discounted_payback(0.10, [-100.0, 55.0, 55.0], t0=True) is None


@given(flows=st.lists(amounts, min_size=1, max_size=20))
def test_discounted_payback_at_zero_rate_is_payback(flows: list[float]) -> None:
    assert discounted_payback(0.0, flows) == payback(flows)
