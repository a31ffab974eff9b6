"""Import and export of the finance model: JSON and Mitra's XLSX template, all or nothing, with
JSON paths for every problem; import → export round-trips on every example."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from mitra.finance import spec_files
from mitra.finance.services import InvalidSpec

from .conftest import example

EXAMPLES = ["hospital", "toll-road", "school"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_xlsx_round_trip(name):
    spec = example(name)
    assert spec_files.spec_from_xlsx(spec_files.spec_to_xlsx(spec)) == spec


@pytest.mark.parametrize("name", EXAMPLES)
def test_json_round_trip(name):
    spec = example(name)
    assert spec_files.spec_from_json(json.dumps(spec).encode()) == spec


def test_the_template_is_bilingual_and_empty():
    book = load_workbook(io.BytesIO(spec_files.spec_to_xlsx(None)))
    sheet = book[spec_files.MODEL_SHEET]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["debt.rate"][2] == "Interest rate"  # English label
    assert rows["debt.rate"][1]  # an Indonesian label (the English text until translated)
    assert all(r[3] is None for k, r in rows.items() if k != "spec_version")
    assert book[spec_files.YEARS_SHEET].max_row == 3  # headers only


def test_an_empty_template_imported_reports_every_missing_field():
    with pytest.raises(InvalidSpec) as caught:
        spec_files.spec_from_xlsx(spec_files.spec_to_xlsx(None))
    assert {"$"} <= {i["path"] for i in caught.value.issues}
    assert any("name" in i["message"] for i in caught.value.issues)


def test_bad_cells_are_reported_with_their_path_and_cell():
    book = load_workbook(io.BytesIO(spec_files.spec_to_xlsx(example("hospital"))))
    sheet = book[spec_files.MODEL_SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "debt.rate":
            row[3].value = "ten percent"
        if row[0].value == "construction_years":
            row[3].value = 2.5
    years = book[spec_files.YEARS_SHEET]
    years.cell(row=4, column=2).value = "lots"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidSpec) as caught:
        spec_files.spec_from_xlsx(out.getvalue())
    issues = {i["path"]: i["message"] for i in caught.value.issues}
    assert "$.debt.rate" in issues and "D" in issues["$.debt.rate"]
    assert "$.construction_years" in issues
    assert "$.capex" in issues


def test_not_a_workbook_nor_json():
    with pytest.raises(InvalidSpec):
        spec_files.spec_from_upload("model.xlsx", b"PK not really a zip")
    with pytest.raises(InvalidSpec) as caught:
        spec_files.spec_from_upload("model.json", b"{nope")
    assert caught.value.issues[0]["path"] == "$"


def test_a_semantically_invalid_xlsx_is_refused_with_the_cores_paths():
    spec = example("hospital")
    spec["capex"] = [200, 250, 300]  # three values for two construction years
    with pytest.raises(InvalidSpec) as caught:
        spec_files.spec_from_xlsx(spec_files.spec_to_xlsx(spec))
    assert "$.capex" in {i["path"] for i in caught.value.issues}
