"""Every sector a mapping or importer names is a development sector Mitra has (Perpres 38/2015's
infrastructure types plus social sectors), and the tricky source values land on the right one.
Imported KPBU projects keep their PJPK and the portal's own stage name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mitra.imports.oc4ids import SECTOR_MAP
from mitra.imports.ocds import COFOG_SECTORS
from mitra.imports.tables import import_table, load_mapping, shipped_mappings
from mitra.imports.tables.cells import RowParser
from mitra.partnerships.models import DevelopmentSector, Partnership, PartnershipMember, Role

from .test_tables import KPBU, PPI, data_file, read_rows, write_rows

VALID = set(DevelopmentSector.values)


def sector_targets(spec: dict[str, Any]) -> list[str]:
    field = spec.get("partnership", {}).get("development_sector", {})
    values = list(field.get("map", {}).values())
    values += [field[k] for k in ("value", "default") if k in field]
    values += [r["value"] for r in field.get("rules", [])]
    return values


@pytest.mark.parametrize("name", shipped_mappings())
def test_each_mapping_sector_is_a_development_sector(name: str) -> None:
    targets = sector_targets(load_mapping(name).spec)
    assert targets, name
    assert set(targets) <= VALID, set(targets) - VALID


def test_the_importers_sector_tables_name_development_sectors() -> None:
    assert {s for _prefix, s in COFOG_SECTORS} <= VALID
    assert set(SECTOR_MAP.values()) <= VALID
    # Longer COFOG prefixes come before the shorter ones of their branch.
    prefixes = [p for p, _s in COFOG_SECTORS]
    for i, p in enumerate(prefixes):
        assert not any(p.startswith(q + ".") for q in prefixes[:i]), p


@pytest.mark.parametrize(
    ("sector", "project", "expected"),
    [
        ("Jalan", "Jalan Tol Pandaan-Malang", "toll_road"),
        ("Jalan", "Jalan Tol Akses Pelabuhan Patimban", "toll_road"),  # not a port
        ("Jalan", "Preservasi Jalan Nasional Lintas Timur Sumatera", "road_bridge"),
        ("Jalan", "Penggantian dan/atau Duplikasi Jembatan CH", "road_bridge"),
        ("Transportasi", "Bandar Udara Singkawang", "airport"),  # never railway
        ("Transportasi", "Pelabuhan Makassar New Port", "port"),
        ("Transportasi", "Perkeretaapian Makassar-Parepare", "railway"),
        ("Transportasi", "BPLJSKB Proving Ground Bekasi", "transport"),
        ("Air minum", "SPAM Regional Jatiluhur I", "water"),
        ("Air minum", "SPAM Pelabuhan Ratu", "water"),  # a town's name, not a port
        ("Sumber daya air dan irigasi", "Optimalisasi HLD Sungai Lombok", "water_resources"),
        ("Sistem pengelolaan air limbah terpusat", "SPALD-T Kota X", "wastewater_central"),
        ("Sistem pengelolaan air limbah setempat", "SPALD-S Kota X", "wastewater_local"),
        (
            "Sistem pengelolaan persampahan dan/atau limbah bahan berbahaya dan beracun",
            "Tempat Pemrosesan dan Pengolahan Akhir Sampah Manggar",
            "solid_waste",
        ),
        ("Konservasi energi", "Penerangan Jalan Umum Kabupaten Madiun", "energy_conservation"),
        ("Ketenagalistrikan", "PLTU Batang - Jawa Tengah", "electricity"),
        (
            "Minyak dan gas bumi dan energi terbarukan termasuk bio energi",
            "Jaringan Distribusi Gas Bumi untuk Rumah Tangga",
            "oil_gas_renewables",
        ),
        ("Telekomunikasi dan informatika", "Palapa Ring Paket Barat", "ict"),
        ("Fasilitas perkotaan", "Revitalisasi Pasar Tabanan", "urban_facilities"),
        ("Fasilitas pendidikan, penelitian dan pengembangan", "Kapal Riset", "education_facility"),
        ("Lembaga pemasyarakatan", "Lapas Nusakambangan", "correctional"),
        ("Kawasan", "Kawasan Industri", "zones"),
        ("Fasilitas sarana dan prasarana olahraga, kesenian, dan budaya", "GOR", "sports_arts"),
        ("Perumahan rakyat", "Rumah Susun Sewa Karawang Spuur", "housing"),
        ("Kesehatan", "RSUD Wangaya", "health"),
    ],
)
def test_kpbu_sectors_spot_checks(sector: str, project: str, expected: str) -> None:
    mapping = load_mapping(KPBU)
    header = ["sektor_nama", "proyek_nama"]
    parser = RowParser(mapping, header)
    value = parser.field(mapping.spec["partnership"]["development_sector"], [sector, project], {})
    assert value == expected


def test_cofog_and_oc4ids_spot_checks() -> None:
    def cofog(code: str) -> str:
        return next(s for p, s in COFOG_SECTORS if code == p or code.startswith(p + "."))

    assert cofog("04.5.4") == "airport"
    assert cofog("04.5.3") == "railway"
    assert cofog("04.3.5") == "electricity"
    assert cofog("04.3.2") == "oil_gas_renewables"
    assert cofog("05.1") == "solid_waste"
    assert cofog("05.2") == "wastewater_central"
    assert cofog("06.4") == "urban_facilities"
    assert SECTOR_MAP["transport.air"] == "airport"
    assert SECTOR_MAP["energy.geothermal"] == "electricity"
    assert SECTOR_MAP["energy.biomass"] == "oil_gas_renewables"
    assert SECTOR_MAP["cultureSportsAndRecreation"] == "sports_arts"


def test_ppi_segments_map_to_water_or_wastewater() -> None:
    field = load_mapping(PPI).spec["partnership"]["development_sector"]
    for segment, sector in field["map"].items():
        expected = "wastewater_central" if segment.startswith("Sewerage") else "water"
        assert sector == expected, segment


# ---------------------------------------------------------------------------------- KPBU


@pytest.mark.django_db
def test_every_real_kpbu_project_has_its_pjpk_and_its_own_stage() -> None:
    path = data_file(KPBU)
    rows = read_rows(path)
    report = import_table(path, fmt="csv", mapping=load_mapping(KPBU), actor=None)
    assert report.ok, report.errors
    by_id = {p.source_id: p for p in Partnership.objects.filter(source=KPBU)}
    for r in rows:
        p = by_id[r["proyek_id"]]
        pjpk = [
            m
            for m in PartnershipMember.objects.filter(partnership=p).select_related("organisation")
            if Role.CONTRACTING_AGENCY in m.roles
        ]
        assert len(pjpk) == 1, r["proyek_nama"]
        # The PJPK coordinates the imported project: lists and downloads name it as the lead.
        assert pjpk[0].is_lead
        assert pjpk[0].organisation.sector == "public"
        assert p.other_data["source_stage"] == {
            "code": r["proyek_status"],
            "ind": r["proyek_status_nama"],
            "en": r["proyek_status_nama_en"],
        }
        assert p.development_sector in VALID
    stages = Counter((r["proyek_status_nama"], by_id[r["proyek_id"]].stage) for r in rows)
    expected = {
        "Penyiapan": "preparation",
        "Lelang": "transaction",
        "Penandatanganan dan Pembiayaan": "transaction",
        "Konstruksi": "construction",
        "Operasi": "operation",
    }
    for (name, stage), _n in stages.items():
        assert expected[name] == stage, name
    sectors = {r["proyek_nama"]: by_id[r["proyek_id"]].development_sector for r in rows}
    for name, sector in sectors.items():
        if name.lower().startswith("jalan tol"):
            assert sector == "toll_road", name
        if "bandar udara" in name.lower():
            assert sector == "airport", name
        if "perkeretaapian" in name.lower():
            assert sector == "railway", name
    energy = {r["proyek_nama"]: sectors[r["proyek_nama"]] for r in rows
              if r["sektor_nama"] == "Konservasi energi"}  # fmt: skip
    assert energy and set(energy.values()) == {"energy_conservation"}


@pytest.mark.django_db
def test_signing_and_financing_keeps_its_name(tmp_path: Path) -> None:
    rows = read_rows(data_file(KPBU))[:2]
    rows[0].update(
        proyek_status="5",
        proyek_status_nama="Penandatanganan dan Pembiayaan",
        proyek_status_nama_en="Signing and Financing Acquisition",
    )
    path = write_rows(tmp_path / "kpbu.csv", rows)
    report = import_table(path, fmt="csv", mapping=load_mapping(KPBU), actor=None)
    assert report.ok, report.errors
    p = Partnership.objects.get(source=KPBU, source_id=rows[0]["proyek_id"])
    assert p.stage == "transaction"
    assert p.other_data["source_stage"]["ind"] == "Penandatanganan dan Pembiayaan"
    assert p.other_data["source_stage"]["en"] == "Signing and Financing Acquisition"


def test_other_names_of_a_province_still_import() -> None:
    # the Kemenkeu KPBU list writes "Jakarta Raya" (pycountry's old name of DKI Jakarta)
    from mitra.imports.tables.cells import RowParser

    cells = RowParser.__new__(RowParser)
    cells.keyed = lambda spec, key="map": {}  # type: ignore[method-assign]
    assert cells.province("Jakarta Raya", {"country": "ID"}) == "ID-JK"
    assert cells.province("Daerah Istimewa Yogyakarta", {"country": "ID"}) == "ID-YO"
    assert cells.province("Jawa Barat", {"country": "ID"}) == "ID-JB"
