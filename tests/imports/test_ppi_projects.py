"""The World Bank PPI export has one row per investment year or financing round and no project
id: the rows of one project (country + project name) become ONE partnership, with its
investments by year kept in other_data and their sum as the estimated value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from mitra.imports.tables import import_table, load_mapping
from mitra.partnerships.models import Partnership, PartnershipMember

from .test_tables import PPI, write_rows

pytestmark = pytest.mark.django_db


def ppi_row(no: int, country: str, name: str, year: str, total: str, **extra: str) -> dict:
    row = dict.fromkeys(load_mapping(PPI).columns(), "")
    row.update(
        {
            "record_no": str(no),
            "Country": country,
            "Project name": name,
            "Financial closure year": "2003",
            "Financial closure Month": "March",
            "Project status": "Active",
            "Segment": "Sewerage treatment plant",
            "Type of PPI": "Greenfield project",
            "InvestmentYear": year,
            "TotalInvestment": total,
            "PhysicalAssets": total,
            "FeesToGovernment": "0",
            "Sponsors": "SUEZ (60% / France), Others (40% / ..)",
        }
    )
    row.update(extra)
    return row


def run(path: Path) -> object:
    return import_table(path, fmt="csv", mapping=load_mapping(PPI), actor=None)


def test_rows_of_one_project_form_one_partnership(tmp_path: Path) -> None:
    rows = [
        ppi_row(1, "China", "Boluo County WWTP", "2003", "Not Available"),
        ppi_row(2, "China", "Boluo County WWTP", "2004", "5.8"),
        ppi_row(3, "China", "Boluo  County WWTP ", "2006", "1.25"),  # spacing as typed
        ppi_row(4, "Indonesia", "Boluo County WWTP", "2004", "3"),  # same name, other country
        ppi_row(5, "Brazil", "Sanasa", "2010", "..", Segment="Water utility with sewerage"),
    ]
    report = run(write_rows(tmp_path / "ppi.csv", rows))
    assert report.ok, report.errors
    assert report.created["partnership"] == 3
    boluo = Partnership.objects.get(source=PPI, source_id="China|Boluo County WWTP")
    assert boluo.estimated_value == Decimal("7050000.00")  # 5.8 + 1.25 (US$ millions)
    assert boluo.currency == "USD"
    assert boluo.development_sector == "wastewater_central"
    investments = boluo.other_data["investments"]
    assert [(i["year"], i["amount"], i["amount_currency"]) for i in investments] == [
        (2003, None, "USD"),
        (2004, "5800000.00", "USD"),
        (2006, "1250000.00", "USD"),
    ]
    assert [i["record_no"] for i in investments] == ["1", "2", "3"]
    assert all(i["type"] == "investment commitment" for i in investments)
    assert boluo.other_data["investments_total_incomplete"] is True  # 2003 was not available
    # The sponsor is one partner, its share stated on every row and not added up.
    member = PartnershipMember.objects.get(partnership=boluo)
    assert member.organisation.name == "SUEZ" and member.equity_share == Decimal("60")
    assert boluo.other_data["unnamed_sponsors"] == [{"name": "Others", "equity_share": "40"}]

    indonesia = Partnership.objects.get(source=PPI, source_id="Indonesia|Boluo County WWTP")
    assert indonesia.estimated_value == Decimal("3000000.00")
    assert "investments_total_incomplete" not in indonesia.other_data
    sanasa = Partnership.objects.get(source=PPI, source_id="Brazil|Sanasa")
    assert sanasa.estimated_value is None  # no amount known: empty, never 0
    assert sanasa.development_sector == "water"

    # Re-import: nothing changes; a new year's row updates the same partnership.
    again = run(write_rows(tmp_path / "ppi.csv", rows))
    assert sum(again.created.values()) == 0 and again.unchanged["partnership"] == 3
    rows.append(ppi_row(6, "China", "Boluo County WWTP", "2008", "2"))
    third = run(write_rows(tmp_path / "ppi.csv", rows))
    assert third.updated["partnership"] == 1 and sum(third.created.values()) == 0
    boluo.refresh_from_db()
    assert boluo.estimated_value == Decimal("9050000.00")
    assert [i["year"] for i in boluo.other_data["investments"]] == [2003, 2004, 2006, 2008]


def test_a_bad_year_refuses_the_file_with_its_row(tmp_path: Path) -> None:
    rows = [
        ppi_row(1, "China", "A", "2003", "1"),
        ppi_row(2, "China", "A", "next year", "1"),
    ]
    with translation.override("en"):
        report = import_table(
            write_rows(tmp_path / "bad.csv", rows),
            fmt="csv",
            mapping=load_mapping(PPI),
            actor=None,
            dry_run=True,
        )
    assert [(e.where, e.value) for e in report.errors] == [
        ("row 3, column InvestmentYear", "next year")
    ]
