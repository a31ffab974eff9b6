"""Loading and validation: every bad spec gives its clear ``path: message`` error."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from mitra.analysis import SpecError, SpecIssue, load_spec, schema, validate_spec
from mitra.analysis.risk.cli import main

from .specs import CHECKOUT, make_spec, risk, shared_path

BAD_SPECS = sorted((Path(__file__).parent / "bad_specs").glob("*.json"))


def expected_lines(spec_file: Path) -> list[str]:
    text = spec_file.with_suffix(".expected").read_text(encoding="utf-8")
    return text.replace("{file}", str(spec_file)).splitlines()


def test_the_bad_spec_folder_is_complete() -> None:
    # given the folder of bad specs
    names = {p.stem for p in BAD_SPECS}
    # then every spec has its expected error, and there are enough of them
    assert names == {p.stem for p in BAD_SPECS[0].parent.glob("*.expected")}
    assert len(names) >= 30


@pytest.mark.parametrize("spec_file", BAD_SPECS, ids=lambda p: p.stem)
def test_each_bad_spec_gives_its_clear_error(spec_file: Path) -> None:
    # given a bad spec file
    # when it is loaded
    with pytest.raises(SpecError) as caught:
        load_spec(spec_file)
    # then the error lists exactly the expected problems, one "path: message" per line
    assert str(caught.value).splitlines() == expected_lines(spec_file)
    assert all(isinstance(issue, SpecIssue) for issue in caught.value.issues)


@pytest.mark.parametrize("spec_file", BAD_SPECS, ids=lambda p: p.stem)
def test_the_cli_reports_a_bad_spec_with_exit_code_2_and_no_traceback(
    spec_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a bad spec file
    # when the CLI is run on it
    code = main([str(spec_file)])
    # then it exits with 2, prints a header and the problems, and nothing on stdout
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 2
    assert out == ""
    assert lines[0].startswith(f"mitra simulate: {spec_file}: ")
    assert lines[1:] == expected_lines(spec_file)
    assert "Traceback" not in err


def test_a_missing_file_is_reported_plainly(tmp_path: Path) -> None:
    # given a path where there is no file
    missing = tmp_path / "nope.json"
    # when it is loaded
    with pytest.raises(SpecError) as caught:
        load_spec(missing)
    # then the error names the file
    assert str(caught.value) == f"{missing}: no such file"


def test_a_directory_is_reported_plainly(tmp_path: Path) -> None:
    # given a directory instead of a file
    # when it is loaded
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path)
    # then the error says so
    assert str(caught.value) == f"{tmp_path}: is a directory, not a spec file"


def test_infinite_numbers_in_a_dict_are_rejected() -> None:
    # given a parsed spec with an infinite amount (JSON cannot carry it, a dict can)
    spec = make_spec()
    spec["base_cash_flows"]["revenue"] = [0, float("inf")]
    # when it is validated
    issues = validate_spec(spec)
    # then the path and the problem are named
    assert [str(i) for i in issues] == [
        "$.base_cash_flows.revenue[1]: must be a finite number, got inf"
    ]


def test_allocation_shares_within_the_tolerance_are_accepted() -> None:
    # given shares that sum to 1 within 1e-9 (and one just outside it)
    ok = make_spec([risk(allocation={"public": 0.3, "private": 0.7 + 5e-10})])
    bad = make_spec([risk(allocation={"public": 0.3, "private": 0.7 + 5e-9})])
    # when they are validated
    # then only the second is rejected
    assert validate_spec(ok) == []
    assert [i.path for i in validate_spec(bad)] == ["$.risks[0].allocation"]


def test_errors_are_sorted_by_path_with_numeric_indices() -> None:
    # given problems in risks 2 and 10
    risks = [risk(f"R{k}") for k in range(11)]
    risks[10]["probability"] = 2
    risks[2]["probability"] = -1
    # when validated
    issues = validate_spec(make_spec(risks))
    # then risk 2 comes before risk 10
    assert [i.path for i in issues] == ["$.risks[2].probability", "$.risks[10].probability"]


def test_the_shipped_schema_is_byte_identical_to_the_shared_spec() -> None:
    # given the normative schema in shared/ and the copy shipped in the package
    shared = shared_path("specs", "risk-model.schema.json")
    shipped = CHECKOUT / "src" / "mitra" / "analysis" / "schemas" / "risk-model.schema.json"
    # then they are the same bytes, and the package loads that file
    assert filecmp.cmp(shared, shipped, shallow=False)
    assert schema() == json.loads(shared.read_text(encoding="utf-8"))


def test_both_examples_are_valid(toll_road: Path, school: Path) -> None:
    # given the shared examples
    # when loaded
    road, psp = load_spec(toll_road), load_spec(school)
    # then they have the documented size
    assert (len(road.risks), road.horizon_years, len(road.correlations)) == (25, 30, 7)
    assert (len(psp.risks), psp.horizon_years) == (8, 10)
