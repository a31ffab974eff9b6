"""The political-exposure score (known answers), events and the stress scenario they imply."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from mitra.core.errors import PermissionDenied
from mitra.disputes import selectors, services
from mitra.disputes.models import EventLink
from mitra.finance import services as finance_services
from mitra.finance.appraisal_models import StressScenario
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Partnership
from tests.finance.conftest import example

from .conftest import members

pytestmark = pytest.mark.django_db


def _setup(world):
    p = world.partnership
    Partnership.objects.filter(pk=p.pk).update(
        start_date=datetime.date(2025, 1, 1), concession_years=10, government_support=[]
    )
    # pemda pledges as much cash as the company (200 + 77): half the cash is discretionary.
    partnership_services.commitment_create(
        actor=world.users["lead_admin"],
        need=world.need,
        member=members(world)["pemda"],
        data={"quantity": Decimal("277000000.00")},
    )
    return Partnership.objects.get(pk=p.pk)


def test_exposure_known_answer(world):
    p = _setup(world)
    result = selectors.exposure(user=world.users["lead_admin"], partnership=p)
    by_key = {r.key: r for r in result.reasons}
    # 2025–2034 crosses the 2029 and 2034 elections: 2 of 3 → 20 of 30 points.
    assert result.election_years == [2029, 2034]
    assert by_key["elections"].points == 20.0
    assert by_key["discretionary"].value == 0.5 and by_key["discretionary"].points == 15.0
    # "Partly" dependent by default: half of 20; no safeguard: all of 20.
    assert by_key["official"].points == 10.0 and by_key["safeguards"].points == 20.0
    assert result.score == 65 and result.level == "high"
    assert "65" in result.sentence
    # Two safeguards (a guarantee and a change-in-law clause) halve the safeguards reason.
    Partnership.objects.filter(pk=p.pk).update(government_support=["guarantee"])
    services.settings_save(
        actor=world.users["lead_admin"],
        partnership=p,
        data={
            "ladder_template": "kpbu",
            "change_in_law_clause": True,
            "official_dependence": "none",
        },
        expected_version=None,
    )
    p = Partnership.objects.get(pk=p.pk)
    again = selectors.exposure(user=world.users["lead_admin"], partnership=p)
    assert {r.key: r.points for r in again.reasons} == {
        "discretionary": 15.0,
        "elections": 20.0,
        "official": 0.0,
        "safeguards": 10.0,
    }
    assert again.score == 45 and again.level == "medium"


def test_a_linked_election_counts_its_year(world):
    p = _setup(world)
    event = services.event_create(
        actor=world.users["member"],
        data={"kind": "election", "title": "Pilkada ulang 2027", "date": datetime.date(2027, 6, 1)},
        partnerships=[p],
    )
    assert EventLink.objects.filter(event=event, partnership=p).exists()
    result = selectors.exposure(user=world.users["lead_admin"], partnership=p)
    assert result.election_years == [2027, 2029, 2034]
    assert {r.key: r.points for r in result.reasons}["elections"] == 30.0


def test_exposure_is_for_partners_and_staff(world):
    with pytest.raises(PermissionDenied):
        selectors.exposure(user=world.users["outsider"], partnership=world.partnership)
    assert selectors.exposure(user=world.users["staff"], partnership=world.partnership).score >= 0


def test_events_are_entered_by_partners_for_their_partnerships_or_staff(world):
    data = {"kind": "budget_cut", "title": "APBD cut", "date": datetime.date(2026, 3, 1)}
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=world.users["outsider"], data=data, partnerships=[world.partnership]
        )
    services.event_create(actor=world.users["staff"], data=data, partnerships=[world.partnership])
    events = selectors.visible_events(world.users["outsider"])
    assert [e.title for e in events] == ["APBD cut"] and events[0].shown_links == []
    assert [
        link.partnership_id
        for link in selectors.visible_events(world.users["member"])[0].shown_links
    ] == [world.partnership.pk]


def test_a_budget_cut_proposes_the_ap_cut_and_shows_its_effect(world):
    lead = world.users["lead_admin"]
    finance_services.model_save(
        actor=lead, partnership=world.partnership, spec=example("hospital"), expected_version=None
    )
    event = services.event_create(
        actor=lead,
        data={"kind": "budget_cut", "title": "APBD 2027 cut", "date": datetime.date(2027, 1, 1)},
        partnerships=[world.partnership],
    )
    link = event.links.get()
    assert selectors.proposed_scenario(link)["key"] == "ap_cut"
    assert selectors.stress_rows(lead, link) == []
    link = services.link_stress(actor=lead, link=link)
    scenario = StressScenario.objects.get(pk=link.scenario_id)
    assert scenario.template == "ap_cut" and scenario.name.startswith("APBD 2027 cut")
    assert scenario.history.first().history_user == lead  # saved through finance, audited
    rows = {r["key"]: r for r in selectors.stress_rows(lead, link)}
    # Cutting the availability payment lowers what the government pays and what equity earns.
    assert rows["government_npc"]["delta"] < 0
    assert rows["equity_npv"]["stressed"] < rows["equity_npv"]["base"]
    # Idempotent: a second run keeps the same scenario.
    assert services.link_stress(actor=lead, link=link).scenario_id == scenario.pk
    # An outsider cannot run it.
    with pytest.raises(PermissionDenied):
        services.link_stress(actor=world.users["outsider"], link=link)


def test_the_events_page_links_a_reader_to_what_they_may_open(world, client):
    # given an event that affects the world's public partnership
    services.event_create(
        actor=world.users["staff"],
        data={"kind": "election", "title": "Pilkada 2029", "date": datetime.date(2029, 11, 28)},
        partnerships=[world.public],
    )
    disputes_tab = f"/partnerships/{world.public.pk}/disputes/#event-"
    # then a reader outside the partnership is sent to its page, not to a tab they may not see
    page = client.get("/political-events/").content.decode()
    assert f'href="/partnerships/{world.public.pk}/"' in page and disputes_tab not in page
    # and one of its partners to the event on the disputes tab
    client.force_login(world.users["lead_admin"])
    assert disputes_tab in client.get("/political-events/").content.decode()
