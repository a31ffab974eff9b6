"""The demo step: the toll road's workplan, a meeting with a decision by stake and its action
item, and the hospital's decision rule."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from mitra.partnerships.models import Partnership
from mitra.workplan import services
from mitra.workplan.models import Decision, Task

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_workplan_and_a_decision_by_stake() -> None:
    call_command("demo", verbosity=0)
    toll = Partnership.objects.get(development_sector="toll_road")
    assert Task.objects.filter(partnership=toll).count() == 7  # six planned, one action item
    decision = Decision.objects.get(meeting__partnership=toll)
    assert decision.rule == "weighted" and decision.outcome == "adopted"
    assert decision.action_items.count() == 1
    with translation.override("en"):
        # sponsors 40 % and 35 % agree, the 25 % sponsor disagrees
        assert services.outcome_sentence(decision).startswith(
            "Adopted by stake: partners holding 75% of the stake that voted agreed, 25% disagreed"
        )
    hospital = Partnership.objects.get(title_en__icontains="hospital")
    assert services.decision_rule(hospital) == "majority"
