"""Partial imports: a staff member may import the valid rows of a table and get the rejected
ones listed with their reasons (and as CSV); all or nothing stays the default. A rejected row
writes nothing, and the other rows of its partnership are rejected with it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from mitra.imports.models import ImportMode, ImportRun
from mitra.imports.report import ImportRefused
from mitra.imports.services import import_file
from mitra.imports.tables import import_table, load_mapping
from mitra.jobs.models import Job, JobStatus
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership

from .test_import_views import after_job, login, upload
from .test_kosovo import h2020_row
from .test_tables import H2020, KPBU, data_file, read_rows, write_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def bad_kpbu(tmp_path: Path) -> tuple[Path, list[dict[str, str]], list[int]]:
    """The KPBU rows with two errors; the second bad row is the only one naming its PJPK."""
    rows = read_rows(data_file(KPBU))
    rows[1]["proyek_nilai_capex"] = "lima triliun"
    unique = next(
        i
        for i, r in enumerate(rows)
        if i > 1 and sum(1 for x in rows if x["proyek_pjpk"] == r["proyek_pjpk"]) == 1
    )
    rows[unique]["proyek_status"] = "9"
    return write_rows(tmp_path / "bad.csv", rows), rows, [1, unique]


def test_all_or_nothing_stays_the_default(tmp_path: Path) -> None:
    path, _rows, _bad = bad_kpbu(tmp_path)
    with pytest.raises(ImportRefused) as exc:
        import_file(actor=None, path=path, fmt="csv", mapping=KPBU, check_permission=False)
    assert exc.value.report.mode == "all_or_nothing"
    assert not Partnership.objects.exists() and not Organisation.objects.exists()
    run = ImportRun.objects.get()
    assert run.mode == ImportMode.ALL_OR_NOTHING and not run.succeeded
    assert len(run.report["errors"]) == 2


def test_valid_rows_mode_imports_the_rest_and_lists_the_rejected(tmp_path: Path) -> None:
    path, rows, bad = bad_kpbu(tmp_path)
    report = import_file(
        actor=None, path=path, fmt="csv", mapping=KPBU, check_permission=False, mode="valid_rows"
    )
    assert report.ok and report.mode == "valid_rows"
    assert report.created["partnership"] == len(rows) - 2
    rejected = [(r.row, r.source_id, r.value) for r in report.rejected]
    assert rejected == [
        (bad[0] + 2, rows[bad[0]]["proyek_id"], "lima triliun"),
        (bad[1] + 2, rows[bad[1]]["proyek_id"], "9"),
    ]
    assert report.rejected[0].where == f"row {bad[0] + 2}, column proyek_nilai_capex"
    assert report.rejected[0].message == "Not a number."
    # A rejected row writes nothing: not its partnership, not the organisation only it names.
    ids = set(Partnership.objects.filter(source=KPBU).values_list("source_id", flat=True))
    assert ids == {r["proyek_id"] for i, r in enumerate(rows) if i not in bad}
    lonely = rows[bad[1]]["proyek_pjpk"]
    assert not Organisation.objects.filter(name=lonely).exists()
    assert not Organisation.objects.filter(aliases__icontains=lonely).exists()
    run = ImportRun.objects.get()
    assert run.mode == ImportMode.VALID_ROWS and run.succeeded
    assert run.rejected_rows == 2 and run.report["rejected"][1]["value"] == "9"

    # Fixed and imported again, the two rows come in; nothing else changes.
    fixed = read_rows(data_file(KPBU))
    again = import_table(
        write_rows(tmp_path / "fixed.csv", fixed),
        fmt="csv",
        mapping=load_mapping(KPBU),
        actor=None,
        mode="valid_rows",
    )
    assert again.created["partnership"] == 2 and not again.rejected


def test_a_bad_row_rejects_every_row_of_its_partnership(tmp_path: Path) -> None:
    rows = [
        h2020_row("800001", "coordinator", "811111111", "HES", "ID"),
        h2020_row("800001", "participant", "822222222", "XYZ", "DE"),  # unknown type
        h2020_row("800002", "coordinator", "833333333", "PUB", "FR"),
        h2020_row("800002", "participant", "844444444", "PRC", "NL"),
    ]
    path = write_rows(tmp_path / "h2020.csv", rows)
    report = import_table(path, fmt="csv", mapping=load_mapping(H2020), actor=None,
                          mode="valid_rows")  # fmt: skip
    assert report.ok
    assert list(Partnership.objects.values_list("source_id", flat=True)) == ["800002"]
    assert [(r.row, r.source_id) for r in report.rejected] == [(2, "800001"), (3, "800001")]
    assert "Another row of the same partnership (row 3)" in report.rejected[0].message
    assert report.rejected[1].value == "XYZ"
    # The coordinator of the rejected project named no kept partnership: not created.
    assert not Organisation.objects.filter(identifier="811111111").exists()
    assert Organisation.objects.filter(identifier__in=["833333333", "844444444"]).count() == 2


def test_a_missing_column_refuses_the_file_in_either_mode(tmp_path: Path) -> None:
    rows = [
        {k: v for k, v in r.items() if k != "proyek_status"} for r in read_rows(data_file(KPBU))
    ]
    path = write_rows(tmp_path / "cut.csv", rows)
    with pytest.raises(ImportRefused):
        import_table(path, fmt="csv", mapping=load_mapping(KPBU), actor=None, mode="valid_rows")
    assert not Partnership.objects.exists()


def test_the_command_line_imports_the_valid_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, rows, bad = bad_kpbu(tmp_path)
    out_csv = tmp_path / "rejected.csv"
    call_command(
        "import", str(path), "--format", "csv", "--mapping", KPBU, "--valid-rows",
        "--rejected", str(out_csv),
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert "mode: valid_rows" in printed
    assert f"rejected: row {bad[0] + 2}" in printed
    with out_csv.open(encoding="utf-8", newline="") as f:
        listed = list(csv.DictReader(f))
    assert [r["id"] for r in listed] == [rows[i]["proyek_id"] for i in bad]
    assert Partnership.objects.count() == len(rows) - 2


def test_the_pages_offer_both_modes_and_list_the_rejected_rows(
    world: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _path, rows, bad = bad_kpbu(tmp_path)
    client = login(world, "staff")
    preview_url = upload(client, rows)
    token = preview_url.split("/")[-3]

    # All or nothing (the default): errors, no Import button.
    html = after_job(client, preview_url, django_capture_on_commit_callbacks)
    assert 'name="mode"' in html and 'value="valid_rows"' in html
    assert 'data-testid="errors"' in html and 'data-testid="start"' not in html

    # Valid rows: the rejected rows listed, and an Import button that keeps the choice.
    html = after_job(client, f"{preview_url}&mode=valid_rows", django_capture_on_commit_callbacks)
    assert 'data-testid="errors"' not in html
    assert 'data-testid="rejected"' in html and "lima triliun" in html
    assert 'data-testid="start"' in html and 'name="mode" value="valid_rows"' in html
    assert not Partnership.objects.filter(source=KPBU).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:start", args=[token]), {"mapping": KPBU, "mode": "valid_rows"}
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="imports.table")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.result)
    assert Partnership.objects.filter(source=KPBU).count() == len(rows) - 2
    run = ImportRun.objects.get(job=job)
    assert run.mode == "valid_rows" and run.rejected_rows == 2

    page = client.get(reverse("imports:report", args=[job.pk])).content.decode()
    assert 'data-testid="mode"' in page and 'data-testid="rejected"' in page
    assert "lima triliun" in page
    assert reverse("imports:rejected", args=[job.pk]) in page
    download = client.get(reverse("imports:rejected", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = list(
        csv.reader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ",")
    )
    assert len(lines) == 3  # header + the two rejected rows
    assert {line[1] for line in lines[1:]} == {rows[i]["proyek_id"] for i in bad}

    # Only staff may download the rejected rows.
    outsider = login(world, "outsider")
    assert outsider.get(reverse("imports:rejected", args=[job.pk])).status_code == 403
