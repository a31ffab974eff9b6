"""The registration points (issue 9): a capability adds a tab to the partnership page, and a
section to an organisation's profile, without touching the partnership's views or templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mitra.core.exports import Column
from mitra.organisations.profile import SECTIONS, ProfileSection, register_section
from mitra.partnerships.workspace import GROUPS, TABS, Tab, TabExport, register_tab

from .conftest import sign_in

TEMPLATES = Path(__file__).resolve().parent / "templates"


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


@pytest.fixture
def extra_tab(test_templates):
    seen = []

    def context(request, partnership):
        seen.append(request.user)
        return {"greeting": "Hello from a capability"}

    def shown(request, partnership):
        return request.user.is_authenticated

    columns = [Column("Code", lambda row: row["code"])]
    tab = Tab(
        "testing",
        "Testing",
        45,
        "testing/tab.html",
        context,
        shown=shown,
        export=TabExport(lambda request, p: [{"code": p.code}], columns),
    )
    register_tab(tab)
    yield seen
    TABS.unregister("testing")


def test_partnership_tabs_come_from_the_registration_point():
    # the partnership app's own six tabs are registered like any capability's (lifecycle, goals,
    # results' indicators, risks, finance, benefit sharing, disputes, matching's offers, the
    # workplan's workplan, meetings and activity feed), history last
    assert TABS.keys() == [
        "overview",
        "lifecycle",
        "partners",
        "needs",
        "objectives",
        "goals",
        "indicators",
        "documents",
        "risks",
        "finance",
        "sharing",
        "disputes",
        "offers",
        "workplan",
        "meetings",
        "activity",
        "history",
    ]


def test_a_registered_tab_appears_in_order_and_answers_at_its_url(client, world, extra_tab):
    sign_in(client, world, "lead_admin")
    page = client.get(reverse("partnerships:detail", args=[world.partnership.pk])).content.decode()
    bar = [page.index(f'id="tab-{key}"') for key in ("partners", "testing", "documents")]
    assert bar == sorted(
        bar
    )  # in its group, order 45 sits between partners (20) and documents (50)
    url = reverse("partnerships:tab", args=[world.partnership.pk, "testing"])
    assert f'href="{url}"' in page
    # the whole page, then the tab panel alone for htmx, both with the tab's own context
    full = client.get(url)
    assert full.status_code == 200
    assert f"Hello from a capability · {world.partnership.code}" in full.content.decode()
    assert "<html" in full.content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Hello from a capability" in partial and "<html" not in partial
    assert 'aria-current="page"' in partial
    # and it downloads its rows
    download = b"".join(client.get(url + "?export=csv").streaming_content)
    rows = download.decode("utf-8-sig").splitlines()
    assert rows == ["Code", world.partnership.code]


def test_shown_only_hides_the_tab_and_permission_stays_with_the_partnership(
    client, world, extra_tab
):
    # anonymous visitors of a public partnership: the tab is not in the bar
    public = reverse("partnerships:detail", args=[world.public.pk])
    assert 'id="tab-testing"' not in client.get(public).content.decode()
    # outsiders typing the URL of a partnership they may not see get 404, as for any tab
    sign_in(client, world, "outsider")
    url = reverse("partnerships:tab", args=[world.partnership.pk, "testing"])
    assert client.get(url).status_code == 404
    assert extra_tab == []  # the tab's context never ran for them


def test_unknown_tab_is_404_and_other_pages_keep_their_urls(client, world):
    sign_in(client, world, "lead_admin")
    pk = world.partnership.pk
    assert client.get(f"/en/partnerships/{pk}/no-such-tab/").status_code == 404
    assert client.get(reverse("partnerships:edit", args=[pk])).status_code == 200


def test_a_key_registered_twice_is_refused():
    with pytest.raises(ImproperlyConfigured):
        register_tab(Tab("overview", "Another overview", 1, "x.html"))
    assert TABS.get("overview").order == 10


def test_a_registered_profile_section_shows_on_the_organisation_page(client, world, test_templates):
    section = ProfileSection(
        "testing", 5, "testing/section.html", lambda request, org: {"note": "from a capability"}
    )
    register_section(section)
    try:
        html = client.get(f"/en/organisations/{world.pemda.pk}/").content.decode()
    finally:
        SECTIONS.unregister("testing")
    assert f"{world.pemda.name} · from a capability" in html
    # sections in their order: this one (5) before the partnerships (10)
    assert html.index('data-testid="test-section"') < html.index('id="partnerships-heading"')


def test_the_tabs_come_in_four_groups_and_only_the_current_groups_tabs_show(client, world):
    """Seventeen sections read as four groups (the partnership; needs and goals; money and risk;
    implementation): a row of groups, then the tabs of the group you are in."""
    sign_in(client, world, "lead_admin")
    pk = world.partnership.pk
    page = client.get(reverse("partnerships:tab", args=[pk, "finance"])).content.decode()
    groups = [page.index(f'id="group-{key}"') for key in GROUPS]
    assert groups == sorted(groups)
    assert 'id="group-money" class="nav-link active"' in page
    assert all(f'id="tab-{key}"' in page for key in ("risks", "finance", "sharing"))
    assert not any(f'id="tab-{key}"' in page for key in ("overview", "needs", "indicators"))
    # a group's link opens its first tab
    needs = reverse("partnerships:tab", args=[pk, "needs"])
    assert f'id="group-plan" class="nav-link" href="{needs}"' in page
    # every tab belongs to a group, and each group has one
    assert {tab.group for tab in TABS} == set(GROUPS)
    # in Indonesian too
    page = client.get(
        reverse("partnerships:tab", args=[pk, "finance"]), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "Keuangan dan risiko" in page and "Kebutuhan dan sasaran" in page


def test_a_visitor_sees_only_the_groups_of_the_tabs_they_may_see(client, world):
    page = client.get(reverse("partnerships:detail", args=[world.public.pk])).content.decode()
    assert 'id="group-partnership"' in page and 'id="group-plan"' in page
    assert 'id="group-money"' not in page  # no risk, finance or sharing tab for the public


def test_a_tab_names_a_known_group():
    with pytest.raises(ValueError, match="unknown group"):
        register_tab(Tab("stray", "Stray", 99, "testing/tab.html", group="elsewhere"))
    assert "stray" not in [tab.key for tab in TABS]
