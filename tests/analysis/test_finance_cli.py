"""``mitra finance``: called as ``main([...])`` and as the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mitra.analysis.finance import load_model, run_model
from mitra.analysis.finance.cli import main

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((CHECKOUT / "examples" / "finance").glob("*.json"))
MITRA = Path(sys.executable).with_name("mitra")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_runs_as_json_and_as_a_table(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an example model
    # when run as JSON
    assert main([str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    # then it prints the documented shape, with the same numbers as run_model
    expected = run_model(load_model(path))
    assert err == ""
    assert data["years"] == expected.years.tolist()
    assert data["summary"]["equity_npv"] == expected.equity_npv
    assert set(data["government_flows"]) == {
        "availability_payment",
        "vgf",
        "land",
        "subsidy",
        "tax_receipts",
        "concession_fee",
    }
    assert len(data["per_year"]["dscr"]) == len(data["years"])
    # and as a table
    assert main([str(path)]) == 0
    table = capsys.readouterr().out
    assert "CFADS" in table and "equity IRR" in table and "LLCR" in table
    assert f"{expected.years[-1]:>6}" in table


def test_the_table_shows_the_summary_values(capsys: pytest.CaptureFixture[str]) -> None:
    path = CHECKOUT / "examples" / "finance" / "hospital.json"
    result = run_model(load_model(path))
    assert main([str(path), "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert result.equity_irr is not None
    assert f"{100 * result.equity_irr:.2f}%" in table
    assert f"{result.government_npc:,.1f}" in table


def test_solve_prints_the_value_and_the_solved_model(capsys: pytest.CaptureFixture[str]) -> None:
    path = CHECKOUT / "examples" / "finance" / "hospital.json"
    args = ["--solve", "availability_payment", "--target-equity-irr", "0.15", "--format", "json"]
    code = main([str(path), *args])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["solution"]["unknown"] == "availability_payment"
    assert data["summary"]["equity_irr"] == pytest.approx(0.15, abs=1e-9)
    solved = load_model(data["solution"]["model"])
    assert solved.availability_payment is not None
    assert solved.availability_payment.annual == data["solution"]["value"]
    # a percentage works too, and the table says what was solved
    assert main([str(path), "--solve", "availability_payment", "--target-equity-irr", "15%"]) == 0
    assert "Solved: availability payment = " in capsys.readouterr().out


def test_out_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    path = EXAMPLES[0]
    assert main([str(path), "--format", "json", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["name"] == load_model(path).name


def test_bad_input_exits_2_with_one_path_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a model with two problems
    bad = json.loads((CHECKOUT / "examples" / "finance" / "hospital.json").read_text())
    bad["debt"]["rate"] = "ten percent"
    bad["currency"] = "Rp"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    # when run
    code = main([str(path)])
    # then exit 2 and each problem on its own line with its JSON path, no traceback
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"mitra finance: {path}: 2 problems found",
        '$.currency: must be a three-letter upper-case ISO 4217 currency code such as EUR; got "Rp"',
        '$.debt.rate: must be a number, not a string ("ten percent")',
    ]


def test_semantic_problems_are_reported_with_their_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = json.loads((CHECKOUT / "examples" / "finance" / "hospital.json").read_text())
    bad["debt"]["tenor_years"] = 40
    bad["capex"] = [200]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main([str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"mitra finance: {path}: 2 problems found",
        "$.capex: must have one value per construction year (2), got 1",
        "$.debt.tenor_years: the loan would mature in 2067, after the hand-back year 2042; "
        "at most 15 years",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-file.json"], "no-such-file.json: no such file"),
        (["{model}", "--solve", "vgf"], "--solve and --target-equity-irr must be given together"),
        (["{model}", "--target-equity-irr", "abc"], "must be a rate such as 0.14"),
        (["{model}", "--solve", "subsidy", "--target-equity-irr", "0.1"], "invalid choice"),
        (["{model}", "--out", "/no/such/dir/out.txt"], "cannot write the output"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(CHECKOUT / "examples" / "finance" / "hospital.json")
    code = main([a.replace("{model}", model) for a in args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_an_unreachable_target_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    model = str(CHECKOUT / "examples" / "finance" / "toll-road.json")
    code = main([model, "--solve", "vgf", "--target-equity-irr", "0.60"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("mitra finance: cannot solve for vgf: even the maximum VGF")


def test_the_console_script_dispatches_to_finance() -> None:
    if not MITRA.exists():
        pytest.skip("the mitra console script is not installed in this environment")
    model = str(CHECKOUT / "examples" / "finance" / "school.json")
    done = subprocess.run(
        [str(MITRA), "finance", model, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["currency"] == "IDR"
