"""Grouped rows (several rows, one partnership: H2020 participants, PPI investment years): every
row is parsed whole, so a bad value, a value that contradicts the partnership's other rows, a
partner given twice or a row given twice is an error of its row, never silently ignored."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from mitra.imports.report import ImportRefused
from mitra.imports.tables import import_table, load_mapping, mapping_from_spec
from mitra.partnerships.models import Partnership, PartnershipMember

from .test_kosovo import h2020_row
from .test_tables import H2020, data_file, write_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def project(rcn: str = "700001") -> list[dict[str, str]]:
    return [
        h2020_row(rcn, "coordinator", "711111111", "HES", "DE"),
        h2020_row(rcn, "participant", "722222222", "PRC", "FR"),
        h2020_row(rcn, "partner", "733333333", "PUB", "NL"),
    ]


def refused(tmp_path: Path, rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    """The errors of an all-or-nothing import, which must write nothing."""
    path = write_rows(tmp_path / "h2020.csv", rows)
    with pytest.raises(ImportRefused) as exc:
        import_table(path, fmt="csv", mapping=load_mapping(H2020), actor=None)
    assert not Partnership.objects.exists()
    return [(e.where, e.value, e.message) for e in exc.value.report.errors]


def test_a_clean_grouped_file_imports(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "h2020.csv", project())
    report = import_table(path, fmt="csv", mapping=load_mapping(H2020), actor=None)
    assert report.ok, report.errors
    p = Partnership.objects.get(source=H2020)
    assert p.country == "DE"  # the coordinator's: a per-row field (prefer_row.fields)
    assert PartnershipMember.objects.filter(partnership=p).count() == 3


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("start_date", "2019-13-01", "Not a date"),
        ("end_date", "someday", "Not a date"),
        ("total_cost", "lots", "Not a number"),
        ("max_contribution", "-5", "cannot be negative"),
        ("start_year", "MMXIX", "Not a year"),
        ("country", "Atlantis", "Unknown country"),
        ("contribution", "abc", "Not a number"),
        ("role", "observer", "Unknown role"),
    ],
)
def test_a_bad_value_in_a_participant_row_is_an_error_of_that_row(
    tmp_path: Path, column: str, bad: str, message: str
) -> None:
    rows = project()
    rows[2][column] = bad  # the third row of the file: row 4 (the header is row 1)
    errors = refused(tmp_path, rows)
    assert [(w, v) for w, v, _m in errors] == [(f"row 4, column {column}", bad)], errors
    assert message.casefold() in errors[0][2].casefold()


def test_project_fields_that_differ_between_rows_are_errors(tmp_path: Path) -> None:
    rows = project()
    rows[1]["total_cost"] = "7000"
    rows[2]["start_date"] = "2019-02-01"
    errors = refused(tmp_path, rows)
    assert [(w, v) for w, v, _m in errors] == [
        ("row 3, column total_cost", "7000"),
        ("row 4, column start_date", "2019-02-01"),
    ]
    assert errors[0][2].startswith("Differs from row 2 of the same partnership (6000)")


def test_the_coordinator_row_is_checked_against_earlier_participant_rows(tmp_path: Path) -> None:
    rows = [*project()[1:], project()[0]]  # the coordinator last
    rows[2]["max_contribution"] = "4000"
    errors = refused(tmp_path, rows)
    assert [(w, v) for w, v, _m in errors] == [("row 4, column max_contribution", "4000")]


def test_two_coordinators_in_two_countries_are_an_error(tmp_path: Path) -> None:
    rows = project()
    rows.append(h2020_row("700001", "coordinator", "744444444", "REC", "IT"))
    errors = refused(tmp_path, rows)
    assert [(w, v) for w, v, _m in errors] == [("row 5, column country", "IT")]
    assert "row 2 (DE)" in errors[0][2] and "coordinator" in errors[0][2]


def test_a_partner_given_twice_with_other_values_is_an_error(tmp_path: Path) -> None:
    rows = project()
    twice = dict(rows[1], contribution="2000", role="partner")
    rows.append(twice)
    errors = refused(tmp_path, rows)
    assert [(w, v) for w, v, _m in errors] == [("row 5, column pic", "722222222")]
    assert "already a partner of this partnership on row 3" in errors[0][2]
    assert "role, contribution" in errors[0][2]


def test_a_partner_given_twice_with_the_same_values_is_an_error(tmp_path: Path) -> None:
    rows = project()
    rows.append(dict(rows[1], nunique="3"))  # not the same row, but the same partner again
    errors = refused(tmp_path, rows)
    assert [w for w, _v, _m in errors] == ["row 5, column nunique", "row 5, column pic"]
    assert (
        errors[1][2] == "Organisation 722222222 is already a partner of this partnership on row 3."
    )


def test_the_same_row_twice_is_an_error(tmp_path: Path) -> None:
    rows = project()
    rows.append(dict(rows[2]))
    errors = refused(tmp_path, rows)
    assert errors == [("row 5, column rcn", "700001", "The same row as row 4: a row given twice.")]


def test_valid_rows_mode_rejects_the_partnership_of_a_bad_participant_row(tmp_path: Path) -> None:
    rows = [*project("700001"), *project("700002")]
    rows[4]["end_date"] = "2021-02-30"  # 700002's participant
    rows.append(dict(rows[1]))  # 700001's participant again
    path = write_rows(tmp_path / "h2020.csv", rows)
    report = import_table(
        path, fmt="csv", mapping=load_mapping(H2020), actor=None, mode="valid_rows"
    )
    assert report.ok and report.rejected_rows == 7
    assert not Partnership.objects.exists()
    reasons = {r.row: r.message for r in report.rejected}
    assert "Not a date" in reasons[6] and "a row given twice" in reasons[8]
    assert "Another row of the same partnership (row 6)" in reasons[5]

    rows[4]["end_date"] = "2021-12-31"
    path = write_rows(tmp_path / "h2020.csv", rows)
    report = import_table(
        path, fmt="csv", mapping=load_mapping(H2020), actor=None, mode="valid_rows"
    )
    assert [r.row for r in report.rejected] == [2, 3, 4, 8]
    assert list(Partnership.objects.values_list("source_id", flat=True)) == ["700002"]


def test_two_titles_for_one_grouped_id_are_an_error(tmp_path: Path) -> None:
    mapping = mapping_from_spec(
        {
            "name": "grouped-titles",
            "id_columns": ["kode"],
            "group_by": True,
            "partnership": {
                "title_ind": {"column": "nama", "parse": "text", "required": True},
                "form": {"value": "psp"},
                "estimated_value": {"column": "nilai", "parse": "amount", "currency": "IDR"},
            },
            "members": [{"type": "named", "column": "mitra", "roles": ["implementer"]}],
        }
    )
    rows = [
        {"kode": "A1", "nama": "Air Bersih Desa", "nilai": "100", "mitra": "Yayasan A"},
        {"kode": "A1", "nama": "Air  Bersih Desa ", "nilai": "100.00", "mitra": "Yayasan B"},
        {"kode": "A1", "nama": "Sekolah Mitra", "nilai": "200", "mitra": "Yayasan C"},
    ]
    path = write_rows(tmp_path / "grouped.csv", rows)
    report = import_table(path, fmt="csv", mapping=mapping, actor=None, dry_run=True)
    # The same value written differently (spaces, 100 / 100.00) agrees; other values do not.
    assert [(e.where, e.value) for e in report.errors] == [
        ("row 4, column nama", "Sekolah Mitra"),
        ("row 4, column nilai", "200"),
    ]
    assert "(Air Bersih Desa)" in report.errors[0].message


def test_the_real_projects_with_two_coordinators_import_with_both(tmp_path: Path) -> None:
    # The shared CORDIS file has no duplicate participant, no duplicate row and no project
    # value that differs between the rows of a project; 16 projects have two coordinators,
    # each pair in one country: both are kept as Koordinator, the country is theirs.
    with data_file(H2020).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    coordinators: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if r["role"] == "coordinator":
            coordinators[r["rcn"]].append(r)
    double = {rcn: c for rcn, c in coordinators.items() if len(c) == 2}
    assert len(double) == 16
    subset = [r for r in rows if r["rcn"] in double]
    path = write_rows(tmp_path / "two-coordinators.csv", subset)
    report = import_table(path, fmt="csv", mapping=load_mapping(H2020), actor=None)
    assert report.ok, report.errors
    for rcn, pair in double.items():
        p = Partnership.objects.get(source=H2020, source_id=rcn)
        assert str(p.country) == {"UK": "GB"}.get(pair[0]["country"], pair[0]["country"])
        leads = PartnershipMember.objects.filter(partnership=p, roles=["lead"])
        assert {m.organisation.identifier for m in leads} == {c["pic"] for c in pair}
