"""The Benefit-sharing tab and its forms through the test client: field errors, never a 500."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.benefits.forms import field_name
from mitra.benefits.models import CoalitionEstimate, SharingSettings

from ..views.conftest import sign_in


def test_the_tab_shows_shapley_and_the_core_check(client, world, game):
    sign_in(client, world, "lead_admin")
    url = reverse("partnerships:tab", args=[world.partnership.pk, "sharing"])
    page = client.get("/en" + url).content.decode()
    assert 'data-testid="core-verdict"' in page
    assert 'data-testid="sharing-split"' not in page  # charts carry their key, not a test id
    assert 'id="chart-sharing-split"' in page
    assert "Shapley" in page
    assert 'data-testid="sharing-hidden"' in page  # the company's confidential delivery
    sign_in(client, world, "member")
    own = client.get("/en" + url).content.decode()
    assert 'data-testid="sharing-own-confidential"' in own
    sign_in(client, world, "outsider")
    assert client.get(url).status_code == 404


def test_a_chart_downloads_as_csv(client, world, game):
    sign_in(client, world, "member")
    url = reverse("benefits:chart_table", args=[world.partnership.pk])
    response = client.get(url, {"export": "csv", "chart": "sharing-split"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Shapley" in body


def test_the_guided_form_refuses_a_word_for_a_number(client, world, game):
    sign_in(client, world, "ngo_user")
    url = reverse("benefits:coalitions", args=[world.partnership.pk])
    page = client.get(url)
    assert page.status_code == 200
    ids = game["ids"]
    version = SharingSettings.objects.get(partnership=world.partnership).version
    data = {
        "version": version,
        "total_benefit": "1.000",
        field_name((ids["pemda"],)): "100",
        field_name((ids["company"],)): "banyak",
        field_name((ids["ngo"],)): "10",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    # a valid estimate in Indonesian notation is saved
    data[field_name((ids["company"],))] = "50"
    data[field_name((ids["company"], ids["ngo"]))] = "77,5"
    response = client.post(url, data)
    assert response.status_code == 302
    key = ",".join(str(i) for i in sorted([ids["company"], ids["ngo"]]))
    assert CoalitionEstimate.objects.get(members_key=key).value == 77500000


def test_shares_that_do_not_add_up_are_a_field_error(client, world, game):
    sign_in(client, world, "member")
    url = reverse("benefits:settings", args=[world.partnership.pk])
    settings = SharingSettings.objects.get(partnership=world.partnership)
    data = {
        "currency": "IDR",
        "amount_unit": "1000000",
        "proposal_kind": "shares",
        "version": settings.version,
        f"share_{game['ids']['pemda']}": "50",
        f"share_{game['ids']['company']}": "30",
        f"share_{game['ids']['ngo']}": "10",
    }
    response = client.post("/en" + url, data)
    assert response.status_code == 400
    assert "they must add up to 100%" in response.content.decode()


def test_an_imported_file_with_problems_lists_them_and_changes_nothing(client, world, game):
    sign_in(client, world, "member")
    url = reverse("benefits:import", args=[world.partnership.pk])
    spec = client.get(reverse("benefits:export", args=[world.partnership.pk])).json()
    spec["players"][1]["walk_away"] = "much"
    upload = SimpleUploadedFile("game.json", json.dumps(spec).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "$.players[1].walk_away" in response.content.decode()
    garbage = SimpleUploadedFile("game.json", b"\xff\xfe", "application/json")
    assert client.post(url, {"file": garbage}).status_code == 400


def test_a_negative_unit_value_is_a_field_error(client, world, game):
    sign_in(client, world, "member")
    url = reverse("benefits:unit_value", args=[world.partnership.pk, "equipment", "units"])
    response = client.post(url, {"value": "-1"})
    assert response.status_code == 400
    assert (
        client.get(
            reverse("benefits:unit_value", args=[world.partnership.pk, "x", "y"])
        ).status_code
        == 404
    )


def test_a_stale_guided_form_is_refused_with_the_input_kept(client, world, game):
    sign_in(client, world, "member")
    url = reverse("benefits:coalitions", args=[world.partnership.pk])
    ids = game["ids"]
    data = {
        "version": SharingSettings.objects.get(partnership=world.partnership).version - 1,
        "total_benefit": "999",
        field_name((ids["pemda"],)): "100",
        field_name((ids["company"],)): "50",
        field_name((ids["ngo"],)): "10",
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assert 'value="999"' in response.content.decode()
    stored = SharingSettings.objects.get(partnership=world.partnership)
    assert stored.total_benefit == 1000000000


def test_an_empty_game_says_what_is_missing(client, world):
    sign_in(client, world, "lead_admin")
    url = reverse("partnerships:tab", args=[world.public.pk, "sharing"])
    page = client.get("/en" + url).content.decode()
    assert 'data-testid="sharing-incomplete"' in page
    assert "estimate what the partners create together" in page
    sign_in(client, world, "outsider")
    assert client.get(url).status_code == 403  # a public partnership: visible, its game is not
