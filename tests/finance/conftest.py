"""Fixtures of the finance model's tests: the shared world plus an administrator of the project
company (BUP), whose model is confidential, and the three example specs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mitra.organisations.models import OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships.models import PartnershipMember
from tests.conftest import World, build_world, make_user

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "finance"


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class FinanceWorld:
    world: World
    company_admin: Any  # admin of the project company (BUP)
    company_member: PartnershipMember
    pemda_member: PartnershipMember
    ngo_member: PartnershipMember

    @property
    def partnership(self) -> Any:
        return self.world.partnership

    def user(self, name: str) -> Any:
        if name == "company_admin":
            return self.company_admin
        return self.world.actor(name)


@pytest.fixture
def fw(db: Any) -> FinanceWorld:
    world = build_world()
    admin = make_user("company_admin")
    organisation_add_user(
        actor=None, organisation=world.company, user=admin, role=OrganisationRole.ADMIN, system=True
    )
    members = {m.organisation_id: m for m in world.partnership.members.all()}
    return FinanceWorld(
        world=world,
        company_admin=admin,
        company_member=members[world.company.pk],
        pemda_member=members[world.pemda.pk],
        ngo_member=members[world.ngo.pk],
    )


@pytest.fixture
def hospital() -> dict[str, Any]:
    return example("hospital")
