"""The pinned results API: indicators, periods, updates and the review transitions; field
errors are 422, a stale version 409, whoever may not see the partnership 404."""

from __future__ import annotations

import pytest

from mitra.results.models import Indicator, Period, Status, Update
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World

from .conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {actor: client_for(world, actor) for actor in actors}


def test_the_lead_adds_an_indicator_and_a_period(
    world: World, clients: dict[str, ApiClient]
) -> None:
    base = f"{API}/partnerships/{world.public.pk}/indicators"
    body = {
        "result_title": "Better teaching",
        "title": "Teachers trained",
        "unit": "people",
        "reporter": member_of(world.public, world.ngo).pk,
        "verifier": member_of(world.public, world.pemda).pk,
    }
    assert clients["ngo_user"].post_json(base, body).status_code == 403
    created = clients["lead_admin"].post_json(base, body)
    assert created.status_code == 201, created.content
    indicator = created.json()
    assert indicator["status"] == "grey" and indicator["level"] == "output"
    listed = clients["ngo_user"].get_json(base)
    assert [i["id"] for i in listed.json()] == [indicator["id"]]
    assert clients["outsider"].get_json(base).status_code == 404
    assert clients["anonymous"].get_json(base).status_code == 401
    periods = f"{API}/indicators/{indicator['id']}/periods"
    period = clients["lead_admin"].post_json(
        periods,
        {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "target_value": "100",
            "targets": [{"dimension": "sex", "category": "female", "value": 50}],
        },
    )
    assert period.status_code == 201, period.content
    assert period.json()["due_date"] == "2026-01-30"
    assert period.json()["targets"][0]["value"] == "50.0000"
    assert clients["ngo_user"].get_json(periods).json()[0]["id"] == period.json()["id"]


def test_a_verifier_of_the_reporters_own_organisation_is_a_field_error(
    world: World, clients: dict[str, ApiClient]
) -> None:
    ngo = member_of(world.public, world.ngo).pk
    answer = clients["lead_admin"].post_json(
        f"{API}/partnerships/{world.public.pk}/indicators",
        {"result_title": "R", "title": "T", "unit": "people", "reporter": ngo, "verifier": ngo},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "verifier"


def test_report_submit_return_approve(
    world: World, period_2025: Period, clients: dict[str, ApiClient]
) -> None:
    created = clients["ngo_user"].post_json(
        f"{API}/periods/{period_2025.pk}/updates",
        {
            "numerator": "120",
            "disaggregations": [
                {"dimension": "sex", "category": "female", "numerator": "70"},
                {
                    "dimension": "region",
                    "category": "32.03.05.2001",
                    "label": "Sukamaju",
                    "numerator": 30,
                },
            ],
        },
    )
    assert created.status_code == 201, created.content
    update = created.json()
    assert update["status"] == "draft" and update["value"] == "120.0000"
    assert len(update["disaggregations"]) == 2
    uid = update["id"]
    assert clients["lead_admin"].post_json(f"{API}/updates/{uid}/approve", {}).status_code == 400
    submitted = clients["ngo_user"].post_json(
        f"{API}/updates/{uid}/submit", {"version": update["version"]}
    )
    assert submitted.json()["status"] == "submitted"
    # a stale version answers 409 with the current update
    stale = clients["lead_admin"].post_json(
        f"{API}/updates/{uid}/approve", {"version": update["version"]}
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "submitted"
    assert clients["ngo_user"].post_json(f"{API}/updates/{uid}/approve", {}).status_code == 403
    no_comment = clients["lead_admin"].post_json(f"{API}/updates/{uid}/return", {})
    assert no_comment.status_code == 422
    returned = clients["lead_admin"].post_json(
        f"{API}/updates/{uid}/return", {"comment": "Attach the list."}
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Attach the list."
    clients["ngo_user"].post_json(f"{API}/updates/{uid}/submit", {})
    approved = clients["lead_admin"].post_json(f"{API}/updates/{uid}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == Status.APPROVED
    periods = clients["ngo_user"].get_json(f"{API}/indicators/{period_2025.indicator_id}/periods")
    assert periods.json()[0]["actual"] == "120.0000"


def test_a_breakdown_beyond_the_total_is_a_422(
    world: World, period_2025: Period, clients: dict[str, ApiClient]
) -> None:
    answer = clients["ngo_user"].post_json(
        f"{API}/periods/{period_2025.pk}/updates",
        {
            "numerator": 10,
            "disaggregations": [{"dimension": "age", "category": "60+", "numerator": 11}],
        },
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "disaggregations"
    assert Update.objects.count() == 0


def test_only_the_reporter_reports(
    world: World, teachers: Indicator, period_2025: Period, clients: dict[str, ApiClient]
) -> None:
    url = f"{API}/periods/{period_2025.pk}/updates"
    assert clients["lead_admin"].post_json(url, {"numerator": 1}).status_code == 403
    assert clients["outsider"].post_json(url, {"numerator": 1}).status_code == 404
