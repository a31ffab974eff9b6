"""The project-finance model: hand-worked cases, the spec, the stress knobs and the solver."""

from __future__ import annotations

import copy
import filecmp
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.analysis import SpecError
from mitra.analysis.finance import (
    GOVERNMENT_FLOW_KEYS,
    FinanceModel,
    SolveError,
    irr,
    load_model,
    npv,
    run_model,
    solve,
    validate_model,
    with_adjustments,
)

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((CHECKOUT / "examples" / "finance").glob("*.json"))


def spec(**overrides: Any) -> dict[str, Any]:
    """One construction year (capex 100 in 2026), two operating years, AP 60, no debt or tax."""
    base: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "hand case",
        "currency": "EUR",
        "amount_unit": 1,
        "start_year": 2026,
        "construction_years": 1,
        "handback_year": 2028,
        "discount_rates": {"public": 0.05, "equity": 0.10},
        "capex": [100],
        "opex": {"annual": 0},
        "availability_payment": {"annual": 60},
    }
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def run(**overrides: Any) -> Any:
    return run_model(load_model(spec(**overrides)))


# --------------------------------------------------------------------------- the spec


def test_the_schema_in_docs_is_byte_identical_to_the_packaged_one() -> None:
    packaged = CHECKOUT / "src" / "mitra" / "analysis" / "schemas" / "finance-model.schema.json"
    published = CHECKOUT / "docs" / "schemas" / "finance-model.schema.json"
    assert filecmp.cmp(packaged, published, shallow=False)


def test_there_are_the_three_examples() -> None:
    assert {p.stem for p in EXAMPLES} == {"toll-road", "hospital", "school"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_validates_runs_and_round_trips(path: Path) -> None:
    # given an example file
    model = load_model(path)
    # when run
    result = run_model(model)
    # then it has a yearly result on the concession years and a valid to_dict
    assert result.years.tolist() == list(range(model.start_year, model.handback_year + 1))
    assert validate_model(model.to_dict()) == []
    assert load_model(model.to_dict()) == model
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["years"][0] == 2026


def test_the_toll_road_example_has_what_the_brief_asks_for() -> None:
    data = json.loads((CHECKOUT / "examples" / "finance" / "toll-road.json").read_text())
    assert data["currency"] == "IDR"
    assert {"user_pays", "vgf", "guarantee", "land_acquisition"} <= set(data)
    assert "PT PII" in data["guarantee"]["provider"]
    assert data["handback_year"] - data["start_year"] + 1 == 35
    assert "NOT A REAL PROJECT" in data["description"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"capex": [100, 50]},
            ["$.capex: must have one value per construction year (1), got 2"],
        ),
        (
            {"handback_year": 2026},
            [
                "$.handback_year: must be at least 2027 (start_year + construction_years) so "
                "that the project operates for at least one year, got 2026"
            ],
        ),
        (
            {"availability_payment": None},
            ["$: needs a revenue source: 'user_pays', 'availability_payment' or both"],
        ),
        (
            {"debt": {"share": 0.5, "rate": 0.1, "tenor_years": 3}},
            [
                "$.debt.tenor_years: the loan would mature in 2029, after the hand-back year "
                "2028; at most 2 years"
            ],
        ),
        (
            {"debt": {"share": 0.5, "rate": 0.1, "tenor_years": 2, "grace_years": 2}},
            ["$.debt.grace_years: must be less than tenor_years (2), got 2"],
        ),
        (
            {"debt": {"share": 0.5, "rate": 0.1, "tenor_years": 2, "repayment": "sculpted"}},
            ["$.debt: missing required field 'target_dscr' (repayment is 'sculpted')"],
        ),
        (
            {"vgf": {"amount": 60}, "user_pays": {"tariff": 5, "demand": 3}},
            [
                "$.vgf.amount: must be at most max_share x construction cost including interest "
                "during construction = 0.49 x (100 + IDC 0) = 49, got 60"
            ],
        ),
        (
            {"vgf": {"amount": 10}},
            [
                "$.vgf: VGF (Dukungan Kelayakan) is only for a project whose return comes from "
                "user tariffs (PMK 223/PMK.011/2012), not from availability payments alone; this "
                "project has no user charge ('user_pays' with a tariff and demand above 0)"
            ],
        ),
        (
            {"other_costs": {"2030": 5}},
            ['$.other_costs["2030"]: year 2030 is outside the concession 2026..2028'],
        ),
        (
            {"debt": {"share": 0.5, "rate": 0.1, "tenor_years": 2, "repayment": "bullet"}},
            ['$.debt.repayment: must be one of "annuity", "sculpted"; got "bullet"'],
        ),
        (
            {"discount_rates": {"public": 0.05}, "currency": "rupiah"},
            [
                "$.currency: must be a three-letter upper-case ISO 4217 currency code such as "
                'EUR; got "rupiah"',
                "$.discount_rates: missing required field 'equity'",
            ],
        ),
    ],
)
def test_bad_specs_give_every_problem_with_its_json_path(
    overrides: dict[str, Any], expected: list[str]
) -> None:
    # given a spec with problems
    # when it is loaded
    with pytest.raises(SpecError) as caught:
        load_model(spec(**overrides))
    # then each problem is reported with its path
    assert str(caught.value).splitlines() == expected


def test_nan_is_rejected_with_its_path() -> None:
    issues = validate_model(spec(opex={"annual": float("nan")}))
    assert [str(i) for i in issues] == ["$.opex.annual: must be a finite number, got nan"]


# --------------------------------------------------------------------------- hand cases


def test_unlevered_untaxed_availability_project_by_hand() -> None:
    # given capex 100 in 2026 and an availability payment of 60 in 2027 and 2028
    result = run()
    # then equity = project flows = -100, 60, 60, and the IRR solves
    # 100 x^2 - 60 x - 60 = 0 (x = 1 + r): x = (60 + sqrt(27600)) / 200 (hand)
    assert result.equity_flows.tolist() == [-100.0, 60.0, 60.0]
    assert result.project_flows.tolist() == [-100.0, 60.0, 60.0]
    assert result.equity_irr == pytest.approx((60 + math.sqrt(27600)) / 200 - 1, abs=1e-12)
    # equity NPV at 10 %: -100/1.1 + 60/1.21 + 60/1.331 (end-of-year from start_year)
    assert result.equity_npv == pytest.approx(-100 / 1.1 + 60 / 1.21 + 60 / 1.331, rel=1e-12)
    assert result.min_dscr is None and result.llcr is None
    assert np.isnan(result.dscr).all()


def test_annuity_debt_by_hand() -> None:
    # given capex 100, 50 % debt at 10 % over 2 years, annuity, no grace
    result = run(debt={"share": 0.5, "rate": 0.10, "tenor_years": 2})
    # then 50 is drawn at the end of 2026; the annuity is 50 x 0.1 / (1 - 1.1^-2) = 28.8095...
    annuity = 50 * 0.1 / (1 - 1.1**-2)
    assert result.debt_drawdown.tolist() == [50.0, 0.0, 0.0]
    assert result.debt_service.tolist() == pytest.approx([0.0, annuity, annuity], rel=1e-12)
    # interest 5 then 10 % of 50 - (28.8095 - 5) = 2.61905 (hand)
    assert result.interest.tolist() == pytest.approx([0.0, 5.0, 0.1 * (50 - annuity + 5)])
    assert result.debt_balance.tolist() == pytest.approx([50.0, 50 - annuity + 5, 0.0], abs=1e-12)
    assert result.equity_flows.tolist() == pytest.approx([-50.0, 60 - annuity, 60 - annuity])
    assert result.min_dscr == pytest.approx(60 / annuity, rel=1e-12)
    assert result.avg_dscr == pytest.approx(60 / annuity, rel=1e-12)
    # LLCR = (60 / 1.1 + 60 / 1.21) / 50 = 2.0826... (hand)
    assert result.llcr == pytest.approx((60 / 1.1 + 60 / 1.21) / 50, rel=1e-12)
    assert result.debt_amount == 50.0
    assert result.equity_invested == 50.0


def test_interest_during_construction_is_capitalised() -> None:
    # given two construction years of 100 each, 50 % debt at 10 %
    result = run(
        construction_years=2,
        handback_year=2029,
        capex=[100, 100],
        debt={"share": 0.5, "rate": 0.10, "tenor_years": 2},
    )
    # then B_2026 = 50; in 2027 interest 5 is added and 50 drawn: B_2027 = 105 (hand)
    assert result.debt_balance[:2].tolist() == pytest.approx([50.0, 105.0])
    assert result.interest[:2].tolist() == pytest.approx([0.0, 5.0])
    assert result.debt_service[:2].tolist() == [0.0, 0.0]
    assert result.equity_flows[:2].tolist() == [-50.0, -50.0]
    assert result.debt_amount == pytest.approx(105.0)


def test_grace_years_are_interest_only() -> None:
    result = run(
        handback_year=2029, debt={"share": 0.5, "rate": 0.10, "tenor_years": 3, "grace_years": 1}
    )
    annuity = 50 * 0.1 / (1 - 1.1**-2)
    assert result.debt_service.tolist() == pytest.approx([0.0, 5.0, annuity, annuity])
    assert result.debt_balance[1] == pytest.approx(50.0)


def test_tax_with_straight_line_depreciation_by_hand() -> None:
    # given AP 80, tax 25 %, capex 100 depreciated over 2 years
    result = run(availability_payment={"annual": 80}, tax={"rate": 0.25, "depreciation_years": 2})
    # then depreciation 50, taxable 30, tax 7.5, CFADS 72.5 (hand)
    assert result.depreciation.tolist() == [0.0, 50.0, 50.0]
    assert result.tax.tolist() == [0.0, 7.5, 7.5]
    assert result.cfads.tolist() == [0.0, 72.5, 72.5]
    assert result.government_flows["tax_receipts"].tolist() == [0.0, -7.5, -7.5]


def test_depreciation_life_is_capped_at_the_operating_period() -> None:
    result = run(tax={"rate": 0.25, "depreciation_years": 20})
    assert result.depreciation.tolist() == [0.0, 50.0, 50.0]


@pytest.mark.parametrize(
    ("carry", "expected"), [(5, [0.0, 0.0, 0.0]), (1, [0.0, 0.0, 5.0]), (0, [0.0, 5.0, 5.0])]
)
def test_loss_carry_forward_by_hand(carry: int, expected: list[float]) -> None:
    # given capex 90 depreciated over 3 operating years (30 a year), AP 50, and an extra
    # cost of 70 in the first operating year: taxable -50, 20, 20 (hand)
    result = run(
        capex=[90],
        handback_year=2029,
        availability_payment={"annual": 50},
        other_costs={"2027": 70},
        tax={"rate": 0.25, "depreciation_years": 3, "loss_carry_forward_years": carry},
    )
    assert result.taxable_income[1:].tolist() == pytest.approx([-50.0, 20.0, 20.0])
    # 5 years: the loss of 50 absorbs both 20s; 1 year: only 2028's; 0: none (tax 25 % x 20)
    assert result.tax[1:].tolist() == pytest.approx(expected)


def test_sculpted_debt_meets_the_target_dscr_when_it_binds() -> None:
    # given a high gearing, so that the DSCR-sized debt is the smaller
    result = run(
        handback_year=2031,
        availability_payment={"annual": 20, "indexation": 0.05},
        debt={
            "share": 0.9,
            "rate": 0.08,
            "tenor_years": 5,
            "repayment": "sculpted",
            "target_dscr": 1.25,
        },
    )
    # then every debt service is CFADS / 1.25, the debt repays in full, and the debt is
    # the PV of CFADS / 1.25 at 8 % (Yescombe, Principles of Project Finance, ch. 12)
    paying = result.debt_service > 0
    assert result.dscr[paying] == pytest.approx(np.full(5, 1.25), rel=1e-9)
    assert result.debt_balance[-1] == pytest.approx(0.0, abs=1e-9)
    assert result.debt_amount == pytest.approx(npv(0.08, result.cfads[1:] / 1.25), rel=1e-12)
    assert result.debt_amount < 0.9 * 100
    assert result.llcr == pytest.approx(1.25, rel=1e-9)


def test_sculpted_debt_below_capacity_has_a_flat_dscr_above_target() -> None:
    result = run(
        handback_year=2031,
        availability_payment={"annual": 30},
        debt={
            "share": 0.3,
            "rate": 0.08,
            "tenor_years": 5,
            "repayment": "sculpted",
            "target_dscr": 1.25,
        },
    )
    paying = result.debt_service > 0
    assert result.debt_amount == pytest.approx(30.0)
    assert np.ptp(result.dscr[paying]) == pytest.approx(0.0, abs=1e-9)
    assert result.min_dscr is not None and result.min_dscr > 1.25


def test_user_pays_revenue_with_indexation_ramp_up_and_freeze() -> None:
    # given a tariff of 2,000 per trip at 2026 prices, +5 %/yr, demand 1,000,000 trips
    # growing 10 %/yr with a 50 % first-year ramp-up, amounts in thousands
    result = run(
        amount_unit=1000,
        handback_year=2029,
        availability_payment=None,
        user_pays={
            "tariff": 2000,
            "demand": 1_000_000,
            "tariff_indexation": 0.05,
            "demand_growth": 0.10,
            "ramp_up": [0.5],
            "tariff_frozen_from": 2029,
        },
    )
    # then (hand) 2027: 2000 x 1.05 x 1e6 x 0.5 / 1000 = 1,050,000
    #             2028: 2000 x 1.05^2 x 1.1e6 / 1000 = 2,425,500
    #             2029: tariff frozen at its 2028 level: 2000 x 1.05^2 x 1.21e6 / 1000
    assert result.user_revenue.tolist() == pytest.approx(
        [0.0, 1_050_000.0, 2_425_500.0, 2000 * 1.05**2 * 1.21e6 / 1000], rel=1e-12
    )


def test_availability_payment_with_performance_factor_and_deductions() -> None:
    result = run(
        handback_year=2029,
        availability_payment={
            "annual": 100,
            "indexation": 0.10,
            "performance_factor": 0.9,
            "deductions": [{"from_year": 2029, "fraction": 0.5}],
        },
    )
    # (hand) 100 x 1.1 x 0.9 = 99; 100 x 1.21 x 0.9 = 108.9; 100 x 1.331 x 0.9 x 0.5 = 59.895
    assert result.government_flows["availability_payment"].tolist() == pytest.approx(
        [0.0, 99.0, 108.9, 59.895], rel=1e-12
    )


def test_government_flows_signs_and_net_present_cost() -> None:
    # given VGF 40 (with a user charge, PMK 223/2012: revenue still 60 = AP 59 + tolls 1),
    # land 10, a subsidy, a concession fee, a guarantee fee and tax
    result = run(
        user_pays={"tariff": 1, "demand": 1},
        availability_payment={"annual": 59},
        land_acquisition=[10],
        vgf={"amount": 40},
        subsidy={"annual": 5, "years": 1},
        concession_fee={"fixed": 2},
        guarantee={"provider": "PT PII", "obligation": "AP", "cap": 100, "fee_rate": 0.01},
        tax={"rate": 0.25, "depreciation_years": 2},
    )
    g = result.government_flows
    assert tuple(g) == GOVERNMENT_FLOW_KEYS
    assert g["vgf"].tolist() == [40.0, 0.0, 0.0]
    assert g["land"].tolist() == [10.0, 0.0, 0.0]
    assert g["subsidy"].tolist() == [0.0, 5.0, 0.0]
    assert g["concession_fee"].tolist() == [0.0, -2.0, -2.0]
    # the guarantee fee is paid to PT PII, not to the government (issue 12)
    assert "guarantee_fee_income" not in g
    assert result.guarantee_fee.tolist() == [0.0, 1.0, 1.0]
    # VGF reduces the private capex: equity pays 60, depreciates 60 (30 a year)
    assert result.equity_flows[0] == -60.0
    # taxable 2027: 60 + 5 - 2 - 1 - 30 = 32 -> tax 8; 2028: 60 - 3 - 30 = 27 -> 6.75 (hand)
    assert result.tax.tolist() == pytest.approx([0.0, 8.0, 6.75])
    total = sum(g.values())
    assert result.government_net.tolist() == pytest.approx(total.tolist())
    assert result.government_npc == pytest.approx(npv(0.05, result.government_net), rel=1e-12)


def test_nothing_flows_after_the_hand_back_year() -> None:
    result = run(handback_year=2030)
    assert result.years[-1] == 2030
    assert len(result.equity_flows) == 5


@settings(max_examples=40, deadline=None)
@given(
    share=st.floats(0.0, 0.9),
    rate=st.floats(0.0, 0.2),
    tenor=st.integers(1, 10),
    grace=st.integers(0, 3),
    sculpted=st.booleans(),
    tax_rate=st.floats(0.0, 0.4),
)
def test_every_loan_is_repaid_and_principal_adds_up(
    share: float, rate: float, tenor: int, grace: int, sculpted: bool, tax_rate: float
) -> None:
    grace = min(grace, tenor - 1)
    debt: dict[str, Any] = {
        "share": share,
        "rate": rate,
        "tenor_years": tenor,
        "grace_years": grace,
    }
    if sculpted:
        debt |= {"repayment": "sculpted", "target_dscr": 1.3}
    result = run(
        construction_years=2,
        capex=[60, 40],
        handback_year=2040,
        availability_payment={"annual": 25, "indexation": 0.03},
        debt=debt,
        tax={"rate": tax_rate, "depreciation_years": 10},
    )
    # the balance is repaid by maturity and the principal repaid is the debt at COD
    maturity = 2 + tenor
    assert result.debt_balance[maturity - 1 :] == pytest.approx(0.0, abs=1e-8)
    assert result.principal[2:].sum() == pytest.approx(result.debt_amount, abs=1e-8)
    # equity + debt fund the private capex; equity flows = CFADS - DS in operation
    assert (result.debt_drawdown[:2] - result.equity_flows[:2]).sum() == pytest.approx(100.0)
    assert result.equity_flows[2:] == pytest.approx(result.cfads[2:] - result.debt_service[2:])
    if result.equity_irr is not None:
        assert npv(result.equity_irr, result.equity_flows) == pytest.approx(0.0, abs=1e-6)


# --------------------------------------------------------------------------- stress knobs


def test_with_adjustments_turns_each_knob() -> None:
    model = load_model(
        spec(
            handback_year=2032,
            user_pays={"tariff": 10, "demand": 5, "tariff_indexation": 0.1},
            debt={"share": 0.5, "rate": 0.1, "tenor_years": 3},
        )
    )
    adjusted = with_adjustments(
        model,
        capex_factor=1.2,
        opex_factor=2.0,
        demand_factor=0.8,
        tariff_frozen_from=2030,
        availability_cut=(0.25, 2029),
        interest_bp=150,
        extra_costs={2031: 7.0},
    )
    assert adjusted.capex == (120.0,)
    assert adjusted.opex.annual == 0.0
    assert adjusted.user_pays is not None and adjusted.user_pays.demand == 4.0
    assert adjusted.user_pays.tariff_frozen_from == 2030
    assert adjusted.availability_payment is not None
    assert adjusted.availability_payment.deductions[-1].from_year == 2029
    assert adjusted.debt is not None and adjusted.debt.rate == pytest.approx(0.115)
    assert adjusted.other_costs == {2031: 7.0}
    ap = run_model(adjusted).government_flows["availability_payment"]
    assert ap.tolist() == [0.0, 60.0, 60.0, 45.0, 45.0, 45.0, 45.0]
    assert model.capex == (100.0,)  # the base model is untouched


def test_a_delay_shifts_operations_but_not_the_hand_back() -> None:
    model = load_model(spec(handback_year=2030))
    delayed = with_adjustments(model, delay_years=2)
    result = run_model(delayed)
    assert delayed.cod_year == 2029
    assert result.government_flows["availability_payment"].tolist() == [0, 0, 0, 60, 60]
    assert result.capex.tolist() == [100, 0, 0, 0, 0]


def test_a_delay_shortens_a_loan_that_would_outlive_the_concession() -> None:
    model = load_model(
        spec(
            handback_year=2031, debt={"share": 0.5, "rate": 0.1, "tenor_years": 5, "grace_years": 2}
        )
    )
    delayed = with_adjustments(model, delay_years=2)
    # COD 2029, hand-back 2031: at most 3 years, grace at most 2
    assert delayed.debt is not None
    assert (delayed.debt.tenor_years, delayed.debt.grace_years) == (3, 2)
    assert run_model(delayed).debt_balance[-1] == pytest.approx(0.0, abs=1e-9)


def test_an_impossible_adjustment_is_a_spec_error() -> None:
    model = load_model(spec())
    with pytest.raises(SpecError, match="handback_year"):
        with_adjustments(model, delay_years=5)
    with pytest.raises(ValueError, match="capex_factor"):
        with_adjustments(model, capex_factor=-1)


# --------------------------------------------------------------------------- solver


def test_solve_availability_payment_by_hand() -> None:
    # given capex 100 and one operating year: equity -100, AP; 20 % needs AP = 120 (hand)
    model = load_model(spec(handback_year=2027))
    solution = solve(model, unknown="availability_payment", target_equity_irr=0.20)
    assert solution.value == pytest.approx(120.0, rel=1e-10)
    assert solution.result.equity_irr == pytest.approx(0.20, abs=1e-10)
    assert solution.model.availability_payment is not None
    assert solution.model.availability_payment.annual == solution.value


def test_solve_vgf_and_tariff() -> None:
    model = load_model(
        spec(
            handback_year=2036,
            availability_payment=None,
            user_pays={"tariff": 5, "demand": 3},
        )
    )
    vgf = solve(model, unknown="vgf", target_equity_irr=0.12)
    assert vgf.result.equity_irr == pytest.approx(0.12, abs=1e-9)
    assert 0 < vgf.value <= 49
    tariff = solve(model, unknown="tariff", target_equity_irr=0.12)
    assert tariff.result.equity_irr == pytest.approx(0.12, abs=1e-9)
    # (hand) 10 years of 3 x t must have PV 100 at 12 %: t = 100 / (3 x annuity factor)
    factor = (1 - 1.12**-10) / 0.12
    assert tariff.value == pytest.approx(100 / (3 * factor), rel=1e-9)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_solver_hits_the_target_on_each_example(path: Path) -> None:
    model = load_model(path)
    unknown = "availability_payment" if model.availability_payment else "tariff"
    solution = solve(model, unknown=unknown, target_equity_irr=0.13)  # type: ignore[arg-type]
    assert solution.result.equity_irr == pytest.approx(0.13, abs=1e-8)
    assert irr(solution.result.equity_flows) == pytest.approx(0.13, abs=1e-8)


def test_solve_errors_are_clear() -> None:
    model = load_model(spec())
    with pytest.raises(SolveError, match="no user_pays tariff"):
        solve(model, unknown="tariff", target_equity_irr=0.1)
    tolled = {"availability_payment": None, "user_pays": {"tariff": 1, "demand": 1}}
    with pytest.raises(SolveError, match="even the maximum VGF"):
        solve(load_model(spec(**tolled)), unknown="vgf", target_equity_irr=0.1)
    with pytest.raises(SolveError, match=r"PMK 223/PMK\.011/2012"):
        solve(
            load_model(spec(availability_payment={"annual": 1})),
            unknown="vgf",
            target_equity_irr=0.1,
        )
    with pytest.raises(SolveError, match="no support is needed"):
        solve(
            load_model(spec(**tolled)),
            unknown="vgf",
            target_equity_irr=-0.99,
        )
    assert issubclass(SolveError, ValueError)


def test_load_model_returns_a_model_unchanged_and_reads_files(tmp_path: Path) -> None:
    model = load_model(spec())
    assert load_model(model) is model
    path = tmp_path / "m.json"
    path.write_text(json.dumps(spec()))
    assert load_model(path) == model
    assert load_model(str(path)) == model
    assert isinstance(model, FinanceModel)
    data = copy.deepcopy(model.to_dict())
    assert data["discount_rates"]["project"] == 0.10  # the default: the equity rate
