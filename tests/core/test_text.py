"""Text Mitra stores has no C0 control characters (but tab, newline, carriage return), whichever
path writes it: the API, a page's form, a service, an import (issue 18, point 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mitra.core.text import strip_controls
from mitra.imports.common import clean_text
from mitra.partnerships.models import Objective, Partnership
from tests.api.conftest import API, client_for

pytestmark = pytest.mark.django_db


def test_the_rule_keeps_tabs_and_line_breaks():
    assert strip_controls("a\x00b\x0bc\x1fd\x7fe\tf\ng\rh") == "abcde\tf\ng\rh"
    assert clean_text(" <b>Jalan\x0b tol</b>\x01 ") == "Jalan tol"


def test_the_api_stores_titles_without_them(world):
    client = client_for(world, "lead_admin")
    body = {
        "title_ind": "Jalan\x0btol\x01",
        "summary_ind": "Baris satu\nbaris\x0c dua",
        "form": "ppp",
        "development_sector": "toll_road",
        "lead_organisation": world.pemda.pk,
    }
    response = client.post_json(f"{API}/partnerships", body)
    assert response.status_code == 201
    stored = Partnership.objects.get(pk=response.json()["id"])
    assert (stored.title_ind, stored.summary_ind) == ("Jalantol", "Baris satu\nbaris dua")


def test_a_page_form_stores_an_objective_without_them(client, world):
    client.force_login(world.users["member"])
    url = reverse("partnerships:objective_create", args=[world.partnership.pk])
    response = client.post(
        url, {"text": "Untung\x0b wajar", "weight": "50", "confidentiality": "partners"}
    )
    assert response.status_code == 302
    assert Objective.objects.filter(text="Untung wajar").exists()
