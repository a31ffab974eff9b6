"""Needs on the world's public partnership (a PSP led by pemda, ngo member) that the company (a
partner of the partners-only PPP, not of the PSP) can offer on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from mitra.organisations.models import OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Partnership
from tests.conftest import World, make_user


@dataclass
class Board:
    world: World
    cash: Any  # IDR 100,000,000 scholarship funds, nothing pledged
    training: Any  # 50 person-days of teacher training, 20 pledged publicly by the ngo
    covered: Any  # 10 units of laptops, fully pledged by the ngo (partners only)


@pytest.fixture
def board(world: World) -> Board:
    lead = world.users["lead_admin"]
    public: Partnership = world.public
    public.refresh_from_db()
    partnership_services.partnership_update(
        actor=lead,
        partnership=public,
        data={"province": "ID-JB", "sdgs": [4, 10]},
        expected_version=public.version,
    )
    cash = partnership_services.need_create(
        actor=lead,
        partnership=public,
        data={
            "title_ind": "Dana beasiswa siswa",
            "title_en": "Student scholarship funds",
            "resource_type": "cash",
            "quantity": Decimal("100000000.00"),
            "currency": "IDR",
        },
    )
    training = partnership_services.need_create(
        actor=lead,
        partnership=public,
        data={
            "title_ind": "Pelatihan guru",
            "title_en": "Teacher training",
            "resource_type": "expertise",
            "quantity": Decimal("50.00"),
            "unit": "person-days",
        },
    )
    covered = partnership_services.need_create(
        actor=lead,
        partnership=public,
        data={
            "title_ind": "Laptop sekolah",
            "title_en": "School laptops",
            "resource_type": "equipment",
            "quantity": Decimal("10.00"),
            "unit": "units",
        },
    )
    ngo_member = public.members.get(organisation=world.ngo)
    ngo_user = world.users["ngo_user"]
    partnership_services.commitment_create(
        actor=ngo_user,
        need=training,
        member=ngo_member,
        data={"quantity": Decimal("20.00"), "confidentiality": "public"},
    )
    partnership_services.commitment_create(
        actor=ngo_user,
        need=covered,
        member=ngo_member,
        data={"quantity": Decimal("10.00"), "confidentiality": "partners"},
    )
    return Board(world, cash, training, covered)


@pytest.fixture
def company_admin(board: Board) -> Any:
    """An administrator of the company (``world.users["company_admin"]``): an offer made by an
    administrator is the organisation's consent to join (issue 14)."""
    user = make_user("company_admin")
    organisation_add_user(
        actor=None,
        organisation=board.world.company,
        user=user,
        role=OrganisationRole.ADMIN,
        system=True,
    )
    board.world.users["company_admin"] = user
    return user
