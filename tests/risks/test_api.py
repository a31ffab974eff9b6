"""The risk register's REST API: risks, the risk-model spec and simulations, with permissions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mitra.analysis import read_spec_file, simulate
from mitra.jobs.runner import job_execute
from mitra.risks import services
from mitra.risks.models import Risk, RiskParty, Simulation
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World

CHECKOUT = Path(__file__).resolve().parents[2]
TOLL_ROAD = CHECKOUT / "examples" / "risk" / "toll-road.json"
EN = {"Accept-Language": "en"}


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {actor: client_for(world, actor) for actor in actors}


@pytest.fixture
def parties(world: World, register: dict[int, RiskParty]) -> dict[str, RiskParty]:
    """The open register's parties by name: pemda, company, ngo."""
    return {
        "pemda": register[world.pemda.pk],
        "company": register[world.company.pk],
        "ngo": register[world.ngo.pk],
    }


def _body(parties: dict[str, RiskParty], **extra: Any) -> dict[str, Any]:
    return {
        "code": "R1",
        "category": "construction",
        "title_ind": "Pembengkakan biaya konstruksi",
        "title_en": "Construction cost overrun",
        "phase": "construction",
        "likelihood": 4,
        "impact_level": 4,
        "quantity": {
            "probability": 0.4,
            "impact": {"type": "pert", "min": 0.02, "mode": 0.05, "max": 0.2},
            "basis": "relative",
            "applies_to": "capex",
            "years": [1, 2],
        },
        "allocations": [
            {"party": parties["pemda"].pk, "share": "0.3", "rationale": "Land and permits"},
            {"party": parties["company"].pk, "share": "0.6", "rationale": "Builds it"},
            {"party": parties["ngo"].pk, "share": 0.1, "rationale": "Community works"},
        ],
        **extra,
    }


def _risks_url(world: World) -> str:
    return f"{API}/partnerships/{world.partnership.pk}/risks"


def _create(clients: dict[str, ApiClient], world: World, parties: Any, **extra: Any) -> Any:
    response = clients["member"].post_json(_risks_url(world), _body(parties, **extra))
    assert response.status_code == 201, response.json()
    return response.json()


def _locs(response: Any) -> list[Any]:
    return [item["loc"] for item in response.json()["detail"]]


# --- risks ----------------------------------------------------------------------------------------


def test_a_partner_adds_a_risk_and_every_partner_and_staff_read_it(world, parties, clients):
    # when a partner (not the lead) adds a risk allocated to three partners
    created = _create(clients, world, parties)

    # then it answers the risk with its allocation as exact decimal strings
    assert created["code"] == "R1" and created["title_en"] == "Construction cost overrun"
    assert created["title"] == "Pembengkakan biaya konstruksi"  # default language
    assert created["quantity"]["impact"] == {"type": "pert", "min": 0.02, "mode": 0.05, "max": 0.2}
    assert created["cost_hidden"] is False and created["version"] == 1
    assert [(a["party_key"], a["share"]) for a in created["allocations"]] == [
        (parties["pemda"].key, "0.3"),
        (parties["company"].key, "0.6"),
        (parties["ngo"].key, "0.1"),
    ]
    assert created["allocations"][1]["party"] == parties["company"].pk
    assert created["allocations"][1]["rationale"] == "Builds it"
    # stored as the spec's floats, as mitra simulate reads them
    assert Risk.objects.get().quantity["probability"] == 0.4
    # and every partner and platform staff list and get it; the title follows the language
    for actor in ["lead_admin", "member", "ngo_user", "staff"]:
        listed = clients[actor].get_json(_risks_url(world), headers=EN)
        assert listed.status_code == 200
        assert listed.json()["count"] == 1
        assert listed.json()["items"][0]["title"] == "Construction cost overrun"
        got = clients[actor].get_json(f"{API}/risks/{created['id']}")
        assert got.status_code == 200 and got.json() == created


def test_the_list_runs_a_fixed_number_of_queries(world, parties, clients):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = clients["lead_admin"].get_json(_risks_url(world))
        assert response.status_code == 200
        return len(queries)

    _create(clients, world, parties)
    one = count()
    for code in ["R2", "R3", "R4"]:
        services.mitigation_create(
            actor=world.users["member"],
            risk=Risk.objects.get(pk=_create(clients, world, parties, code=code)["id"]),
            data={"action_ind": "Asuransi konstruksi", "action_en": "Construction insurance"},
        )
    assert count() == one
    items = clients["member"].get_json(_risks_url(world), headers=EN).json()["items"]
    assert items[1]["mitigations"][0]["action"] == "Construction insurance"
    assert items[1]["mitigations"][0]["status"] == "planned"


def test_outsiders_get_404_and_anonymous_401(world, parties, clients):
    risk = _create(clients, world, parties)
    outsider, anonymous = clients["outsider"], clients["anonymous"]
    url = f"{API}/risks/{risk['id']}"
    # an outsider of a partners-only partnership: nothing exists
    assert outsider.get_json(_risks_url(world)).status_code == 404
    assert outsider.post_json(_risks_url(world), _body(parties, code="R2")).status_code == 404
    assert outsider.get_json(url).status_code == 404
    assert outsider.patch_json(url, {"version": 1, "likelihood": 1}).status_code == 404
    assert outsider.delete_json(url).status_code == 404
    model = f"{API}/partnerships/{world.partnership.pk}/risk-model"
    assert outsider.get_json(model).status_code == 404
    sims = f"{API}/partnerships/{world.partnership.pk}/simulations"
    assert outsider.post_json(sims, {}).status_code == 404
    # anonymous callers must sign in (the register is partner-level detail, like the history)
    assert anonymous.get_json(_risks_url(world)).status_code == 401
    assert anonymous.get_json(url).status_code == 401
    assert Risk.objects.get().likelihood == 4


def test_a_public_partnerships_register_is_for_its_partners_only(world, clients):
    # like its audit trail: 403 for a signed-in non-partner, 401 for anonymous
    url = f"{API}/partnerships/{world.public.pk}/risks"
    assert clients["outsider"].get_json(url).status_code == 403
    assert clients["anonymous"].get_json(url).status_code == 401
    assert clients["ngo_user"].get_json(url).json() == {"items": [], "count": 0}


def test_staff_read_but_do_not_write(world, parties, clients):
    risk = _create(clients, world, parties)
    staff = clients["staff"]
    assert staff.post_json(_risks_url(world), _body(parties, code="R2")).status_code == 403
    response = staff.patch_json(f"{API}/risks/{risk['id']}", {"version": 1, "likelihood": 1})
    assert response.status_code == 403
    assert staff.delete_json(f"{API}/risks/{risk['id']}").status_code == 403
    assert Risk.objects.get().likelihood == 4


def test_only_the_leads_admins_delete_a_risk(world, parties, clients):
    risk = _create(clients, world, parties)
    url = f"{API}/risks/{risk['id']}"
    for actor in ["member", "ngo_user"]:
        response = clients[actor].delete_json(url, headers=EN)
        assert response.status_code == 403
        assert "lead partner" in response.json()["detail"]
    assert Risk.objects.count() == 1
    response = clients["lead_admin"].delete_json(url)
    assert response.status_code == 204
    assert not Risk.objects.exists()
    assert clients["lead_admin"].get_json(url).status_code == 404


def test_a_partner_changes_a_risk_and_a_stale_edit_is_refused(world, parties, clients):
    risk = _create(clients, world, parties)
    url = f"{API}/risks/{risk['id']}"
    # when the NGO changes the allocation and the likelihood with the version it read
    response = clients["ngo_user"].patch_json(
        url,
        {
            "version": 1,
            "likelihood": 2,
            "allocations": [
                {"party": parties["pemda"].pk, "share": "0.5"},
                {"party": parties["company"].pk, "share": "0.5"},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    changed = response.json()
    assert changed["likelihood"] == 2 and changed["version"] == 2
    assert [a["share"] for a in changed["allocations"]] == ["0.5", "0.5"]
    assert changed["quantity"] == risk["quantity"]  # figures left out are kept
    # then an edit on the old version is refused with what is stored now
    stale = clients["member"].patch_json(url, {"version": 1, "likelihood": 5}, headers=EN)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"] == clients["member"].get_json(url, headers=EN).json()
    assert body["current"]["version"] == 2
    assert "Someone else saved" in body["detail"]
    assert Risk.objects.get().likelihood == 2


def test_shares_that_do_not_add_up_to_100_percent_are_a_field_error(world, parties, clients):
    body = _body(parties)
    body["allocations"][2]["share"] = "0.05"
    response = clients["member"].post_json(_risks_url(world), body, headers=EN)
    assert response.status_code == 422
    assert _locs(response) == [["body", "payload", "allocation"]]
    assert "must add up to exactly 100%" in response.json()["detail"][0]["msg"]
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probability": 1.5}, "probability"),
        ({"years": [9]}, "years"),  # the horizon is 5 years
        ({"impact": {"type": "pert", "min": 0.3, "mode": 0.1, "max": 0.2}}, "impact_type"),
        ({"impact": {"type": "normal", "mean": 0.1, "sd": -1}}, "impact_sd"),
    ],
)
def test_figures_the_spec_refuses_are_field_errors(world, parties, clients, change, field):
    body = _body(parties)
    body["quantity"] |= change
    response = clients["member"].post_json(_risks_url(world), body, headers=EN)
    assert response.status_code == 422
    assert ["body", "payload", field] in _locs(response)
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"allocations": [{"party": 999999, "share": "1"}]}, ["body", "payload", "allocation"]),
        ({"controlled_by": 999999}, ["body", "payload", "controlled_by"]),
        ({"cost_confidential_to": 999999}, ["body", "payload", "cost_confidential_to"]),
        ({"code": "1 bad"}, ["body", "payload", "code"]),
        ({"quantity": {"probability": "NaN"}}, ["body", "payload", "quantity", "probability"]),
    ],
)
def test_ids_and_values_that_point_nowhere_are_field_errors(world, parties, clients, change, loc):
    response = clients["member"].post_json(_risks_url(world), _body(parties) | change)
    assert response.status_code == 422
    assert loc in _locs(response)
    assert not Risk.objects.exists()


def test_the_same_party_twice_is_a_field_error(world, parties, clients):
    body = _body(parties)
    body["allocations"] = [
        {"party": parties["company"].pk, "share": "0.5"},
        {"party": parties["company"].pk, "share": "0.5"},
    ]
    response = clients["member"].post_json(_risks_url(world), body)
    assert response.status_code == 422
    assert _locs(response) == [["body", "payload", "allocation"]]


# --- confidential cost figures ----------------------------------------------------------------------


def test_confidential_cost_figures_are_shown_only_to_their_owner(world, parties, clients):
    # given a risk whose cost figures the company keeps to itself
    company_member = parties["company"].member_id
    risk = _create(clients, world, parties, cost_confidential_to=company_member)
    url = f"{API}/risks/{risk['id']}"
    assert risk["cost_confidential_to"] == company_member
    # then its owner sees them
    own = clients["member"].get_json(url).json()
    assert own["quantity"]["impact"]["mode"] == 0.05 and own["cost_hidden"] is False
    # another partner sees the rest, not the cost figures, and cannot export the spec
    for actor in ["lead_admin", "staff"]:
        other = clients[actor].get_json(url).json()
        assert other["cost_hidden"] is True
        assert other["quantity"]["impact"] is None and other["quantity"]["unit_value"] is None
        assert other["quantity"]["probability"] == 0.4
        listed = clients[actor].get_json(_risks_url(world)).json()["items"][0]
        assert listed["quantity"]["impact"] is None and listed["cost_hidden"] is True
        model = clients[actor].get_json(f"{API}/partnerships/{world.partnership.pk}/risk-model")
        assert model.status_code == 403
    # nor send figures for it; a change of the rest keeps the stored figures
    lead = clients["lead_admin"]
    response = lead.patch_json(url, {"version": 1, "quantity": {"probability": 0.5}})
    assert response.status_code == 403
    response = lead.patch_json(url, {"version": 1, "likelihood": 1})
    assert response.status_code == 200
    assert response.json()["quantity"]["impact"] is None
    assert Risk.objects.get().quantity["impact"]["mode"] == 0.05


# --- the risk-model spec ----------------------------------------------------------------------------


def _model_url(world: World, partnership: Any = None) -> str:
    return f"{API}/partnerships/{(partnership or world.partnership).pk}/risk-model"


def _put(client: ApiClient, url: str, spec: Any, **kwargs: Any) -> Any:
    text = spec if isinstance(spec, str) else json.dumps(spec)
    return client.put(url, text, content_type="application/json", **kwargs)


def test_a_spec_put_then_got_is_the_same_file(world, clients):
    spec = read_spec_file(TOLL_ROAD)
    # no register yet: nothing to export
    assert clients["member"].get_json(_model_url(world)).status_code == 404
    # when the lead's admin puts the file
    response = _put(clients["lead_admin"], _model_url(world), TOLL_ROAD.read_text())
    # then the answer and every partner's GET are the same file (as JSON)
    assert response.status_code == 200, response.json()
    assert response.json() == spec
    for actor in ["member", "ngo_user", "staff"]:
        got = clients[actor].get_json(_model_url(world))
        assert got.status_code == 200 and got.json() == spec
    assert Risk.objects.filter(partnership=world.partnership).count() == len(spec["risks"])


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s["risks"][1]["impact"].update(min="a lot"), "$.risks[1].impact.min"),
        (
            lambda s: s["risks"][0].update(allocation={"public": 0.5, "private": 0.4}),
            "$.risks[0].allocation",
        ),
    ],
)
def test_an_invalid_spec_is_422_with_each_issue_and_changes_nothing(
    world, parties, clients, change, path
):
    _create(clients, world, parties)
    before = list(RiskParty.objects.values_list("pk", "key", "name"))
    spec = read_spec_file(TOLL_ROAD)
    change(spec)
    response = _put(clients["lead_admin"], _model_url(world), spec, headers=EN)
    assert response.status_code == 422
    body = response.json()
    assert "nothing was changed" in body["detail"]
    assert path in [issue["path"] for issue in body["issues"]]
    assert all(issue["message"] for issue in body["issues"])
    assert list(Risk.objects.values_list("code", flat=True)) == ["R1"]
    assert list(RiskParty.objects.values_list("pk", "key", "name")) == before


def test_only_the_leads_admins_put_a_spec(world, clients):
    spec = read_spec_file(TOLL_ROAD)
    for actor, status in [("member", 403), ("ngo_user", 403), ("staff", 403), ("outsider", 404)]:
        assert _put(clients[actor], _model_url(world), spec).status_code == status
    assert _put(clients["anonymous"], _model_url(world), spec).status_code == 401
    assert not Risk.objects.exists()


@pytest.mark.parametrize("text", ["{", '{"amount_unit": NaN}', ""])
def test_a_body_that_is_not_json_is_400(world, clients, text):
    response = _put(clients["lead_admin"], _model_url(world), text)
    assert response.status_code == 400
    assert not Risk.objects.exists()


# --- simulations ------------------------------------------------------------------------------------


def test_a_simulation_runs_as_a_job_and_gives_what_mitra_simulate_gives(
    world, parties, clients, django_capture_on_commit_callbacks
):
    risk = _create(clients, world, parties)
    url = f"{API}/partnerships/{world.partnership.pk}/simulations"
    # when a partner starts a run (the worker does not pick it up yet)
    with django_capture_on_commit_callbacks(execute=False):
        response = clients["ngo_user"].post_json(url, {"iterations": 2000, "seed": 11})
    # then it is queued
    assert response.status_code == 202, response.json()
    queued = response.json()
    assert queued["status"] == "queued" and queued["progress"] == 0
    assert queued["iterations"] == 2000 and queued["seed"] == 11
    assert queued["result"] is None and queued["stale"] is False
    # when the worker runs it
    simulation = Simulation.objects.get(pk=queued["id"])
    job_execute(str(simulation.job_id))
    # then every partner and staff read the same result as mitra simulate's
    spec = clients["member"].get_json(_model_url(world)).json()  # the file mitra simulate reads
    expected = json.loads(json.dumps(simulate(spec, iterations=2000, seed=11).to_dict()))
    expected.pop("timing")
    for actor in ["member", "lead_admin", "staff"]:
        done = clients[actor].get_json(f"{API}/simulations/{queued['id']}").json()
        assert done["status"] == "done" and done["progress"] == 1
        assert done["error"] is None and done["stale"] is False
        result = dict(done["result"])
        result.pop("timing")
        assert result == expected
    # a change to the register makes the result stale
    clients["member"].patch_json(f"{API}/risks/{risk['id']}", {"version": 1, "likelihood": 2})
    clients["member"].patch_json(
        f"{API}/risks/{risk['id']}",
        {"version": 2, "quantity": risk["quantity"] | {"probability": 0.5}},
    )
    done = clients["member"].get_json(f"{API}/simulations/{queued['id']}").json()
    assert done["stale"] is True


def test_who_may_run_and_read_a_simulation(
    world, parties, clients, django_capture_on_commit_callbacks
):
    _create(clients, world, parties)
    url = f"{API}/partnerships/{world.partnership.pk}/simulations"
    assert clients["staff"].post_json(url, {}).status_code == 403
    assert clients["outsider"].post_json(url, {}).status_code == 404
    assert clients["anonymous"].post_json(url, {}).status_code == 401
    for iterations in [0, 1_000_001]:
        response = clients["member"].post_json(url, {"iterations": iterations})
        assert response.status_code == 422
        assert _locs(response) == [["body", "payload", "iterations"]]
    with django_capture_on_commit_callbacks(execute=False):
        response = clients["member"].post_json(url, {})
    assert response.status_code == 202
    simulation = response.json()
    assert simulation["iterations"] == 10_000 and simulation["seed"] is None
    got = f"{API}/simulations/{simulation['id']}"
    assert clients["outsider"].get_json(got).status_code == 404
    assert clients["staff"].get_json(got).json()["status"] == "queued"


def test_a_register_that_cannot_run_yet_says_why(world, parties, clients):
    _create(clients, world, parties, quantity=None)
    url = f"{API}/partnerships/{world.partnership.pk}/simulations"
    response = clients["member"].post_json(url, {"iterations": 100}, headers=EN)
    assert response.status_code == 400
    assert "R1" in response.json()["detail"] and "no figures" in response.json()["detail"]
    assert not Simulation.objects.exists()
