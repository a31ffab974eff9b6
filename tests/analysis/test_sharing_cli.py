"""``mitra share`` and the sharing-game spec: examples, validation with JSON paths, output."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mitra.analysis.sharing import analyse_game, load_game, validate_game
from mitra.analysis.sharing.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "share"
MITRA = Path(sys.executable).with_name("mitra")


def base_game(**changes: Any) -> dict[str, Any]:
    game: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "two partners",
        "currency": "IDR",
        "amount_unit": 1_000_000,
        "players": [
            {
                "id": "gov",
                "name": "Government",
                "sector": "public",
                "walk_away": 10,
                "contributions": [{"kind": "cash", "amount": 60}],
            },
            {
                "id": "ngo",
                "name": "Foundation",
                "sector": "social",
                "walk_away": 20,
                "contributions": [{"kind": "expertise", "person_days": 100, "day_rate": 0.4}],
            },
        ],
        "total_benefit": 100,
        "proposal": {"shares": {"gov": 0.5, "ngo": 0.5}},
    }
    game.update(changes)
    return game


def write(tmp_path: Path, data: Any, name: str = "game.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- schema and examples


def test_the_published_schema_is_a_byte_identical_copy() -> None:
    shipped = ROOT / "src" / "mitra" / "analysis" / "schemas" / "sharing-game.schema.json"
    published = ROOT / "docs" / "schemas" / "sharing-game.schema.json"
    assert shipped.read_bytes() == published.read_bytes()


@pytest.mark.parametrize("name", ["toll-road", "hospital", "school"])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_every_example_validates_and_runs(
    name: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / f"{name}.json"
    assert validate_game(json.loads(path.read_text())) == []
    assert main([str(path), "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    if fmt == "json":
        data = json.loads(out)
        assert data["shapley_method"] == "exact"
        assert sum(p["shapley"] for p in data["parties"]) == pytest.approx(data["total"])
    else:
        assert "core:" in out


def test_json_names_the_blocking_coalition_by_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(EXAMPLES / "toll-road.json"), "--format", "json"]) == 0
    core = json.loads(capsys.readouterr().out)["core"]
    assert core["in_core"] is False
    assert core["blocking"]["members"] == ["bpjt", "bujt", "lenders"]
    assert core["blocking"]["excess"] == pytest.approx(10)


def test_the_school_example_is_a_four_helix_partnership() -> None:
    game = load_game(EXAMPLES / "school.json")
    assert sorted(p.sector for p in game.players) == ["academia", "private", "public", "social"]
    assert "yayasan" in game.ids


def test_toll_road_proposal_is_blocked_by_the_core_partners() -> None:
    # given the toll-road example: by the spec's additive rule {bpjt, bujt, lenders} is worth
    # 300 + 350 + 200 (walk-away values) + 1500 (their synergy) = 2350 and the proposal gives
    # them (0.32 + 0.36 + 0.22) * 2600 = 2340 (worked by hand)
    result = analyse_game(EXAMPLES / "toll-road.json")
    core = result.report.core
    assert core is not None
    assert not core.in_core
    assert core.blocking is not None
    assert [result.game.ids[i] for i in core.blocking.members] == ["bpjt", "bujt", "lenders"]
    assert core.blocking.worth == pytest.approx(2350)
    assert core.blocking.allocated == pytest.approx(2340)
    assert core.blocking.excess == pytest.approx(10)


def test_hospital_table_and_weighted_nash() -> None:
    # given the hospital example (complete table) with Nash weights 1, 2, 1, 1:
    # surplus 720 - (120 + 90 + 8 + 15) = 487, weight sum 5 -> spv 90 + 2 * 487 / 5 = 284.8
    result = analyse_game(EXAMPLES / "hospital.json")
    spv = result.report.parties[1]
    assert spv.id == "spv"
    assert spv.nash == pytest.approx(284.8)
    assert result.report.core is not None and result.report.core.in_core


# --------------------------------------------------------------------------- the worth rule


def test_unlisted_coalitions_are_additive_plus_synergies() -> None:
    # given three partners with walk-away 1, 2, 3, a listed {a} = 5, a synergy {b, c} = 4
    game = load_game(
        base_game(
            players=[
                {"id": pid, "name": pid, "sector": "private", "walk_away": d}
                | {"contributions": [{"kind": "cash", "amount": 1}]}
                for pid, d in (("a", 1), ("b", 2), ("c", 3))
            ],
            characteristic_function={
                "coalitions": [{"members": ["a"], "worth": 5}],
                "synergies": [{"members": ["b", "c"], "bonus": 4}],
            },
            total_benefit=20,
            proposal={"rule": "equal"},
        )
    )
    # when the table is built / then: {a}=5, {b}=2, {a,b}=7, {c}=3, {a,c}=8, {b,c}=9, N=20
    assert game.values().tolist() == [0, 5, 2, 7, 3, 8, 9, 20]
    assert [game.worth(m) for m in range(8)] == game.values().tolist()


def test_a_large_game_is_sampled(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # given 22 additive partners (walk-away i) and a total above the sum: every random order
    # gives each partner its stand-alone worth, and the last one also the grand-coalition
    # surplus, so phi_i = i + (total - sum) / n, worked by hand
    n = 22
    players = [
        {
            "id": f"p{i}",
            "name": f"P{i}",
            "sector": "private",
            "walk_away": i,
            "contributions": [{"kind": "cash", "amount": 1}],
        }
        for i in range(n)
    ]
    total = sum(range(n)) + 44.0
    path = write(
        tmp_path, base_game(players=players, total_benefit=total, proposal={"rule": "equal"})
    )
    # when
    assert main([str(path), "--format", "json", "--samples", "4000", "--seed", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    # then
    assert (data["shapley_method"], data["shapley_permutations"], data["shapley_seed"]) == (
        "sampled",
        4000,
        3,
    )
    assert data["core"] is None
    for i, row in enumerate(data["parties"]):
        assert abs(row["shapley"] - (i + 2.0)) <= 5 * row["shapley_se"]


def test_samples_and_seed_reproduce(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "school.json")
    runs = []
    for _ in range(2):
        assert main([path, "--format", "json", "--samples", "500", "--seed", "11"]) == 0
        runs.append(json.loads(capsys.readouterr().out))
    assert runs[0] == runs[1]
    assert runs[0]["shapley_method"] == "sampled"
    assert main([path, "--samples", "200"]) == 0
    assert "random orders, seed" in capsys.readouterr().out


def test_out_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert main([str(EXAMPLES / "hospital.json"), "--format", "json", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["name"].startswith("Illustrative regional hospital")
    assert main([str(EXAMPLES / "hospital.json"), "--out", str(tmp_path / "no" / "x")]) == 2
    assert "cannot write" in capsys.readouterr().err


# --------------------------------------------------------------------------- errors


def errors(tmp_path: Path, data: Any, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = main([str(write(tmp_path, data))])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    return err.splitlines()[1:]


def test_schema_errors_have_json_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    game = base_game()
    game["players"][1]["sector"] = "church"
    game["players"][0]["contributions"][0] = {"kind": "expertise", "person_days": 3}
    game["total_benefit"] = "a lot"
    lines = errors(tmp_path, game, capsys)
    assert lines == [
        "$.players[0].contributions[0]: missing required field 'day_rate'",
        '$.players[1].sector: must be one of "public", "social", "private", "academia", '
        '"media"; got "church"',
        '$.total_benefit: must be a number, not a string ("a lot")',
    ]


def test_semantic_errors_have_json_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    game = base_game()
    game["players"][1]["id"] = "gov"
    game["players"][0]["contributions"].append({"kind": "cash", "amount": 1, "area_m2": 3})
    game["characteristic_function"] = {
        "coalitions": [{"members": ["gov", "bank"], "worth": 4}],
        "synergies": [{"members": ["gov", "ngo"], "bonus": 1}],
    }
    game["proposal"] = {"shares": {"gov": 0.5, "firm": 0.4}}
    lines = errors(tmp_path, game, capsys)
    assert lines == [
        "$.characteristic_function.coalitions[0].members[1]: unknown player id 'bank'",
        "$.characteristic_function.synergies[0].members[1]: unknown player id 'ngo'",
        "$.players[0].contributions[1].area_m2: area_m2 applies only to land",
        "$.players[1].id: duplicate player id 'gov' (already used by $.players[0])",
        "$.proposal.shares: must sum to 1, they sum to 0.9",
        "$.proposal.shares.firm: 'firm' is not a player of this game",
    ]


def test_incomplete_table_and_grand_coalition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    game = base_game(
        characteristic_function={
            "missing": "error",
            "coalitions": [
                {"members": ["gov", "ngo"], "worth": 99},
                {"members": ["gov"], "worth": 1},
            ],
        },
        proposal={"amounts": {"gov": 50, "ngo": 40}, "rule": "shapley"},
    )
    lines = errors(tmp_path, game, capsys)
    assert lines == [
        "$.characteristic_function.coalitions: missing is 'error' but 1 of 2 coalitions are not "
        'listed, e.g. ["ngo"]',
        "$.characteristic_function.coalitions[0].worth: the grand coalition must be worth "
        "total_benefit (100), got 99",
        "$.proposal: give exactly one of shares, amounts, rule (found: amounts, rule)",
    ]


def test_nash_rule_needs_a_surplus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = errors(tmp_path, base_game(total_benefit=25, proposal={"rule": "nash"}), capsys)
    assert lines == [
        "$.proposal.rule: Nash bargaining is infeasible: the walk-away values sum to 30, "
        "more than total_benefit (25)"
    ]


def test_no_contribution_at_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    game = base_game()
    for player in game["players"]:
        player["contributions"] = []
    assert errors(tmp_path, game, capsys) == [
        "$.players: at least one contribution must have a positive value "
        "(contribution-proportional shares need it)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "invalid JSON at line 1"),
        ('{"total_benefit": NaN}', "NaN is not allowed"),
        ("[]", "$: must be an object, not an array"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    assert main([str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_missing_file_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["/nonexistent/game.json"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main([str(EXAMPLES / "school.json"), "--samples", "1"]) == 2
    assert "must be >= 2" in capsys.readouterr().err
    assert main([str(EXAMPLES / "school.json"), "--format", "xml"]) == 2


def test_the_console_script(tmp_path: Path) -> None:
    # given the installed `mitra` entry point
    run = subprocess.run(
        [str(MITRA), "share", str(EXAMPLES / "toll-road.json"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["players"] == 5
    bad = copy.deepcopy(base_game())
    bad["currency"] = "rupiah"
    run = subprocess.run(
        [str(MITRA), "share", str(write(tmp_path, bad))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "$.currency: must be a three-letter upper-case ISO 4217 currency code" in run.stderr
