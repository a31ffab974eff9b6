"""The goals API: the pinned alignment endpoints equal ``mitra align`` on the same spec, hidden
constraints stay hidden, writes answer field errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from mitra.analysis.alignment.cli import main as align_cli
from mitra.goals.models import Lever, LeverObjective, NegotiationEntry
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {actor: client_for(world, actor) for actor in actors}


def _cli_json(spec: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    path = tmp_path / "alignment-spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    capsys.readouterr()
    assert align_cli([str(path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("actor", ["ngo_user", "member", "lead_admin"])
def test_the_alignment_equals_the_cli_on_the_same_spec(
    world: World,
    tariff: Lever,
    clients: dict[str, ApiClient],
    actor: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = f"{API}/partnerships/{world.partnership.pk}"
    spec = clients[actor].get_json(base + "/alignment-spec")
    assert spec.status_code == 200
    result = clients[actor].get_json(base + "/alignment")
    assert result.status_code == 200
    assert result.json() == _cli_json(spec.json(), tmp_path, capsys)


def test_the_spec_leaves_out_another_partners_hidden_constraint(
    world: World, tariff: Lever, clients: dict[str, ApiClient]
) -> None:
    base = f"{API}/partnerships/{world.partnership.pk}"
    ngo = clients["ngo_user"].get_json(base + "/alignment-spec").json()
    own = clients["member"].get_json(base + "/alignment-spec").json()
    assert len(ngo["partners"]) == 2 and len(own["partners"]) == 3
    assert "48200" not in json.dumps(ngo)
    assert clients["ngo_user"].get_json(base + "/alignment").json()["feasible"] is True
    assert clients["member"].get_json(base + "/alignment").json()["feasible"] is False
    levers = clients["ngo_user"].get_json(base + "/levers").json()
    hidden = [o for o in levers[0]["objectives"] if o["hidden"]]
    assert len(hidden) == 1
    assert (hidden[0]["acceptable_min"], hidden[0]["walk_away"], hidden[0]["note"]) == (
        None,
        None,
        "",
    )


@pytest.mark.parametrize(("actor", "status"), [("anonymous", 401), ("outsider", 404)])
def test_who_may_not_read_the_alignment(
    world: World, tariff: Lever, clients: dict[str, ApiClient], actor: str, status: int
) -> None:
    base = f"{API}/partnerships/{world.partnership.pk}"
    assert clients[actor].get_json(base + "/alignment-spec").status_code == status
    assert clients[actor].get_json(base + "/alignment").status_code == status


def test_no_objective_yet_is_a_404(world: World, clients: dict[str, ApiClient]) -> None:
    response = clients["lead_admin"].get_json(
        f"{API}/partnerships/{world.partnership.pk}/alignment"
    )
    assert response.status_code == 404


def test_an_objective_with_a_bad_walk_away_point_is_a_422(
    world: World, tariff: Lever, clients: dict[str, ApiClient]
) -> None:
    before = LeverObjective.objects.get(lever=tariff, member__organisation=world.ngo)
    url = f"{API}/partnerships/{world.partnership.pk}/levers/{tariff.pk}/objective"
    response = clients["ngo_user"].put(
        url,
        json.dumps(
            {
                "direction": "decrease",
                "preferred": 35000,
                "acceptable_min": "35000",
                "acceptable_max": "45000",
                "walk_away": "44000",
                "version": before.version,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert any(e["loc"][-1] == "walk_away" for e in response.json()["detail"])
    assert LeverObjective.objects.get(pk=before.pk).version == before.version


def test_an_objective_is_stated_through_the_api(
    world: World, clients: dict[str, ApiClient]
) -> None:
    base = f"{API}/partnerships/{world.partnership.pk}"
    created = clients["lead_admin"].post_json(base + "/levers", {"catalogue_key": "tariff"})
    assert created.status_code == 201
    lever_id = created.json()["id"]
    response = clients["lead_admin"].put(
        f"{base}/levers/{lever_id}/objective",
        json.dumps(
            {
                "direction": "target",
                "preferred": "44000",
                "acceptable_min": "40000",
                "acceptable_max": "47000",
                "confidentiality": "owner",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["preferred"], response.json()["hidden"]) == ("44000.0000", False)
    seen = clients["member"].get_json(base + "/levers").json()[0]["objectives"][0]
    assert (seen["hidden"], seen["preferred"]) == (True, None)


def test_the_negotiation_record_through_the_api(
    world: World, tariff: Lever, clients: dict[str, ApiClient]
) -> None:
    url = f"{API}/partnerships/{world.partnership.pk}/negotiation"
    counter = clients["member"].post_json(
        url, {"kind": "counter", "lever": tariff.pk, "value": "52000"}
    )
    assert counter.status_code == 201
    refused = clients["member"].post_json(
        url, {"kind": "agreed", "subject": "Benefit-sharing rule", "value_text": "Shapley value"}
    )
    assert refused.status_code == 403
    agreed = clients["lead_admin"].post_json(
        url, {"kind": "agreed", "subject": "Benefit-sharing rule", "value_text": "Shapley value"}
    )
    assert agreed.status_code == 201
    assert agreed.json()["topic"] == "Benefit-sharing rule"
    assert len(agreed.json()["parties"]) == 3
    listed = clients["ngo_user"].get_json(url).json()
    assert [e["kind"] for e in listed] == ["counter", "agreed"]
    assert NegotiationEntry.objects.count() == 2
