"""The world's toll-road KPBU (pemda leads as PJPK; company is the BUP; the NGO is a community
liaison) plus a company administrator, and helpers to file documents and sign steps off."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.coordination import services
from mitra.organisations.models import OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships import services as partnership_services
from tests.conftest import World, make_user


@pytest.fixture
def kpbu(world: World) -> World:
    company_admin = make_user("company_admin")
    organisation_add_user(
        actor=None,
        organisation=world.company,
        user=company_admin,
        role=OrganisationRole.ADMIN,
        system=True,
    )
    world.users["company_admin"] = company_admin
    return world


def member_of(world: World, organisation: Any, partnership: Any = None) -> Any:
    return (partnership or world.partnership).members.get(organisation=organisation)


def file_document(world: World, doc_type: str, organisation: Any = None) -> Any:
    organisation = organisation or world.pemda
    actor = world.users["lead_admin"] if organisation == world.pemda else world.users["member"]
    return partnership_services.document_create(
        actor=actor,
        member=member_of(world, organisation),
        data={"title": doc_type, "doc_type": doc_type},
        file=SimpleUploadedFile(f"{doc_type}.pdf", b"%PDF-1.4 x", "application/pdf"),
    )


def complete_planning(world: World) -> None:
    """Every output and sign-off of the solicited KPBU's planning stage."""
    file_document(world, "preliminary_study")
    file_document(world, "public_consultation")
    lead, ngo = world.users["lead_admin"], world.users["ngo_user"]
    p = world.partnership
    for step in ("kpbu.preliminary_study", "kpbu.public_consultation", "kpbu.listing"):
        services.sign_off(actor=lead, partnership=p, step=step, decision="approve")
    services.sign_off(actor=ngo, partnership=p, step="kpbu.public_consultation", decision="approve")
