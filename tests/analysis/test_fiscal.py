"""Fiscal burden: hand-worked answers, rules and their sources, risk-engine consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mitra.analysis.appraisal.fiscal import fiscal_burden, load_fiscal, validate_fiscal
from mitra.analysis.appraisal.vfm import GovernmentPayments
from mitra.analysis.risk.montecarlo import sample
from mitra.analysis.risk.spec import SpecError, load_spec

from .specs import make_spec, risk

CHECKOUT = Path(__file__).resolve().parents[2]


def fiscal_spec(**overrides: Any) -> dict[str, Any]:
    """AP 10 a year 2027-2029, VGF 30 in 2026, land 5 in 2026; budget 2026-2028 only."""
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "test",
        "currency": "IDR",
        "amount_unit": 1e9,
        "discount_rate": 0.10,
        "base_year": 2025,
        "commitments": {
            "by_year": {
                "start_year": 2026,
                "availability_payment": [0.0, 10.0, 10.0, 10.0],
                "vgf": [30.0, 0.0, 0.0, 0.0],
                "land": [5.0, 0.0, 0.0, 0.0],
            }
        },
        "budget": {
            "label": "APBD",
            "kind": "APBD",
            "by_year": {"2026": 700, "2027": 500, "2028": 400},
        },
        "capital_cost": 100.0,
    }
    spec.update(overrides)
    return spec


def flag(result: Any, fid: str) -> Any:
    return next(f for f in result.flags if f.id == fid)


# --------------------------------------------------------------------------- by hand


def test_direct_commitments_shares_and_missing_budget_years_by_hand() -> None:
    # given the spec above
    result = fiscal_burden(fiscal_spec())
    # then commitments by year and type
    assert result.years == (2026, 2027, 2028, 2029)
    assert result.direct["availability_payment"] == (0.0, 10.0, 10.0, 10.0)
    assert result.direct_total == (35.0, 10.0, 10.0, 10.0)
    # shares: 35/700 = 5%, 10/500 = 2%, 10/400 = 2.5%, 2029 has no budget figure
    assert result.share_direct == pytest.approx((0.05, 0.02, 0.025, None))
    assert result.share_direct[3] is None
    assert result.missing_budget_years == (2029,)
    assert result.budget == (700.0, 500.0, 400.0, None)
    # PV at 10% to 2025: 35/1.1 + 10/1.21 + 10/1.331 + 10/1.4641
    expected = 35 / 1.1 + 10 / 1.1**2 + 10 / 1.1**3 + 10 / 1.1**4
    assert result.pv_direct == pytest.approx(expected, rel=1e-12)
    # no guarantees: no contingent liabilities and no P95
    assert result.contingent_expected == (0.0, 0.0, 0.0, 0.0)
    assert result.contingent_p95 is None and result.pv_contingent_p95 is None


def test_given_guarantee_calls_by_hand() -> None:
    # given a guarantee with expected calls 1, 2 and P95 calls 4, 8 in 2028-2029
    spec = fiscal_spec(
        guarantees=[
            {
                "id": "G1",
                "name": "minimum revenue guarantee",
                "kind": "minimum_revenue",
                "covered_amount": 25.0,
                "calls": {"start_year": 2028, "expected": [1.0, 2.0], "p95": [4.0, 8.0]},
            }
        ]
    )
    result = fiscal_burden(spec)
    # then calls sit on 2028-2029, totals add them, and PVs are discounted by hand
    assert result.contingent_expected == (0.0, 0.0, 1.0, 2.0)
    assert result.contingent_p95 == (0.0, 0.0, 4.0, 8.0)
    assert result.total_expected == (35.0, 10.0, 11.0, 12.0)
    assert result.total_p95 == (35.0, 10.0, 14.0, 18.0)
    assert result.share_total_expected[2] == pytest.approx(11.0 / 400.0)
    assert result.pv_contingent_expected == pytest.approx(1 / 1.1**3 + 2 / 1.1**4, rel=1e-12)
    assert result.pv_contingent_p95 == pytest.approx(4 / 1.1**3 + 8 / 1.1**4, rel=1e-12)
    assert result.guarantees[0].source == "given" and result.guarantees[0].pv_p95 is None


@pytest.mark.parametrize(
    ("covered", "vgf", "triggered", "ratio"),
    [(25.0, 30.0, True, 0.55), (15.0, 30.0, False, 0.45), (20.0, 30.0, False, 0.50)],
    ids=["55%-raised", "45%-not", "exactly-50%-not"],
)
def test_eurostat_guarantee_rule(covered: float, vgf: float, triggered: bool, ratio: float) -> None:
    # Rule: EPEC & Eurostat (2016) "A Guide to the Statistical Treatment of PPPs"; EPEC's note
    # on State guarantees (https://ppponline.affinitext.com/public/book?id=1411&toc_id=510334):
    # guarantees covering more than 50% of the capital cost put the PPP assets on the
    # government's balance sheet, irrespective of the probability of a call.
    # given guarantees covering `covered`, VGF `vgf` and capital cost 100
    spec = fiscal_spec(
        guarantees=[
            {
                "id": "G1",
                "name": "loan guarantee",
                "kind": "loan",
                "covered_amount": covered,
                "calls": {"start_year": 2027, "expected": [0.0]},
            }
        ]
    )
    spec["commitments"]["by_year"]["vgf"] = [vgf, 0.0, 0.0, 0.0]
    result = fiscal_burden(spec)
    # then the ratio (covered + VGF) / capital cost and the flag (strictly above 50%)
    f = flag(result, "eurostat_guarantees")
    assert f.value == pytest.approx(ratio)
    assert f.triggered is triggered
    assert f.threshold == 0.5
    assert "Statistical Treatment of PPPs" in f.source


def test_eurostat_risk_rules_from_given_shares() -> None:
    # Rule: Eurostat (2004) news release STAT/04/18: off balance sheet only if the partner bears
    # the construction risk and at least one of availability and demand risk.
    cases = [
        ({"construction": 0.6, "availability": 0.0, "demand": 0.0}, True, False),
        ({"construction": 0.2, "availability": 0.7, "demand": 0.9}, False, True),
        ({"construction": 0.2, "availability": 0.7, "demand": 0.5}, False, False),
    ]
    for bearing, construction, both in cases:
        result = fiscal_burden(fiscal_spec(risk_bearing=bearing))
        assert flag(result, "eurostat_construction_risk").triggered is construction
        assert flag(result, "eurostat_availability_demand_risk").triggered is both
        assert "STAT/04/18" in flag(result, "eurostat_construction_risk").source


def test_undecided_flags_when_data_are_missing() -> None:
    # given no risk shares and no capital cost
    spec = fiscal_spec(risk_bearing={"demand": 0.9})
    del spec["capital_cost"]
    result = fiscal_burden(spec)
    # then the rules say they cannot decide (None), except that availability/demand is
    # undecided only while the missing share could still raise it
    assert flag(result, "eurostat_guarantees").triggered is None
    assert flag(result, "eurostat_construction_risk").triggered is None
    assert flag(result, "eurostat_availability_demand_risk").triggered is None
    low = fiscal_burden(fiscal_spec(risk_bearing={"demand": 0.3}))
    assert flag(low, "eurostat_availability_demand_risk").triggered is False


def test_fiscal_limit_is_user_set_and_reports_years_without_budget() -> None:
    # given a 2.2% limit on direct commitments: 2026 is 5%, 2027 2%, 2028 2.5%, 2029 no budget
    spec = fiscal_spec(fiscal_limit={"max_share_of_budget": 0.022})
    f = flag(fiscal_burden(spec), "fiscal_limit")
    # then raised for 2026 and 2028, the worst share is 5%, 2029 is reported
    assert f.triggered is True
    assert f.value == pytest.approx(0.05)
    assert f.detail == "years above the limit: 2026, 2028; no budget for 2029"
    assert f.source == "user-set threshold (no legal ceiling is implied)"
    # and with a 6% limit nothing is above it but 2029 is unknown: undecided
    spec["fiscal_limit"] = {"max_share_of_budget": 0.06, "source": "Perda X/2025"}
    f = flag(fiscal_burden(spec), "fiscal_limit")
    assert f.triggered is None and f.source == "Perda X/2025"


# --------------------------------------------------------------------------- risk engine


def risk_spec() -> dict[str, Any]:
    return make_spec(
        [
            risk(
                "R1",
                impact={"type": "uniform", "min": 0, "max": 20},
                probability=0.5,
                years=[1, 2],
                allocation={"public": 0.25, "private": 0.75},
                category="demand",
            ),
            risk(
                "R2",
                impact={"type": "triangular", "min": 0, "mode": 5, "max": 10},
                probability=1.0,
                years=[2],
                allocation={"public": 1.0},
                category="construction",
            ),
        ],
        discount_rate=0.10,
        start_year=2026,
    )


def drawn_spec() -> dict[str, Any]:
    return fiscal_spec(
        risk_model=risk_spec(),
        simulation={"iterations": 5000, "seed": 9},
        guarantees=[
            {
                "id": "MRG",
                "name": "minimum revenue guarantee",
                "kind": "minimum_revenue",
                "covered_amount": 10.0,
                "calls": {"parties": ["public"], "risks": ["R1"]},
            }
        ],
        risk_bearing={
            "construction": {"categories": ["construction"], "parties": ["public"]},
            "demand": {"categories": ["demand"], "parties": ["public"]},
            "availability": 0.0,
        },
    )


def test_drawn_guarantee_calls_by_year_match_the_engine() -> None:
    # given a guarantee covering the public share (25%) of R1, spread evenly over 2026-2027
    result = fiscal_burden(drawn_spec())
    s = sample(load_spec(risk_spec()), iterations=5000, seed=9)
    r1 = np.where(s.occurred[0], np.nan_to_num(s.impacts[0]), 0.0)
    yearly = 0.25 * r1 / 2  # w_{1,t} = 1/2 in each of its two years
    g = result.guarantees[0]
    # then expected and P95 calls by year are the mean and type-7 P95 of the draws
    assert g.expected[:2] == pytest.approx((yearly.mean(), yearly.mean()), rel=1e-12)
    assert g.p95[:2] == pytest.approx((np.quantile(yearly, 0.95),) * 2, rel=1e-12)
    assert g.expected[2:] == (0.0, 0.0)
    # and, with the risk model discounted at the same 10% from year 1 = 2026 to 2025, the
    # per-iteration PV equals the engine's public share of R1's PV cost
    engine_pv = 0.25 * s.risk_costs[0]
    assert g.pv_expected == pytest.approx(engine_pv.mean(), rel=1e-12)
    assert g.pv_p95 == pytest.approx(np.quantile(engine_pv, 0.95), rel=1e-12)
    assert result.pv_contingent_p95 == pytest.approx(g.pv_p95, rel=1e-12)
    assert (result.iterations, result.seed) == (5000, 9)


def test_expected_calls_match_the_closed_form() -> None:
    # E[call] per year = a * p * E[X] / 2 = 0.25 * 0.5 * 10 / 2 = 0.625
    result = fiscal_burden(drawn_spec(), iterations=40_000, seed=1)
    s = sample(load_spec(risk_spec()), iterations=40_000, seed=1)
    se = (0.25 * s.risk_costs[0]).std(ddof=1) / np.sqrt(40_000)
    assert abs(result.guarantees[0].expected[0] - 0.625) < 4 * se


def test_risk_bearing_from_the_risk_models_categories() -> None:
    # given construction = R2 (all public) and demand = R1 (25% public)
    result = fiscal_burden(drawn_spec())
    # then the government's shares of the expected cost are 100% and 25%
    assert flag(result, "eurostat_construction_risk").value == pytest.approx(1.0)
    assert flag(result, "eurostat_construction_risk").triggered is True
    assert flag(result, "eurostat_availability_demand_risk").triggered is False


def test_payments_and_capital_cost_can_be_replaced() -> None:
    flows = GovernmentPayments(
        (2026, 2027), {"availability_payment": (7.0, 7.0), "tax_receipts": (-1.0, -1.0)}
    )
    result = fiscal_burden(fiscal_spec(), payments=flows, capital_cost=200.0)
    assert result.direct == {"availability_payment": (7.0, 7.0)}
    assert flag(result, "eurostat_guarantees").value == 0.0


# --------------------------------------------------------------------------- validation


def test_validation_paths() -> None:
    spec = fiscal_spec(
        guarantees=[
            {
                "id": "G",
                "name": "a",
                "calls": {"start_year": 2026, "expected": [1.0], "p95": [0.5, 1]},
            },
            {"id": "G", "name": "b", "covered_amount": 5, "calls": {"parties": ["public"]}},
        ],
        budget={"by_year": {"26": 1}},
    )
    assert [str(i) for i in validate_fiscal(spec)] == [
        '$.budget.by_year: invalid key "26": keys must match ^[0-9]{4}$',
    ]
    spec["budget"] = {"by_year": {"2026": 1}}
    del spec["capital_cost"]
    assert [str(i) for i in validate_fiscal(spec)] == [
        "$: missing 'capital_cost' (nominal, amount_unit): the Eurostat guarantee test needs it "
        "when commitments do not come from a finance model",
        "$.guarantees[0].calls.p95: must have as many values as 'expected' (1), got 2",
        "$.guarantees[0].calls.p95[0]: a P95 call (0.5) below the expected call (1) is unusual "
        "for a non-negative loss; check the figures",
        "$.guarantees[1].calls: risk selection without 'risk_model'",
        "$.guarantees[1].id: duplicate guarantee id 'G' (already used by $.guarantees[0])",
    ]


def test_load_fiscal_raises_spec_error() -> None:
    with pytest.raises(SpecError) as info:
        load_fiscal(fiscal_spec(discount_rate="x"))
    assert [str(i) for i in info.value.issues] == [
        '$.discount_rate: must be a number, not a string ("x")'
    ]


def test_unknown_risk_category_and_party() -> None:
    spec = drawn_spec()
    spec["risk_bearing"]["construction"] = {"categories": ["constr"], "parties": ["gov"]}
    assert [str(i) for i in validate_fiscal(spec)] == [
        "$.risk_bearing.construction.categories[0]: no risk of the risk model has category 'constr'",
        "$.risk_bearing.construction.parties[0]: 'gov' is not a party of the risk model "
        "(parties: public, private)",
    ]
