"""The demo step: the school PSP's three partners on three levers with a conflict, and the toll
road's tariff with the toll company's objective a hidden constraint."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from mitra.core.choices import Confidentiality
from mitra.goals.models import LeverObjective
from mitra.goals.report import report_get
from mitra.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_the_demo_has_objectives_with_a_conflict_and_a_hidden_constraint() -> None:
    call_command("demo", verbosity=0)
    school = Partnership.objects.get(development_sector="education")
    objectives = LeverObjective.objects.filter(lever__partnership=school)
    assert objectives.values("member").distinct().count() == 3
    assert objectives.values("lever").distinct().count() == 3
    with translation.override("en"):
        report = report_get(
            user=get_user_model().objects.get(username="swasta"), partnership=school
        )
    fee = next(lv for lv in report.levers if lv.lever.key == "school_fee")
    assert fee.sentence == (
        "YCB and Disdik Jabar cannot both be satisfied on Monthly contribution per pupil: "
        "the gap is IDR 25,000."
    )

    road = Partnership.objects.get(development_sector="toll_road")
    hidden = LeverObjective.objects.get(
        lever__partnership=road, confidentiality=Confidentiality.OWNER
    )
    assert (hidden.lever.key, hidden.member.organisation.short_name) == ("tariff", "MTP")
    with translation.override("en"):
        own = report_get(user=get_user_model().objects.get(username="mtp-admin"), partnership=road)
        other = report_get(user=get_user_model().objects.get(username="lsm"), partnership=road)
    assert own.levers[0].sentence == (
        "MTP and YPPA cannot both be satisfied on Initial toll tariff per trip (class I): "
        "the gap is IDR 1,200."
    )
    assert "1,200" not in other.levers[0].sentence and other.levers[0].feasible is False
