"""Stress tests: scenario loading, shock composition, wiring to the finance model, VfM deltas."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from mitra.analysis import finance
from mitra.analysis.appraisal.stress import (
    Scenario,
    Shock,
    load_scenarios,
    stress_test,
    validate_scenarios,
)
from mitra.analysis.appraisal.vfm import present_value
from mitra.analysis.risk.spec import SpecError


def model_spec(**overrides: Any) -> dict[str, Any]:
    """A small availability-payment model with debt and no tax (IDR billion)."""
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "AP test model",
        "currency": "IDR",
        "amount_unit": 1e9,
        "start_year": 2026,
        "construction_years": 2,
        "handback_year": 2040,
        "discount_rates": {"public": 0.08, "equity": 0.14, "project": 0.10},
        "capex": [200.0, 250.0],
        "land_acquisition": [25.0, 0.0],
        "opex": {"annual": 18.0, "indexation": 0.03},
        "availability_payment": {"annual": 80.0, "indexation": 0.03},
        "debt": {"share": 0.7, "rate": 0.1, "tenor_years": 10, "grace_years": 1},
    }
    spec.update(overrides)
    return spec


def vfm_spec() -> dict[str, Any]:
    return {
        "spec_version": "1.0",
        "name": "AP test VfM",
        "currency": "IDR",
        "amount_unit": 1e9,
        "discount_rate": 0.07,
        "base_year": 2025,
        "psc": {"raw": 800.0, "transferable_risk": 60.0},
        "ppp": {"government_payments": {"finance_model": model_spec()}},
    }


def scenarios(*items: dict[str, Any]) -> dict[str, Any]:
    return {"spec_version": "1.0", "scenarios": list(items)}


CUT = {
    "name": "AP cut 20% from 2031",
    "shocks": [{"type": "availability_cut", "fraction": 0.2, "from_year": 2031}],
}


def test_availability_cut_moves_vfm_by_the_pv_of_the_cut_by_hand() -> None:
    # given a 20% availability-payment cut from 2031
    result = stress_test(model_spec(), scenarios(CUT), vfm=vfm_spec())
    m = result.scenarios[0].metrics
    # then the PPP option is cheaper by 20% of the PV (7% to 2025) of the AP paid from 2031
    base = finance.run_model(finance.load_model(model_spec()))
    years = [int(y) for y in base.years]
    ap = np.asarray(base.government_flows["availability_payment"])
    late = [k for k, y in enumerate(years) if y >= 2031]
    cut = 0.2 * present_value(0.07, [years[k] for k in late], ap[late], 2025)
    assert m["vfm"].delta == pytest.approx(cut, rel=1e-9)
    # and the VfM % moves accordingly (PSC = 860 does not change)
    assert m["vfm_percent"].delta == pytest.approx(cut / 860.0, rel=1e-9)
    # and, with no tax, the government NPC (PV at the model's public 8% to the year before
    # start_year, finance.npv's convention) falls by the same cut
    cut_npc = 0.2 * present_value(0.08, [years[k] for k in late], ap[late], 2025)
    assert m["government_npc"].delta == pytest.approx(-cut_npc, rel=1e-9)
    assert m["equity_npv"].delta < 0 and m["min_dscr"].delta < 0


def test_metrics_are_the_finance_models_results() -> None:
    # given a scenario combining shocks
    sc = {
        "name": "combined",
        "shocks": [
            {"type": "capex", "change": 0.1},
            {"type": "capex", "change": 0.1},
            {"type": "interest", "bp": 100},
            {"type": "interest", "bp": 50},
            {"type": "opex", "change": 0.05},
            {"type": "change_in_law", "costs": {"2032": 10}},
            {"type": "change_in_law", "costs": {"2032": 5, "2033": 1}},
        ],
    }
    result = stress_test(model_spec(), scenarios(sc))
    # then the stressed values are run_model(with_adjustments(...)) with the composed knobs
    model = finance.load_model(model_spec())
    stressed = finance.run_model(
        finance.with_adjustments(
            model,
            capex_factor=1.1 * 1.1,
            opex_factor=1.05,
            interest_bp=150.0,
            extra_costs={2032: 15.0, 2033: 1.0},
        )
    )
    base = finance.run_model(model)
    m = result.scenarios[0].metrics
    for key in ("project_npv", "equity_npv", "min_dscr", "avg_dscr", "llcr", "government_npc"):
        assert m[key].base == pytest.approx(getattr(base, key), rel=1e-12), key
        assert m[key].stressed == pytest.approx(getattr(stressed, key), rel=1e-12), key
        assert m[key].delta == pytest.approx(getattr(stressed, key) - getattr(base, key), abs=1e-9)
    assert m["equity_irr"].stressed == pytest.approx(stressed.equity_irr, rel=1e-12)
    assert "vfm" not in m  # only with a VfM spec


def test_shock_composition() -> None:
    # given several shocks of each kind
    sc = Scenario(
        "s",
        (
            Shock("demand", change=-0.2),
            Shock("demand", change=-0.1),
            Shock("tariff_freeze", from_year=2032),
            Shock("tariff_freeze", from_year=2030),
            Shock("delay", years=1),
            Shock("delay", years=2),
            Shock("availability_cut", fraction=0.1, from_year=2029),
        ),
    )
    kw = sc.adjustments()
    # then factors multiply (0.8 x 0.9), delays add, the earliest freeze wins
    assert kw["demand_factor"] == pytest.approx(0.72)
    assert kw["tariff_frozen_from"] == 2030
    assert kw["delay_years"] == 3
    assert kw["availability_cut"] == (0.1, 2029)
    assert kw["capex_factor"] == 1.0 and kw["extra_costs"] is None


def test_a_scenario_without_effect_has_zero_deltas() -> None:
    # given a demand shock on a model without user-pays revenue
    result = stress_test(
        model_spec(),
        scenarios({"name": "demand", "shocks": [{"type": "demand", "change": -0.3}]}),
        vfm=vfm_spec(),
    )
    # then nothing changes
    for key, comp in result.scenarios[0].metrics.items():
        assert comp.delta == 0.0, key


def test_fiscal_metrics_follow_the_stressed_flows() -> None:
    fiscal = {
        "spec_version": "1.0",
        "name": "f",
        "currency": "IDR",
        "amount_unit": 1e9,
        "discount_rate": 0.07,
        "base_year": 2025,
        "commitments": {"finance_model": model_spec()},
        "budget": {"by_year": {str(y): 1000.0 for y in range(2026, 2041)}},
    }
    result = stress_test(model_spec(), scenarios(CUT), vfm=vfm_spec(), fiscal=fiscal)
    m = result.scenarios[0].metrics
    # the PV of direct commitments falls exactly by what the VfM gains (same rate and base year)
    assert m["fiscal_pv_direct"].delta == pytest.approx(-m["vfm"].delta, rel=1e-9)
    assert m["fiscal_peak_share_of_budget"].base is not None


def test_scenarios_validation_paths() -> None:
    data = scenarios(
        {"name": "a", "shocks": [{"type": "capex", "change": -1.5}]},
        {"name": "a", "shocks": [{"type": "tarif_freeze", "from_year": 2030}]},
    )
    assert [str(i) for i in validate_scenarios(data)] == [
        "$.scenarios[0].shocks[0].change: must be > -1, got -1.5",
        '$.scenarios[1].shocks[0].type: unknown type "tarif_freeze"; expected one of '
        "'tariff_freeze', 'availability_cut', 'delay', 'capex', 'opex', 'demand', 'interest', "
        "'change_in_law'",
    ]
    data = scenarios(
        {"name": "a", "shocks": [{"type": "delay", "years": 1}]},
        {"name": "a", "shocks": [copy.deepcopy(CUT["shocks"][0]), copy.deepcopy(CUT["shocks"][0])]},
    )
    assert [str(i) for i in validate_scenarios(data)] == [
        "$.scenarios[1].name: duplicate scenario name 'a' (already used by $.scenarios[0])",
        "$.scenarios[1].shocks[1]: only one availability_cut per scenario (combine the cuts "
        "into one)",
    ]


def test_loaded_scenarios_round_trip() -> None:
    data = scenarios(
        CUT,
        {
            "name": "all",
            "description": "d",
            "shocks": [
                {"type": "tariff_freeze", "from_year": 2030},
                {"type": "delay", "years": 1},
                {"type": "demand", "change": -0.1},
                {"type": "interest", "bp": 200.0},
                {"type": "change_in_law", "costs": {"2031": 5.0}},
            ],
        },
    )
    loaded = load_scenarios(data)
    assert [s.to_dict() for s in loaded] == data["scenarios"]


def test_a_scenario_that_breaks_the_model_is_reported_with_its_path() -> None:
    # given a delay that leaves no operating year before the hand-back
    sc = {"name": "too late", "shocks": [{"type": "delay", "years": 20}]}
    with pytest.raises(SpecError) as info:
        stress_test(model_spec(), scenarios(CUT, sc))
    issues = [str(i) for i in info.value.issues]
    assert issues and all(i.startswith("scenarios: $.scenarios[1]: 'too late'") for i in issues)


def test_bad_inputs_are_labelled() -> None:
    with pytest.raises(SpecError) as info:
        stress_test(model_spec(capex="x"), scenarios(CUT))
    assert str(info.value.issues[0]).startswith("model: $.capex:")
    with pytest.raises(SpecError) as info:
        stress_test(model_spec(), {"spec_version": "1.0", "scenarios": []})
    assert [str(i) for i in info.value.issues] == [
        "scenarios: $.scenarios: must have at least 1 item"
    ]
