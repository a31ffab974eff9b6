"""Corrections to the appraisal core asked by issue 12 (each failed on the code before it).

1. A guarantee fee is paid by the private party to the guarantor (PT PII, a state-owned
   enterprise), not to the government: it is no government income in the finance model's
   government flows, the government NPC, the VfM's PPP option or the fiscal figures.
2. VGF (Dukungan Kelayakan) is only for projects whose return comes from user tariffs
   (PMK 223/PMK.011/2012), and its 49 % cap is measured on the construction cost including
   interest during construction (IDC).
3. The balance-sheet assessment adds the IPSAS 32 / PSAP 16 control test beside the Eurostat
   risk flags, and every flag names its framework.
"""

from __future__ import annotations

from typing import Any

import pytest

from mitra.analysis import SpecError
from mitra.analysis.appraisal.fiscal import fiscal_burden, validate_fiscal
from mitra.analysis.appraisal.stress import stress_test
from mitra.analysis.appraisal.vfm import present_value, validate_vfm, value_for_money
from mitra.analysis.finance import (
    GOVERNMENT_FLOW_KEYS,
    SolveError,
    load_model,
    run_model,
    solve,
    validate_model,
)

# --------------------------------------------------------------------------- helpers


def finance(**overrides: Any) -> dict[str, Any]:
    """Capex 100 in 2026, AP 30 a year 2027-2030, a PT PII guarantee: cap 50, fee 2 % a year."""
    base: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "guaranteed AP project",
        "currency": "IDR",
        "amount_unit": 1e9,
        "start_year": 2026,
        "construction_years": 1,
        "handback_year": 2030,
        "discount_rates": {"public": 0.10, "equity": 0.12},
        "capex": [100],
        "opex": {"annual": 5},
        "availability_payment": {"annual": 30},
        "guarantee": {
            "provider": "PT PII",
            "obligation": "the PJPK's availability payment",
            "cap": 50,
            "fee_rate": 0.02,
        },
    }
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def toll(**overrides: Any) -> dict[str, Any]:
    """A user-pays project: capex 100 + 100 over two years, 70 % debt at 10 %, tariff x demand."""
    return finance(
        name="tolled project",
        construction_years=2,
        handback_year=2040,
        capex=[100, 100],
        availability_payment=None,
        guarantee=None,
        user_pays={"tariff": 10_000, "demand": 4_000_000},
        debt={"share": 0.7, "rate": 0.10, "tenor_years": 10},
        **overrides,
    )


def vfm_spec(model: dict[str, Any], **payments: Any) -> dict[str, Any]:
    return {
        "spec_version": "1.0",
        "name": "vfm",
        "currency": "IDR",
        "amount_unit": 1e9,
        "discount_rate": 0.10,
        "base_year": 2025,
        "psc": {"raw": 200.0},
        "ppp": {"government_payments": {"finance_model": model, **payments}},
    }


def fiscal_spec(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "fiscal",
        "currency": "IDR",
        "amount_unit": 1e9,
        "discount_rate": 0.10,
        "base_year": 2025,
        "commitments": {"by_year": {"start_year": 2026, "availability_payment": [0, 10, 10]}},
        "capital_cost": 100.0,
    }
    spec.update(overrides)
    return spec


def flag(result: Any, fid: str) -> Any:
    return next(f for f in result.flags if f.id == fid)


# --------------------------------------------------------------------------- 1. guarantee fees


def test_the_guarantee_fee_is_not_a_government_flow_of_the_finance_model() -> None:
    # given a project paying PT PII a fee of 2 % of a cap of 50 = 1 a year while it operates
    result = run_model(load_model(finance()))
    assert result.guarantee_fee.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]  # the private cost stays
    # then the government's flows are the availability payment only: the fee is PT PII's
    assert "guarantee_fee_income" not in result.government_flows
    assert "guarantee_fee_income" not in GOVERNMENT_FLOW_KEYS
    assert result.government_net.tolist() == [0.0, 30.0, 30.0, 30.0, 30.0]
    # (hand) NPC = 30 x (1.1^-2 + 1.1^-3 + 1.1^-4 + 1.1^-5)
    npc = 30 * sum(1.1**-k for k in (2, 3, 4, 5))
    assert result.government_npc == pytest.approx(npc, rel=1e-12)


def test_the_guarantee_fee_does_not_lower_the_cost_of_the_ppp_option() -> None:
    # given the VfM of the same project, its payments from the finance model (default include)
    result = value_for_money(vfm_spec(finance()))
    # then the PPP option costs the PV of the availability payment, with no fee netted off
    ap = present_value(0.10, [2027, 2028, 2029, 2030], [30.0] * 4, 2025)
    assert "guarantee_fee_income" not in result.ppp
    assert result.ppp_total.mean == pytest.approx(ap, rel=1e-12)
    assert result.vfm.mean == pytest.approx(200.0 - ap, rel=1e-12)


def test_a_spec_that_counts_guarantee_fees_as_government_income_is_refused() -> None:
    inline = vfm_spec(finance())
    inline["ppp"]["government_payments"] = {
        "by_year": {
            "start_year": 2027,
            "availability_payment": [30, 30],
            "guarantee_fee_income": [-1, -1],
        }
    }
    messages = [str(i) for i in validate_vfm(inline)]
    assert len(messages) == 1
    assert messages[0].startswith("$.ppp.government_payments.by_year.guarantee_fee_income: ")
    assert "PT PII" in messages[0] and "not government income" in messages[0]
    included = vfm_spec(finance(), include=["availability_payment", "guarantee_fee_income"])
    messages = [str(i) for i in validate_vfm(included)]
    assert len(messages) == 1
    assert messages[0].startswith("$.ppp.government_payments.include[1]: ")


def test_stress_and_fiscal_figures_leave_the_guarantee_fee_out() -> None:
    # given a stress test with the fiscal spec of the same project
    model = finance()
    scenarios = {
        "spec_version": "1.0",
        "scenarios": [
            {
                "name": "AP cut",
                "shocks": [{"type": "availability_cut", "fraction": 0.1, "from_year": 2028}],
            }
        ],
    }
    fiscal = fiscal_spec(commitments={"finance_model": model})
    result = stress_test(model, scenarios, fiscal=fiscal)
    base = result.scenarios[0].metrics
    # then the government NPC and the fiscal PV of direct commitments are the AP's alone
    npc = 30 * sum(1.1**-k for k in (2, 3, 4, 5))
    assert base["government_npc"].base == pytest.approx(npc, rel=1e-12)
    ap_pv = present_value(0.10, [2027, 2028, 2029, 2030], [30.0] * 4, 2025)
    assert base["fiscal_pv_direct"].base == pytest.approx(ap_pv, rel=1e-12)
    assert fiscal_burden(fiscal).pv_direct == pytest.approx(ap_pv, rel=1e-12)


# --------------------------------------------------------------------------- 2. VGF


def test_vgf_is_refused_for_a_project_without_a_user_charge() -> None:
    # given an availability-payment project asking for VGF
    issues = [str(i) for i in validate_model(finance(vgf={"amount": 10}))]
    # then the rule is named at the VGF's path
    assert len(issues) == 1
    assert issues[0].startswith("$.vgf: ")
    assert "PMK 223/PMK.011/2012" in issues[0]
    assert "user" in issues[0]
    with pytest.raises(SpecError):
        load_model(finance(vgf={"amount": 10}))
    # and the solver will not look for one
    with pytest.raises(SolveError, match=r"PMK 223/PMK\.011/2012"):
        solve(load_model(finance()), unknown="vgf", target_equity_irr=0.12)


def test_a_zero_tariff_is_no_user_charge() -> None:
    spec = toll(vgf={"amount": 10})
    spec["user_pays"]["tariff"] = 0
    assert any("PMK 223" in str(i) for i in validate_model(spec))
    assert validate_model(toll(vgf={"amount": 10})) == []


def idc_by_hand(vgf: float) -> float:
    """Debt 70 % of private capex (capex - VGF pro rata), drawn at the end of each year at 10 %:
    the 2026 draw earns one year of interest before COD."""
    return 0.10 * 0.7 * (100 - vgf / 2)


def test_the_vgf_cap_is_measured_on_construction_cost_including_idc() -> None:
    # given capex 200 and IDC 3.5175 at VGF 99.5: the cap 0.49 x (200 + IDC) = 99.72 is
    # above 0.49 x 200 = 98, the cap without the IDC
    amount = 99.5
    idc = idc_by_hand(amount)
    assert run_model(load_model(toll(vgf={"amount": amount}))).interest[:2].sum() == (
        pytest.approx(idc, rel=1e-12)
    )
    assert amount <= 0.49 * (200 + idc)
    # then 100 is allowed (it was refused when the cap left the IDC out)
    assert validate_model(toll(vgf={"amount": amount})) == []
    # and above the cap the message gives the construction cost with its IDC
    too_much = 100.0
    assert too_much > 0.49 * (200 + idc_by_hand(too_much))
    issues = [str(i) for i in validate_model(toll(vgf={"amount": too_much}))]
    assert len(issues) == 1
    assert issues[0].startswith("$.vgf.amount: ")
    assert "interest during construction" in issues[0]


def test_the_vgf_solver_bracket_reaches_the_cap_including_idc() -> None:
    # given a project that needs more VGF than any amount allows
    spec = toll()
    spec["user_pays"]["tariff"] = 1_000
    with pytest.raises(SolveError) as caught:
        solve(load_model(spec), unknown="vgf", target_equity_irr=0.12)
    # then the maximum tried is V = 0.49 (200 + IDC(V)), solved by hand: IDC(V) = 7 - 0.035 V
    v = 0.49 * (200 + 7.0) / (1 + 0.49 * 0.035)
    assert f"{v:,.6g}" in str(caught.value)


# --------------------------------------------------------------------------- 3. IPSAS 32


@pytest.mark.parametrize(
    ("control", "triggered"),
    [
        ({"services_and_prices": True, "residual_interest": True}, True),
        ({"services_and_prices": True, "residual_interest": False}, False),
        ({"services_and_prices": False, "residual_interest": True}, False),
        ({"services_and_prices": True, "residual_interest": False, "whole_of_life": True}, True),
        ({"services_and_prices": True}, None),
        ({}, None),
    ],
    ids=["both", "no-residual", "no-price-control", "whole-of-life", "residual-unknown", "none"],
)
def test_the_ipsas_32_control_test(control: dict[str, bool], triggered: bool | None) -> None:
    # Rule: IPSAS 32 para. 9-10, adopted in Indonesia as PSAP 16 (Perjanjian Konsesi Jasa -
    # Pemberi Konsesi): the grantor recognises the asset when it controls or regulates what
    # services the operator provides, to whom and at what price, AND controls any significant
    # residual interest at the end of the term (or the asset is used for its whole life).
    result = fiscal_burden(fiscal_spec(control=control))
    f = flag(result, "ipsas32_control")
    assert f.triggered is triggered
    assert f.framework == "IPSAS 32 / PSAP 16"
    assert "IPSAS 32" in f.source and "PSAP" in f.source


def test_every_flag_names_its_framework() -> None:
    spec = fiscal_spec(
        control={"services_and_prices": True, "residual_interest": True},
        risk_bearing={"construction": 0.1, "availability": 0.0, "demand": 1.0},
        fiscal_limit={"max_share_of_budget": 0.01},
        budget={"by_year": {"2026": 1000, "2027": 1000, "2028": 1000}},
    )
    result = fiscal_burden(spec)
    frameworks = {f.id: f.framework for f in result.flags}
    assert frameworks == {
        "eurostat_guarantees": "Eurostat (ESA 2010)",
        "eurostat_construction_risk": "Eurostat (ESA 2010)",
        "eurostat_availability_demand_risk": "Eurostat (ESA 2010)",
        "ipsas32_control": "IPSAS 32 / PSAP 16",
        "fiscal_limit": "fiscal limit",
    }
    # the typical KPBU: off the balance sheet by Eurostat's risk test, on it by IPSAS 32
    assert flag(result, "eurostat_construction_risk").triggered is False
    assert flag(result, "ipsas32_control").triggered is True
    assert all("framework" in f.to_dict() for f in result.flags)


def test_the_control_facts_are_validated() -> None:
    messages = [str(i) for i in validate_fiscal(fiscal_spec(control={"price": True}))]
    assert messages and messages[0].startswith("$.control")
