"""The long part of the reliability suite (`make soak`): the kill -9 scenarios repeated, races at
scale over real HTTP and in process, and schemathesis with more examples; prints one table.

- web kill -9: `mitra serve` (gunicorn, production settings, SQLite) killed in a burst of
  partnership creates and restarted, --runs times: server errors, creates answered 201 but not
  stored (lost), partnerships without their one lead or role rows (partial);
- worker kill -9: `mitra db_worker` killed in the middle of an import of a generated H2020-shaped
  CSV, --runs times: jobs left running (stranded), imports that wrote part of their rows (partial);
- races over HTTP: --writers clients against gunicorn (same version; read-modify-write);
- races in process and schemathesis: the test files with more writers and examples, on the
  database DATABASE_URL names (SQLite when unset).

    python bench/soak.py [--runs 5] [--writers 50] [--examples 60] [--stateful 40] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))
sys.path.insert(0, str(CHECKOUT / "src"))

from tests.reliability import harness  # noqa: E402


def row(scenario: str, runs: int, **figures: Any) -> dict[str, Any]:
    return {"scenario": scenario, "runs": runs, **figures}


def kill_web(runs: int) -> dict[str, Any]:
    started = time.monotonic()
    totals = {"server_errors": 0, "lost": 0, "partial": 0, "created": 0, "bad_integrity": 0}
    for _ in range(runs):
        r = harness.web_kill()
        for key in ("server_errors", "lost", "partial", "created"):
            totals[key] += r[key]
        totals["bad_integrity"] += r["integrity"] != "ok"
    return row(
        "web kill -9 in a write burst",
        runs,
        server_errors=totals["server_errors"],
        lost=totals["lost"],
        partial=totals["partial"] + totals["bad_integrity"],
        stranded="-",
        seconds=time.monotonic() - started,
        note=f"{totals['created']} creates answered 201",
    )


def kill_worker(runs: int, projects: int) -> dict[str, Any]:
    started = time.monotonic()
    stranded = partial = mid_way = failed = 0
    rows = 0
    for _ in range(runs):
        r = harness.worker_kill(projects)
        rows = r["rows"]
        mid_way += r["killed_mid_way"]
        stranded += r["status"] not in ("failed", "succeeded") or (
            r["status"] == "failed" and not r["error"]
        )
        failed += r["status"] == "failed"
        whole = r["new_partnerships"] in (0, r["projects"])
        nothing = r["status"] != "failed" or r["new_partnerships"] == r["new_organisations"] == 0
        partial += not (whole and nothing)
    return row(
        "worker kill -9 mid-import",
        runs,
        server_errors="-",
        lost="-",
        partial=partial,
        stranded=stranded,
        seconds=time.monotonic() - started,
        note=f"{rows:,} rows; killed mid-way {mid_way}/{runs}; failed with a message {failed}",
    )


def races_http(runs: int, writers: int) -> dict[str, Any]:
    started = time.monotonic()
    errors = lost = unexpected = requests = 0
    for _ in range(runs):
        r = harness.http_races(writers)
        errors += r["server_errors"]
        lost += r["lost"]
        unexpected += r["unexpected"]
        requests += r["requests"]
    return row(
        f"{writers}-way races over HTTP (gunicorn)",
        runs,
        server_errors=errors,
        lost=lost,
        partial="-",
        stranded="-",
        seconds=time.monotonic() - started,
        note=f"{requests:,} requests, {unexpected} neither 200 nor 409",
    )


def pytest_run(scenario: str, path: str, env: dict[str, str]) -> dict[str, Any]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", path, "-q", "-p", "no:cacheprovider"],
        cwd=CHECKOUT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    out = done.stdout
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", out)) else 0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", out)) else 0
    server_errors = len(re.findall(r"Server error|ST100|Status code: 5\d\d", out))
    if done.returncode:  # what failed, without the request logs around it
        failures = [
            line for line in out.splitlines() if line.startswith(("  | ", "FAILED", "___", "E   "))
        ]
        print("\n".join(failures[:200]), file=sys.stderr)
    return row(
        scenario,
        passed + failed,
        server_errors=server_errors,
        lost="-" if "schemathesis" in path else failed,
        partial="-",
        stranded="-",
        seconds=time.monotonic() - started,
        note=f"{failed} failed" + (f" ({', '.join(env_note(env))})" if env else ""),
    )


def env_note(env: dict[str, str]) -> list[str]:
    return [f"{k.removeprefix('MITRA_').lower()}={v}" for k, v in env.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="kill -9 scenarios, each")
    parser.add_argument("--writers", type=int, default=50, help="clients in each race")
    parser.add_argument("--examples", type=int, default=60, help="schemathesis, per operation")
    parser.add_argument("--stateful", type=int, default=40, help="schemathesis stateful runs")
    parser.add_argument("--projects", type=int, default=6000, help="projects in the import CSV")
    parser.add_argument("--quick", action="store_true", help="one run each, fewer examples")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.writers, args.examples, args.stateful = 1, 20, 15, 10
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    started = time.monotonic()
    rows = [
        kill_web(args.runs),
        kill_worker(args.runs, args.projects),
        races_http(args.runs, args.writers),
        pytest_run(
            f"{args.writers}-way races in process ({engine})",
            "tests/reliability/test_races.py",
            {"MITRA_RACE_WRITERS": str(args.writers)},
        ),
        pytest_run(
            f"schemathesis, all checks + stateful ({engine})",
            "tests/api/test_schemathesis.py",
            {
                "MITRA_SCHEMATHESIS_EXAMPLES": str(args.examples),
                "MITRA_STATEFUL_EXAMPLES": str(args.stateful),
            },
        ),
    ]
    print(
        f"\nReliability soak ({os.cpu_count()} CPUs, kill -9 scenarios on SQLite; "
        f"{time.monotonic() - started:.0f} s in all)"
    )
    header = ("scenario", "runs", "server errors", "lost updates", "partial rows", "stranded jobs")
    print(f"{header[0]:<46}{header[1]:>5}{header[2]:>15}{header[3]:>14}{header[4]:>14}", end="")
    print(f"{header[5]:>15}{'time':>9}  notes")
    for r in rows:
        print(
            f"{r['scenario']:<46}{r['runs']:>5}{r['server_errors']!s:>15}{r['lost']!s:>14}"
            f"{r['partial']!s:>14}{r['stranded']!s:>15}{r['seconds']:>8.0f}s  {r['note']}"
        )
    bad = [
        r["scenario"]
        for r in rows
        for key in ("server_errors", "lost", "partial", "stranded")
        if isinstance(r[key], int) and r[key]
    ]
    bad += [r["scenario"] for r in rows if re.match(r"[1-9]\d* failed", r["note"])]
    if bad:
        raise SystemExit(f"soak found problems: {sorted(set(bad))}")


if __name__ == "__main__":
    main()
