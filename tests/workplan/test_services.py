"""Workplan services: permission, dependencies (no cycle, no start before a dependency ends),
optimistic concurrency, decisions by rule with action items, notifications, audit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mitra.core.errors import PermissionDenied, StaleEdit
from mitra.notifications.models import Activity, Notification
from mitra.workplan import services
from mitra.workplan.models import DecisionRule, Task
from tests.conftest import World

from .conftest import member_of, task_data

pytestmark = pytest.mark.django_db
D = datetime.date


def test_only_partners_add_tasks(world: World) -> None:
    for actor in ("outsider", "staff"):
        with pytest.raises(PermissionDenied):
            services.task_create(
                actor=world.users[actor], partnership=world.partnership, data=task_data()
            )
    task = services.task_create(
        actor=world.users["ngo_user"], partnership=world.partnership, data=task_data()
    )
    assert task.history.first().history_user == world.users["ngo_user"]


def test_a_task_cannot_start_before_its_dependency_ends(world: World, study: Task) -> None:
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            data=task_data(title="Konsultasi", start_date=D(2027, 2, 1), due_date=D(2027, 3, 1)),
            depends_on=[study],
        )
    assert "start_date" in exc.value.message_dict
    # the date it names reads as dates read elsewhere (day first), not as ISO
    said = exc.value.message_dict["start_date"][0]
    assert study.due_date.strftime("%d-%m-%Y") in said and study.due_date.isoformat() not in said
    ok = services.task_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data=task_data(title="Konsultasi", start_date=D(2027, 2, 26), due_date=D(2027, 3, 20)),
        depends_on=[study],
    )
    assert list(ok.depends_on.all()) == [study]
    # Moving the dependency later than its dependent starts is refused on its due date.
    with pytest.raises(ValidationError) as exc:
        services.task_update(
            actor=world.users["lead_admin"],
            task=study,
            data={"due_date": D(2027, 3, 5)},
            expected_version=study.version,
        )
    assert "due_date" in exc.value.message_dict


def test_dependencies_make_no_cycle(world: World, study: Task) -> None:
    lead = world.users["lead_admin"]
    second = services.task_create(
        actor=lead,
        partnership=world.partnership,
        data=task_data(title="B", start_date=D(2027, 3, 1), due_date=D(2027, 3, 2)),
        depends_on=[study],
    )
    with pytest.raises(ValidationError) as exc:
        services.task_update(
            actor=lead, task=study, data={}, expected_version=study.version, depends_on=[second]
        )
    assert "depends_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.task_update(
            actor=lead, task=study, data={}, expected_version=study.version, depends_on=[study]
        )


def test_due_before_start_and_milestone_dates(world: World) -> None:
    lead = world.users["lead_admin"]
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=lead,
            partnership=world.partnership,
            data=task_data(start_date=D(2027, 3, 1), due_date=D(2027, 2, 1)),
        )
    assert "due_date" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.task_create(
            actor=lead,
            partnership=world.partnership,
            data=task_data(kind="milestone", start_date=D(2027, 3, 1), due_date=D(2027, 3, 2)),
        )


def test_a_stale_edit_is_refused(world: World, study: Task) -> None:
    lead = world.users["lead_admin"]
    services.task_update(actor=lead, task=study, data={"status": "in_progress"}, expected_version=1)
    stale = Task.objects.get(pk=study.pk)
    with pytest.raises(StaleEdit):
        services.task_update(actor=lead, task=stale, data={"status": "done"}, expected_version=1)
    assert Task.objects.get(pk=study.pk).status == "in_progress"


def test_assignee_must_belong_to_the_partner_and_is_told(world: World) -> None:
    lead = world.users["lead_admin"]
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=lead,
            partnership=world.partnership,
            data=task_data(member=member_of(world, world.pemda), assignee=world.users["member"]),
        )
    assert "assignee" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.task_create(
            actor=lead,
            partnership=world.partnership,
            data=task_data(assignee=world.users["outsider"]),
        )
    task = services.task_create(
        actor=lead, partnership=world.partnership, data=task_data(assignee=world.users["member"])
    )
    assert task.member == member_of(world, world.company)  # inferred from the person
    told = Notification.objects.filter(kind="workplan.task_assigned")
    assert [n.recipient for n in told] == [world.users["member"]]


def test_due_reminders_are_sent_once(world: World, study: Task) -> None:
    lead = world.users["lead_admin"]
    services.task_update(
        actor=lead, task=study, data={"member": member_of(world, world.ngo)}, expected_version=1
    )
    today = D(2027, 2, 24)
    assert services.tasks_due_notify(within_days=3, today=today) == 1
    assert services.tasks_due_notify(within_days=3, today=today) == 0
    due = Notification.objects.filter(kind="workplan.task_due")
    assert [n.recipient for n in due] == [world.users["ngo_user"]]
    # Moving the due date arms the reminder again.
    study.refresh_from_db()
    services.task_update(
        actor=lead, task=study, data={"due_date": D(2027, 2, 27)}, expected_version=study.version
    )
    assert services.tasks_due_notify(within_days=3, today=today) == 1


def test_a_decision_by_stake_with_an_action_item(world: World, meeting: Any) -> None:
    lead = world.users["lead_admin"]
    pemda, company, ngo = (member_of(world, o) for o in (world.pemda, world.company, world.ngo))
    for m, share in ((pemda, 20), (company, 60), (ngo, None)):
        m.equity_share = Decimal(share) if share is not None else None
        m.save()
    services.rule_set(actor=lead, partnership=world.partnership, rule=DecisionRule.WEIGHTED)
    with pytest.raises(PermissionDenied):
        services.rule_set(
            actor=world.users["ngo_user"], partnership=world.partnership, rule="consensus"
        )
    mail.outbox.clear()
    decision = services.decision_record(
        actor=lead,
        meeting=meeting,
        title="Percepat desain",
        positions={pemda.pk: "agree", company.pk: "disagree", ngo.pk: "agree"},
        action_items=[
            {
                "title": "Tambah tim desain",
                "member": company,
                "start_date": D(2027, 1, 11),
                "due_date": D(2027, 1, 25),
            }
        ],
    )
    # 20 % agrees, 60 % disagrees, the NGO holds no stake: not adopted.
    assert decision.rule == "weighted" and decision.outcome == "rejected"
    action = decision.action_items.get()
    assert action.partnership == world.partnership and action.title == "Tambah tim desain"
    # ... 20 of the 80 % that voted: 25 % for, 75 % against.
    words = services.outcome_sentence(decision)
    assert "25%" in words and "75%" in words
    told = Notification.objects.filter(kind="workplan.decision_taken")
    assert {n.recipient for n in told} == {world.users["ngo_user"]}  # the admins, not the actor
    assert Activity.objects.filter(
        partnership_id=world.partnership.pk, kind="workplan.decision_taken"
    ).exists()


def test_positions_must_be_of_current_partners(world: World, meeting: Any) -> None:
    other = world.public.members.first()
    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            actor=world.users["lead_admin"],
            meeting=meeting,
            title="X",
            positions={other.pk: "agree"},
        )
    assert "positions" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.decision_record(
            actor=world.users["lead_admin"], meeting=meeting, title="X", positions={}
        )


def test_meeting_attendees_are_told_and_must_be_partners(world: World) -> None:
    from django.utils import timezone

    lead = world.users["lead_admin"]
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            actor=lead,
            partnership=world.partnership,
            data={"title": "R", "starts_at": starts},
            attendees=[world.users["outsider"].pk],
        )
    assert "attendees" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            actor=lead,
            partnership=world.partnership,
            data={"title": "R", "starts_at": starts, "berita_acara": world.public_document},
        )
    assert "berita_acara" in exc.value.message_dict
    services.meeting_create(
        actor=lead,
        partnership=world.partnership,
        data={"title": "R", "starts_at": starts, "berita_acara": world.document},
        attendees=[world.users["member"].pk],
    )
    told = Notification.objects.filter(kind="workplan.meeting_scheduled")
    assert [n.recipient for n in told] == [world.users["member"]]


def test_the_due_tasks_command_is_idempotent(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    services.task_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data=task_data(
            start_date=today,
            due_date=today + datetime.timedelta(days=2),
            assignee=world.users["ngo_user"],
        ),
    )
    out = StringIO()
    call_command("notify_due_tasks", "--days", "3", stdout=out)
    call_command("notify_due_tasks", "--days", "3", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 task(s) due soon notified.",
        "0 task(s) due soon notified.",
    ]
    assert Notification.objects.filter(kind="workplan.task_due").count() == 1


def test_a_task_links_to_a_step_of_the_partnerships_lifecycle(world: World) -> None:
    from mitra.workplan.selectors import step_choices

    steps = dict(step_choices(world.partnership))
    if not steps:
        pytest.skip("the coordination app defines no lifecycle for this form")
    lead = world.users["lead_admin"]
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=lead,
            partnership=world.partnership,
            data=task_data(lifecycle_step="no.such.step"),
        )
    assert "lifecycle_step" in exc.value.message_dict
    key = next(iter(steps))
    task = services.task_create(
        actor=lead, partnership=world.partnership, data=task_data(lifecycle_step=key)
    )
    assert task.lifecycle_step == key
