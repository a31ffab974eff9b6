"""The benefit-sharing API: the spec and the analysis equal `mitra share` on the same file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mitra.analysis.sharing.cli import main as share_main
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {actor: client_for(world, actor) for actor in actors}


def _cli(spec: dict[str, Any], tmp_path: Any) -> Any:
    path, out = tmp_path / "game.json", tmp_path / "out.json"
    path.write_text(json.dumps(spec))
    assert share_main([str(path), "--format", "json", "--out", str(out)]) == 0
    return json.loads(out.read_text())


@pytest.mark.parametrize("actor", ["member", "lead_admin"])
def test_the_analysis_equals_mitra_share_on_the_callers_spec(world, game, clients, actor, tmp_path):
    client = clients[actor]
    base = f"{API}/partnerships/{world.partnership.pk}"
    spec = client.get_json(f"{base}/sharing-game", headers={"Accept-Language": "en"}).json()
    result = client.get_json(f"{base}/sharing", headers={"Accept-Language": "en"}).json()
    assert result == _cli(spec, tmp_path)
    assert result["shapley_method"] == "exact"
    assert sum(p["shapley"] for p in result["parties"]) == pytest.approx(1000)


def test_readers_who_are_not_partners_get_no_game(world, game, clients):
    url = f"{API}/partnerships/{world.partnership.pk}/sharing-game"
    assert clients["anonymous"].get_json(url).status_code == 401
    assert clients["outsider"].get_json(url).status_code == 404
    public = f"{API}/partnerships/{world.public.pk}/sharing"
    assert clients["outsider"].get_json(public).status_code == 403


def test_an_incomplete_game_is_a_422_with_its_issues(world, clients):
    response = clients["lead_admin"].get_json(f"{API}/partnerships/{world.public.pk}/sharing")
    assert response.status_code == 422
    assert any(i["path"] == "$.players" for i in response.json()["issues"])


def test_importing_a_spec_with_errors_is_a_422_with_json_paths(world, game, clients):
    client = clients["member"]
    url = f"{API}/partnerships/{world.partnership.pk}/sharing-game"
    spec = client.get_json(url).json()
    spec["proposal"] = {"shares": {spec["players"][0]["id"]: 0.4}}
    response = client.put(url, json.dumps(spec), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["issues"][0]["path"] == "$.proposal.shares"
    bad = client.put(url, "{not json", content_type="application/json")
    assert bad.status_code == 400


def test_a_partner_sets_a_group_and_a_unit_value(world, game, clients):
    client = clients["ngo_user"]
    base = f"{API}/partnerships/{world.partnership.pk}/sharing"
    keys = game["keys"]
    body = {"members": [keys["company"], keys["ngo"]], "worth": "75.5"}
    response = client.put(f"{base}/coalitions", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    listed = response.json()["characteristic_function"]["coalitions"]
    assert {"members": [keys["company"], keys["ngo"]], "worth": 75.5} in listed
    unknown = {"members": ["nobody"], "worth": 1}
    response = client.put(
        f"{base}/coalitions", json.dumps(unknown), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "members"
    value = {"resource_type": "equipment", "unit": "units", "value": "-5"}
    response = client.put(f"{base}/unit-values", json.dumps(value), content_type="application/json")
    assert response.status_code == 422
    value["value"] = "8000000"
    response = client.put(f"{base}/unit-values", json.dumps(value), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["set_by"] == "ngo_user"
