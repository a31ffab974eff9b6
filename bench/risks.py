"""Benchmark of a risk simulation through the web app, end to end (``make bench``).

A register of 40 risks (correlated in pairs, four parties) on a 30-year project; a partner
clicks *Run* with 100,000 iterations: the page queues the job, a real ``mitra db_worker`` process
(polling every 0.1 s) runs it, the page polls until the result is stored, then renders the
result page with its charts (SVG on the server). Times each step and the whole round trip, the
target being under 2 s on this machine. For comparison the same spec runs through
``mitra.analysis.simulate`` alone (what ``mitra simulate`` does).

Usage: ``.venv/bin/python bench/risks.py [--quick] [--runs N]``; runs on a fresh temporary
SQLite file, and on PostgreSQL too (``--postgres URL``, or a local server at 127.0.0.1:5432 when
one answers; a scratch database is created and dropped). ``--quick``: 20,000
iterations, one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
SCRATCH = "mitra_bench_risks"
RISKS = 40
HORIZON = 30


def spec() -> dict[str, object]:
    """A 40-risk register on a toll-road-like project (IDR billion)."""
    capex = [2700.0, 2700.0, 1800.0] + [0.0] * (HORIZON - 3)
    opex = [0.0] * 3 + [round(95 * 1.04**s, 1) for s in range(HORIZON - 3)]
    revenue = [0.0] * 3 + [round(460 * 1.076**s, 1) for s in range(HORIZON - 3)]
    parties = {"pjpk": "PJPK", "bup": "BUP", "pii": "PT PII", "community": "Community"}
    kinds = [
        ("capex", [1, 2, 3], {"type": "pert", "min": 0.01, "mode": 0.04, "max": 0.15}),
        (
            "revenue",
            list(range(4, HORIZON + 1)),
            {"type": "pert", "min": 0.01, "mode": 0.03, "max": 0.1},
        ),
        ("opex", list(range(4, HORIZON + 1)), {"type": "normal", "mean": 0.03, "sd": 0.02}),
        ("capex", [2, 3], {"type": "lognormal", "mean": 0.05, "sd": 0.03}),
    ]
    shares = [
        {"bup": 0.7, "pjpk": 0.3},
        {"bup": 0.5, "pjpk": 0.3, "community": 0.2},
        {"pjpk": 0.6, "pii": 0.4},
        {"bup": 1.0},
    ]
    risks = []
    for i in range(RISKS):
        applies, years, impact = kinds[i % 4]
        risks.append(
            {
                "id": f"R{i + 1}",
                "name": f"Risk {i + 1}",
                "category": ["construction", "demand", "operation", "land"][i % 4],
                "probability": 0.1 + 0.02 * (i % 20),
                "impact": impact,
                "basis": "relative",
                "applies_to": applies,
                "years": years,
                "allocation": shares[i % 4],
            }
        )
    correlations = [{"risks": [f"R{i}", f"R{i + 1}"], "rho": 0.3} for i in range(1, RISKS, 4)]
    return {
        "spec_version": "1.0",
        "name": "Benchmark: 40-risk toll road",
        "currency": "IDR",
        "amount_unit": 1000000000,
        "discount_rate": 0.08,
        "horizon_years": HORIZON,
        "base_cash_flows": {"mode": "by_year", "capex": capex, "opex": opex, "revenue": revenue},
        "parties": parties,
        "risks": risks,
        "correlations": correlations,
    }


def child(iterations: int, runs: int) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from mitra.analysis import simulate
    from mitra.organisations.models import Organisation, OrganisationRole
    from mitra.organisations.services import organisation_add_user
    from mitra.partnerships import services as partnerships
    from mitra.risks import spec_files
    from mitra.risks.models import Simulation

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    lead = get_user_model().objects.create_user("bench-lead", password="bench-password")
    agency = Organisation(name="Bench PJPK", sector="public", kind="ministry", province="ID-JB")
    agency.full_clean()
    agency.save()
    organisation_add_user(
        actor=None, organisation=agency, user=lead, role=OrganisationRole.ADMIN, system=True
    )
    road = partnerships.partnership_create(
        actor=lead,
        lead_organisation=agency,
        data={"title_ind": "Tol uji", "form": "ppp", "development_sector": "toll_road"},
        lead_roles=["contracting_agency"],
    )
    the_spec = spec()
    spec_files.register_replace(actor=lead, partnership=road, spec=the_spec)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]

    start = time.perf_counter()
    simulate(the_spec, iterations=iterations, seed=1)
    core_s = time.perf_counter() - start

    worker = subprocess.Popen(
        [sys.executable, "-m", "mitra.cli", "db_worker", "--interval", "0.1"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        time.sleep(2)  # the worker's own start-up is not part of a click
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(lead)
            run_url = reverse("risks:simulation_start", args=[road.pk])
            for run in range(runs + 1):  # the first run warms the page's chart engine
                t0 = time.perf_counter()
                answer = client.post(run_url, {"iterations": iterations, "seed": run})
                assert answer.status_code == 302, answer.status_code
                queued = time.perf_counter()
                page = answer["Location"]
                simulation = Simulation.objects.latest("pk")
                while not Simulation.objects.filter(
                    pk=simulation.pk, result__isnull=False
                ).exists():
                    if time.perf_counter() - t0 > 120:
                        raise RuntimeError("the worker did not finish within 120 s")
                    time.sleep(0.05)
                    client.get(page + "?progress=1", HTTP_HX_REQUEST="true")
                stored = time.perf_counter()
                html = client.get(page)
                assert html.status_code == 200 and b"chart-npv-histogram" in html.content
                done = time.perf_counter()
                if run:
                    rows.append(
                        {
                            "queue_s": queued - t0,
                            "job_s": stored - queued,
                            "page_s": done - stored,
                            "total_s": done - t0,
                        }
                    )
    finally:
        worker.terminate()
        worker.wait(10)
    return {"vendor": vendor, "core_s": core_s, "rows": rows}


def _scratch(url: str, *, create: bool) -> None:
    import psycopg
    from imports import with_database

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{SCRATCH}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=100_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    iterations = 20_000 if args.quick else args.iterations
    runs = 1 if args.quick else args.runs
    if args.child:
        print(json.dumps(child(iterations, runs)))
        return 0
    from imports import LOCAL_POSTGRES, _reachable, with_database  # bench/imports.py

    postgres = args.postgres or (LOCAL_POSTGRES if _reachable(LOCAL_POSTGRES) else None)
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("sqlite", f"sqlite:///{tmp}/bench.sqlite3"))
        if postgres:
            targets.append(("postgresql", with_database(postgres, SCRATCH)))
        print(f"Risk simulation through the web app: {RISKS} risks, {iterations:,} iterations")
        print(f"{'database':<11}{'step':<34}{'median s':>10}{'max s':>9}")
        for name, url in targets:
            env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(CHECKOUT)}
            command = [sys.executable, __file__, "--child", "--iterations", str(iterations)]
            command += ["--runs", str(runs)]
            if name == "postgresql":
                _scratch(postgres, create=True)
            try:
                out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            finally:
                if name == "postgresql":
                    _scratch(postgres, create=False)
            if out.returncode:
                print(out.stderr[-2000:], file=sys.stderr)
                return out.returncode
            data = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{name:<11}{'simulate() alone (mitra simulate)':<34}{data['core_s']:>10.3f}{'':>9}"
            )
            for key, label in (
                ("queue_s", "click Run: job queued, redirect"),
                ("job_s", "worker runs it, result stored"),
                ("page_s", "result page with charts"),
                ("total_s", "round trip (target < 2 s)"),
            ):
                values = [row[key] for row in data["rows"]]
                print(f"{'':<11}{label:<34}{statistics.median(values):>10.3f}{max(values):>9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
