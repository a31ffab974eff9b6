"""Issue 10 on the pages: no false gap, over-pledges confirmed and shown, people named, and the
main tables ready to become cards on a phone."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from mitra.core.choices import Confidentiality
from mitra.partnerships import services
from mitra.partnerships.models import Commitment

from .conftest import sign_in


@pytest.fixture
def hidden(world: Any) -> Any:
    """On the public partnership: need 18 bn; lead pledges 10 bn owner-only, NGO 5 bn partners."""
    lead = world.users["lead_admin"]
    need = services.need_create(
        actor=lead,
        partnership=world.public,
        data={
            "title": "Dana sekolah",
            "resource_type": "cash",
            "quantity": Decimal("18000000000.00"),
            "currency": "IDR",
        },
    )
    services.commitment_create(
        actor=lead,
        need=need,
        member=world.public.members.get(organisation=world.pemda),
        data={"quantity": Decimal("10000000000.00"), "confidentiality": Confidentiality.OWNER},
    )
    services.commitment_create(
        actor=world.users["ngo_user"],
        need=need,
        member=world.public.members.get(organisation=world.ngo),
        data={"quantity": Decimal("5000000000.00"), "confidentiality": Confidentiality.PARTNERS},
    )
    return need


def _en(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _need_card(html: str, need: Any) -> str:
    start = html.index(f'data-testid="need-{need.pk}"')
    return html[start : html.index("</article>", start)]


@pytest.mark.parametrize(
    ("actor", "shown"),
    [("anonymous", 2), ("outsider", 2), ("ngo_user", 1)],
)
def test_needs_page_says_how_many_commitments_are_not_shown(
    client: Any, world: Any, hidden: Any, actor: str, shown: int
) -> None:
    # given a reader who may not see every pledge of the need
    sign_in(client, world, actor)

    # when the needs tab is read
    html = client.get(_en("partnerships:tab", world.public.pk, "needs")).content.decode()
    card = _need_card(html, hidden)

    # then the gap is replaced by the number of hidden commitments: no red gap, no 0 %
    assert f"commitments not shown: {shown}" in card
    assert 'data-testid="gap"' not in card
    assert "text-danger" not in card
    # neither the pledged nor the delivered share shows a false 0 %
    assert not re.search(r'data-testid="(pledged|delivered)-pct">0\.0 %', card)
    # and never their amounts
    assert "10,000,000,000" not in html
    if actor != "ngo_user":
        assert "5,000,000,000" not in html


def test_the_owner_sees_the_real_gap(client: Any, world: Any, hidden: Any) -> None:
    sign_in(client, world, "lead_admin")
    html = client.get(_en("partnerships:tab", world.public.pk, "needs")).content.decode()
    card = _need_card(html, hidden)
    assert "commitments not shown" not in card
    assert re.search(r'data-testid="gap">IDR 3,000,000,000\.00<', card)
    assert "83.3 %" in card


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "ngo_user"])
def test_dashboard_gaps_count_only_what_the_reader_sees(
    client: Any, world: Any, hidden: Any, actor: str
) -> None:
    sign_in(client, world, actor)
    html = client.get(_en("partnerships:dashboard")).content.decode()
    assert 'data-testid="gaps-note"' in html
    assert "Counts only the commitments you may see." in html
    assert "with commitments not shown to you" in html
    assert "Dana sekolah" not in html


def test_dashboard_shows_the_owner_its_real_gap(client: Any, world: Any, hidden: Any) -> None:
    sign_in(client, world, "lead_admin")
    html = client.get(_en("partnerships:dashboard")).content.decode()
    assert "Dana sekolah" in html
    assert "IDR 3,000,000,000.00" in html


def test_over_pledged_need_says_so_instead_of_a_bar_past_100(client: Any, world: Any) -> None:
    # given the need of 500 M pledged 277 M, then 400 M more (confirmed)
    services.commitment_create(
        actor=world.users["lead_admin"],
        need=world.need,
        member=world.partnership.members.get(organisation=world.pemda),
        data={"quantity": Decimal("400000000.00")},
        confirm_over_pledge=True,
    )
    sign_in(client, world, "member")
    html = client.get(_en("partnerships:tab", world.partnership.pk, "needs")).content.decode()
    card = _need_card(html, world.need)
    assert 'data-testid="over-pledged"' in card
    assert re.search(r'data-testid="pledged-pct">over-pledged<', card)
    assert "135.4 %" not in card
    assert 'data-width="100.0"' in card and "mitra-over" in card


def _pledge(client: Any, world: Any, **extra: str) -> Any:
    url = reverse("partnerships:commitment_create", args=[world.partnership.pk, world.need.pk])
    return client.post(url, {"quantity": "999000000000000", "confidentiality": "partners", **extra})


def test_pledge_form_asks_to_confirm_an_implausible_amount(client: Any, world: Any) -> None:
    # given the lead (a partner) pledging Rp 999 T against a need of Rp 500 M
    sign_in(client, world, "lead_admin")
    before = Commitment.objects.count()

    # when it submits without confirming
    response = _pledge(client, world)

    # then nothing is saved; a checkbox appears with a message on it and on the amount
    assert response.status_code == 400
    assert Commitment.objects.count() == before
    form = response.context["form"]
    assert set(form.errors) == {"quantity", "confirm_over_pledge"}
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="confirm_over_pledge"[^>]*>', html)

    # when it ticks the box
    confirmed = _pledge(client, world, confirm_over_pledge="on")

    # then the pledge is saved
    assert confirmed.status_code == 302
    assert Commitment.objects.count() == before + 1


def test_pledge_form_hides_the_box_for_a_plausible_amount(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    url = reverse("partnerships:commitment_create", args=[world.partnership.pk, world.need.pk])
    html = client.get(url).content.decode()
    assert re.search(r'<input type="hidden" name="confirm_over_pledge"', html)
    assert 'type="checkbox" name="confirm_over_pledge"' not in html


def test_history_tab_names_the_person_not_the_login(client: Any, world: Any) -> None:
    lead = world.users["lead_admin"]
    lead.first_name, lead.last_name = "Budi", "Santoso"
    lead.save()
    sign_in(client, world, "lead_admin")
    html = client.get(_en("partnerships:tab", world.partnership.pk, "history")).content.decode()
    assert "<strong>Budi Santoso (Pemda Jawa Barat)</strong>" in html
    assert "<strong>lead_admin</strong>" not in html
    assert "<strong>member (PT Contoh Infrastruktur)</strong>" in html


@pytest.mark.parametrize(
    ("url_name", "tab", "testid"),
    [
        ("partnerships:tab", "partners", "partners-table"),
        ("partnerships:tab", "documents", "documents-table"),
        ("partnerships:tab", "needs", "commitments"),
        ("partnerships:list", None, "partnership-table"),
    ],
)
def test_main_tables_label_their_cells_for_phones(
    client: Any, world: Any, url_name: str, tab: str | None, testid: str
) -> None:
    sign_in(client, world, "member")
    args = [world.partnership.pk, tab] if tab else []
    html = client.get(_en(url_name, *args)).content.decode()
    start = html.index(f'data-testid="{testid}"')
    table = html[html.rindex("<table", 0, start) : html.index("</table>", start)]
    assert "mitra-cards" in table
    assert "data-label=" in table
    # amounts sit in a non-wrapping span wherever the table has any
    if testid == "commitments":
        assert re.search(r'<span class="mitra-amount">IDR 200,000,000\.00</span>', table)
