"""Shared fixtures: a small world of organisations, users and partnerships built through services.

The permission matrix uses five actors: anonymous, outsider (an organisation in no partnership),
member (staff user of a non-lead partner), lead_admin (admin of the lead partner), staff (platform).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.core.choices import Confidentiality
from mitra.organisations.models import Organisation, OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships import services
from mitra.partnerships.models import Partnership, Role, Visibility

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Every test starts in the default language (Indonesian), whatever the test before it
    requested: a request to /en/… leaves English active in the thread, and `reverse()` would
    then build /en/ addresses."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def release_basis_unknown() -> None:
    """The open-data export remembers, per process, the settings fingerprint it has stored
    (disclosure.marks._KNOWN). A test whose transaction commits (or runs its on-commit hooks)
    leaves it remembered while the database is rolled back under the next test: start each test
    without it, as a fresh process would."""
    from mitra.disclosure import marks

    marks._KNOWN.clear()


@pytest.fixture(autouse=True)
def rate_windows_hold_still(monkeypatch: pytest.MonkeyPatch) -> None:
    """django-ratelimit counts in fixed windows (a minute, an hour) whose end depends on the
    clock. A test that sends N requests and expects the next to be refused failed when a window
    ended between two of them (CI on PostgreSQL, 2026-12-06). The library's clock stands still
    during a test; Django's caches keep the real one."""
    import time
    import types

    from django_ratelimit import core

    now = int(time.time())
    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: shared/ sits beside the checkout in CI only")
    return SHARED


def make_user(username: str, *, is_staff: bool = False) -> Any:
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=is_staff, email=f"{username}@example.org"
    )


def make_org(
    name: str, sector: str, kind: str, *, users: list[tuple[Any, str]] = ()
) -> Organisation:
    org = Organisation(name=name, short_name=name[:20], sector=sector, kind=kind, province="ID-JB")
    org.full_clean()
    org.save()
    for user, role in users:
        organisation_add_user(actor=None, organisation=org, user=user, role=role, system=True)
    return org


@dataclass
class World:
    users: dict[str, Any]
    pemda: Organisation
    company: Organisation
    ngo: Organisation
    outsider_org: Organisation
    partnership: Partnership  # partners-only PPP led by pemda; company and ngo are members
    public: Partnership  # public PSP led by pemda, ngo member
    draft: Partnership  # draft led by pemda alone
    need: Any
    commitment: Any  # company's partners-level commitment
    secret_commitment: Any  # company's owner-only commitment
    delivery: Any
    objective: Any
    secret_objective: Any
    document: Any  # company's partners-level document
    secret_document: Any  # company's owner-only document
    public_document: Any  # on the public partnership

    def actor(self, name: str) -> Any:
        return AnonymousUser() if name == "anonymous" else self.users[name]


ACTORS = ["anonymous", "outsider", "member", "lead_admin", "staff"]


def build_world() -> World:
    users = {
        "lead_admin": make_user("lead_admin"),
        "member": make_user("member"),
        "ngo_user": make_user("ngo_user"),
        "outsider": make_user("outsider"),
        "staff": make_user("staff", is_staff=True),
    }
    pemda = make_org(
        "Pemda Jawa Barat",
        "public",
        "regional_government",
        users=[(users["lead_admin"], OrganisationRole.ADMIN)],
    )
    company = make_org(
        "PT Contoh Infrastruktur",
        "private",
        "company",
        users=[(users["member"], OrganisationRole.STAFF)],
    )
    ngo = make_org(
        "Yayasan Contoh",
        "social",
        "foundation",
        users=[(users["ngo_user"], OrganisationRole.ADMIN)],
    )
    outsider_org = make_org(
        "Universitas Luar",
        "academia",
        "university",
        users=[(users["outsider"], OrganisationRole.ADMIN)],
    )
    lead = users["lead_admin"]
    partnership = services.partnership_create(
        actor=lead,
        lead_organisation=pemda,
        data={
            "title_ind": "Jalan Tol Contoh",
            "title_en": "Example Toll Road",
            "form": "ppp",
            "development_sector": "toll_road",
            "province": "ID-JB",
            "visibility": Visibility.PARTNERS,
            "estimated_value": Decimal("1000000000000.00"),
        },
        lead_roles=[Role.CONTRACTING_AGENCY],
    )
    company_member = services.member_add(
        actor=lead, partnership=partnership, organisation=company, roles=[Role.PROJECT_COMPANY]
    )
    services.member_add(
        actor=lead, partnership=partnership, organisation=ngo, roles=[Role.COMMUNITY_LIAISON]
    )
    need = services.need_create(
        actor=lead,
        partnership=partnership,
        data={
            "title": "Equity",
            "resource_type": "cash",
            "quantity": Decimal("500000000.00"),
            "currency": "IDR",
        },
    )
    member = users["member"]
    commitment = services.commitment_create(
        actor=member,
        need=need,
        member=company_member,
        data={"quantity": Decimal("200000000.00"), "confidentiality": Confidentiality.PARTNERS},
    )
    secret_commitment = services.commitment_create(
        actor=member,
        need=need,
        member=company_member,
        data={"quantity": Decimal("77000000.00"), "confidentiality": Confidentiality.OWNER},
    )
    document = services.document_create(
        actor=member,
        member=company_member,
        data={"title": "Shared minutes", "doc_type": "minutes"},
        file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf"),
    )
    secret_document = services.document_create(
        actor=member,
        member=company_member,
        data={
            "title": "Confidential financial model",
            "doc_type": "financial_model",
            "confidentiality": Confidentiality.OWNER,
        },
        file=SimpleUploadedFile("model.xlsx", b"PK secret", "application/octet-stream"),
    )
    delivery = services.delivery_create(
        actor=member,
        commitment=commitment,
        data={
            "delivered_on": datetime.date(2026, 1, 15),
            "quantity": Decimal("50000000.00"),
            "evidence": document,
        },
    )
    objective = services.objective_create(
        actor=member, member=company_member, data={"text": "Earn a fair return", "weight": 80}
    )
    secret_objective = services.objective_create(
        actor=member,
        member=company_member,
        data={
            "text": "Walk away below 11% equity IRR",
            "weight": 90,
            "confidentiality": Confidentiality.OWNER,
        },
    )
    public = services.partnership_create(
        actor=lead,
        lead_organisation=pemda,
        data={
            "title_ind": "Sekolah Bersama",
            "title_en": "Schools Together",
            "form": "psp",
            "development_sector": "education",
            "visibility": Visibility.PUBLIC,
        },
    )
    services.member_add(actor=lead, partnership=public, organisation=ngo, roles=[Role.IMPLEMENTER])
    lead_public_member = public.members.get(organisation=pemda)
    public_document = services.document_create(
        actor=lead,
        member=lead_public_member,
        data={
            "title": "Public MoU",
            "doc_type": "agreement",
            "confidentiality": Confidentiality.PUBLIC,
        },
        file=SimpleUploadedFile("mou.pdf", b"%PDF-1.4 mou", "application/pdf"),
    )
    draft = services.partnership_create(
        actor=lead,
        lead_organisation=pemda,
        data={
            "title_ind": "Draf Rahasia",
            "title_en": "Secret Draft",
            "form": "pentahelix",
            "development_sector": "tourism",
            "visibility": Visibility.DRAFT,
        },
    )
    return World(
        users,
        pemda,
        company,
        ngo,
        outsider_org,
        partnership,
        public,
        draft,
        need,
        commitment,
        secret_commitment,
        delivery,
        objective,
        secret_objective,
        document,
        secret_document,
        public_document,
    )


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
