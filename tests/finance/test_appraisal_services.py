"""Services and selectors of the appraisal: value for money, fiscal commitments, budgets, stress
tests and the portfolio, against known answers and the computation core."""

# ruff: noqa: F811 - fixtures imported from appraisal_fixtures are parameters here
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from mitra.analysis import fiscal_burden, present_value, stress_test, value_for_money
from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.finance import appraisal_selectors as sel
from mitra.finance import appraisal_services as services
from mitra.finance import selectors as finance_selectors
from mitra.finance.appraisal_models import (
    BudgetSeries,
    PublicGuarantee,
    StressScenario,
    VfmChecklist,
    VfmInputs,
)

from .appraisal_fixtures import (  # noqa: F401 - fixtures
    SIMPLE_FISCAL,
    SIMPLE_VFM,
    budget,
    private_model,
    simple_fiscal,
    simple_vfm,
)
from .conftest import example

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --------------------------------------------------------------------------- value for money


def test_vfm_has_the_known_answer_and_a_plain_verdict(fw, simple_vfm):
    # given inputs with a known answer (see SIMPLE_VFM)
    # when
    view = sel.vfm_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    # then
    assert view.result.psc_total.mean == pytest.approx(135.0)
    assert view.result.ppp_total.mean == pytest.approx(110.0)
    assert view.result.vfm.mean == pytest.approx(25.0)
    verdict = sel.vfm_verdict(view)
    assert "18.5% less than the PSC" in verdict
    assert "gives value for money" in verdict
    assert "no risk simulation" in view.risk.message


def test_vfm_with_the_finance_model_counts_its_government_flows(fw):
    # given the project company's model and VfM inputs that take their payments from it
    private_model(fw)
    data = dict(SIMPLE_VFM, payments_source="finance_model", discount_rate=Decimal("0.08"))
    services.vfm_inputs_save(actor=fw.user("lead_admin"), partnership=fw.partnership, data=data)
    # when the NGO (who may not see the model) reads the VfM
    view = sel.vfm_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    # then the availability payment is the model's, discounted as the core does
    flows = finance_selectors.government_payments(
        user=fw.user("lead_admin"), partnership=fw.partnership
    )
    expected = present_value(0.08, flows["years"], flows["flows"]["availability_payment"], 2025)
    assert view.using_finance_model
    assert view.result.ppp["availability_payment"].mean == pytest.approx(expected)
    assert (
        finance_selectors.can_see_model(user=fw.user("ngo_user"), partnership=fw.partnership)
        is False
    )
    # and the page's numbers are the core's on the same spec
    spec, _source, _m = sel.vfm_spec(fw.partnership, VfmInputs.objects.get())
    assert value_for_money(spec).vfm.mean == pytest.approx(view.result.vfm.mean)


def test_vfm_uses_the_latest_risk_simulation_and_says_when_it_is_stale(fw):
    from mitra.risks.models import Simulation

    # given a stored simulation of the example hospital risk model (register changed since)
    risk_spec = example_risk()
    Simulation.objects.create(
        partnership=fw.partnership,
        iterations=2000,
        seed=7,
        inputs_hash="old",
        spec=risk_spec,
        result={"npv": {}},
    )
    data = dict(SIMPLE_VFM, transferable_parties=["private"], retained_parties=["public"])
    services.vfm_inputs_save(actor=fw.user("lead_admin"), partnership=fw.partnership, data=data)
    # when
    view = sel.vfm_view(user=fw.user("lead_admin"), partnership=fw.partnership)
    # then the risk terms are drawn with the simulation's iterations and seed
    assert view.risk.usable and view.risk.stale
    assert "has changed since its latest simulation" in view.risk.message
    assert view.result.iterations == 2000 and view.result.seed == 7
    transferable = view.result.psc["transferable_risk"]
    assert transferable.p5 <= transferable.mean <= transferable.p95
    assert transferable.mean > 0
    assert view.result.prob_vfm_positive is not None


def example_risk():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "risk" / "hospital.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_risk_simulation_in_another_unit_is_not_used(fw):
    from mitra.risks.models import Simulation

    spec = dict(example_risk(), amount_unit=1_000_000)
    Simulation.objects.create(
        partnership=fw.partnership, iterations=100, seed=1, inputs_hash="x", spec=spec, result={}
    )
    services.vfm_inputs_save(
        actor=fw.user("lead_admin"), partnership=fw.partnership, data=dict(SIMPLE_VFM)
    )
    view = sel.vfm_view(user=fw.user("lead_admin"), partnership=fw.partnership)
    assert not view.risk.usable
    assert "IDR million" in view.risk.message
    assert view.result.vfm.mean == pytest.approx(25.0)  # the values entered by hand


def test_only_the_pjpk_side_changes_vfm_and_nothing_is_written_otherwise(fw):
    for name in ("ngo_user", "member", "company_admin", "staff"):
        with pytest.raises(PermissionDenied):
            services.vfm_inputs_save(
                actor=fw.user(name), partnership=fw.partnership, data=dict(SIMPLE_VFM)
            )
    assert not VfmInputs.objects.exists()


def test_a_stale_vfm_edit_is_refused(fw, simple_vfm):
    lead = fw.user("lead_admin")
    services.vfm_inputs_save(
        actor=lead,
        partnership=fw.partnership,
        data=dict(SIMPLE_VFM, other_costs=Decimal("4")),
        expected_version=simple_vfm.version,
    )
    with pytest.raises(StaleEdit):
        services.vfm_inputs_save(
            actor=lead,
            partnership=fw.partnership,
            data=dict(SIMPLE_VFM, other_costs=Decimal("9")),
            expected_version=simple_vfm.version,
        )
    assert VfmInputs.objects.get().other_costs == Decimal("4")
    assert VfmInputs.history.count() == 2  # audited


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"transferable_parties": ["public"], "retained_parties": ["public"]}, "retained_parties"),
        ({"psc_capex": ["x"]}, "psc_capex"),
        ({"payments": {"availability_payment": [1.0]}}, "payments"),
        ({"payments": {"start_year": 2026, "bonus": [1.0]}}, "payments"),
        ({"discount_rate": Decimal("-2")}, "discount_rate"),
    ],
)
def test_bad_vfm_input_is_a_field_error(fw, change, field):
    with pytest.raises(ValidationError) as caught:
        services.vfm_inputs_save(
            actor=fw.user("lead_admin"), partnership=fw.partnership, data=dict(SIMPLE_VFM, **change)
        )
    assert field in caught.value.message_dict
    assert not VfmInputs.objects.exists()


def test_the_checklist_is_stored_per_partnership_and_checked(fw):
    lead = fw.user("lead_admin")
    row = services.vfm_checklist_save(
        actor=lead,
        partnership=fw.partnership,
        answers={"market": {"answer": "partly", "note": "two bidders"}},
    )
    view = sel.vfm_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    market = next(i for i in view.checklist if i["key"] == "market")
    assert (market["answer"], market["note"]) == ("partly", "two bidders")
    assert len(view.checklist) == len(sel.CHECKLIST)
    with pytest.raises(ValidationError):
        services.vfm_checklist_save(
            actor=lead,
            partnership=fw.partnership,
            answers={"market": {"answer": "maybe"}},
            expected_version=row.version,
        )
    with pytest.raises(PermissionDenied):
        services.vfm_checklist_save(
            actor=fw.user("ngo_user"),
            partnership=fw.partnership,
            answers={},
            expected_version=row.version,
        )
    assert VfmChecklist.objects.get().version == 1


def test_outsiders_cannot_read_the_appraisal(fw, simple_vfm):
    for name in ("outsider", "anonymous"):
        with pytest.raises(PermissionDenied):
            sel.vfm_view(user=fw.user(name), partnership=fw.partnership)


# --------------------------------------------------------------------------- budgets, fiscal


def test_years_without_a_budget_are_projected_never_left_empty(fw, simple_fiscal):
    view = sel.fiscal_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    rows = {r["year"]: r for r in view.rows}
    # Rp 1 T in 2026 (entered), then +10% a year (projected), in IDR billion
    assert rows[2026]["budget"] == Decimal("1000") and not rows[2026]["projected"]
    assert rows[2028]["budget"] == Decimal("1210") and rows[2028]["projected"]
    assert all(r["share"] is not None for r in view.rows)
    assert view.result.share_direct[0] == pytest.approx(10 / 1000)
    assert view.result.missing_budget_years == ()
    # 10 / 1000 = 1% > 0.5%: the affordability test fails
    limit = next(f for f in view.result.flags if f.id == "fiscal_limit")
    assert limit.triggered is True


def test_fiscal_result_is_the_cores_on_the_same_spec(fw, simple_fiscal):
    _inputs, data = sel.fiscal_compute(fw.partnership)
    assert fiscal_burden(data["spec"]).to_dict() == data["result"].to_dict()


def test_a_pt_pii_guarantee_lands_on_the_pjpks_budget(fw, simple_fiscal):
    services.guarantee_create(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        data={
            "code": "PII",
            "name": "PT PII guarantee",
            "provider": "PT PII",
            "kind": "political_risk",
            "covered_amount": Decimal("50"),
            "start_year": 2027,
            "expected": [1.0, 1.0],
            "p95": [5.0, 5.0],
            "risk_codes": [],
            "recourse": True,
        },
    )
    view = sel.fiscal_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    assert view.error == ""
    assert view.result.contingent_expected == (0.0, 1.0, 1.0)
    assert view.result.contingent_p95 == (0.0, 5.0, 5.0)
    chain = sel.guarantee_chain(view, view.guarantees[0])
    assert "PT PII pays the Badan Usaha first" in chain
    assert "Perjanjian Regres" in chain
    assert fw.world.pemda.name in chain


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"expected": [1.0], "p95": [1.0, 2.0], "start_year": 2027}, "p95"),
        ({"expected": [1.0]}, "start_year"),
        ({"expected": [-1.0], "start_year": 2027}, "expected"),
        ({}, "expected"),
    ],
)
def test_bad_guarantee_is_a_field_error(fw, data, field):
    base = {"code": "G", "name": "G", "provider": "PT PII", "kind": "other", "risk_codes": []}
    with pytest.raises(ValidationError) as caught:
        services.guarantee_create(
            actor=fw.user("lead_admin"), partnership=fw.partnership, data=base | data
        )
    assert field in caught.value.message_dict
    assert not PublicGuarantee.objects.exists()


def test_budget_import_reads_csv_with_either_separator_and_names_bad_rows(fw):
    text = "year;amount;source\n2026;30.000.000.000.000,00;Perda 1/2025\n2027;31200000000000;\n"
    years = services.budget_table(SimpleUploadedFile("apbd.csv", text.encode()))
    assert years == {
        2026: (Decimal("30000000000000.00"), "Perda 1/2025"),
        2027: (Decimal("31200000000000.00"), ""),
    }
    with pytest.raises(ValidationError) as caught:
        services.budget_table(SimpleUploadedFile("apbd.csv", b"year,amount\n20x6,1\n2027,-5\n"))
    assert len(caught.value.message_dict["file"]) == 2


def test_budget_import_reads_xlsx(fw):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Tahun", "Jumlah", "Sumber"])
    sheet.append([2026, 5400000000000, "Perda"])
    buffer = io.BytesIO()
    book.save(buffer)
    years = services.budget_table(SimpleUploadedFile("apbd.xlsx", buffer.getvalue()))
    assert years == {2026: (Decimal("5400000000000.00"), "Perda")}


def test_only_the_organisations_admins_change_its_budget(fw):
    with pytest.raises(PermissionDenied):
        services.budget_series_save(
            actor=fw.user("ngo_user"),
            organisation=fw.world.pemda,
            data={
                "kind": "APBD",
                "label": "x",
                "currency": "IDR",
                "growth_rate": Decimal("0"),
                "source": "x",
            },
            years={},
        )
    assert not BudgetSeries.objects.exists()
    series = budget(fw, {2026: "100"})
    with pytest.raises(StaleEdit):
        services.budget_series_save(
            actor=fw.user("lead_admin"),
            organisation=fw.world.pemda,
            data={
                "kind": "APBD",
                "label": "y",
                "currency": "IDR",
                "growth_rate": Decimal("0"),
                "source": "x",
            },
            years={},
            expected_version=series.version - 1 if series.version > 1 else 99,
        )
    assert BudgetSeries.objects.get().label == "APBD Provinsi (test)"


# --------------------------------------------------------------------------- stress tests


def _scenario(fw, name="Interest +150 bp", shocks=None):
    return services.scenario_create(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        data={
            "name": name,
            "description": "",
            "template": "",
            "shocks": shocks or [{"type": "interest", "bp": 150}],
        },
    )


def test_stress_results_are_the_cores_and_private_figures_stay_private(fw):
    private_model(fw)
    _scenario(fw)
    _scenario(fw, "Capex +20%", [{"type": "capex", "change": 0.2}])
    services.stress_run(actor=fw.user("lead_admin"), partnership=fw.partnership)
    core = stress_test(
        example("hospital"),
        {
            "spec_version": "1.0",
            "scenarios": [
                {"name": "Interest +150 bp", "shocks": [{"type": "interest", "bp": 150}]},
            ],
        },
    )
    stored = StressScenario.objects.get(name="Interest +150 bp").result["metrics"]
    assert stored["equity_npv"]["delta"] == pytest.approx(
        core.scenarios[0].metrics["equity_npv"].delta
    )
    assert stored["government_npc"]["delta"] == pytest.approx(
        core.scenarios[0].metrics["government_npc"].delta
    )
    # the NGO sees the government's deltas only; the PJPK (named in shared_with) sees all
    ngo = sel.stress_view(user=fw.user("ngo_user"), partnership=fw.partnership)
    lead = sel.stress_view(user=fw.user("lead_admin"), partnership=fw.partnership)
    for s in ngo.scenarios:
        assert "government_npc" in s.shown
        assert not set(s.shown) & set(sel.PRIVATE_METRICS)
        assert not s.stale
    assert all("equity_npv" in s.shown for s in lead.scenarios)
    # an interest rise lowers equity and its sentence says why the project NPV may rise
    interest = next(s for s in lead.scenarios if s.name == "Interest +150 bp")
    text = sel.scenario_explanation(interest, interest.shown, "IDR billion")
    assert "Higher interest raises the debt service" in text
    assert "equity NPV changes by -" in text


def test_a_changed_model_marks_results_stale(fw):
    model = private_model(fw)
    _scenario(fw)
    services.stress_run(actor=fw.user("lead_admin"), partnership=fw.partnership)
    from mitra.finance import services as finance_services

    finance_services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=dict(example("hospital"), name="Changed", capex=[210, 250]),
        expected_version=model.version,
    )
    view = sel.stress_view(user=fw.user("lead_admin"), partnership=fw.partnership)
    assert view.scenarios[0].stale


@pytest.mark.parametrize(
    "shocks",
    [
        [{"type": "delay", "years": 0}],
        [{"type": "meteor"}],
        [{"type": "availability_cut", "fraction": 0.1, "from_year": 2030}] * 2,
        [],
    ],
)
def test_bad_shocks_are_a_field_error(fw, shocks):
    with pytest.raises(ValidationError) as caught:
        _scenario(fw, shocks=shocks or "not a list")
    assert "shocks" in caught.value.message_dict
    assert not StressScenario.objects.exists()


def test_scenario_names_are_unique_and_only_editors_write(fw):
    _scenario(fw)
    with pytest.raises(ValidationError) as caught:
        _scenario(fw)
    assert "name" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.scenario_create(
            actor=fw.user("ngo_user"),
            partnership=fw.partnership,
            data={"name": "x", "shocks": [{"type": "delay", "years": 1}]},
        )
    assert StressScenario.objects.count() == 1


def test_stress_run_without_a_model_says_so(fw):
    _scenario(fw)
    with pytest.raises(ApplicationError) as caught:
        services.stress_run(actor=fw.user("lead_admin"), partnership=fw.partnership)
    assert "no project-finance model" in str(caught.value.message)


def test_templates_cover_the_seven_shocks_and_are_valid(fw):
    private_model(fw)
    templates = sel.scenario_templates(fw.partnership)
    assert [t["key"] for t in templates] == [
        "tariff_freeze",
        "ap_cut",
        "delay",
        "capex",
        "demand",
        "interest",
        "change_in_law",
    ]
    for t in templates:
        _scenario(fw, str(t["name"]), t["shocks"])
    services.stress_run(actor=fw.user("lead_admin"), partnership=fw.partnership)
    assert StressScenario.objects.filter(result__isnull=False).count() == 7


# --------------------------------------------------------------------------- portfolio


def test_the_portfolio_totals_commitments_against_the_budget(fw, simple_fiscal):
    portfolio = sel.organisation_portfolio(user=fw.user("lead_admin"), organisation=fw.world.pemda)
    assert [i.partnership.pk for i in portfolio.items] == [fw.partnership.pk]
    rows = {r["year"]: r for r in portfolio.rows}
    assert rows[2026]["direct"] == Decimal("10000000000.00")  # 10 × IDR billion
    assert rows[2026]["share"] == Decimal("0.01")
    assert rows[2027]["projected"]
    # an outsider sees no partnership of it; a staff analyst sees it in their portfolio
    assert (
        sel.organisation_portfolio(user=fw.user("outsider"), organisation=fw.world.pemda).items
        == []
    )
    staff = sel.user_portfolio(user=fw.user("staff"))
    assert [p.organisation.pk for p in staff] == [fw.world.pemda.pk]
    assert sel.user_portfolio(user=fw.user("outsider")) == []


def test_the_portfolio_loads_only_partnerships_with_fiscal_inputs(fw, simple_fiscal, monkeypatch):
    """Pemda is a partner in three partnerships of the world, one with fiscal inputs: the
    portfolio reads the partners of that one only (a university in 960 H2020 projects, none of
    them a KPBU, used to load all 960 with their partners on its public page: 0.5-1.2 s)."""
    loaded: list[int] = []
    real = sel.with_members

    def spy(qs):
        rows = list(real(qs))
        loaded.extend(p.pk for p in rows)
        return rows

    monkeypatch.setattr(sel, "with_members", spy)
    staff = fw.user("staff")
    assert sel.partnership_list(user=staff, filters={"organisation": fw.world.pemda.pk}).count() > 1
    portfolio = sel.organisation_portfolio(user=staff, organisation=fw.world.pemda)
    assert [i.partnership.pk for i in portfolio.items] == [fw.partnership.pk]
    assert [p.organisation.pk for p in sel.user_portfolio(user=staff)] == [fw.world.pemda.pk]
    assert set(loaded) == {fw.partnership.pk}


def test_the_appraisal_history_is_for_partners(fw, simple_vfm):
    entries = sel.appraisal_history(fw.user("ngo_user"), fw.partnership)
    assert [e.object_type for e in entries] == ["Value-for-money inputs"]
    assert sel.appraisal_history(fw.user("outsider"), fw.partnership) == []
    (entry,) = sel.appraisal_history(fw.user("lead_admin"), fw.partnership)
    assert entry.user_id == fw.user("lead_admin").pk
    assert any(c.field == "other_costs" for c in entry.changes)


def test_a_completed_vfm_is_what_the_kpbu_lifecycle_asks_for(fw, simple_vfm):
    # the lifecycle's "a completed VfM" output (coordination's check "finance.vfm") is the
    # finance app's own test: inputs that compute and every checklist question answered
    from mitra.coordination.definitions import check_get
    from mitra.finance import appraisal_services
    from mitra.finance.appraisal_selectors import CHECKLIST, vfm_completed

    check = check_get("finance.vfm")
    assert check is not None and check.test is vfm_completed
    assert vfm_completed(fw.partnership) is False  # the checklist is not answered yet
    keys = [key for key, _q in CHECKLIST]
    appraisal_services.vfm_checklist_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        answers={k: {"answer": "yes", "note": ""} for k in keys[:-1]},
    )
    assert vfm_completed(fw.partnership) is False  # one question left
    appraisal_services.vfm_checklist_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        answers={k: {"answer": "no", "note": ""} for k in keys},
        expected_version=1,
    )
    assert vfm_completed(fw.partnership) is True
