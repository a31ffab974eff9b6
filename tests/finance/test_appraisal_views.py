"""The appraisal pages: who sees what, in both languages, bad input as field errors (never a
500), charts with their downloads, the organisation's portfolio section."""

# ruff: noqa: F811 - fixtures imported from appraisal_fixtures are parameters here
from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mitra.finance import appraisal_services as services
from mitra.finance.appraisal_models import BudgetSeries, StressScenario, VfmInputs

from .appraisal_fixtures import (  # noqa: F401 - fixtures
    SIMPLE_VFM,
    private_model,
    simple_fiscal,
    simple_vfm,
)

pytestmark = pytest.mark.django_db


def _client(fw, name):
    client = Client()
    if name != "anonymous":
        client.force_login(fw.user(name))
    return client


def _url(fw, name, lang="", **kwargs):
    with translation.override("id"):  # the unprefixed path, whatever the last response set
        url = reverse(f"finance:{name}", kwargs={"pk": fw.partnership.pk, **kwargs})
    return f"/{lang}{url}" if lang else url


@pytest.mark.parametrize("lang", ["", "en"])
@pytest.mark.parametrize("page", ["vfm", "fiscal", "stress"])
def test_partners_and_staff_see_the_pages_in_both_languages(
    fw, simple_vfm, simple_fiscal, page, lang
):
    for name in ("lead_admin", "ngo_user", "staff", "company_admin"):
        response = _client(fw, name).get(_url(fw, page, lang))
        assert response.status_code == 200, (name, response.status_code)
        assert b'data-testid="finance-subnav"' in response.content
    for name in ("outsider", "anonymous"):
        assert _client(fw, name).get(_url(fw, page)).status_code == 404


def test_vfm_page_in_english_and_indonesian(fw, simple_vfm):
    lead = _client(fw, "lead_admin")
    en = lead.get("/en" + _url(fw, "vfm")).content.decode()
    assert "18.5% less than the PSC" in en
    assert "<svg" in en and 'data-testid="vfm-table"' in en
    id_ = _client(fw, "lead_admin").get(_url(fw, "vfm")).content.decode()
    assert "18,5" in id_
    download = _client(fw, "lead_admin").get(_url(fw, "vfm") + "?export=csv&chart=vfm")
    assert download.status_code == 200
    assert "text/csv" in download["Content-Type"]


def test_bad_vfm_input_is_a_400_with_field_errors_and_nothing_saved(fw):
    lead = _client(fw, "lead_admin")
    response = lead.post(
        _url(fw, "vfm_edit"),
        {
            "currency": "IDR",
            "amount_unit": "1000000000",
            "discount_rate": "abc",
            "base_year": "1800",
            "psc_start_year": "2026",
            "psc_capex": "1; x",
            "payments_source": "entered",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"discount_rate", "base_year", "psc_capex"} <= set(form.errors)
    assert not VfmInputs.objects.exists()


def test_a_vfm_form_saves_and_a_stale_one_is_refused(fw):
    lead = _client(fw, "lead_admin")
    data = {
        "currency": "IDR",
        "amount_unit": "1000000000",
        "discount_rate": "0",
        "base_year": "2025",
        "psc_start_year": "2026",
        "psc_capex": "100",
        "competitive_neutrality": "10",
        "transferable_risk": "20",
        "retained_risk": "5",
        "guarantee_calls": "2",
        "other_costs": "3",
        "payments_source": "entered",
        "pay_start_year": "2026",
        "pay_availability_payment": "50; 50",
    }
    assert lead.post(_url(fw, "vfm_edit"), data).status_code == 302
    inputs = VfmInputs.objects.get()
    assert inputs.payments == {"start_year": 2026, "availability_payment": [50.0, 50.0]}
    assert (
        lead.post(_url(fw, "vfm_edit"), data | {"version": "1", "other_costs": "4"}).status_code
        == 302
    )
    stale = lead.post(_url(fw, "vfm_edit"), data | {"version": "1", "other_costs": "9"})
    assert stale.status_code == 409
    assert VfmInputs.objects.get().other_costs == Decimal("4")


def test_non_pjpk_partners_cannot_open_the_forms(fw, simple_vfm):
    ngo = _client(fw, "ngo_user")
    for name in ("vfm_edit", "vfm_checklist", "fiscal_edit"):
        assert ngo.get(_url(fw, name)).status_code == 403
    assert ngo.post(_url(fw, "vfm_edit"), {"currency": "IDR"}).status_code == 403
    page = ngo.get(_url(fw, "vfm")).content.decode()
    assert 'data-testid="vfm-edit"' not in page


def test_checklist_form(fw):
    lead = _client(fw, "lead_admin")
    data = {"market_answer": "partly", "market_note": "two bidders"}
    data |= {
        f"{k}_answer": "yes"
        for k in (
            "output_spec",
            "risk_transfer",
            "whole_life",
            "innovation",
            "stable_need",
            "size",
            "pjpk_capacity",
            "affordability",
            "legal",
            "monitoring",
        )
    }
    assert lead.post(_url(fw, "vfm_checklist"), data).status_code == 302
    page = lead.get("/en" + _url(fw, "vfm")).content.decode()
    assert "two bidders" in page
    bad = lead.post(_url(fw, "vfm_checklist"), data | {"market_answer": "maybe", "version": "1"})
    assert bad.status_code == 400


def test_fiscal_page_marks_projected_years_and_shows_the_guarantee_chain(fw, simple_fiscal):
    services.guarantee_create(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        data={
            "code": "PII",
            "name": "PT PII guarantee",
            "provider": "PT PII",
            "kind": "political_risk",
            "start_year": 2027,
            "expected": [1.0, 1.0],
            "p95": [],
            "risk_codes": [],
            "recourse": True,
        },
    )
    page = _client(fw, "ngo_user").get("/en" + _url(fw, "fiscal")).content.decode()
    assert 'data-testid="projected"' in page
    assert ">n/a<" not in page
    assert "Perjanjian Regres" in page
    assert "The affordability test fails" in page
    assert page.count("<svg") >= 2


def test_the_guarantee_form_refuses_bad_input(fw):
    lead = _client(fw, "lead_admin")
    response = lead.post(
        _url(fw, "guarantee_create"),
        {"code": "bad id!", "name": "", "provider": "PT PII", "kind": "other", "expected": "1;x"},
    )
    assert response.status_code == 400
    assert {"code", "name", "expected"} <= set(response.context["form"].errors)


def test_stress_page_hides_private_figures_from_partners_not_named(fw):
    private_model(fw)
    services.scenario_create(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        data={"name": "Interest +150 bp", "shocks": [{"type": "interest", "bp": 150}]},
    )
    lead = _client(fw, "lead_admin")
    assert lead.post(_url(fw, "stress_run")).status_code == 302
    mine = lead.get("/en" + _url(fw, "stress")).content.decode()
    assert "Equity NPV" in mine and "Government net cost" in mine
    theirs = _client(fw, "ngo_user").get("/en" + _url(fw, "stress")).content.decode()
    assert "Equity NPV" not in theirs and "Equity IRR" not in theirs
    assert "Government net cost" in theirs
    assert 'data-testid="stress-private-note"' in theirs
    assert _client(fw, "ngo_user").post(_url(fw, "stress_run")).status_code == 403


def test_scenario_from_a_template_and_bad_shocks(fw):
    private_model(fw)
    lead = _client(fw, "lead_admin")
    form = lead.get(_url(fw, "scenario_create") + "?template=interest")
    assert form.status_code == 200
    assert form.context["form"].initial["interest_bp"] == 150
    bad = lead.post(_url(fw, "scenario_create"), {"name": "X", "delay_years": "0", "ap_cut": "20"})
    assert bad.status_code == 400
    assert {"delay_years", "ap_cut_from"} <= set(bad.context["form"].errors)
    empty = lead.post(_url(fw, "scenario_create"), {"name": "Nothing"})
    assert empty.status_code == 400
    good = lead.post(
        _url(fw, "scenario_create"),
        {"name": "Delay and law", "delay_years": "1", "change_in_law": "2032: 10"},
    )
    assert good.status_code == 302
    assert StressScenario.objects.get().shocks == [
        {"type": "delay", "years": 1},
        {"type": "change_in_law", "costs": {"2032": 10.0}},
    ]


def test_the_organisation_page_shows_the_portfolio_and_the_budget_form(fw, simple_fiscal):
    with translation.override("id"):
        url = reverse("organisations:detail", args=[fw.world.pemda.pk])
    page = _client(fw, "lead_admin").get("/en" + url).content.decode()
    assert 'data-testid="org-fiscal-portfolio"' in page
    assert 'data-testid="portfolio-table"' in page
    assert 'data-testid="budget-edit"' in page
    outsider = _client(fw, "outsider").get(url).content.decode()
    assert 'data-testid="portfolio-table"' not in outsider
    portfolio = _client(fw, "staff").get(reverse("finance:portfolio"))
    assert portfolio.status_code == 200
    assert b'data-testid="portfolio-entry"' in portfolio.content


def test_budget_form_imports_a_csv_and_refuses_bad_rows(fw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lead = _client(fw, "lead_admin")
    with translation.override("id"):
        url = reverse("finance:budget_edit", args=[fw.world.pemda.pk])
    base = {
        "kind": "APBD",
        "label": "APBD",
        "currency": "IDR",
        "growth_rate": "5",
        "source": "Perda",
    }
    bad = lead.post(url, base | {"file": SimpleUploadedFile("b.csv", b"year,amount\n2026,abc\n")})
    assert bad.status_code == 400
    assert "file" in bad.context["form"].errors
    assert not BudgetSeries.objects.exists()
    good = lead.post(
        url, base | {"years": "2026; 30.000.000.000.000\n2027; 31.000.000.000.000; LKPD"}
    )
    assert good.status_code == 302
    series = BudgetSeries.objects.get()
    assert [(y.year, y.amount, y.source) for y in series.years.all()] == [
        (2026, Decimal("30000000000000.00"), ""),
        (2027, Decimal("31000000000000.00"), "LKPD"),
    ]
    assert _client(fw, "ngo_user").get(url).status_code == 403


def test_the_fiscal_tests_say_what_they_found_in_the_readers_language(fw, simple_fiscal):
    """The balance-sheet and affordability findings are sentences of the reader's language with
    its numbers, never the core's English (which the CLI keeps)."""
    english = _client(fw, "ngo_user").get("/en" + _url(fw, "fiscal")).content.decode()
    indonesian = _client(fw, "ngo_user").get(_url(fw, "fiscal")).content.decode()
    assert "Years above the limit: 2026" in english
    assert "Tahun di atas batas: 2026" in indonesian
    assert "The government&#x27;s share of the construction risk: not given." in english
    assert "Bagian risiko konstruksi yang ditanggung pemerintah: tidak diberikan." in indonesian
    assert "Pemerintah mengendalikan layanan dan tarif: tidak diberikan" in indonesian
    # the chart's sentence writes its percentages as the rest of the page does
    assert "Itu di atas batas 0,5 %." in indonesian and "above the limit of 0.5 %." in english
    for core_english in ("years above the limit", "government share of", "not given;"):
        assert core_english not in indonesian


def test_the_guarantee_finding_reads_amounts_and_shares_as_the_page_does() -> None:
    from mitra.analysis.appraisal.fiscal import FiscalFlag
    from mitra.finance.appraisal_charts import flag_detail

    flag = FiscalFlag(
        "eurostat_guarantees",
        "rule",
        "source",
        True,
        0.5556,
        0.5,
        "guarantees covered 3,500 + VGF 2,500 over capital cost 10,800 = 55.6%",
        facts={"origin": "guarantees", "covered": 3500.0, "vgf": 2500.0, "capital_cost": 10800.0},
    )
    with translation.override("id"):
        assert flag_detail(flag) == (
            "Penjaminan sebesar 3.500 dan Dukungan Kelayakan sebesar 2.500 terhadap biaya modal "
            "10.800: 55,6 %."
        )
    with translation.override("en"):
        assert flag_detail(flag) == (
            "Guarantees covering 3,500 and VGF of 2,500 against a capital cost of 10,800: 55.6 %."
        )
