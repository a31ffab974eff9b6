"""Indicator values from a CSV table through the import's column mapping: drafts by the
reporting partner, with their breakdown; any bad row refuses the whole file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.results.models import Indicator, Status, Update
from tests.conftest import World

pytestmark = pytest.mark.django_db
D = Decimal


def _upload(client: Any, url: str, text: str) -> Any:
    return client.post(url, {"file": SimpleUploadedFile("values.csv", text.encode(), "text/csv")})


def test_values_are_imported_as_drafts_with_their_breakdown(
    world: World, teachers: Indicator, client: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users["ngo_user"])
    url = f"/en/imports/indicator-values/{world.public.pk}/"
    page = _upload(
        client,
        url,
        "Indikator,Periode,Nilai,sex:female,region:32.03.05.2001,Note\n"
        f'{teachers.pk},2025-06-30,"1.200,5",600,300,x\n'
        "Teachers trained in active learning,15/03/2026,40,,,y\n",
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="mapping-form"' in html
    token = html.split('name="token" value="')[1].split('"')[0]
    # the guessed mapping: indicator, period, value, breakdown, breakdown, left out
    mapping = {
        "col_0": "indicator",
        "col_1": "period",
        "col_2": "value",
        "col_3": "breakdown",
        "col_4": "breakdown",
        "col_5": "",
    }
    done = client.post(url, {"token": token, **mapping})
    assert done.status_code == 302
    first, second = Update.objects.order_by("period__start")
    assert (first.status, first.numerator, second.numerator) == (Status.DRAFT, D("1200.5"), D("40"))
    assert {(d.dimension, d.category) for d in first.disaggregations.all()} == {
        ("sex", "female"),
        ("region", "32.03.05.2001"),
    }


def test_one_bad_row_refuses_the_file(
    world: World, teachers: Indicator, client: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users["ngo_user"])
    url = f"/en/imports/indicator-values/{world.public.pk}/"
    page = _upload(
        client,
        url,
        "indicator,period,value,sex:female\n"
        f"{teachers.pk},2025-06-30,100,60\n"
        f"{teachers.pk},2030-01-01,10,\n"
        f"{teachers.pk},2026-02-01,10,20\n",
    )
    token = page.content.decode().split('name="token" value="')[1].split('"')[0]
    answer = client.post(
        url,
        {
            "token": token,
            "col_0": "indicator",
            "col_1": "period",
            "col_2": "value",
            "col_3": "breakdown",
        },
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Row 3:" in html and "Row 4:" in html
    assert Update.objects.count() == 0


def test_only_a_reporting_partner_imports(world: World, teachers: Indicator, client: Any) -> None:
    client.force_login(world.users["outsider"])
    assert client.get(f"/en/imports/indicator-values/{world.public.pk}/").status_code == 404
