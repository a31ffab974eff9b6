"""OCDS for PPPs and OC4IDS exports of the demo data: validity, confidentiality, stable releases."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from mitra.disclosure import jsonio, services
from mitra.disclosure.codelists import (
    CUSTOM_CODES,
    CUSTOM_RISK_CATEGORIES,
    mitra_roles_for_ocds,
    ocds_roles,
)
from mitra.disclosure.compile import compile_releases, merge_into
from mitra.disclosure.models import Release
from mitra.disclosure.validation import is_date_time, is_uri, validate_package
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Partnership, Stage, Visibility

pytestmark = pytest.mark.django_db

#: The custom party-role codes the demo export uses, and nothing else may warn: the toll road
#: (BPJT as regulator, the sponsor that is also EPC contractor, the independent engineer, PT PII,
#: the NGO monitoring resettlement), the street-lighting KPBU in preparation (Simpul KPBU, Badan
#: Penyiapan) and the TJSL programme (the regency's agriculture office, the cooperative).
DEMO_CUSTOM_ROLES = {
    "leadPartner",
    "regulator",
    "epcContractor",
    "independentEngineer",
    "guarantor",
    "communityLiaison",
    "independentMonitor",
    "pppUnit",
    "preparationAgency",
    "technicalPartner",
    "beneficiaryRepresentative",
}
#: OC4IDS holds the infrastructure projects only (the toll road and the street lighting), whose
#: EPC contractor is a supplier there.
DEMO_CUSTOM_ROLES_OC4IDS = DEMO_CUSTOM_ROLES - {
    "epcContractor",
    "independentMonitor",
    "technicalPartner",
    "beneficiaryRepresentative",
}
BROKEN = Path(__file__).with_name("broken_release_package.json")


def roundtrip(package: dict) -> dict:
    """As a client reads the export: the JSON text, parsed (decimals stay exact)."""
    return jsonio.loads(jsonio.dumps(package))


def toll() -> Partnership:
    return Partnership.objects.get(development_sector="toll_road")


#: Mitra's own risk categories that the demo's toll-road register uses (docs/open-data.md).
DEMO_CUSTOM_RISK_CATEGORIES = {"social", "political"}


def assert_only_demo_custom_roles(
    result, risk_categories=DEMO_CUSTOM_RISK_CATEGORIES, custom_roles=DEMO_CUSTOM_ROLES
) -> None:
    """Only the documented custom codes: party roles, and risk categories (OCDS only)."""
    assert result.errors == [], result.errors[:5]
    assert {w.kind for w in result.warnings} == {"codelist"}
    roles = [w for w in result.warnings if ".roles[" in w.path]
    risks = [w for w in result.warnings if ".roles[" not in w.path]
    assert {str(w.value) for w in roles} == custom_roles
    assert {str(w.value) for w in risks} == risk_categories
    assert all(".riskAllocation[" in w.path and w.path.endswith(".category") for w in risks)
    assert set(CUSTOM_CODES) >= DEMO_CUSTOM_ROLES
    assert set(CUSTOM_RISK_CATEGORIES) >= risk_categories


# --- validation of the demo export ---------------------------------------------------------------


def test_demo_release_package_validates_with_only_documented_custom_roles(demo, ocds_dir):
    package = roundtrip(services.ocds_release_package())
    assert_only_demo_custom_roles(validate_package(package, ocds_dir))
    # the four published partnerships, one release each: the toll road and the street-lighting
    # KPBU, the school PSP and the TJSL programme
    assert sorted(r["planning"]["project"]["id"].split("-")[0] for r in package["releases"]) == [
        "CSR",
        "KPBU",
        "KPBU",
        "KPSos",
    ]


def test_demo_record_package_validates_and_compiles(demo, ocds_dir):
    package = roundtrip(services.ocds_record_package())
    assert_only_demo_custom_roles(validate_package(package, ocds_dir))
    record = next(r for r in package["records"] if r["ocid"].endswith(toll().code))
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["buyer"]["name"] == "Kementerian Pekerjaan Umum"
    assert compiled["planning"]["budget"]["amount"] == {
        "amount": Decimal("10800000000000.00"),
        "currency": "IDR",
    }
    # the public cash commitment, Kemenkeu's Dukungan Kelayakan, is a source of finance
    finance = compiled["planning"]["budget"]["finance"]
    assert [(f["financingParty"]["name"][:24], f["value"]["amount"]) for f in finance] == [
        ("Kementerian Keuangan — D", Decimal("1800000000000.00"))
    ]
    # a PPP under construction: tender complete, award and contract active with the BUJT
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["procuringEntity"]["name"] == "Kementerian Pekerjaan Umum"
    assert compiled["contracts"][0]["status"] == "active"
    suppliers = {s["name"] for s in compiled["awards"][0]["suppliers"]}
    assert suppliers == {"PT Mandalawangi Tol Priangan"}
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles["PT Mandalawangi Tol Priangan"] == ["privateParty"]
    assert roles["Kementerian Pekerjaan Umum"] == ["leadPartner", "buyer", "procuringEntity"]
    assert roles["PT Bank Arunika Indonesia"] == ["lender"]
    assert roles["PT Galih Rekayasa Konstruksi"] == ["equityInvestor", "epcContractor"]
    assert roles[
        "Kementerian Keuangan — Direktorat Jenderal Pengelolaan Pembiayaan dan Risiko"
    ] == ["grantor"]
    # the BUJT's shareholders, as fractions that add up to one
    bujt = next(p for p in compiled["parties"] if p["name"] == "PT Mandalawangi Tol Priangan")
    shares = {s["shareholder"]["name"]: s["shareholding"] for s in bujt["shareholders"]}
    assert shares == {
        "PT Galih Rekayasa Konstruksi": Decimal("0.4"),
        "PT Sangkuriang Infrastruktur Investama": Decimal("0.35"),
        "PT Prasarana Priangan (Perseroda)": Decimal("0.25"),
    }


def test_demo_oc4ids_package_validates_and_holds_infrastructure_only(demo, oc4ids_dir):
    package = roundtrip(services.oc4ids_project_package())
    assert_only_demo_custom_roles(
        validate_package(package, oc4ids_dir),
        risk_categories=set(),
        custom_roles=DEMO_CUSTOM_ROLES_OC4IDS,
    )
    # toll road and street lighting: public infrastructure; hospital: partners-only; school PSP
    # and TJSL programme: not infrastructure
    lighting = Partnership.objects.get(development_sector="urban_facilities")
    assert {p["id"] for p in package["projects"]} == {
        f"oc4ids-mitra0-{toll().code}",
        f"oc4ids-mitra0-{lighting.code}",
    }
    project = next(p for p in package["projects"] if p["id"].endswith(toll().code))
    assert project["sector"] == ["transport.road"]
    assert project["status"] == "implementation"
    assert project["publicAuthority"]["name"] == "Kementerian Pekerjaan Umum"
    process = project["contractingProcesses"][0]
    assert process["id"] == f"ocds-mitra00-{toll().code}"
    assert [r["id"] for r in process["releases"]] == [f"ocds-mitra00-{toll().code}-0001"]


def test_broken_fixture_fails_with_json_paths(ocds_dir):
    data = json.loads(BROKEN.read_text())
    result = validate_package(data, ocds_dir)
    assert not result.ok
    messages = {(e.path, e.message) for e in result.errors}
    paths = {p for p, _m in messages}
    assert "$.releases[0]" in paths  # 'ocid' is a required property
    assert any("'ocid' is a required property" in m for _p, m in messages)
    assert "$.releases[0].date" in paths  # not RFC 3339
    assert "$.releases[0].tag[0]" in paths  # outside the closed releaseTag codelist
    assert "$.releases[0].planning.budget.amount.amount" in paths  # a string, not a number
    assert "$.releases[0].planning.documents[0].url" in paths  # not a URI
    warnings = {(w.kind, w.path) for w in result.warnings}
    assert ("codelist", "$.releases[0].parties[0].roles[1]") in warnings  # "patron"
    assert ("undeclared", "$.releases[0].planning.documents[0].colour") in warnings


def test_the_worked_example_is_valid_and_the_beta2_one_is_not(ocds_dir):
    examples = ocds_dir / "examples"
    beta3 = json.loads(
        (examples / "ppp-worked-example_1.0.0-beta3_release-package.json").read_text()
    )
    beta2 = json.loads(
        (examples / "ppp-worked-example_1.0.0-beta2_release-package.json").read_text()
    )
    assert validate_package(beta3, ocds_dir).ok
    assert not validate_package(beta2, ocds_dir).ok


def test_format_checks():
    assert is_date_time("2026-03-01T00:00:00+07:00") and is_date_time("2026-03-01T00:00:00Z")
    assert not is_date_time("2026-03-01") and not is_date_time("2026-02-30T00:00:00Z")
    assert is_uri("https://example.org/a?b=c#d") and not is_uri("example.org/a b")


# --- confidentiality ---------------------------------------------------------------------------------


def test_only_public_partnerships_and_documents_are_exported(demo):
    texts = [
        jsonio.dumps(services.ocds_release_package()),
        jsonio.dumps(services.ocds_record_package()),
        jsonio.dumps(services.oc4ids_project_package()),
    ]
    hidden = Partnership.objects.exclude(visibility=Visibility.PUBLIC)
    assert {p.visibility for p in hidden} == {Visibility.PARTNERS, Visibility.DRAFT}
    for text in texts:
        for p in hidden:
            assert p.code not in text and p.title_ind not in text and p.title_en not in text
        # owner-only and partners-only documents of public partnerships
        for title in (
            "Model Keuangan BUJT",
            "Bukti Setoran Modal",
            "Perjanjian Regres",
            "Perjanjian Kredit Sindikasi",
            "Laporan Konsultan Independen",
            "Prastudi Kelayakan (OBC)",
            "Laporan Pelatihan Guru",
            "Anggaran TJSL",
        ):
            assert title not in text
        # partners-only and owner-only commitments (the sponsors' equity, the two loans, the
        # company's CSR funds of the school partnership)
        for amount in ("1080000000000", "945000000000", "675000000000", "4200000000000"):
            assert f'"amount": {amount}.00' not in text
        for amount in ("2100000000000", "5000000000"):
            assert f'"amount": {amount}.00' not in text
    ocds = texts[0]
    for title in (
        "Perjanjian Pengusahaan Jalan Tol (PPJT)",
        "Persetujuan Menteri Keuangan atas Dukungan Kelayakan",
        "Perjanjian Penjaminan Infrastruktur",
        "Studi Pendahuluan KPBU PJU",
        "Berita Acara Konsultasi Publik KPBU PJU",
        "Nota Kesepahaman Sekolah Penggerak",
        "Perjanjian Kerja Sama Pelaksanaan Program TJSL",
    ):
        assert title in ocds, title
    # public cash commitments are sources of finance: the VGF, the school partnership's public
    # funds, the regency's KPBU budget and the BUMN's TJSL funds
    for amount in ("1800000000000", "10000000000", "850000000", "4800000000"):
        assert f'"amount": {amount}.00' in ocds, amount


def test_a_partnership_that_is_unpublished_disappears_from_every_export(demo):
    p = toll()
    services.ocds_release_package()
    Partnership.objects.filter(pk=p.pk).update(visibility=Visibility.PARTNERS)
    assert p.code not in jsonio.dumps(services.ocds_release_package())
    assert p.code not in jsonio.dumps(services.oc4ids_project_package())
    assert services.release_sync(partnership=p) is None


# --- releases: stable ids, a new release per published change ---------------------------------------


def test_release_ids_are_stable_and_a_change_yields_a_new_release(demo):
    first = services.ocds_release_package()
    second = services.ocds_release_package()
    assert jsonio.dumps(first) == jsonio.dumps(second)
    assert Release.objects.count() == Partnership.objects.published().count() == 4
    p = toll()
    actor = get_user_model().objects.get(username="pu-admin")
    partnership_services.partnership_update(
        actor=actor,
        partnership=p,
        expected_version=p.version,
        data={"title_ind": "KPBU Jalan Tol Bandung–Garut (revisi)"},
    )
    third = services.ocds_release_package()
    ids = [r["id"] for r in third["releases"]]
    assert ids[:1] == [r["id"] for r in first["releases"]][:1]
    assert f"ocds-mitra00-{p.code}-0002" in ids
    new = next(r for r in third["releases"] if r["id"].endswith("-0002"))
    assert new["tag"] == ["contractUpdate"]  # same stage (construction), updated
    old = next(r for r in first["releases"] if r["ocid"].endswith(p.code))
    assert new["date"] > old["date"]  # RFC 3339 strings in the same offset sort by time
    record = services.ocds_record_package(code=p.code)["records"][0]
    assert [r["id"][-4:] for r in record["releases"]] == ["0001", "0002"]
    assert record["compiledRelease"]["planning"]["project"]["title"].endswith("(revisi)")
    # a stage change (through the lifecycle's gate, which calls this) starts the stage's tag again
    p.refresh_from_db()
    partnership_services.partnership_set_stage(
        actor=actor, partnership=p, stage=Stage.OPERATION, expected_version=p.version
    )
    latest = services.release_sync(partnership=p)
    assert latest.tags == ["implementation"] and latest.sequence == 3


def test_imported_ocid_and_configured_prefix(demo, settings):
    settings.MITRA_OCID_PREFIX = "ocds-abc123"
    others = Partnership.objects.published().exclude(pk=toll().pk)
    Partnership.objects.filter(pk=toll().pk).update(ocid="ocds-213czf-000-00001")
    ocids = {r["ocid"] for r in services.ocds_release_package()["releases"]}
    assert ocids == {"ocds-213czf-000-00001"} | {f"ocds-abc123-{p.code}" for p in others}
    assert len(ocids) == 4


# --- mapping and merging -----------------------------------------------------------------------------


def test_role_table_forward_and_back():
    assert ocds_roles(["contracting_agency", "lead"]) == ["leadPartner", "buyer", "procuringEntity"]
    assert mitra_roles_for_ocds("privateParty") == ["project_company"]
    assert mitra_roles_for_ocds("supplier") == ["operator", "implementer"]


def test_merge_rules():
    releases = [
        {
            "ocid": "o",
            "id": "1",
            "date": "2026-01-01T00:00:00Z",
            "tag": ["planning"],
            "parties": [{"id": "a", "name": "A", "roles": ["buyer", "funder"]}],
            "planning": {"project": {"locations": [{"description": "x"}, {"description": "y"}]}},
            "tender": {"id": "t", "status": "active", "title": "T"},
        },
        {
            "ocid": "o",
            "id": "2",
            "date": "2026-02-01T00:00:00Z",
            "tag": ["tenderUpdate"],
            "parties": [{"id": "a", "roles": ["buyer"]}, {"id": "b", "name": "B"}],
            "planning": {"project": {"locations": [{"description": "z"}]}},
            "tender": {"status": "complete", "title": None},
        },
    ]
    compiled = compile_releases(releases)
    assert compiled["parties"] == [
        {"id": "a", "name": "A", "roles": ["buyer"]},
        {"id": "b", "name": "B"},
    ]
    assert compiled["planning"]["project"]["locations"] == [{"description": "z"}]
    assert compiled["tender"] == {"id": "t", "status": "complete"}
    assert compiled["tag"] == ["compiled"] and compiled["date"] == "2026-02-01T00:00:00Z"
    assert merge_into({"a": {"b": 1}}, {"a": None}) == {}


def test_amounts_are_exact_json_numbers():
    text = jsonio.dumps({"amount": Decimal("12345678901234567.89")})
    assert text == '{"amount": 12345678901234567.89}'
    assert jsonio.loads(text)["amount"] == Decimal("12345678901234567.89")
    assert jsonio.dumps({"t": "\u0000dec:5"}) == '{"t": "dec:5"}'
