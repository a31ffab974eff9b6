"""The results workflow: who sets up, reports and verifies; draft → submitted → approved or
returned; locked approved values and audited corrections; disaggregations that cannot exceed
their total; the version check."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.notifications.models import Notification
from mitra.results import selectors, services
from mitra.results.models import Indicator, Period, Status, Update
from tests.conftest import World

from .conftest import approve, indicator_data, member_of, report

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_verifier_must_be_another_organisation(world: World) -> None:
    lead = world.users["lead_admin"]
    result = services.result_create(
        actor=lead, partnership=world.public, data={"title": "R", "level": "outcome"}
    )
    with pytest.raises(ValidationError) as caught:
        services.indicator_create(
            actor=lead,
            result=result,
            data=indicator_data(world, world.public, verifier=member_of(world.public, world.ngo)),
        )
    assert list(caught.value.message_dict) == ["verifier"]


def test_only_the_lead_sets_up_the_framework(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.result_create(
            actor=world.users["ngo_user"],
            partnership=world.public,
            data={"title": "R", "level": "output"},
        )


def test_a_quantitative_period_needs_its_target_and_may_not_overlap(
    world: World, teachers: Indicator
) -> None:
    lead = world.users["lead_admin"]
    with pytest.raises(ValidationError) as caught:
        services.period_create(
            actor=lead,
            indicator=teachers,
            data={"start": datetime.date(2027, 1, 1), "end": datetime.date(2027, 12, 31)},
        )
    assert list(caught.value.message_dict) == ["target_value"]
    with pytest.raises(ValidationError) as caught:
        services.period_create(
            actor=lead,
            indicator=teachers,
            data={
                "start": datetime.date(2026, 6, 1),
                "end": datetime.date(2027, 5, 31),
                "target_value": D("1"),
            },
        )
    assert list(caught.value.message_dict) == ["start"]


def test_the_ngo_reports_a_disaggregated_value_the_government_returns_then_approves(
    world: World, period_2025: Period
) -> None:
    # given a draft with its breakdown by sex and down to a village
    update = report(
        world,
        period_2025,
        "ngo_user",
        "120",
        disaggregations=[
            {"dimension": "sex", "category": "female", "numerator": D("70")},
            {"dimension": "sex", "category": "male", "numerator": D("50")},
            {
                "dimension": "region",
                "category": "32.03.05.2001",
                "label": "Desa Sukamaju",
                "numerator": D("30"),
            },
        ],
    )
    assert update.status == Status.DRAFT and update.value == D("120")
    # the company (not the reporter) may not report, the NGO may not approve its own value
    with pytest.raises(PermissionDenied):
        services.update_approve(actor=world.users["ngo_user"], update=update)
    update = services.update_submit(actor=world.users["ngo_user"], update=update)
    assert Notification.objects.filter(
        kind="results.submitted", recipient=world.users["lead_admin"]
    ).exists()
    # when the government returns it without a comment: refused; with one: returned
    with pytest.raises(ValidationError):
        services.update_return(actor=world.users["lead_admin"], update=update, comment=" ")
    update = services.update_return(
        actor=world.users["lead_admin"], update=update, comment="Attach the attendance list."
    )
    assert update.status == Status.RETURNED
    assert Notification.objects.filter(
        kind="results.returned", recipient=world.users["ngo_user"]
    ).exists()
    # the NGO changes it and submits again; the government approves
    update = services.update_edit(
        actor=world.users["ngo_user"],
        update=update,
        data={"numerator": D("118"), "narrative": "Two left the course."},
        disaggregations=[{"dimension": "sex", "category": "female", "numerator": D("68")}],
        expected_version=update.version,
    )
    update = services.update_submit(actor=world.users["ngo_user"], update=update)
    update = services.update_approve(actor=world.users["lead_admin"], update=update)
    # then the approved value counts and is locked
    assert update.status == Status.APPROVED
    assert selectors.period_actual(period_2025.indicator, list(period_2025.updates.all())) == D(
        "118"
    )
    with pytest.raises(ApplicationError):
        services.update_edit(
            actor=world.users["ngo_user"],
            update=update,
            data={"numerator": D("200")},
            disaggregations=None,
            expected_version=update.version,
        )
    assert [h.status for h in update.history.order_by("history_date")] == [
        "draft",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "approved",
    ]


def test_a_breakdown_may_not_add_up_to_more_than_the_value(
    world: World, period_2025: Period
) -> None:
    with pytest.raises(ValidationError) as caught:
        report(
            world,
            period_2025,
            "ngo_user",
            "100",
            disaggregations=[
                {"dimension": "sex", "category": "female", "numerator": D("70")},
                {"dimension": "sex", "category": "male", "numerator": D("40")},
            ],
        )
    assert "110" in str(caught.value.message_dict["disaggregations"])
    assert Update.objects.count() == 0


@pytest.mark.parametrize(
    ("dimension", "category"), [("region", "Cianjur"), ("sex", "other"), ("age", "10-20")]
)
def test_an_unknown_category_is_a_field_error(
    world: World, period_2025: Period, dimension: str, category: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        report(
            world,
            period_2025,
            "ngo_user",
            "10",
            disaggregations=[{"dimension": dimension, "category": category, "numerator": D("1")}],
        )
    assert list(caught.value.message_dict) == ["disaggregations"]


def test_a_correction_replaces_the_approved_value_once_approved(
    world: World, period_2025: Period
) -> None:
    first = approve(world, report(world, period_2025, "ngo_user", "90"))
    fix = report(world, period_2025, "ngo_user", "95", corrects=first)
    indicator = period_2025.indicator
    assert selectors.period_actual(indicator, list(period_2025.updates.all())) == D("90")
    approve(world, fix)
    assert selectors.period_actual(indicator, list(period_2025.updates.all())) == D("95")
    first.refresh_from_db()
    assert first.status == Status.APPROVED  # kept, replaced, never overwritten


def test_a_stale_submit_is_refused(world: World, period_2025: Period) -> None:
    update = report(world, period_2025, "ngo_user", "10")
    old = update.version
    services.update_edit(
        actor=world.users["ngo_user"],
        update=Update.objects.get(pk=update.pk),
        data={"numerator": D("11")},
        disaggregations=None,
        expected_version=old,
    )
    with pytest.raises(StaleEdit):
        services.update_submit(
            actor=world.users["ngo_user"],
            update=Update.objects.get(pk=update.pk),
            expected_version=old,
        )


def test_a_ratio_is_numerator_over_denominator_times_factor(world: World, kpi: Indicator) -> None:
    period = kpi.periods.first()
    update = report(world, period, "member", "9300", "10000")
    assert update.value == D("93.0000")
    with pytest.raises(ValidationError) as caught:
        report(world, period, "member", "9300")
    assert list(caught.value.message_dict) == ["denominator"]


def test_reminders_are_sent_once_a_day(world: World, period_2025: Period) -> None:
    today = datetime.date(2026, 1, 25)  # due 30 January
    assert services.remind_due(today=today) == 1
    assert services.remind_due(today=today) == 0
    assert (
        Notification.objects.filter(kind="results.due", recipient=world.users["ngo_user"]).count()
        == 1
    )
    approve(world, report(world, period_2025, "ngo_user", "100"))
    assert services.remind_due(today=today + datetime.timedelta(days=1)) == 0


def test_health_answers_are_the_partners_own(world: World) -> None:
    scores = dict.fromkeys(
        ("trust", "communication", "fairness", "decisions", "value", "benefit"), 4
    )
    ngo = member_of(world.public, world.ngo)
    with pytest.raises(PermissionDenied):
        services.health_respond(
            actor=world.users["lead_admin"],
            member=ngo,
            round=datetime.date(2026, 1, 1),
            scores=scores,
        )
    with pytest.raises(ValidationError):
        services.health_respond(
            actor=world.users["ngo_user"],
            member=ngo,
            round=datetime.date(2026, 1, 1),
            scores={"trust": 9},
        )
    response = services.health_respond(
        actor=world.users["ngo_user"], member=ngo, round=datetime.date(2026, 1, 1), scores=scores
    )
    assert response.index == D("75.0")


def test_the_reminder_command_runs_once_a_day(world: World, period_2025: Period) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("remind_results", stdout=out)
    call_command("remind_results", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminder(s) sent.", "0 reminder(s) sent."]
