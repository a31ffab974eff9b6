"""``mitra align``: called as ``main([...])`` and as the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mitra.analysis.alignment.cli import main

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = CHECKOUT / "examples" / "align"
MITRA = Path(sys.executable).with_name("mitra")


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "objectives.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


TWO_PARTNERS = {
    "spec_version": "1.0",
    "name": "Two partners",
    "levers": [{"id": "x", "name": "x", "unit": "IDR/km", "bounds": [0, 12]}],
    "partners": [
        {
            "id": "a",
            "name": "A",
            "sector": "public",
            "objectives": [{"lever": "x", "direction": "increase", "weight": 1, "range": [0, 10]}],
        },
        {
            "id": "b",
            "name": "B",
            "sector": "private",
            "objectives": [{"lever": "x", "direction": "decrease", "weight": 1, "range": [4, 12]}],
        },
    ],
}


@pytest.mark.parametrize("name", ["toll-road", "hospital", "school"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_every_example_runs(name: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    # given an example file
    # when run through the CLI
    code = main([str(EXAMPLES / f"{name}.json"), "--format", fmt])
    # then it exits 0 with output on stdout only
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    if fmt == "json":
        data = json.loads(out)
        assert data["feasible"] is (name != "hospital")
        assert (data["compromise"] is None) is (name == "hospital")
        assert (data["relaxed_compromise"] is None) is (name != "hospital")
    else:
        assert "Conflict matrix" in out


def test_json_output_has_the_hand_worked_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given A increasing on [0, 10] and B decreasing on [4, 12]: scores cross at x = 20/3
    spec = _write(tmp_path, TWO_PARTNERS)
    # when run as JSON
    assert main([str(spec), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # then the compromise, ranges and conflicts are reported
    assert data["compromise"]["point"]["x"] == pytest.approx(20 / 3, abs=1e-9)
    assert data["compromise"]["binding"] == ["a", "b"]
    assert data["ranges"][0]["intersection"] == [4.0, 10.0]
    assert data["conflicts"]["matrix"] == [[0.0, 1.0], [1.0, 0.0]]
    assert data["conflicts"]["pairs"] == [
        {"partners": ["a", "b"], "weight": 1.0, "levers": {"x": 1.0}}
    ]
    assert data["partners"][0]["weights"] == {"x": 1.0}


def test_the_table_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, TWO_PARTNERS)
    assert main([str(spec)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Two partners\n2 partners, 1 lever; acceptable ranges intersect on every lever: yes\n"
    )
    assert "  x  [0, 12] IDR/km: intersection [4, 10]" in out
    assert "  a vs b: 1.000 (x 1.000)" in out
    assert "Maximin compromise within every partner's acceptable range" in out
    assert "  x         6.66667  IDR/km" in out
    assert "  minimum satisfaction 0.6667; binding: a, b" in out


def test_the_hospital_table_labels_the_relaxed_compromise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([str(EXAMPLES / "hospital.json")]) == 0
    out = capsys.readouterr().out
    assert "acceptable ranges intersect on every lever: NO" in out
    assert (
        "NO INTERSECTION: gap 10 (operator's lower end is above province's upper end); "
        "minimal total relaxation 10 on [120, 130]"
    ) in out
    assert "No compromise satisfies every partner's acceptable ranges" in out
    assert "RELAXED compromise" in out
    assert "Maximin compromise within" not in out


def test_out_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "result.json"
    assert main([str(EXAMPLES / "school.json"), "--format", "json", "--out", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["feasible"] is True
    assert capsys.readouterr().out == ""


def test_an_unwritable_out_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing-dir" / "result.json"
    assert main([str(EXAMPLES / "school.json"), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"{target}: cannot write the output (No such file or directory)\n"


def test_an_invalid_spec_exits_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a spec whose second objective's range leaves the lever's bounds and a bad direction
    bad = json.loads(json.dumps(TWO_PARTNERS))
    bad["partners"][1]["objectives"][0]["range"] = [4, 13]
    bad["partners"][0]["objectives"][0]["direction"] = "more"
    spec = _write(tmp_path, bad)
    code = main([str(spec)])
    out, err = capsys.readouterr()
    # then schema problems are reported first (semantic checks need a schema-valid document)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"mitra align: {spec}: 1 problem found",
        '$.partners[0].objectives[0].direction: must be one of "increase", "decrease", '
        '"target"; got "more"',
    ]
    # and once that is fixed, the semantic problem with its path
    bad["partners"][0]["objectives"][0]["direction"] = "increase"
    spec = _write(tmp_path, bad)
    assert main([str(spec)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"mitra align: {spec}: 1 problem found",
        "$.partners[1].objectives[0].range: [4, 13] must lie inside the lever's bounds [0, 12]",
    ]


def test_unreadable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main([str(missing)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"mitra align: {missing}: 1 problem found",
        f"{missing}: no such file",
    ]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main([str(broken)]) == 2
    assert "invalid JSON at line 1, column 2" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLES / "school.json"), "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    assert main([]) == 2


def test_the_console_script_dispatches_align(tmp_path: Path) -> None:
    if not MITRA.exists():
        pytest.skip("the mitra console script is not installed in this environment")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"spec_version": "1.0"}), encoding="utf-8")
    ok = subprocess.run(
        [str(MITRA), "align", str(EXAMPLES / "toll-road.json"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["feasible"] is True
    failed = subprocess.run(
        [str(MITRA), "align", str(bad)], capture_output=True, text=True, check=False
    )
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert "$: missing required field 'levers'" in failed.stderr
