"""The demo step: on the toll road, a dispute, a grievance, the Pilkada 2029 linked with its
stress scenario run, and an amendment published in the OCDS."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mitra.disputes import selectors
from mitra.disputes.models import ContractAmendment, Dispute, Grievance
from mitra.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_toll_road() -> None:
    call_command("demo", verbosity=0)
    road = Partnership.objects.get(development_sector="toll_road")
    pu = get_user_model().objects.get(username="pu-admin")
    assert Dispute.objects.filter(partnership=road).count() == 1
    assert Grievance.objects.filter(partnership=road, status="received").count() == 1
    assert ContractAmendment.objects.filter(partnership=road, public=True).count() == 1
    [link] = selectors.partnership_links(road)
    assert link.event.title == "Pilkada serentak 2029" and link.scenario is not None
    rows = {r["key"]: r for r in selectors.stress_rows(pu, link)}
    assert rows["government_npc"]["base"] is not None
    exposure = selectors.exposure(user=pu, partnership=road)
    assert 2029 in exposure.election_years and 0 < exposure.score < 100
