"""Editing, deleting and sharing the results framework from the Results tab: the version check
(a stale edit is refused with the other user's change shown and the input kept), the audit
trail, approved values that refuse a deletion, the lead-only pages, and an indicator reported
once in the school PSP and shown to the toll road's partners (a funder), in both languages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.results import services
from mitra.results.models import Indicator, Period, Result, Update
from tests.conftest import World

from .conftest import approve, report

pytestmark = pytest.mark.django_db
D = Decimal


def _login(client: Any, world: World, name: str) -> Any:
    client.force_login(world.users[name])
    return client


def _base(world: World, prefix: str = "/en") -> str:
    return f"{prefix}/partnerships/{world.public.pk}/indicators/"


# --------------------------------------------------------------------------- edit


def test_a_stale_edit_of_a_result_is_refused_with_the_change_shown(
    world: World, teachers: Indicator, client: Any
) -> None:
    result = teachers.result
    url = _base(world) + f"results/{result.pk}/edit/"
    lead = _login(client, world, "lead_admin")
    page = lead.get(url)
    assert page.status_code == 200
    assert 'value="Better teaching"' in page.content.decode()
    opened = result.version
    # someone else saves meanwhile
    services.result_update(
        actor=world.users["lead_admin"],
        result=Result.objects.get(pk=result.pk),
        data={"title": "Better teaching in Garut"},
        expected_version=opened,
    )
    stale = lead.post(url, {"title": "Teaching that works", "level": "output", "version": opened})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert 'data-testid="stale-edit"' in html
    assert "Someone else saved this record after you opened it" in html
    assert "Better teaching in Garut" in html  # their change
    assert 'value="Teaching that works"' in html  # the user's input is kept
    assert Result.objects.get(pk=result.pk).title == "Better teaching in Garut"


def test_editing_an_indicator_saves_it_and_is_audited(
    world: World, teachers: Indicator, client: Any
) -> None:
    url = _base(world) + f"{teachers.pk}/edit/"
    lead = _login(client, world, "lead_admin")
    form = lead.get(url)
    assert form.status_code == 200
    assert 'value="Teachers trained in active learning"' in form.content.decode()
    data = {
        "result": teachers.result_id,
        "title": "Teachers trained (active learning)",
        "description": "Completed the 5-day course",
        "measure": "quantitative",
        "unit": "people",
        "factor": "1",
        "direction": "increase",
        "baseline_value": "10",
        "baseline_date": "2024-12-31",
        "baseline_source": "Disdik records",
        "reporter": teachers.reporter_id,
        "verifier": teachers.verifier_id,
        "version": teachers.version,
    }
    answer = lead.post(url, data)
    assert answer.status_code == 302
    teachers.refresh_from_db()
    assert teachers.title == "Teachers trained (active learning)"
    assert teachers.baseline_value == D("10")
    latest = teachers.history.order_by("-history_date").first()
    assert latest.history_type == "~"
    assert latest.history_user == world.users["lead_admin"]
    assert latest.title == "Teachers trained (active learning)"
    # the History tab shows the change
    history = lead.get(f"/en/partnerships/{world.public.pk}/history/")
    assert "Teachers trained (active learning)" in history.content.decode()


def test_editing_a_period_changes_its_targets(
    world: World, period_2025: Period, client: Any
) -> None:
    url = _base(world) + f"periods/{period_2025.pk}/edit/"
    lead = _login(client, world, "lead_admin")
    assert 'value="50.0000"' in lead.get(url).content.decode()  # the target for women
    version = period_2025.version
    overlap = lead.post(
        url,
        {"start": "2025-01-01", "end": "2026-06-30", "target_value": "120", "version": version},
    )
    assert overlap.status_code == 400  # it would overlap 2026: a field error, nothing saved
    assert "overlaps another period" in overlap.content.decode()
    period_2025.refresh_from_db()
    assert (period_2025.version, period_2025.end.year) == (version, 2025)
    answer = lead.post(
        url,
        {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "target_value": "120",
            "target_female": "60",
            "target_with": "5",
            "version": period_2025.version,
        },
    )
    assert answer.status_code == 302
    period_2025.refresh_from_db()
    assert period_2025.target_value == D("120")
    assert {(t.category, t.value) for t in period_2025.disaggregation_targets.all()} == {
        ("female", D("60")),
        ("with", D("5")),
    }
    assert (
        period_2025.history.order_by("-history_date").first().history_user
        == (world.users["lead_admin"])
    )


def test_an_approved_value_fixes_how_the_indicator_is_computed(
    world: World, period_2025: Period
) -> None:
    approve(world, report(world, period_2025, "ngo_user", "85"))
    indicator = period_2025.indicator
    with pytest.raises(ValidationError) as caught:
        services.indicator_update(
            actor=world.users["lead_admin"],
            indicator=indicator,
            data={"factor": D("100")},
            expected_version=indicator.version,
        )
    assert list(caught.value.message_dict) == ["factor"]


# --------------------------------------------------------------------------- delete


def test_a_delete_is_refused_while_approved_values_hang_on_it(
    world: World, period_2025: Period, client: Any
) -> None:
    approve(world, report(world, period_2025, "ngo_user", "85"))
    indicator = period_2025.indicator
    lead = _login(client, world, "lead_admin")
    for url in (
        _base(world) + f"results/{indicator.result_id}/delete/",
        _base(world) + f"{indicator.pk}/delete/",
        _base(world) + f"periods/{period_2025.pk}/delete/",
    ):
        page = lead.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "approved values are locked evidence" in html
        assert 'data-testid="delete-confirm"' not in html
        refused = lead.post(url)
        assert refused.status_code == 400
        assert "Nothing was deleted" in refused.content.decode()
    assert Period.objects.filter(pk=period_2025.pk).exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert Update.objects.count() == 1
    with pytest.raises(ApplicationError):
        services.indicator_delete(actor=world.users["lead_admin"], indicator=indicator)


def test_a_delete_takes_the_drafts_with_it_and_is_audited(
    world: World, period_2025: Period, client: Any
) -> None:
    draft = report(world, period_2025, "ngo_user", "40")
    indicator = period_2025.indicator
    lead = _login(client, world, "lead_admin")
    url = _base(world) + f"periods/{period_2025.pk}/delete/"
    page = lead.get(url)
    assert 'data-testid="delete-drafts"' in page.content.decode()
    assert lead.post(url).status_code == 302
    assert not Period.objects.filter(pk=period_2025.pk).exists()
    assert not Update.objects.filter(pk=draft.pk).exists()
    gone = Period.history.filter(id=period_2025.pk, history_type="-").get()
    assert gone.history_user == world.users["lead_admin"]
    assert (
        Update.history.filter(id=draft.pk, history_type="-").get().history_user
        == (world.users["lead_admin"])
    )
    # then the whole result, with the indicator and its other period
    result_url = _base(world) + f"results/{indicator.result_id}/delete/"
    assert lead.post(result_url).status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not Result.objects.filter(pk=indicator.result_id).exists()
    assert Indicator.history.filter(id=indicator.pk, history_type="-").exists()


# --------------------------------------------------------------------------- permissions


def test_a_partner_that_does_not_lead_gets_403(
    world: World, period_2025: Period, client: Any
) -> None:
    indicator = period_2025.indicator
    ngo = _login(client, world, "ngo_user")
    base = _base(world)
    for url in (
        base + f"results/{indicator.result_id}/edit/",
        base + f"{indicator.pk}/edit/",
        base + f"periods/{period_2025.pk}/edit/",
        base + f"results/{indicator.result_id}/delete/",
        base + f"{indicator.pk}/delete/",
        base + f"periods/{period_2025.pk}/delete/",
        base + f"{indicator.pk}/share/",
    ):
        assert ngo.get(url).status_code == 403, url
        assert ngo.post(url, {"title": "x", "version": 1}).status_code == 403, url
    assert Period.objects.filter(pk=period_2025.pk).exists()
    tab = ngo.get(base).content.decode()
    assert 'data-testid="indicator-edit"' not in tab
    assert 'data-testid="indicator-share"' not in tab
    assert 'data-testid="period-delete"' not in tab
    with pytest.raises(PermissionDenied):
        services.period_delete(actor=world.users["ngo_user"], period=period_2025)
    lead_tab = _login(client, world, "lead_admin").get(base).content.decode()
    for testid in ("result-edit", "indicator-edit", "indicator-share", "period-delete"):
        assert f'data-testid="{testid}"' in lead_tab


# --------------------------------------------------------------------------- sharing


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_an_indicator_shared_with_another_partnership_shows_there(
    world: World, period_2025: Period, client: Any, prefix: str
) -> None:
    approve(world, report(world, period_2025, "ngo_user", "85"))
    report(world, period_2025, "ngo_user", "7")  # a draft: not for the funder's eyes
    indicator = period_2025.indicator
    share_url = f"{prefix}/partnerships/{world.public.pk}/indicators/{indicator.pk}/share/"
    lead = _login(client, world, "lead_admin")
    form = lead.get(share_url).content.decode()
    # the partnerships the lead's organisation leads, not this one
    assert f'value="{world.partnership.pk}"' in form
    assert f'value="{world.draft.pk}"' in form
    assert f'value="{world.public.pk}"' not in form
    assert lead.post(share_url, {"partnerships": [world.partnership.pk]}).status_code == 302
    assert list(indicator.shared_with.all()) == [world.partnership]
    # audited: the latest history record names who shared it and with which partnerships
    record = indicator.history.first()
    assert record.history_user == world.users["lead_admin"]
    assert [r.partnership_id for r in record.shared_with.all()] == [world.partnership.pk]
    assert "checked" in lead.get(share_url).content.decode()
    # the toll road's company (not a partner of the school PSP) sees it, read-only
    client.logout()
    funder = _login(client, world, "member")
    page = funder.get(f"{prefix}/partnerships/{world.partnership.pk}/indicators/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="shared-source"' in html
    assert f'data-indicator="{indicator.pk}"' in html
    assert "85,00" in html or "85.00" in html  # the approved value
    assert 'data-status="draft"' not in html
    assert 'data-testid="indicator-edit"' not in html
    if prefix == "/en":
        assert "reported in Schools Together" in html
    else:
        assert "Sekolah Bersama" in html  # the source's Indonesian title
    # unsharing takes it away again
    client.logout()
    lead = _login(client, world, "lead_admin")
    assert lead.post(share_url, {}).status_code == 302
    assert not indicator.shared_with.exists()


def test_sharing_refuses_a_partnership_the_organisation_does_not_lead(
    world: World, teachers: Indicator
) -> None:
    from mitra.partnerships import services as partnership_services

    other = partnership_services.partnership_create(
        actor=world.users["ngo_user"],
        lead_organisation=world.ngo,
        data={
            "title_ind": "Program Yayasan",
            "title_en": "Foundation programme",
            "form": "psp",
            "development_sector": "education",
            "visibility": "partners",
        },
    )
    with pytest.raises(PermissionDenied) as caught:
        services.indicator_share(
            actor=world.users["lead_admin"], indicator=teachers, partnerships=[other]
        )
    with translation.override("en"):
        assert "your organisation leads" in str(caught.value.message)
    assert not teachers.shared_with.exists()
