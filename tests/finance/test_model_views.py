"""The Finance tab's pages: the tab, the form (bad input → field errors in the reader's language),
import, results with charts, the solver, downloads."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mitra.finance import services, spec_files
from mitra.finance.forms import FIELDS, FinanceModelForm, initial_from_spec
from mitra.finance.models import FinanceModel

from .conftest import example

pytestmark = pytest.mark.django_db


def _client(fw, name):
    client = Client()
    if name != "anonymous":
        client.force_login(fw.user(name))
    return client


def _tab(fw, lang=""):
    return f"{lang}/partnerships/{fw.partnership.pk}/finance/"


def _page(fw, what, lang=""):
    return f"{lang}/partnerships/{fw.partnership.pk}/finance/model/{what}"


def form_data(spec, **extra):
    """What a person would type for ``spec`` (in the active language's number format)."""
    form = FinanceModelForm(members=[], owners=[], government_allowed=True)
    data = {}
    for name, value in initial_from_spec(spec).items():
        field = form.fields[name]
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    data |= {"owner": "0", "lender_min_dscr": "1,2"}
    data |= extra
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def government(fw, hospital):
    return services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
    )


def test_the_tab_invites_the_lead_to_enter_a_model(fw):
    response = _client(fw, "lead_admin").get(_tab(fw))
    assert response.status_code == 200
    assert b'data-testid="finance-start"' in response.content
    assert b'data-testid="finance-subnav"' in response.content
    member = _client(fw, "member").get(_tab(fw))
    assert b'data-testid="finance-start"' not in member.content


@pytest.mark.parametrize("name", ["hospital", "toll-road", "school"])
def test_entering_an_example_through_the_form_gives_the_same_spec(fw, name):
    spec = example(name)
    client = _client(fw, "lead_admin")
    response = client.post(_page(fw, "edit/"), form_data(spec))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"].endswith(_page(fw, "results/"))
    assert FinanceModel.objects.get().spec == spec
    # the form shows the stored model again as it was typed
    again = client.get(_page(fw, "edit/"))
    assert again.status_code == 200
    assert again.context["form"].initial["capex"] == form_data(spec)["capex"]


def test_sub_navigation_links_only_pages_that_exist(fw):
    from mitra.finance.tabs import part_url

    assert part_url("finance:results", fw.partnership).endswith("/finance/model/results/")
    assert part_url("finance:no-such-page", fw.partnership) is None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"capex": "100"}, "capex", "one amount per construction year"),
        ({"capex": "100; lots"}, "capex", "not a number"),
        ({"debt_tenor_years": "40"}, "debt_tenor_years", "after the hand-back year"),
        ({"handback_year": "2027"}, "handback_year", "or later"),
        (
            {"ap_annual": "", "ap_indexation": "", "ap_performance_factor": ""},
            "ap_annual",
            "needs revenue",
        ),
        ({"debt_share": ""}, "debt_share", "Required when"),
        ({"rate_public": "abc"}, "rate_public", "Enter a number"),
        ({"other_costs": "2099: 10"}, "other_costs", "outside the concession"),
        ({"ap_deductions": "soon: 10"}, "ap_deductions", "year: value"),
    ],
)
def test_bad_input_gives_field_errors(fw, hospital, change, field, words):
    from django.utils import translation

    with translation.override("en"):
        data = form_data(hospital, **change)
        response = _client(fw, "lead_admin").post(_page(fw, "edit/", "/en"), data)
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert field in errors, errors
        assert words.lower() in " ".join(errors[field]).lower()
    assert not FinanceModel.objects.exists()


def test_field_errors_in_indonesian(fw, hospital):
    data = form_data(hospital, capex="100")
    response = _client(fw, "lead_admin").post(_page(fw, "edit/"), data)
    assert response.status_code == 400
    assert "capex" in response.context["form"].errors


def test_a_stale_form_is_refused_with_409(fw, hospital, government):
    client = _client(fw, "lead_admin")
    services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec={**hospital, "name": "Changed meanwhile"},
        expected_version=1,
    )
    response = client.post(_page(fw, "edit/"), form_data(hospital, version="1"))
    assert response.status_code == 409
    assert FinanceModel.objects.get().spec["name"] == "Changed meanwhile"


def test_only_editors_open_the_form(fw, government):
    assert _client(fw, "member").get(_page(fw, "edit/")).status_code == 403
    assert _client(fw, "lead_admin").get(_page(fw, "edit/")).status_code == 200


def test_import_json_and_xlsx_and_the_problems_of_a_bad_file(fw, hospital):
    client = _client(fw, "lead_admin")
    bad = {**hospital, "capex": [1]}
    response = client.post(
        _page(fw, "import/"),
        {"file": SimpleUploadedFile("m.json", json.dumps(bad).encode(), "application/json")},
    )
    assert response.status_code == 400
    assert "$.capex" in {i["path"] for i in response.context["issues"]}
    assert not FinanceModel.objects.exists()
    xlsx = spec_files.spec_to_xlsx(hospital)
    response = client.post(_page(fw, "import/"), {"file": SimpleUploadedFile("m.xlsx", xlsx)})
    assert response.status_code == 302
    assert FinanceModel.objects.get().spec == hospital
    # exports give the same back
    assert json.loads(client.get(_page(fw, "finance-model.json")).content) == hospital
    exported = client.get(_page(fw, "finance-model.xlsx")).content
    assert spec_files.spec_from_xlsx(exported) == hospital
    # a second import replaces it (the form carries the version)
    toll = example("toll-road")
    response = client.post(
        _page(fw, "import/"),
        {"file": SimpleUploadedFile("t.json", json.dumps(toll).encode()), "version": "1"},
    )
    assert response.status_code == 302
    assert FinanceModel.objects.get().spec == toll


def test_results_page_has_the_charts_in_both_languages(fw, government):
    client = _client(fw, "member")
    for lang, word in (("", "Arus kas"), ("/en", "Debt service cover ratio")):
        response = client.get(_page(fw, "results/", lang))
        assert response.status_code == 200
        html = response.content.decode()
        for key in (
            "finance-sources-uses",
            "finance-waterfall",
            "finance-dscr",
            "finance-government",
        ):
            assert f'id="chart-{key}"' in html
        assert html.count("<svg") >= 4
        assert 'data-testid="finance-years"' in html
        if lang:
            assert word in html
    csv = client.get(_page(fw, "results/"), {"export": "csv", "chart": "finance-dscr"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "2035" in text and "DSCR" in text


def test_another_partner_sees_only_the_government_figures(fw, hospital):
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
    )
    response = _client(fw, "ngo_user").get(_page(fw, "results/", "/en"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="finance-government-only"' in html
    assert 'id="chart-finance-government"' in html
    assert "Equity IRR" not in html and "finance-dscr" not in html
    assert _client(fw, "ngo_user").get(_page(fw, "finance-model.json")).status_code == 404
    tab = _client(fw, "ngo_user").get(_tab(fw, "/en")).content.decode()
    assert "Equity IRR" not in tab


def test_solving_the_availability_payment(fw, government):
    client = _client(fw, "lead_admin")
    response = client.post(
        _page(fw, "solve/", "/en"), {"unknown": "availability_payment", "target_equity_irr": "14"}
    )
    assert response.status_code == 200
    solution = response.context["solution"]
    assert solution["ok"] and solution["value"] > 0
    # the hospital's worst year (2035, with its other costs) is below the lenders' 1.20
    assert solution["dscr_short"]
    assert "Not bankable" in solution["verdict"]
    html = response.content.decode()
    assert 'data-testid="finance-solution"' in html and "alert-danger" in html
    # applied, the model uses it
    response = client.post(
        _page(fw, "apply/"),
        {"unknown": "availability_payment", "value": repr(solution["value"]), "version": "1"},
    )
    assert response.status_code == 302
    stored = FinanceModel.objects.get()
    assert stored.spec["availability_payment"]["annual"] == solution["value"]
    assert stored.version == 2


def test_a_solved_figure_with_enough_cover_is_reported_fine(fw, hospital):
    spec = {**hospital}
    spec.pop("other_costs")
    services.model_save(
        actor=fw.user("lead_admin"), partnership=fw.partnership, spec=spec, expected_version=None
    )
    response = _client(fw, "lead_admin").post(
        _page(fw, "solve/", "/en"), {"unknown": "availability_payment", "target_equity_irr": "14"}
    )
    solution = response.context["solution"]
    assert solution["ok"] and not solution["dscr_short"]
    assert "Not bankable" not in solution["verdict"]


def test_a_solve_that_cannot_succeed_says_so(fw, government):
    response = _client(fw, "lead_admin").post(
        _page(fw, "solve/", "/en"), {"unknown": "tariff", "target_equity_irr": "14"}
    )
    assert response.status_code == 200
    assert not response.context["solution"]["ok"]
    bad = _client(fw, "lead_admin").post(_page(fw, "solve/"), {"unknown": "tariff"})
    assert bad.status_code == 400


def test_the_template_downloads(fw):
    response = _client(fw, "member").get(_page(fw, "template.xlsx"))
    assert response.status_code == 200
    from openpyxl import load_workbook

    assert spec_files.MODEL_SHEET in load_workbook(io.BytesIO(response.content)).sheetnames


def test_every_spec_field_is_in_the_form():
    names = {f.name for f in FIELDS}
    assert len(names) == len(FIELDS)
    form = FinanceModelForm(members=[], owners=[], government_allowed=True)
    assert names <= set(form.fields)
    assert reverse("finance:results", args=[1]).endswith("/finance/model/results/")


def test_solving_the_vgf_of_the_toll_road(fw):
    services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=example("toll-road"),
        expected_version=None,
    )
    response = _client(fw, "lead_admin").post(
        _page(fw, "solve/", "/en"), {"unknown": "vgf", "target_equity_irr": "15"}
    )
    assert response.status_code == 200
    solution = response.context["solution"]
    # the toll road's sculpted debt keeps its cover at 1.30: the solved VGF is bankable
    assert solution["ok"] and 0 < solution["value"] < 1200
    assert not solution["dscr_short"]
    assert "equity earns 15.0%" in solution["verdict"]


def test_the_public_reads_a_published_model_only(fw, hospital):
    from mitra.partnerships.models import Visibility

    model = services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
    )
    fw.partnership.visibility = Visibility.PUBLIC
    fw.partnership.save()
    anonymous = _client(fw, "anonymous")
    assert anonymous.get(_page(fw, "results/")).status_code == 404
    assert anonymous.get(_page(fw, "finance-model.json")).status_code == 404
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=model.version,
        published=True,
    )
    response = anonymous.get(_page(fw, "results/", "/en"))
    assert response.status_code == 200
    assert 'id="chart-finance-dscr"' in response.content.decode()
    assert b"finance-edit" not in response.content
    assert json.loads(anonymous.get(_page(fw, "finance-model.json")).content) == hospital
