"""The KPBU, PSP and CSR model: organisation kinds, roles, partnership fields, sectors, document
types, units and codes, through the services, the API, the pages and the open-data export."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.core.choices import Confidentiality, Unit, unit_code
from mitra.disclosure import services as disclosure
from mitra.organisations.models import KINDS_BY_SECTOR, Organisation, OrganisationKind, Sector
from mitra.partnerships import services
from mitra.partnerships.models import (
    BINDING_DOCUMENT_TYPES,
    CODE_PREFIX,
    INFRASTRUCTURE_SECTORS,
    DevelopmentSector,
    DocumentType,
    Need,
    Partnership,
    PartnershipForm,
    Role,
    canonical_code,
)
from tests.api.conftest import API, client_for

# --- organisations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "kind"),
    [
        ("private", "soe"),  # a BUMN can be the business side of a KPBU (a BUMN-led BUP)
        ("private", "regional_soe"),
        ("private", "village_soe"),
        ("private", "cooperative"),
        ("public", "soe"),
        ("public", "ppp_unit"),
        ("public", "development_partner"),
        ("public", "village_soe"),
        ("social", "zakat"),
        ("public", "zakat"),
    ],
)
def test_badan_usaha_and_new_kinds_are_accepted_in_their_sectors(db: Any, sector, kind) -> None:
    org = Organisation(name=f"Org {sector} {kind}", sector=sector, kind=kind)
    org.full_clean()


@pytest.mark.parametrize(
    ("sector", "kind"), [("private", "ministry"), ("private", "ppp_unit"), ("social", "soe")]
)
def test_a_kind_outside_its_sector_is_refused(db: Any, sector, kind) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Organisation(name="Wrong", sector=sector, kind=kind).full_clean()
    assert "kind" in excinfo.value.message_dict


def test_every_kind_belongs_to_some_sector_and_dinas_is_not_the_regional_government() -> None:
    placed = set().union(*KINDS_BY_SECTOR.values())
    assert set(OrganisationKind.values) <= placed
    assert OrganisationKind.REGIONAL_AGENCY != OrganisationKind.REGIONAL_GOVERNMENT
    assert set(KINDS_BY_SECTOR) == set(Sector.values)


# --- roles, sectors, documents ------------------------------------------------------------------


def test_the_kpbu_roles_exist_and_lead_is_not_the_pjpk() -> None:
    for role in (
        "contracting_agency",
        "ppp_unit",
        "ppp_team",
        "preparation_agency",
        "procurement_committee",
        "initiator",
        "bidder",
        "project_company",
        "sponsor",
        "epc_contractor",
        "operator",
        "financier",
        "independent_engineer",
        "independent_monitor",
        "vgf_provider",
        "guarantor",
        "community_representative",
        "implementer",
    ):
        assert role in Role.values, role
    assert Role.LEAD != Role.CONTRACTING_AGENCY
    assert "PJPK" not in str(Role.LEAD.label)


def test_the_19_perpres_38_2015_infrastructure_types_are_covered() -> None:
    # Pasal 5 ayat 2 a.-s.: transport and roads are split the way project lists report them
    perpres = {
        "transport": {"airport", "port", "railway", "transport"},
        "roads": {"toll_road", "road_bridge"},
        "water_resources": {"water_resources"},
        "drinking_water": {"water"},
        "wastewater_central": {"wastewater_central"},
        "wastewater_local": {"wastewater_local"},
        "solid_waste": {"solid_waste"},
        "ict": {"ict"},
        "electricity": {"electricity"},
        "oil_gas_renewables": {"oil_gas_renewables"},
        "energy_conservation": {"energy_conservation"},
        "urban_facilities": {"urban_facilities"},
        "education_facilities": {"education_facility"},
        "sports_arts": {"sports_arts"},
        "zones": {"zones"},
        "tourism": {"tourism"},
        "health": {"health"},
        "correctional": {"correctional"},
        "housing": {"housing"},
    }
    assert len(perpres) == 19
    assert set().union(*perpres.values()) == set(INFRASTRUCTURE_SECTORS)
    assert set(INFRASTRUCTURE_SECTORS) <= set(DevelopmentSector.values)
    social = {"education", "health", "social_protection", "tourism", "agriculture", "environment"}
    assert social <= set(DevelopmentSector.values)


def test_an_mou_is_not_binding_and_a_pks_is() -> None:
    assert DocumentType.MOU not in BINDING_DOCUMENT_TYPES
    assert DocumentType.COOPERATION_AGREEMENT in BINDING_DOCUMENT_TYPES
    assert DocumentType.KPBU_AGREEMENT in BINDING_DOCUMENT_TYPES
    for doc_type in ("obc", "fbc", "preliminary_study", "public_consultation", "vgf_approval"):
        assert doc_type in DocumentType.values


def _public_document(world: Any, doc_type: str, title: str) -> None:
    services.document_create(
        actor=world.users["lead_admin"],
        member=world.public.members.get(organisation=world.pemda),
        data={"title": title, "doc_type": doc_type, "confidentiality": Confidentiality.PUBLIC},
        file=SimpleUploadedFile(f"{doc_type}.pdf", b"%PDF-1.4 x", "application/pdf"),
    )


def _documents_by_title(release: dict) -> dict[str, tuple[str, Any]]:
    found = {}
    for section in ("planning", "tender"):
        for doc in release.get(section, {}).get("documents", []):
            found[doc["title"]] = (section, doc.get("documentType"))
    for contract in release.get("contracts", []):
        for doc in contract.get("documents", []):
            found[doc["title"]] = ("contract", doc.get("documentType"))
    return found


def test_an_mou_is_never_exported_as_a_signed_contract(world: Any) -> None:
    # given a published PSP in its construction stage (a contract block exists) with a public
    # Nota Kesepahaman and a public Perjanjian Kerja Sama
    services.partnership_set_stage(
        actor=world.users["lead_admin"],
        partnership=world.public,
        expected_version=world.public.version,
        stage="construction",
    )
    _public_document(world, "mou", "Nota Kesepahaman")
    _public_document(world, "cooperation_agreement", "Perjanjian Kerja Sama")
    package = disclosure.ocds_release_package_for(
        code=Partnership.objects.get(pk=world.public.pk).code
    )
    documents = _documents_by_title(package["releases"][-1])
    # the MoU goes with the planning documents, without a documentType
    assert documents["Nota Kesepahaman"] == ("planning", None)
    # the PKS is the signed contract
    assert documents["Perjanjian Kerja Sama"] == ("contract", "contractSigned")


# --- partnership fields -------------------------------------------------------------------------


def test_the_kpbu_fields_round_trip_through_the_api(world: Any) -> None:
    client = client_for(world, "lead_admin")
    created = client.post_json(
        f"{API}/partnerships",
        {
            "lead_organisation_id": world.pemda.pk,
            "title_ind": "KPBU SPAM Regional Jatigede",
            "form": "ppp",
            "development_sector": "water",
            "initiative": "unsolicited",
            "return_mechanism": "availability_payment",
            "government_support": ["vgf", "guarantee"],
            "concession_years": 25,
            "listing_status": "drk",
            "agreement_type": "kpbu_agreement",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"].startswith("KPBU-")
    assert (
        body["initiative"],
        body["return_mechanism"],
        body["government_support"],
        body["concession_years"],
        body["listing_status"],
        body["agreement_type"],
    ) == ("unsolicited", "availability_payment", ["vgf", "guarantee"], 25, "drk", "kpbu_agreement")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("government_support", ["vgf", "vgf"]),
        ("government_support", ["subsidy"]),
        ("concession_years", 0),
        ("concession_years", 150),
        ("listing_status", "ppp-book"),
        ("return_mechanism", "toll"),
    ],
)
def test_bad_kpbu_fields_are_field_errors_and_nothing_changes(world: Any, field, value) -> None:
    client = client_for(world, "lead_admin")
    p = world.partnership
    response = client.patch_json(f"{API}/partnerships/{p.pk}", {"version": p.version, field: value})
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert Partnership.objects.get(pk=p.pk).version == p.version


def test_an_unsolicited_psp_is_refused_with_a_field_error(world: Any) -> None:
    client = client_for(world, "lead_admin")
    p = world.public
    response = client.patch_json(
        f"{API}/partnerships/{p.pk}", {"version": p.version, "initiative": "unsolicited"}
    )
    assert response.status_code in (400, 422)
    assert "initiative" in response.content.decode()


def test_the_edit_page_saves_the_kpbu_fields_and_refuses_bad_ones(client: Any, world: Any) -> None:
    client.force_login(world.users["lead_admin"])
    p = world.partnership
    url = f"/partnerships/{p.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    for name in ("initiative", "return_mechanism", "government_support", "concession_years"):
        assert f'name="{name}"' in page.content.decode()
    data = {
        "title_ind": p.title_ind,
        "form": p.form,
        "stage": p.stage,
        "development_sector": p.development_sector,
        "currency": p.currency,
        "visibility": p.visibility,
        "version": p.version,
        "return_mechanism": "user_charge",
        "government_support": ["land"],
        "concession_years": "0",
    }
    refused = client.post(url, data)
    assert refused.status_code in (200, 400, 422)
    assert Partnership.objects.get(pk=p.pk).version == p.version
    data["concession_years"] = "35"
    saved = client.post(url, data)
    assert saved.status_code in (200, 302, 303)
    p.refresh_from_db()
    assert (p.return_mechanism, p.government_support, p.concession_years) == (
        "user_charge",
        ["land"],
        35,
    )


# --- units --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("person-days", "person-days"),
        ("person days", "person-days"),
        ("Hari-orang", "person-days"),
        ("hectares", "ha"),
        ("HA", "ha"),
        ("laptops", "units"),
        ("furlongs", ""),
    ],
)
def test_unit_spellings_map_to_the_code_list(written: str, code: str) -> None:
    assert unit_code(written) == code


def test_a_need_takes_a_unit_of_the_code_list_and_refuses_others(world: Any) -> None:
    actor = world.users["lead_admin"]
    need = services.need_create(
        actor=actor,
        partnership=world.partnership,
        data={
            "title": "Surveyors",
            "resource_type": "expertise",
            "quantity": Decimal(40),
            "unit": "person days",
        },
    )
    assert need.unit == Unit.PERSON_DAYS
    with pytest.raises(ValidationError) as excinfo:
        services.need_create(
            actor=actor,
            partnership=world.partnership,
            data={
                "title": "x",
                "resource_type": "land",
                "quantity": Decimal(1),
                "unit": "furlongs",
            },
        )
    assert "unit" in excinfo.value.message_dict


# --- codes --------------------------------------------------------------------------------------


def test_a_psp_is_coded_kpsos_and_its_old_kps_code_still_finds_it(world: Any) -> None:
    assert CODE_PREFIX[PartnershipForm.PSP] == "KPSos"
    public = Partnership.objects.get(pk=world.public.pk)
    assert public.code.startswith("KPSos-")
    old = "KPS-" + public.code.split("-", 1)[1]
    assert canonical_code(old) == public.code
    assert canonical_code("kps-2026-0001") == "KPSos-2026-0001"
    assert canonical_code("KPBU-2026-0001") == "KPBU-2026-0001"
    client = client_for(world, "anonymous")
    by_old = client.get_json(f"{API}/partnerships/{old}/ocds/record-package")
    assert by_old.status_code == 200
    assert (
        by_old.json()["records"][0]["compiledRelease"]["planning"]["project"]["id"] == public.code
    )


# --- the data migration -------------------------------------------------------------------------


def test_the_migration_moves_retired_sectors_units_and_codes(world: Any, settings) -> None:
    settings.MITRA_OCID_PREFIX = "ocds-test00"
    rows = {
        "Pengelolaan Sampah Regional Legok Nangka": ("sanitation", "ppp", "solid_waste"),
        "SPALD-T Kota Bandung (air limbah)": ("sanitation", "ppp", "wastewater_central"),
        "PLTS Atap Gedung Pemerintah (surya)": ("energy", "ppp", "oil_gas_renewables"),
        "Penerangan Jalan Umum Kota Madiun": ("energy", "ppp", "energy_conservation"),
        "PLTU Mulut Tambang": ("energy", "ppp", "electricity"),
        "Bantuan Sosial Desa": ("poverty", "psp", "social_protection"),
        "Layanan Lansia": ("social_services", "psp", "social_protection"),
        "Sekolah KPBU": ("education", "ppp", "education_facility"),
        "Guru Penggerak": ("education", "psp", "education"),
    }
    made = {}
    for title, (old, form, _new) in rows.items():
        # written past the model's validation, as the data was before the code list changed
        made[title] = Partnership.objects.create(
            code=f"OLD-{len(made)}", title_ind=title, form=form, development_sector=old
        )
    psp = Partnership.objects.create(
        code="KPS-2025-0007", title_ind="PSP lama", form="psp", development_sector="education"
    )
    need = Need.objects.create(
        partnership=psp, title="Laptop", resource_type="equipment", quantity=1, unit="laptops"
    )
    hectares = Need.objects.create(
        partnership=psp, title="Lahan", resource_type="land", quantity=1, unit="Hectares"
    )
    migration = importlib.import_module("mitra.partnerships.migrations.0005_kpbu_data")
    migration.forwards(apps, None)
    for title, (_old, _form, new) in rows.items():
        assert Partnership.objects.get(pk=made[title].pk).development_sector == new, title
    psp.refresh_from_db()
    # the code follows the new prefix and the OCID it was published under is kept
    assert (psp.code, psp.ocid) == ("KPSos-2025-0007", "ocds-test00-KPS-2025-0007")
    assert Need.objects.get(pk=need.pk).unit == "units"
    assert Need.objects.get(pk=hectares.pk).unit == "ha"


def test_an_imported_kpbu_in_transaction_shows_its_source_stage_and_no_planning_gate(
    client: Any, world: Any
) -> None:
    # given a KPBU imported at the source's "Penandatanganan dan Pembiayaan", led by its PJPK
    p = world.partnership
    Partnership.objects.filter(pk=p.pk).update(
        stage="transaction",
        other_data={
            "source_stage": {
                "code": "5",
                "ind": "Penandatanganan dan Pembiayaan",
                "en": "Signing and Financing Acquisition",
            }
        },
    )
    client.force_login(world.users["lead_admin"])
    page = client.get(f"/partnerships/{p.pk}/").content.decode()
    # the source's own stage keeps its meaning beside ours (the page is in Indonesian)
    shown = re.search(r'data-testid="source-stage">\(([^)]*)\)', page)
    assert shown and shown.group(1).endswith(" Penandatanganan dan Pembiayaan")
    # and the sector card agrees with the stage: nothing about leaving planning
    assert "cannot leave planning" not in page and "leave planning" not in page


# --- needs in both languages --------------------------------------------------------------------


def test_a_need_has_a_title_in_each_language_and_english_pages_show_the_english_one(
    client: Any, world: Any
) -> None:
    api = client_for(world, "lead_admin")
    created = api.post_json(
        f"{API}/partnerships/{world.partnership.pk}/needs",
        {
            "title": "Lahan untuk trase",
            "title_en": "Land for the alignment",
            "resource_type": "land",
            "quantity": "12.50",
            "unit": "hectares",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title_ind"], body["title_en"], body["unit"]) == (
        "Lahan untuk trase",
        "Land for the alignment",
        "ha",
    )
    client.force_login(world.users["lead_admin"])
    english = client.get(f"/en/partnerships/{world.partnership.pk}/needs/").content.decode()
    indonesian = client.get(f"/partnerships/{world.partnership.pk}/needs/").content.decode()
    assert "Land for the alignment" in english and "Lahan untuk trase" not in english
    assert "Lahan untuk trase" in indonesian and "Land for the alignment" not in indonesian
    # a need written in Indonesian only falls back to it on English pages
    assert world.need.title_ind and world.need.title_ind in english
    # and a change of the English title is audited like any other
    need = Need.objects.get(pk=body["id"])
    changed = api.patch_json(
        f"{API}/needs/{need.pk}", {"version": need.version, "title_en": "Land for the route"}
    )
    assert changed.status_code == 200, changed.content
    last = Need.history.filter(id=need.pk).order_by("-history_date").first()
    assert last.title_en == "Land for the route" and last.history_user == world.users["lead_admin"]
