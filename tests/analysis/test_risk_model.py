"""The deterministic precomputation (P1)-(P4), worked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.analysis import Pert, RiskModel, Triangular, Uniform, load_spec

from .specs import make_spec, risk


def test_parametric_base_cash_flows_by_hand() -> None:
    # given 2 construction years (profile 1:3), then 3 operation years with 10% escalation
    # and a first-year revenue ramp-up of 0.5
    spec = make_spec(horizon_years=5, discount_rate=0.1)
    spec["base_cash_flows"] = {
        "mode": "parametric",
        "construction_years": 2,
        "capex_total": 100,
        "capex_profile": [1, 3],
        "opex_per_year": 10,
        "revenue_per_year": 50,
        "escalation": 0.1,
        "revenue_ramp_up": [0.5],
    }
    # when loaded
    model = load_spec(spec)
    base = model.base_cash_flows
    # then the line items are (capex 25, 75), (opex 10, 11, 12.1), (revenue 25, 55, 60.5)
    assert base.capex == (25.0, 75.0, 0.0, 0.0, 0.0)
    assert base.opex == pytest.approx((0, 0, 10, 11, 12.1), abs=1e-12)
    assert base.revenue == pytest.approx((0, 0, 25, 55, 60.5), abs=1e-12)
    # and NPV0 = -25/1.1 - 75/1.1^2 + 15/1.1^3 + 44/1.1^4 + 48.4/1.1^5
    npv0 = -25 / 1.1 - 75 / 1.1**2 + 15 / 1.1**3 + 44 / 1.1**4 + 48.4 / 1.1**5
    assert model.base_npv == pytest.approx(npv0, rel=1e-13)


def test_parametric_defaults_spread_capex_evenly_without_escalation() -> None:
    # given a parametric base without profile, escalation or ramp-up
    spec = make_spec(horizon_years=3)
    spec["base_cash_flows"] = {
        "mode": "parametric",
        "construction_years": 1,
        "capex_total": 90,
        "opex_per_year": 5,
        "revenue_per_year": 20,
    }
    # when loaded
    base = load_spec(spec).base_cash_flows
    # then
    assert (base.capex, base.opex, base.revenue) == ((90, 0, 0), (0, 5, 5), (0, 20, 20))


def test_by_year_base_npv_without_discounting() -> None:
    # given the test spec: capex 50, opex 10, revenue 160, r = 0
    # when loaded
    model = load_spec(make_spec())
    # then NPV0 = 160 - 10 - 50
    assert model.base_npv == 100.0
    assert model.discount_factors.tolist() == [1.0, 1.0]


def test_absolute_weights_follow_year_weights_and_unit_value() -> None:
    # given an absolute risk spread 1:3 over years 1 and 2, 4.5 money per unit, r = 10%
    spec = make_spec([risk(years=[1, 2], year_weights=[1, 3], unit_value=4.5)], discount_rate=0.1)
    # when loaded
    model = load_spec(spec)
    # then w = 4.5 * (0.25, 0.75) and K = 1.125/1.1 + 3.375/1.21
    assert model.weights.tolist() == [[1.125, 3.375]]
    assert model.pv_factors[0] == pytest.approx(1.125 / 1.1 + 3.375 / 1.21, rel=1e-14)


def test_relative_weights_use_the_base_line_item() -> None:
    # given a relative revenue risk in year 2 (revenue 160) and a relative capex risk in year 1
    spec = make_spec(
        [
            risk("A", basis="relative", applies_to="revenue", years=[2]),
            risk("B", basis="relative", applies_to="capex", years=[1, 2], unit_value=2),
        ]
    )
    # when loaded
    model = load_spec(spec)
    # then w_A = (0, 160) and w_B = 2 * (50, 0)
    assert model.weights.tolist() == [[0.0, 160.0], [100.0, 0.0]]


def test_closed_form_expectations_by_hand() -> None:
    # given two risks: A p=0.5 Uniform(0,10) all public; B p=0.2 Triangular(0,3,6) split 40/60
    spec = make_spec(
        [
            risk("A", probability=0.5),
            risk(
                "B",
                probability=0.2,
                impact={"type": "triangular", "min": 0, "mode": 3, "max": 6},
                allocation={"public": 0.4, "private": 0.6},
            ),
        ]
    )
    # when loaded
    model = load_spec(spec)
    # then E[L_A] = 2.5, E[L_B] = 0.6; E[NPV] = 100 - 3.1; public 2.5 + 0.24, private 0.36
    assert model.expected_risk_costs().tolist() == pytest.approx([2.5, 0.6], abs=1e-14)
    assert model.expected_npv() == pytest.approx(96.9, abs=1e-12)
    assert model.expected_party_costs() == pytest.approx({"public": 2.74, "private": 0.36})


def test_defaults_are_filled_in() -> None:
    # given a spec without the optional fields
    # when loaded
    model = load_spec(make_spec([risk(impact={"type": "pert", "min": 0, "mode": 1, "max": 4})]))
    # then the schema's defaults apply
    assert model.risks[0].impact == Pert(0.0, 1.0, 4.0, 4.0)
    assert (model.risks[0].unit_value, model.risks[0].basis) == (1.0, "absolute")
    assert model.simulation.iterations == 10_000
    assert model.simulation.percentiles == (5.0, 50.0, 90.0, 95.0)
    assert model.simulation.var_confidence == 0.95
    assert model.simulation.seed is None
    assert model.correlations == ()


def test_derived_arrays_are_read_only() -> None:
    # given a model
    model = load_spec(make_spec())
    # then its derived arrays cannot be changed by accident
    with pytest.raises(ValueError, match="read-only"):
        model.pv_factors[0] = 1.0


def test_a_model_passes_through_load_spec_unchanged() -> None:
    model = load_spec(make_spec())
    assert load_spec(model) is model


def test_round_trip_of_the_examples(toll_road: Path, school: Path) -> None:
    # given the shared examples
    for path in (toll_road, school):
        model = load_spec(path)
        # when written back to a dict and loaded again
        again = load_spec(model.to_dict())
        # then nothing is lost
        assert again == model
        assert again.base_npv == model.base_npv


def test_toll_road_base_npv_by_formula(toll_road: Path) -> None:
    # given the toll road: 4 construction years, 1200 capex (15/35/35/15 %), opex 24, revenue 165,
    # escalation 1.5 %, ramp-up 0.6/0.8/0.92, r = 7 %, 30 years
    model = load_spec(toll_road)
    # when NPV0 is computed term by term
    npv0 = 0.0
    for t in range(1, 31):
        if t <= 4:
            cf = -1200 * (0.15, 0.35, 0.35, 0.15)[t - 1]
        else:
            s = t - 5
            ramp = (0.6, 0.8, 0.92)[s] if s < 3 else 1.0
            cf = (165 * ramp - 24) * 1.015**s
        npv0 += cf / 1.07**t
    # then it matches the model
    assert model.base_npv == pytest.approx(npv0, rel=1e-12)


distributions = st.one_of(
    st.builds(
        lambda a, w, f: {"type": "triangular", "min": a, "mode": a + w * f, "max": a + w},
        st.floats(-100, 100),
        st.floats(0.01, 100),
        st.floats(0, 1),
    ),
    st.builds(
        lambda a, w, f, lam: {
            "type": "pert",
            "min": a,
            "mode": a + w * f,
            "max": a + w,
            "lambda": lam,
        },
        st.floats(-100, 100),
        st.floats(0.01, 100),
        st.floats(0, 1),
        st.floats(0.1, 20),
    ),
    st.builds(
        lambda m, s: {"type": "lognormal", "mean": m, "sd": s},
        st.floats(0.01, 100),
        st.floats(0.01, 100),
    ),
    st.builds(
        lambda m, s: {"type": "normal", "mean": m, "sd": s},
        st.floats(-100, 100),
        st.floats(0.01, 100),
    ),
    st.builds(
        lambda a, w: {"type": "uniform", "min": a, "max": a + w},
        st.floats(-100, 100),
        st.floats(0.01, 100),
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    impacts=st.lists(distributions, min_size=1, max_size=5),
    probs=st.lists(st.floats(0, 1), min_size=5, max_size=5),
    rate=st.floats(-0.5, 0.5),
)
def test_round_trip_of_generated_specs(
    impacts: list[dict[str, float]], probs: list[float], rate: float
) -> None:
    # given a generated valid spec
    spec = make_spec(
        [
            risk(f"R{i}", impact=impact, probability=probs[i], years=[1 + i % 2])
            for i, impact in enumerate(impacts)
        ],
        discount_rate=rate,
    )
    model = load_spec(spec)
    # when round-tripped
    # then it is equal, and the closed-form E[NPV] is NPV0 - sum p E[X] K
    assert load_spec(model.to_dict()) == model
    expected = model.base_npv - sum(
        r.probability * r.impact.expected_value() * k
        for r, k in zip(model.risks, model.pv_factors, strict=True)
    )
    assert model.expected_npv() == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_the_model_keeps_the_distribution_types() -> None:
    # given three distributions
    spec = make_spec(
        [
            risk("A", impact={"type": "triangular", "min": 0, "mode": 1, "max": 2}),
            risk("B", impact={"type": "uniform", "min": 0, "max": 2}),
        ]
    )
    model: RiskModel = load_spec(spec)
    # then they are parsed into their dataclasses
    assert [r.impact for r in model.risks] == [Triangular(0, 1, 2), Uniform(0, 2)]
    assert math.isclose(float(np.sum(model.correlation_matrix)), 2.0)
