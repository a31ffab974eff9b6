"""The demo step on the world's school PSP and on its PPP made a hospital: results reported by
the NGO and verified by the government (approved, returned then approved, one still submitted),
the health survey's divergence, and the KPBU's KPIs with their deduction rules.

(The step runs on the world rather than through ``mitra demo``, so that it is tested whatever
the other apps' demo steps do.)"""

from __future__ import annotations

import pytest

from mitra.partnerships.models import Partnership
from mitra.results import demo, selectors
from mitra.results.models import ServiceLevel, Status, Update
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_has_results_health_and_kpis(world: World) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(development_sector="health")
    hospital = Partnership.objects.get(pk=world.partnership.pk)
    demo.load({"partnerships": [world.public, hospital]})
    updates = Update.objects.filter(period__indicator__partnership=world.public)
    assert set(updates.values_list("status", flat=True)) == {Status.APPROVED, Status.SUBMITTED}
    assert Update.history.filter(
        period__indicator__partnership=world.public, status=Status.RETURNED
    ).exists()
    gov = world.users["lead_admin"]
    views = selectors.indicators(user=gov, partnership=world.public)
    assert len(views) == 3
    assert views[0].trend and views[0].periods[0].disaggregation
    points = selectors.health_series(user=gov, partnership=world.public)
    assert {p.sector for p in points} == {"public", "social"}
    assert ServiceLevel.objects.filter(indicator__partnership=world.partnership).count() == 3
