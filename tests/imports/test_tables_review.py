"""Regression tests from the review of the table importer: odd input gets a clear error (never a
500 or a crash half-way through the write), and imported markup cannot come back."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.core.errors import ApplicationError
from mitra.imports.report import ImportRefused
from mitra.partnerships.models import Partnership

from .test_import_views import after_job, login
from .test_tables import KPBU, PPI, _english, data_file, read_rows, run, write_rows

pytestmark = pytest.mark.django_db
__all__ = ["_english"]


def refused(path: Path, name: str) -> list[dict[str, str]]:
    with pytest.raises(ImportRefused) as info:
        run(path, name)
    assert not Partnership.objects.filter(source=name).exists()
    return [e.to_dict() for e in info.value.report.errors]


def test_the_mapping_builder_on_an_unreadable_file_says_why(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world, "staff")
    big = b"kode,nama\nA1," + b"x" * 200_000 + b"\n"  # beyond the csv module's field limit
    response = client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("big.csv", big, content_type="text/csv"), "mapping": KPBU},
    )
    token = response["Location"].split("/")[-3]
    # The job that reads the columns fails; the builder's page says why (never a 500).
    html = after_job(
        client, reverse("imports:mapping_new", args=[token]), django_capture_on_commit_callbacks
    )
    assert 'data-testid="problem"' in html and "The file is not valid CSV" in html
    assert 'name="col_0"' not in html


def test_a_nul_byte_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # PostgreSQL text cannot hold NUL: the job used to fail in the middle of the write.
    rows = read_rows(data_file(KPBU))[:3]
    rows[2]["proyek_nama"] = "Jalan\x00Tol"
    path = write_rows(tmp_path / "nul.csv", rows)
    with pytest.raises(ApplicationError, match=r"NUL byte \(line 4\)"):
        run(path, KPBU)
    assert not Partnership.objects.exists()


def test_two_columns_with_the_name_a_mapping_reads_are_refused(tmp_path: Path) -> None:
    rows = read_rows(data_file(KPBU))[:2]
    path = tmp_path / "dup.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*rows[0], "proyek_nama"])
        writer.writerows([*r.values(), "another title"] for r in rows)
    errors = refused(path, KPBU)
    assert errors == [
        {
            "where": "column proyek_nama",
            "value": "",
            "message": "The file has several columns named proyek_nama; rename all but one.",
        }
    ]


def test_escaped_markup_in_html_cells_does_not_come_back(tmp_path: Path) -> None:
    rows = read_rows(data_file(KPBU))[:1]
    rows[0]["proyek_deskripsi"] = "&lt;script&gt;alert(1)&lt;/script&gt;Jalan &amp;lt;b&amp;gt;"
    run(write_rows(tmp_path / "html.csv", rows), KPBU)
    summary = Partnership.objects.get(source=KPBU).summary_ind
    assert "<" not in summary and "alert" not in summary and summary.startswith("Jalan")


@pytest.mark.parametrize(
    ("column", "value", "where", "found", "message"),
    [
        ("Sponsors", "Saur (NaN% / France)", "Sponsors", "NaN%", "Not a percentage."),
        ("Sponsors", "Saur (sNaN% / France)", "Sponsors", "sNaN%", "Not a percentage."),
        ("Financial closure year", "0", "start_date", "0", "Not a year."),
        ("Financial closure year", "20190", "start_date", "20190", "Not a year."),
        ("TotalInvestment", "1e999999", "TotalInvestment", "1e999999", "This amount is too large."),
    ],
)
def test_odd_numbers_are_cell_errors_not_crashes(
    tmp_path: Path, column: str, value: str, where: str, found: str, message: str
) -> None:
    rows = read_rows(data_file(PPI))[:3]
    rows[1][column] = value
    errors = refused(write_rows(tmp_path / "odd.csv", rows), PPI)
    assert {"where": f"row 3, column {where}", "value": found, "message": message} in errors


def test_an_id_too_long_for_its_column_is_a_row_error(tmp_path: Path) -> None:
    # PostgreSQL refused it in the middle of the write ("value too long"), after the preview.
    rows = read_rows(data_file(KPBU))[:3]
    rows[1]["proyek_id"] = "9" * 201
    errors = refused(write_rows(tmp_path / "long.csv", rows), KPBU)
    assert [(e["where"], e["message"]) for e in errors] == [
        ("row 3, column proyek_id", "The id is longer than 200 characters.")
    ]


def test_an_identifier_too_long_for_its_column_is_a_row_error(tmp_path: Path) -> None:
    from .test_tables import h2020_subset

    path, rows = h2020_subset(tmp_path, 1)
    rows[0]["pic"] = "1" * 101
    errors = refused(write_rows(path, rows), "eu-h2020-participations")
    assert [(e["where"], e["message"]) for e in errors] == [
        ("row 2, column pic", "The organisation identifier is longer than 100 characters.")
    ]


def test_a_share_with_more_decimals_is_rounded_once_not_updated_on_every_import(
    tmp_path: Path,
) -> None:
    rows = read_rows(data_file(PPI))[:3]
    rows[1]["Sponsors"] = "Saur (33.333% / France)"
    path = write_rows(tmp_path / "share.csv", rows)
    first = run(path, PPI)
    assert {
        "where": "row 3, column Sponsors",
        "value": "Saur (33.333% / France)",
        "message": "Share rounded to 33.33%.",
    } in [w.to_dict() for w in first.warnings]
    again = run(path, PPI)
    assert not again.updated


def test_accepting_a_match_keeps_equity_and_the_other_queued_spellings(world: Any) -> None:
    from decimal import Decimal

    from mitra.imports.models import OrganisationMatchReview
    from mitra.imports.reviews import review_resolve
    from mitra.organisations.models import Organisation
    from mitra.partnerships.models import PartnershipMember

    company = world.company
    duplicate = Organisation.objects.create(name="PT Contoh Infrastruktur Tbk", sector="private")
    third = Organisation.objects.create(name="PT Contoh Infrastruktur (Persero)", sector="private")
    PartnershipMember.objects.filter(partnership=world.partnership, organisation=company).update(
        equity_share=Decimal("10.00")
    )
    PartnershipMember.objects.create(
        partnership=world.partnership,
        organisation=duplicate,
        roles=["financier"],
        equity_share=Decimal("25.00"),
    )
    review = OrganisationMatchReview.objects.create(
        imported_name=duplicate.name, organisation=duplicate, candidate=company, score=0.8
    )
    # A later import queued another spelling against the duplicate.
    other = OrganisationMatchReview.objects.create(
        imported_name=third.name, organisation=third, candidate=duplicate, score=0.7
    )
    review_resolve(actor=world.actor("staff"), review=review, accept=True)
    member = PartnershipMember.objects.get(partnership=world.partnership, organisation=company)
    assert member.equity_share == Decimal("35.00") and "financier" in member.roles
    other.refresh_from_db()  # still queued, now against the organisation it may be
    assert other.status == "pending" and other.candidate_id == company.pk
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_two_identified_organisations_with_one_name_do_not_crash_the_write(
    tmp_path: Path,
) -> None:
    import json

    from mitra.imports.tables import load_mapping, mapping_from_spec
    from mitra.organisations.models import Organisation

    from .test_tables import h2020_subset

    spec = json.loads(json.dumps(load_mapping("eu-h2020-participations").spec))
    spec["members"][0]["name_template"] = "Participant from {country}"
    path, rows = h2020_subset(tmp_path, 1)
    rows[0]["country"] = rows[1]["country"] = "BE"  # two PICs, one generated name
    path = write_rows(path, rows)
    from mitra.imports.tables import import_table

    import_table(path, fmt="csv", mapping=mapping_from_spec(spec), actor=None)
    names = Organisation.objects.filter(identifier_scheme="EU-PIC").values_list("name", flat=True)
    assert len(names) == len({r["pic"] for r in rows})
    assert {"Participant from BE", "Participant from BE (EU-PIC)"} <= set(names)
