"""OC4IDS import: the OC4IDS worked example, the Thai SEPO export with its deviations."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from mitra.imports.oc4ids import import_oc4ids
from mitra.imports.report import ImportRefused
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership, PartnershipMember, Role

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
THAI = SHARED / "data" / "th-ppp-sepo-oc4ids" / "th_ppp_projects_oc4ids.json"
EXAMPLE = SHARED / "data" / "oc4ids" / "examples" / "example.json"


def load(path: Path):
    if not path.is_file():
        pytest.skip(f"{path} is absent: shared/ sits beside the checkout")
    return json.loads(path.read_text(encoding="utf-8"))


def run(data, *, actor=None, dry_run=False):
    return import_oc4ids(data, source="test.json", actor=actor, dry_run=dry_run, progress=None)


def messages_at(report, suffix: str) -> list[str]:
    return [w.message for w in report.warnings if w.where.endswith(suffix)]


def test_thai_file_imports_with_a_warning_for_each_deviation(django_user_model):
    # given the real SEPO export and a staff actor
    data = load(THAI)
    staff = django_user_model.objects.create_user("importer", is_staff=True)
    # when it is imported (messages in English: the assertions below read them, and the active
    # language otherwise depends on which test ran before)
    with translation.override("en"):
        report = run(data, actor=staff)
    # then the eleven projects are public partnerships in Thailand
    assert report.ok and report.created["partnership"] == 11
    p = Partnership.objects.get(source="oc4ids", source_id="ppp-001")
    assert p.visibility == "public" and str(p.country) == "TH" and p.ocid is None
    assert p.title_ind.startswith("โครงการระบบทางด่วน")
    assert p.stage == "closed" and p.development_sector == "road_bridge"
    assert p.start_date.isoformat() == "1988-12-22"
    # THB is not a Mitra currency: kept exactly in other data
    assert p.estimated_value is None
    assert p.other_data["value_outside_currencies"] == {
        "amount": "16950000000.0",
        "currency": "THB",
        "path": "$.projects[0].budget.amount",
    }
    assert p.other_data["oc4ids"]["type"] == "ทางพิเศษ"
    assert p.other_data["documents"][0]["url"] == "https://ppp.sepo.go.th/content/147"
    # and every kind of deviation is listed, with its JSON path
    where = {w.where for w in report.warnings}
    for key in ("version", "uri", "publishedDate", "publisher"):
        assert f"$.{key}" in where  # missing package metadata
    assert any("plain date" in m for m in messages_at(report, "[0].period.startDate"))
    assert any("outside the projectStatus" in m for m in messages_at(report, "[0].status"))
    assert any("Text where a projectType" in m for m in messages_at(report, "[0].type"))
    assert any("sector object" in m for m in messages_at(report, "[0].sector[0]"))
    assert any("offset" in m for m in messages_at(report, "[0].updated"))
    assert any("not an OC4IDS field" in m for m in messages_at(report, "[0].addidentifiers"))
    assert any("partyRole" in m for m in messages_at(report, "[0].parties[1].roles[1]"))
    assert any("THB" in m for m in messages_at(report, "[0].budget.amount"))
    assert any("register identifier" in m for m in messages_at(report, "[0].parties[0].identifier"))
    active = Partnership.objects.get(source_id="ppp-008")
    assert active.stage == "operation"


def test_thai_parties_are_matched_by_name_not_by_local_ids():
    run(load(THAI))
    # the port authority leads six projects: one organisation, not one per "org-1"
    port = Organisation.objects.get(name="การท่าเรือแห่งประเทศไทย (กทท.)")
    assert port.sector == "public" and str(port.country) == "TH" and port.identifier == ""
    assert port.partnership_memberships.count() == 6
    assert all(Role.LEAD in m.roles for m in port.partnership_memberships.all())
    company = Organisation.objects.get(name="บริษัท ทางด่วนกรุงเทพจำกัด (BECL)")
    assert (company.sector, company.kind) == ("private", "project_company")
    ministry_named = Organisation.objects.filter(name__contains="กระทรวง")
    assert not ministry_named.exists()  # ministries are classifications, not parties
    assert Organisation.objects.count() == 22 - 5  # the port authority appears six times


def test_thai_import_twice_creates_nothing():
    data = load(THAI)
    run(data)
    counts = (
        Partnership.objects.count(),
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
    )
    second = run(copy.deepcopy(data))
    assert not second.created and not second.updated
    assert second.unchanged["partnership"] == 11
    assert counts == (
        Partnership.objects.count(),
        Organisation.objects.count(),
        PartnershipMember.objects.count(),
    )


def test_oc4ids_worked_example_imports():
    report = run(load(EXAMPLE))
    assert report.ok and report.created["partnership"] == 1
    p = Partnership.objects.get(source="oc4ids")
    assert p.title_en == "M75 Junctions 4 to 5 upgrade smart motorway"
    assert p.stage == "operation" and p.development_sector == "road_bridge"
    assert sum(Role.LEAD in m.roles for m in p.members.all()) == 1
    assert any("GBP" in w.message for w in report.warnings)


def test_bare_list_and_single_project_are_accepted_with_a_warning():
    project = {
        "id": "p-1",
        "title": "Sekolah",
        "status": "preparation",
        "budget": {"amount": {"amount": "1500000.50", "currency": "IDR"}},
        "parties": [
            {"id": "1", "name": "Pemerintah Kabupaten Contoh", "roles": ["publicAuthority"]}
        ],
    }
    report = run([project])
    assert report.warnings[0].where == "$" and report.created["partnership"] == 1
    p = Partnership.objects.get()
    assert p.estimated_value == Decimal("1500000.50") and p.stage == "preparation"
    report = run(project)
    assert report.unchanged["partnership"] == 1


def test_what_cannot_be_interpreted_is_refused_whole():
    data = {
        "projects": [
            {"id": "ok", "title": "Fine"},
            {"title": "No id"},
            {"id": "bad-date", "period": {"startDate": "22/12/1988"}},
            {"id": "bad-amount", "budget": {"amount": {"amount": "a lot", "currency": "IDR"}}},
            {"id": "nameless", "parties": [{"id": "1", "roles": ["publicAuthority"]}]},
        ]
    }
    with pytest.raises(ImportRefused) as refused:
        run(data)
    where = {e.where for e in refused.value.report.errors}
    assert where == {
        "$.projects[1].id",
        "$.projects[2].period.startDate",
        "$.projects[3].budget.amount.amount",
        "$.projects[4].parties[0].name",
    }
    assert not Partnership.objects.exists() and not Organisation.objects.exists()


def test_html_in_oc4ids_text_is_removed(client):
    project = {
        "id": "x",
        "title": "<script>alert(1)</script>Jalan <i>baru</i>",
        "description": "<p onclick=alert(1)>Deskripsi</p>",
        "language": "id",
        "documents": [
            {"id": "1", "title": "<script>x()</script>Laporan", "url": "http://a/?a=1&b=2"}
        ],
    }
    run(project)
    p = Partnership.objects.get()
    assert p.title_ind == "Jalan baru" and p.summary_ind == "Deskripsi"
    assert p.other_data["documents"][0]["title"] == "Laporan"
    assert p.other_data["documents"][0]["url"] == "http://a/?a=1&b=2"
    assert "<script" not in json.dumps(p.other_data)
    response = client.get(f"/en/partnerships/{p.pk}/")
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content
