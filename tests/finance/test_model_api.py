"""The pinned finance API: PUT|GET /partnerships/{id}/finance-model (422 with JSON paths, 409
stale) and GET /partnerships/{id}/finance-results (the same JSON as `mitra finance --format json`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from mitra.analysis.finance.cli import main as finance_cli
from mitra.finance.models import FinanceModel

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _client(fw, name):
    client = Client()
    if name != "anonymous":
        client.force_login(fw.user(name))
    return client


def _url(fw, what="finance-model"):
    return f"{API}/partnerships/{fw.partnership.pk}/{what}"


def _put(client, url, body, **extra):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.put(url, text, content_type="application/json", **extra)


def test_put_then_get_is_the_same_spec(fw, hospital):
    lead = _client(fw, "lead_admin")
    assert lead.get(_url(fw)).status_code == 404
    response = _put(lead, _url(fw), hospital)
    assert response.status_code == 200, response.content
    assert response.json() == hospital
    assert response["ETag"] == '"1"'
    for name in ("member", "ngo_user", "staff"):
        got = _client(fw, name).get(_url(fw))
        assert got.status_code == 200 and got.json() == hospital
    assert _client(fw, "outsider").get(_url(fw)).status_code == 404
    assert _client(fw, "anonymous").get(_url(fw)).status_code in (401, 404)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"capex": [100]}, "$.capex"),
        ({"debt": {"share": 0.7, "rate": 0.1, "tenor_years": 40}}, "$.debt.tenor_years"),
        ({"opex": {"annual": -1}}, "$.opex.annual"),
        ({"spec_version": "9"}, "$.spec_version"),
    ],
)
def test_an_invalid_spec_is_a_422_with_json_paths(fw, hospital, change, path):
    response = _put(_client(fw, "lead_admin"), _url(fw), {**hospital, **change})
    assert response.status_code == 422, response.content
    body = response.json()
    assert path in {i["path"] for i in body["issues"]}
    assert not FinanceModel.objects.exists()


def test_a_body_that_is_not_json_is_a_400(fw):
    response = _put(_client(fw, "lead_admin"), _url(fw), "{not json")
    assert response.status_code == 400
    response = _put(_client(fw, "lead_admin"), _url(fw), '{"amount_unit": NaN}')
    assert response.status_code == 400


def test_versions_a_stale_put_is_a_409(fw, hospital):
    lead = _client(fw, "lead_admin")
    assert _put(lead, _url(fw), hospital).status_code == 200
    # a replacement must say which version it was made on
    assert _put(lead, _url(fw), hospital).status_code == 400
    second = _put(lead, _url(fw) + "?version=1", {**hospital, "name": "Second"})
    assert second.status_code == 200 and second["ETag"] == '"2"'
    stale = _put(lead, _url(fw), {**hospital, "name": "Third"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["version"] == 2
    assert body["current"]["spec"]["name"] == "Second"
    assert FinanceModel.objects.get().spec["name"] == "Second"
    assert _put(lead, _url(fw), hospital, HTTP_IF_MATCH='"2"').status_code == 200


def test_who_may_put(fw, hospital):
    for name in ("member", "ngo_user", "outsider"):
        assert _put(_client(fw, name), _url(fw), hospital).status_code in (403, 404)
    assert _put(_client(fw, "anonymous"), _url(fw), hospital).status_code == 401
    # the company's administrator creates the company's own model
    assert _put(_client(fw, "company_admin"), _url(fw), hospital).status_code == 200
    model = FinanceModel.objects.get()
    assert model.owner == fw.company_member
    # ... which the lead (not named) neither reads nor replaces
    assert _client(fw, "lead_admin").get(_url(fw)).status_code == 404
    assert _put(_client(fw, "lead_admin"), _url(fw) + "?version=1", hospital).status_code == 404


@pytest.mark.parametrize("name", ["hospital", "toll-road", "school"])
def test_results_equal_the_clis_json(fw, tmp_path: Path, name):
    spec_path = EXAMPLES / f"{name}.json"
    out = tmp_path / "out.json"
    assert finance_cli([str(spec_path), "--format", "json", "--out", str(out)]) == 0
    cli = json.loads(out.read_text())
    lead = _client(fw, "lead_admin")
    assert _put(lead, _url(fw), spec_path.read_text()).status_code == 200
    response = lead.get(_url(fw, "finance-results"))
    assert response.status_code == 200
    assert response.json() == cli
    assert _client(fw, "outsider").get(_url(fw, "finance-results")).status_code == 404
