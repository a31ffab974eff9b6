"""A workplan on the world's toll road PPP: the lead (pemda), the company and the NGO."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from mitra.workplan import services
from tests.conftest import World

D = datetime.date


def member_of(world: World, organisation: Any) -> Any:
    return world.partnership.members.get(organisation=organisation)


def task_data(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Studi kelayakan",
        "start_date": D(2027, 1, 4),
        "due_date": D(2027, 2, 26),
        "status": "not_started",
        **extra,
    }


@pytest.fixture
def study(world: World) -> Any:
    return services.task_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data=task_data(member=member_of(world, world.pemda)),
    )


@pytest.fixture
def meeting(world: World) -> Any:
    from django.utils import timezone

    return services.meeting_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data={
            "title": "Rapat koordinasi",
            "starts_at": timezone.make_aware(datetime.datetime(2027, 1, 10, 9, 0)),
            "place": "Bandung",
            "agenda": "1. Jadwal",
        },
        attending_members=[m.pk for m in world.partnership.members.all()],
    )
