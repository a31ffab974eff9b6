"""contracts[].riskAllocation of the OCDS for PPPs export, from the partnership's risk register."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mitra.disclosure import jsonio, marks, services
from mitra.disclosure.codelists import CUSTOM_CODES, CUSTOM_RISK_CATEGORIES
from mitra.disclosure.models import Release
from mitra.disclosure.ocds import percent, risk_allocation
from mitra.disclosure.selectors import PublicRisk, PublicShare
from mitra.disclosure.validation import PACKAGE_SCHEMAS, validate_package
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Partnership, Role, Stage, Visibility
from mitra.risks import services as risk_services
from mitra.risks.models import Risk, RiskCategory, RiskParty

pytestmark = pytest.mark.django_db

#: The fields of the extension's Risk: nothing else may be exported.
RISK_FIELDS = {"id", "category", "description", "allocation", "notes"}
#: Keys of the register's quantitative inputs (and its 1-5 scores and capacities).
QUANTITATIVE = {
    "probability",
    "impact",
    "unit_value",
    "basis",
    "applies_to",
    "years",
    "year_weights",
    "quantity",
    "likelihood",
    "impact_level",
    "capacity",
    "cost_confidential_to",
}
#: Figures of R1 (confidential to the company) and a party's capacity, distinct enough to search.
FIGURES = ("0.4137", "0.0213", "0.0517", "0.2113", "4321.5")


def roundtrip(package: dict) -> dict:
    return jsonio.loads(jsonio.dumps(package))


def _quantity() -> dict:
    return {
        "probability": 0.4137,
        "impact": {"type": "pert", "min": 0.0213, "mode": 0.0517, "max": 0.2113},
        "basis": "relative",
        "applies_to": "capex",
        "years": [1, 2],
    }


def _risk(world, code, category, title, allocation, *, actor="member", quantity=None, **data):
    return risk_services.risk_create(
        actor=world.users[actor],
        partnership=data.pop("partnership", world.partnership),
        data={"code": code, "category": category, "title_ind": title, **data},
        quantity=quantity,
        allocation=allocation,
    )


@pytest.fixture
def register(world):
    """The PPP of the world (pemda public, company private, ngo social) in construction, with a
    register of four risks; still partners-only."""
    p = world.partnership
    Partnership.objects.filter(pk=p.pk).update(stage=Stage.CONSTRUCTION)
    p.refresh_from_db()
    lead = world.users["lead_admin"]
    settings = risk_services.register_start(actor=lead, partnership=p)
    risk_services.settings_update(
        actor=lead,
        partnership=p,
        data={
            "horizon_years": 5,
            "cash_flows": {
                "capex": [100, 100, 0, 0, 0],
                "opex": [0, 0, 10, 10, 10],
                "revenue": [0, 0, 80, 80, 80],
            },
        },
        expected_version=settings.version,
    )
    parties = {r.member.organisation_id: r for r in RiskParty.objects.filter(partnership=p)}
    RiskParty.objects.filter(pk=parties[world.company.pk].pk).update(capacity=Decimal("4321.5"))
    public, private, social = (parties[o.pk] for o in (world.pemda, world.company, world.ngo))
    users = RiskParty.objects.create(
        partnership=p, key="road_users", name="Pengguna jalan", order=9
    )
    _risk(
        world,
        "R1",
        RiskCategory.CONSTRUCTION,
        "Pembengkakan biaya konstruksi",
        {
            public: (Decimal("0.3"), "Lahan dan izin"),
            private: (Decimal("0.6"), "Membangun jalan."),
            social: (Decimal("0.1"), "Pekerjaan warga"),
        },
        quantity=_quantity(),
        description_ind="Harga baja dan aspal naik.",
        cost_confidential_to=private.member,
    )
    _risk(
        world,
        "R2",
        RiskCategory.SOCIAL,
        "Penolakan warga",
        {
            public: (Decimal("0.4"), "Dibagi bersama"),
            private: (Decimal("0.4"), "Dibagi bersama"),
            social: (Decimal("0.2"), "Dibagi bersama"),
        },
    )
    _risk(world, "R3", RiskCategory.LAND, "Pengadaan tanah", {public: (Decimal("1"), "")})
    _risk(
        world,
        "R4",
        RiskCategory.POLITICAL,
        "Perubahan kebijakan tarif",
        {users: (Decimal("0.6"), ""), private: (Decimal("0.4"), "")},
    )
    return {"public": public, "private": private, "social": social, "users": users}


def publish(world) -> Partnership:
    Partnership.objects.filter(pk=world.partnership.pk).update(visibility=Visibility.PUBLIC)
    world.partnership.refresh_from_db()
    return world.partnership


def exported_risks(package: dict) -> list[dict]:
    """Every Risk of a release package (its releases) or of a record package (its records'
    releases and compiled releases)."""
    releases = package.get("releases") or [
        release
        for record in package["records"]
        for release in [*record["releases"], record["compiledRelease"]]
    ]
    return [
        risk
        for release in releases
        for contract in release.get("contracts", [])
        for risk in contract.get("riskAllocation", [])
    ]


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


# --- what is exported ----------------------------------------------------------------------------


def test_one_risk_per_register_risk_with_the_side_bearing_most_of_it(world, register):
    p = publish(world)
    package = roundtrip(services.ocds_release_package_for(code=p.code))
    [release] = package["releases"]
    [contract] = release["contracts"]
    risks = {r["id"]: r for r in contract["riskAllocation"]}
    assert list(risks) == ["R1", "R2", "R3", "R4"]  # register order
    assert {code: r["allocation"] for code, r in risks.items()} == {
        "R1": "privateParty",  # private 60%
        "R2": "undefined",  # 40/40/20: no side above half
        "R3": "publicAuthority",
        "R4": "undefined",  # an unlinked party (road users) 60%: neither side
    }
    assert {code: r["category"] for code, r in risks.items()} == {
        "R1": "construction",
        "R2": "social",
        "R3": "landAvailability",
        "R4": "political",
    }
    # Indonesian (the release's language): title, then description
    assert risks["R1"]["description"] == "Pembengkakan biaya konstruksi. Harga baja dan aspal naik."
    assert risks["R3"]["description"] == "Pengadaan tanah"


def test_the_notes_name_every_party_its_share_and_the_rationale(world, register):
    p = publish(world)
    risks = {r["id"]: r for r in exported_risks(services.ocds_release_package_for(code=p.code))}
    assert risks["R1"]["notes"] == (
        "Pemda Jawa Barat 30%, PT Contoh Infrastruktur 60%, Yayasan Contoh 10% — alasan: "
        "Pemda Jawa Barat: Lahan dan izin; PT Contoh Infrastruktur: Membangun jalan; "
        "Yayasan Contoh: Pekerjaan warga."
    )
    # one rationale given for every share is said once
    assert risks["R2"]["notes"] == (
        "Pemda Jawa Barat 40%, PT Contoh Infrastruktur 40%, Yayasan Contoh 20% — alasan: "
        "Dibagi bersama"
    )
    assert risks["R3"]["notes"] == "Pemda Jawa Barat 100%"
    # in the register's party order (the unlinked party was added last)
    assert risks["R4"]["notes"] == "PT Contoh Infrastruktur 40%, Pengguna jalan 60%"


def test_no_quantitative_input_is_exported(world, register):
    p = publish(world)
    assert Risk.objects.get(code="R1").cost_confidential_to_id is not None
    packages = [
        services.ocds_release_package(),
        services.ocds_record_package(code=p.code),
        services.oc4ids_project_package(code=p.code),
    ]
    for package in packages:
        text = jsonio.dumps(package)
        for figure in FIGURES:
            assert figure not in text
        assert not keys_of(package) & QUANTITATIVE
    risks = exported_risks(packages[0])
    assert len(risks) == 4
    assert all(set(r) <= RISK_FIELDS for r in risks)


def test_the_export_validates_against_the_ppp_release_package_schema(world, register, ocds_dir):
    # the project's validator picks the package schema by its id: this file's
    patched = ocds_dir / "ppp" / "release-package-schema-patched.json"
    assert json.loads(patched.read_text())["id"] == PACKAGE_SCHEMAS["release-package"]
    p = publish(world)
    for package in (services.ocds_release_package(), services.ocds_record_package(code=p.code)):
        result = validate_package(roundtrip(package), ocds_dir)
        assert result.errors == [], result.errors[:5]
        assert {w.kind for w in result.warnings} == {"codelist"}  # no undeclared field
        categories = {str(w.value) for w in result.warnings if ".riskAllocation[" in w.path}
        assert categories == {"social", "political"}
        assert all(w.path.endswith(".category") for w in result.warnings if w.value in categories)
        assert result.codelist_values() <= set(CUSTOM_CODES) | set(CUSTOM_RISK_CATEGORIES)


def test_mitra_categories_outside_the_codelist_are_the_documented_custom_ones(ocds_dir):
    with (ocds_dir / "ppp" / "codelist-patched" / "riskCategory.csv").open(encoding="utf-8") as f:
        codes = {row["Code"] for row in csv.DictReader(f)}
    assert {c for c in RiskCategory.values if c not in codes} == set(CUSTOM_RISK_CATEGORIES)
    assert not codes & set(CUSTOM_RISK_CATEGORIES)


# --- who sees it, and when -----------------------------------------------------------------------


def test_a_partners_only_register_never_appears(world, register):
    # given a second, partners-only PPP in construction with its own register
    lead = world.users["lead_admin"]
    other = partnership_services.partnership_create(
        actor=lead,
        lead_organisation=world.pemda,
        data={
            "title_ind": "Bendungan Tertutup",
            "form": "ppp",
            "development_sector": "water",
            "visibility": Visibility.PARTNERS,
        },
        lead_roles=[Role.CONTRACTING_AGENCY],
    )
    partnership_services.member_add(
        actor=lead, partnership=other, organisation=world.company, roles=[Role.PROJECT_COMPANY]
    )
    Partnership.objects.filter(pk=other.pk).update(stage=Stage.CONSTRUCTION)
    other.refresh_from_db()
    risk_services.register_start(actor=lead, partnership=other)
    party = RiskParty.objects.filter(partnership=other).first()
    _risk(
        world,
        "S1",
        RiskCategory.COORDINATION,
        "Risiko rahasia bendungan",
        {party: (Decimal("1"), "Rahasia mitra")},
        actor="lead_admin",
        partnership=other,
    )
    # while the world's PPP is partners-only too, no risk is exported at all
    for package in (services.ocds_release_package(), services.ocds_record_package()):
        assert exported_risks(package) == [] and "riskAllocation" not in jsonio.dumps(package)
    assert services.release_sync(partnership=other) is None
    # once the world's PPP is published, its risks appear and the other's still do not
    publish(world)
    texts = [
        jsonio.dumps(services.ocds_release_package()),
        jsonio.dumps(services.ocds_record_package()),
        jsonio.dumps(services.oc4ids_project_package()),
    ]
    assert "Pembengkakan biaya konstruksi" in texts[0]
    for text in texts:
        for hidden in ("Risiko rahasia bendungan", "Rahasia mitra", "Bendungan Tertutup"):
            assert hidden not in text
    assert [r["id"] for r in exported_risks(services.ocds_release_package())] == [
        "R1",
        "R2",
        "R3",
        "R4",
    ]


def test_before_the_contract_the_register_is_not_published(world, register):
    # the profile publishes the allocation with the contract (its worked example: release 5)
    Partnership.objects.filter(pk=world.partnership.pk).update(stage=Stage.TRANSACTION)
    p = publish(world)
    package = services.ocds_release_package_for(code=p.code)
    [release] = package["releases"]
    assert "contracts" not in release and "tender" in release
    assert "Pembengkakan biaya konstruksi" not in jsonio.dumps(package)


# --- stored releases -----------------------------------------------------------------------------


def test_a_register_change_yields_a_new_release_and_figures_alone_do_not(world, register):
    p = publish(world)
    first = roundtrip(services.ocds_release_package_for(code=p.code))
    assert [r["id"][-4:] for r in first["releases"]] == ["0001"]
    # a change of what is not exported (scores, confidential figures) makes no release
    r1 = Risk.objects.get(code="R1")
    risk_services.risk_update(
        actor=world.users["member"],
        risk=r1,
        data={"likelihood": 1, "impact_level": 5},
        quantity={**_quantity(), "probability": 0.9},
        allocation=None,
        expected_version=r1.version,
    )
    again = roundtrip(services.ocds_release_package_for(code=p.code))
    assert jsonio.dumps(again) == jsonio.dumps(first)
    # a change of the allocation makes one, with a new id; the first stays as it was
    r2 = Risk.objects.get(code="R2")
    risk_services.risk_update(
        actor=world.users["member"],
        risk=r2,
        data={},
        quantity=None,
        allocation={
            register["public"]: (Decimal("0.8"), "PJPK mengelola komunikasi"),
            register["private"]: (Decimal("0.2"), ""),
        },
        expected_version=r2.version,
    )
    second = roundtrip(services.ocds_release_package_for(code=p.code))
    assert [r["id"][-4:] for r in second["releases"]] == ["0001", "0002"]
    assert second["releases"][0] == first["releases"][0]
    new = second["releases"][1]
    assert new["tag"] == ["contractUpdate"]
    changed = {r["id"]: r for r in new["contracts"][0]["riskAllocation"]}["R2"]
    assert changed["allocation"] == "publicAuthority"
    assert changed["notes"].startswith("Pemda Jawa Barat 80%, PT Contoh Infrastruktur 20%")
    # a new risk too; the compiled release holds the latest allocation of each risk
    _risk(world, "R5", RiskCategory.OTHER, "Lain-lain", {register["social"]: (Decimal("1"), "")})
    record = services.ocds_record_package(code=p.code)["records"][0]
    assert [r["id"][-4:] for r in record["releases"]] == ["0001", "0002", "0003"]
    compiled = {r["id"]: r for r in record["compiledRelease"]["contracts"][0]["riskAllocation"]}
    assert list(compiled) == ["R1", "R2", "R3", "R4", "R5"]
    assert compiled["R2"]["allocation"] == "publicAuthority"
    assert compiled["R5"] == {
        "id": "R5",
        "category": "other",
        "description": "Lain-lain",
        "allocation": "undefined",
        "notes": "Yayasan Contoh 100%",
    }
    assert Release.objects.filter(partnership=p).count() == 3


def test_the_register_costs_the_same_queries_whatever_its_size(world, register):
    p = publish(world)
    Risk.objects.filter(code__in=["R2", "R3", "R4"]).delete()

    def queries() -> int:
        services.ocds_release_package()  # sync
        marks.mark([p.pk])  # compared again: the export reads its public content
        with CaptureQueriesContext(connection) as ctx:
            services.ocds_release_package()
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert "risks_risk" in sql  # the register is read...
        for column in (
            '"risks_risk"."quantity"',
            '"risks_risk"."likelihood"',
            '"risks_risk"."cost_confidential_to_id"',
            '"risks_riskparty"."capacity"',
        ):
            assert column not in sql  # ...without its figures
        return len(ctx.captured_queries)

    one = queries()
    for i in range(6):
        _risk(
            world,
            f"X{i}",
            RiskCategory.REVENUE,
            f"Risiko {i}",
            {register["public"]: (Decimal("0.5"), "a"), register["private"]: (Decimal("0.5"), "b")},
        )
    many = queries()
    assert many == one
    latest = services.ocds_release_package_for(code=p.code)["releases"][-1]
    assert len(latest["contracts"][0]["riskAllocation"]) == 7


# --- the mapping alone ---------------------------------------------------------------------------


def _public_risk(*shares: tuple[str | None, str]) -> PublicRisk:
    return PublicRisk(
        code="R",
        category="other",
        title="T",
        description="",
        shares=tuple(
            PublicShare(party=f"P{i}", sector=sector, share=Decimal(share), rationale="")
            for i, (sector, share) in enumerate(shares)
        ),
    )


@pytest.mark.parametrize(
    ("shares", "side"),
    [
        ((("public", "0.3"), ("public", "0.3"), ("private", "0.4")), "publicAuthority"),
        ((("public", "0.5"), ("private", "0.5")), "undefined"),  # half is not more than half
        ((("private", "0.500000000001"), ("social", "0.499999999999")), "privateParty"),
        ((("academia", "0.7"), ("media", "0.3")), "undefined"),
        (((None, "1"),), "undefined"),
    ],
)
def test_the_side_is_the_one_bearing_more_than_half(shares, side):
    assert risk_allocation(_public_risk(*shares))["allocation"] == side


def test_percentages_are_plain():
    assert percent(Decimal("0.300000000000")) == "30%"
    assert percent(Decimal("0.333333333333")) == "33.33%"
    assert percent(Decimal("1")) == "100%"
    assert percent(Decimal("0.125")) == "12.5%"
