"""A tariff lever on the world's toll road PPP with the three partners' objectives: the lead
(pemda) aims at 44,000 in [40,000, 47,000], the company wants more in [48,200, 60,000] (for its
own organisation only: a hidden constraint) and the NGO wants less in [35,000, 45,000]."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mitra.core.choices import Confidentiality
from mitra.goals import services
from mitra.goals.models import Lever
from tests.conftest import World

D = Decimal


def lever_data(**extra: Any) -> dict[str, Any]:
    return {
        "name_ind": "Tarif tol per perjalanan",
        "name_en": "Toll tariff per trip",
        "unit": "money",
        "currency": "IDR",
        "min_value": D("20000"),
        "max_value": D("80000"),
        "direction": "increase",
        **extra,
    }


def objective_data(**extra: Any) -> dict[str, Any]:
    return {
        "direction": "target",
        "preferred": D("44000"),
        "acceptable_min": D("40000"),
        "acceptable_max": D("47000"),
        "walk_away": None,
        "weight": 60,
        "confidentiality": Confidentiality.PARTNERS,
        "note": "",
        **extra,
    }


def member_of(world: World, organisation: Any) -> Any:
    return world.partnership.members.get(organisation=organisation)


@pytest.fixture
def tariff(world: World) -> Lever:
    lever = services.lever_create(
        actor=world.users["lead_admin"], partnership=world.partnership, data=lever_data()
    )
    services.objective_set(
        actor=world.users["lead_admin"],
        lever=lever,
        member=member_of(world, world.pemda),
        data=objective_data(),
    )
    services.objective_set(
        actor=world.users["member"],
        lever=lever,
        member=member_of(world, world.company),
        data=objective_data(
            direction="increase",
            preferred=D("52000"),
            acceptable_min=D("48200"),
            acceptable_max=D("60000"),
            walk_away=D("46000"),
            weight=70,
            confidentiality=Confidentiality.OWNER,
            note="equity IRR 12%",
        ),
    )
    services.objective_set(
        actor=world.users["ngo_user"],
        lever=lever,
        member=member_of(world, world.ngo),
        data=objective_data(
            direction="decrease",
            preferred=D("35000"),
            acceptable_min=D("35000"),
            acceptable_max=D("45000"),
            weight=100,
        ),
    )
    return lever
