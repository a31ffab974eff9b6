"""``mitra vfm`` (VfM, ``fiscal`` and ``stress``): examples, output shapes, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mitra.analysis.appraisal.cli import main
from mitra.analysis.appraisal.fiscal import validate_fiscal
from mitra.analysis.appraisal.stress import validate_scenarios
from mitra.analysis.appraisal.vfm import validate_vfm
from mitra.analysis.risk.spec import load_spec, read_spec_file

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = CHECKOUT / "examples"
PROJECTS = ("toll-road", "hospital", "school")
MITRA = Path(sys.executable).with_name("mitra")


@pytest.mark.parametrize("name", PROJECTS)
def test_examples_validate(name: str) -> None:
    # every example is valid against its schema and semantic checks
    vfm = EXAMPLES / "vfm" / f"{name}.json"
    fiscal = EXAMPLES / "fiscal" / f"{name}.json"
    assert validate_vfm(read_spec_file(vfm), vfm.parent) == []
    assert validate_fiscal(read_spec_file(fiscal), fiscal.parent) == []
    assert validate_scenarios(read_spec_file(EXAMPLES / "stress" / f"{name}.json")) == []


@pytest.mark.parametrize("name", ["toll-road", "hospital"])
def test_example_risk_models_are_valid(name: str) -> None:
    assert load_spec(EXAMPLES / "risk" / f"{name}.json").start_year == 2026


@pytest.mark.parametrize("name", PROJECTS)
def test_examples_run_through_the_cli(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    # given each example
    # when run as tables (few iterations: this tests the wiring)
    code_v = main([str(EXAMPLES / "vfm" / f"{name}.json"), "-n", "300"])
    out_v, err_v = capsys.readouterr()
    code_f = main(["fiscal", str(EXAMPLES / "fiscal" / f"{name}.json"), "-n", "300"])
    out_f, err_f = capsys.readouterr()
    code_s = main(
        [
            "stress",
            str(EXAMPLES / "finance" / f"{name}.json"),
            str(EXAMPLES / "stress" / f"{name}.json"),
            "--vfm",
            str(EXAMPLES / "vfm" / f"{name}.json"),
            "--fiscal",
            str(EXAMPLES / "fiscal" / f"{name}.json"),
            "-n",
            "300",
        ]
    )
    out_s, err_s = capsys.readouterr()
    # then each exits 0 with a report and nothing on stderr
    assert (code_v, code_f, code_s) == (0, 0, 0)
    assert (err_v, err_f, err_s) == ("", "", "")
    assert "Risk-adjusted Public Sector Comparator" in out_v and "VfM % of PSC" in out_v
    assert "Flags" in out_f and "eurostat_guarantees" in out_f
    assert out_s.startswith("Stress tests: ") and "government NPC" in out_s


def test_vfm_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [str(EXAMPLES / "vfm" / "hospital.json"), "-n", "500", "--seed", "4", "--format", "json"]
    )
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert (data["iterations"], data["seed"], data["currency"], data["base_year"]) == (
        500,
        4,
        "IDR",
        2025,
    )
    assert set(data["psc"]) == {
        "raw",
        "competitive_neutrality",
        "transferable_risk",
        "retained_risk",
    }
    assert set(data["vfm"]) == {"mean", "P5", "P95"}
    assert data["vfm"]["mean"] == pytest.approx(
        data["psc_total"]["mean"] - data["ppp_total"]["mean"]
    )
    assert data["vfm"]["P5"] <= data["vfm"]["mean"] <= data["vfm"]["P95"]


def test_fiscal_and_stress_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "fiscal.json"
    code = main(
        [
            "fiscal",
            str(EXAMPLES / "fiscal" / "school.json"),
            "--format",
            "json",
            "--out",
            str(out_file),
        ]
    )
    assert code == 0 and capsys.readouterr() == ("", "")
    data = json.loads(out_file.read_text())
    assert data["years"][0] == 2026 and len(data["years"]) == len(data["direct_total"])
    assert data["missing_budget_years"][0] == 2031
    assert {f["id"] for f in data["flags"]} == {
        "eurostat_guarantees",
        "eurostat_construction_risk",
        "eurostat_availability_demand_risk",
        "ipsas32_control",
        "fiscal_limit",
    }
    code = main(
        [
            "stress",
            str(EXAMPLES / "finance" / "school.json"),
            str(EXAMPLES / "stress" / "school.json"),
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    first = data["scenarios"][0]
    assert first["name"] == "Availability payment cut 30% from 2029"
    assert set(first["metrics"]["equity_irr"]) == {"base", "stressed", "delta"}


def test_invalid_spec_exits_2_with_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = json.loads((EXAMPLES / "vfm" / "school.json").read_text())
    spec["discount_rate"] = 2
    spec["psc"]["raw"] = {"values": [1.0]}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(spec))
    code = main([str(bad)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"mitra vfm: {bad}: 1 problem found",
        "$.discount_rate: must be <= 1, got 2",
    ]


def test_a_bad_finance_reference_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = json.loads((EXAMPLES / "vfm" / "school.json").read_text())
    spec["ppp"]["government_payments"]["finance_model"] = "missing.json"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(spec))
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[1] == (
        f"$.ppp.government_payments.finance_model: invalid finance model: "
        f"{tmp_path / 'missing.json'}: no such file"
    )


def test_missing_file_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fiscal", str(tmp_path / "nope.json")]) == 2
    assert capsys.readouterr().err.splitlines()[1] == f"{tmp_path / 'nope.json'}: no such file"
    assert main(["stress", "only-one.json"]) == 2
    assert "required: SCENARIOS.json" in capsys.readouterr().err
    assert main([str(EXAMPLES / "vfm" / "school.json"), "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_unwritable_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir.json"
    assert main([str(EXAMPLES / "vfm" / "school.json"), "--out", str(target)]) == 2
    assert capsys.readouterr().err.startswith(f"{target}: cannot write the output")


def test_stress_scenario_error_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.json"
    bad.write_text(
        json.dumps(
            {
                "spec_version": "1.0",
                "scenarios": [{"name": "x", "shocks": [{"type": "delay", "years": 20}]}],
            }
        )
    )
    code = main(["stress", str(EXAMPLES / "finance" / "hospital.json"), str(bad)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[1].startswith("scenarios: $.scenarios[0]: 'x' makes the finance model invalid:")


def test_installed_console_script() -> None:
    if not MITRA.exists():
        pytest.skip("the mitra console script is not installed in this environment")
    done = subprocess.run(
        [str(MITRA), "vfm", str(EXAMPLES / "vfm" / "school.json"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "VfM: school public-social partnership"
