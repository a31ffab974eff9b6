"""``mitra simulate``: called as ``main([...])`` and as the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mitra.analysis.risk.cli import main

from .specs import make_spec

MITRA = Path(sys.executable).with_name("mitra")


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(make_spec(simulation={"iterations": 2_000, "seed": 3})))
    return path


def test_json_output_has_the_documented_shape(
    spec_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a valid spec
    # when simulated as JSON with an explicit seed and iteration count
    code = main([str(spec_file), "--iterations", "1000", "--seed", "42", "--format", "json"])
    # then it exits 0 and prints the result
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert code == 0
    assert err == ""
    assert (data["iterations"], data["seed"], data["currency"], data["amount_unit"]) == (
        1000,
        42,
        "EUR",
        1,
    )
    assert data["npv"]["base"] == 100.0
    assert set(data["parties"]) == {"public", "private"}
    assert data["tornado"][0]["id"] == "R1"


def test_the_spec_defaults_are_used(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a spec with iterations 2,000 and seed 3
    # when run without options
    assert main([str(spec_file), "--format", "json"]) == 0
    # then those are used
    data = json.loads(capsys.readouterr().out)
    assert (data["iterations"], data["seed"]) == (2_000, 3)


def test_the_table_is_readable(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a valid spec
    # when the table view is printed
    assert main([str(spec_file)]) == 0
    out = capsys.readouterr().out
    # then it shows the NPV summary, the parties and the top risks
    assert out.startswith("Test project\n2,000 iterations, seed 3; amounts in EUR, present values")
    assert "  base (no risk)      100.00" in out
    assert "PV risk cost by party" in out
    assert "  public  " in out
    assert "  R1      risk R1" in out


def test_out_writes_a_file(
    spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an output path
    target = tmp_path / "result.json"
    # when --out is given
    assert main([str(spec_file), "--format", "json", "--out", str(target)]) == 0
    # then the file holds the JSON and stdout is empty
    assert json.loads(target.read_text())["iterations"] == 2_000
    assert capsys.readouterr().out == ""


def test_an_unwritable_out_is_exit_2(
    spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing-dir" / "r.json"
    assert main([str(spec_file), "--out", str(target)]) == 2
    assert (
        capsys.readouterr().err
        == f"{target}: cannot write the output (No such file or directory)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--iterations", "0"], "argument --iterations/-n: must be >= 1, got 0"),
        (["--iterations", "many"], "argument --iterations/-n: must be a whole number, got 'many'"),
        (["--seed", "-4"], "argument --seed: must be >= 0, got -4"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_are_exit_2(
    spec_file: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(spec_file), *args]) == 2
    assert message in capsys.readouterr().err


def test_help_is_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: mitra simulate" in capsys.readouterr().out


def test_progress_bar_on_stderr(spec_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # when asked for a progress bar
    assert main([str(spec_file), "--progress", "--format", "json"]) == 0
    # then stderr ends with a full bar and stdout is still pure JSON
    out, err = capsys.readouterr()
    assert err.endswith("simulating [##############################] 100%\n")
    json.loads(out)


def test_console_script_runs_without_a_database(spec_file: Path, tmp_path: Path) -> None:
    # given the installed ``mitra`` command and no Django settings at all
    env = {"PATH": str(MITRA.parent), "HOME": str(tmp_path)}
    # when it simulates
    done = subprocess.run(
        [str(MITRA), "simulate", str(spec_file), "--format", "json", "--seed", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    # then it succeeds with JSON on stdout
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["seed"] == 1


def test_console_script_bad_spec_is_exit_2_without_traceback(tmp_path: Path) -> None:
    # given a file that is not JSON
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    # when the command runs on it
    done = subprocess.run(
        [str(MITRA), "simulate", str(bad)], capture_output=True, text=True, check=False, timeout=120
    )
    # then exit 2 with a plain message
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"mitra simulate: {bad}: 1 problem found",
        f"{bad}: invalid JSON at line 1, column 2: "
        "Expecting property name enclosed in double quotes",
    ]


def test_console_script_on_the_toll_road(toll_road: Path) -> None:
    # given the shared toll-road example
    done = subprocess.run(
        [str(MITRA), "simulate", str(toll_road), "-n", "20000", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # then the result names its 3 parties and ranks 25 risks
    data = json.loads(done.stdout)
    assert done.returncode == 0
    assert list(data["parties"]) == ["public", "private", "social"]
    assert len(data["tornado"]) == 25
    assert data["seed"] == 20270101
