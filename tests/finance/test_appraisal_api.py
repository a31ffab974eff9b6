"""The appraisal API: /partnerships/{id}/vfm, /fiscal, /stress-tests and an organisation's
/budget and /fiscal-portfolio: the core's numbers, who sees what, 422 field errors, 409 stale."""

# ruff: noqa: F811 - fixtures imported from appraisal_fixtures are parameters here
from __future__ import annotations

import json

import pytest
from django.test import Client

from mitra.analysis import fiscal_burden, value_for_money
from mitra.finance import appraisal_selectors as sel
from mitra.finance.appraisal_models import BudgetSeries, StressScenario, VfmInputs

from .appraisal_fixtures import (  # noqa: F401 - fixtures
    private_model,
    simple_fiscal,
    simple_vfm,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"

VFM_BODY = {
    "currency": "IDR",
    "amount_unit": 1000000000,
    "discount_rate": "0",
    "base_year": 2025,
    "psc_start_year": 2026,
    "psc_capex": [100],
    "competitive_neutrality": "10",
    "transferable_risk": "20",
    "retained_risk": "5",
    "guarantee_calls": "2",
    "other_costs": "3",
    "payments_source": "entered",
    "payments": {"start_year": 2026, "availability_payment": [50, 50]},
}


def _client(fw, name):
    client = Client()
    if name != "anonymous":
        client.force_login(fw.user(name))
    return client


def _put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _url(fw, what):
    return f"{API}/partnerships/{fw.partnership.pk}/{what}"


def test_vfm_put_then_get_gives_the_cores_result(fw):
    lead = _client(fw, "lead_admin")
    response = _put(lead, _url(fw, "vfm"), VFM_BODY)
    assert response.status_code == 200, response.content
    body = response.json()
    spec, _s, _m = sel.vfm_spec(fw.partnership, VfmInputs.objects.get())
    assert body["result"] == json.loads(json.dumps(value_for_money(spec).to_dict()))
    assert body["result"]["vfm"]["mean"] == pytest.approx(25.0)
    assert body["version"] == 1
    for name in ("ngo_user", "staff", "company_admin"):
        got = _client(fw, name).get(_url(fw, "vfm"))
        assert got.status_code == 200
        assert got.json()["result"] == body["result"]
    assert _client(fw, "outsider").get(_url(fw, "vfm")).status_code == 404
    assert _client(fw, "anonymous").get(_url(fw, "vfm")).status_code in (401, 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"discount_rate": "abc"}, "discount_rate"),
        ({"base_year": 1800}, "base_year"),
        ({"psc_capex": [1, "x"]}, "psc_capex"),
        ({"payments_source": "magic"}, "payments_source"),
        ({"transferable_parties": ["a"], "retained_parties": ["a"]}, "retained_parties"),
        ({"payments": {"availability_payment": [1]}}, "payments"),
    ],
)
def test_bad_vfm_body_is_a_422_with_the_field(fw, change, field):
    response = _put(_client(fw, "lead_admin"), _url(fw, "vfm"), VFM_BODY | change)
    assert response.status_code == 422, response.content
    assert any(field in e["loc"] for e in response.json()["detail"])
    assert not VfmInputs.objects.exists()


def test_vfm_writes_are_permission_checked_and_versioned(fw):
    assert _put(_client(fw, "ngo_user"), _url(fw, "vfm"), VFM_BODY).status_code == 403
    assert not VfmInputs.objects.exists()
    lead = _client(fw, "lead_admin")
    assert _put(lead, _url(fw, "vfm"), VFM_BODY).status_code == 200
    assert (
        _put(lead, _url(fw, "vfm"), VFM_BODY | {"other_costs": "4", "version": 1}).status_code
        == 200
    )
    stale = _put(lead, _url(fw, "vfm"), VFM_BODY | {"other_costs": "9", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["inputs"]["other_costs"] == "4.0000"
    checklist = _put(
        lead, _url(fw, "vfm/checklist"), {"answers": {"market": {"answer": "yes", "note": "ok"}}}
    )
    assert checklist.status_code == 200
    bad = _put(
        lead, _url(fw, "vfm/checklist"), {"answers": {"market": {"answer": "maybe"}}, "version": 1}
    )
    assert bad.status_code == 422


def test_fiscal_get_is_the_cores_result_with_projected_budget(fw, simple_fiscal):
    response = _client(fw, "ngo_user").get(_url(fw, "fiscal"))
    assert response.status_code == 200
    body = response.json()
    _inputs, data = sel.fiscal_compute(fw.partnership)
    assert body["result"] == json.loads(json.dumps(fiscal_burden(data["spec"]).to_dict()))
    assert [b["projected"] for b in body["budget"]] == [False, True, True]
    assert body["pjpk"]["organisation"] == fw.world.pemda.pk


def test_guarantees_over_the_api(fw, simple_fiscal):
    lead = _client(fw, "lead_admin")
    body = {"code": "PII", "name": "PT PII", "start_year": 2027, "expected": [1, 1], "p95": [4, 4]}
    created = _post(lead, _url(fw, "fiscal/guarantees"), body)
    assert created.status_code == 201, created.content
    guarantee = created.json()["guarantees"][0]
    assert "Perjanjian Regres" in guarantee["chain"] or "Perjanjian Regres" in guarantee[
        "chain"
    ].replace("\u00a0", " ")
    assert created.json()["result"]["contingent_expected"] == [0.0, 1.0, 1.0]
    bad = _post(lead, _url(fw, "fiscal/guarantees"), body | {"code": "X", "p95": [1]})
    assert bad.status_code == 422
    assert (
        _post(
            _client(fw, "ngo_user"), _url(fw, "fiscal/guarantees"), body | {"code": "Y"}
        ).status_code
        == 403
    )
    url = _url(fw, f"fiscal/guarantees/{guarantee['id']}")
    assert _put(lead, url, body | {"name": "Renamed", "version": 1}).status_code == 200
    assert _put(lead, url, body | {"name": "Stale", "version": 1}).status_code == 409
    assert lead.delete(url).status_code == 204
    assert lead.delete(url).status_code == 404


def test_stress_tests_over_the_api_hide_private_metrics(fw):
    private_model(fw)
    lead = _client(fw, "lead_admin")
    created = _post(
        lead,
        _url(fw, "stress-tests"),
        {"name": "Interest +150 bp", "shocks": [{"type": "interest", "bp": 150}]},
    )
    assert created.status_code == 201, created.content
    bad = _post(
        lead, _url(fw, "stress-tests"), {"name": "Bad", "shocks": [{"type": "delay", "years": 0}]}
    )
    assert bad.status_code == 422
    assert "shocks" in [e["loc"][-1] for e in bad.json()["detail"]]
    run = _post(lead, _url(fw, "stress-tests/run"), {})
    assert run.status_code == 200
    assert "equity_npv" in run.json()["scenarios"][0]["metrics"]
    theirs = _client(fw, "ngo_user").get(_url(fw, "stress-tests")).json()
    metrics = theirs["scenarios"][0]["metrics"]
    assert "government_npc" in metrics
    assert not set(metrics) & set(sel.PRIVATE_METRICS)
    assert theirs["private_metrics_shown"] is False
    sid = created.json()["id"]
    assert (
        _put(
            lead,
            _url(fw, f"stress-tests/{sid}"),
            {"name": "Renamed", "shocks": [{"type": "interest", "bp": 100}], "version": 1},
        ).status_code
        == 200
    )
    assert _client(fw, "ngo_user").delete(_url(fw, f"stress-tests/{sid}")).status_code == 403
    assert lead.delete(_url(fw, f"stress-tests/{sid}")).status_code == 204
    assert not StressScenario.objects.exists()


def test_budget_and_portfolio_over_the_api(fw, simple_fiscal):
    pemda = fw.world.pemda.pk
    lead = _client(fw, "lead_admin")
    got = lead.get(f"{API}/organisations/{pemda}/budget").json()
    assert got["years"] == [
        {"year": 2026, "amount": "1000000000000.00", "source": "Perda APBD (test)"}
    ]
    body = {
        "kind": "APBD",
        "label": "APBD",
        "source": "Perda",
        "years": [{"year": 2026, "amount": "1200000000000.00"}],
        "version": got["version"],
    }
    assert _put(lead, f"{API}/organisations/{pemda}/budget", body).status_code == 200
    assert BudgetSeries.objects.get().years.get().amount == 1200000000000
    dup = body | {
        "years": [{"year": 2026, "amount": "1"}, {"year": 2026, "amount": "2"}],
        "version": 2,
    }
    assert _put(lead, f"{API}/organisations/{pemda}/budget", dup).status_code == 422
    negative = body | {"years": [{"year": 2026, "amount": "-1"}], "version": 2}
    assert _put(lead, f"{API}/organisations/{pemda}/budget", negative).status_code == 422
    assert (
        _put(
            _client(fw, "ngo_user"), f"{API}/organisations/{pemda}/budget", body | {"version": 2}
        ).status_code
        == 403
    )
    portfolio = lead.get(f"{API}/organisations/{pemda}/fiscal-portfolio").json()
    assert portfolio["partnerships"] == [fw.partnership.pk]
    assert portfolio["years"][0]["direct"] == "10000000000.00"
    outsider = _client(fw, "outsider").get(f"{API}/organisations/{pemda}/fiscal-portfolio").json()
    assert outsider["partnerships"] == [] and outsider["years"] == []


def test_the_api_takes_negative_rates_within_the_models_bounds(fw, simple_fiscal):
    # the pages take a real discount rate below zero and a shrinking budget: so does the API
    lead = _client(fw, "lead_admin")
    below_zero = _put(lead, _url(fw, "vfm"), VFM_BODY | {"discount_rate": "-0.01"})
    assert below_zero.status_code == 200, below_zero.content
    assert below_zero.json()["inputs"]["discount_rate"] == "-0.0100"
    too_low = _put(lead, _url(fw, "vfm"), VFM_BODY | {"discount_rate": "-1", "version": 1})
    assert too_low.status_code == 422
    assert too_low.json()["detail"][0]["loc"][-1] == "discount_rate"
    pemda = fw.world.pemda.pk
    got = lead.get(f"{API}/organisations/{pemda}/budget").json()
    body = {
        "kind": "APBD",
        "label": "APBD",
        "source": "Perda",
        "growth_rate": "-0.1",
        "years": [{"year": 2026, "amount": "1000"}],
        "version": got["version"],
    }
    shrinking = _put(lead, f"{API}/organisations/{pemda}/budget", body)
    assert shrinking.status_code == 200, shrinking.content
    too_fast = body | {"growth_rate": "-0.6", "version": got["version"] + 1}
    refused = _put(lead, f"{API}/organisations/{pemda}/budget", too_fast)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "growth_rate"
