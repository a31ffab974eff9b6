"""Benchmark of the table import on the shared H2020 participations (``make bench``).

Imports every row of ``shared/data/eu-h2020-participations/h2020_participations.csv`` (101,301
participations, 22,028 projects) through the shipped mapping into a fresh database, imports it
again (nothing may be created), then times the public partnership list and an organisation's
page through Django's test client (p95 over 200 requests each). Runs on a fresh temporary SQLite
file, and on PostgreSQL when ``DATABASE_URL`` is set or ``--postgres URL`` is given (a scratch
database ``mitra_bench`` is created on that server and dropped afterwards).

Usage: ``.venv/bin/python bench/imports.py [--quick] [--postgres URL] [--no-sqlite]
[--no-postgres]``; without ``--postgres`` it also uses a local server at 127.0.0.1:5432 when
one answers.
``--quick`` imports the first 20,000 rows and times 50 requests.
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
from urllib.parse import urlsplit, urlunsplit

CHECKOUT = Path(__file__).resolve().parents[1]
DATA = CHECKOUT.parent / "shared" / "data" / "eu-h2020-participations" / "h2020_participations.csv"
SCRATCH = "mitra_bench"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def child(path: Path, requests: int) -> dict[str, object]:
    """Runs in a fresh process whose DATABASE_URL points at an empty database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from mitra.imports.tables import import_table, load_mapping
    from mitra.organisations.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    mapping = load_mapping("eu-h2020-participations")
    out: dict[str, object] = {"vendor": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]}
    start = time.perf_counter()
    report = import_table(path, fmt="csv", mapping=mapping, actor=None)
    out["import_s"] = time.perf_counter() - start
    out["created"] = dict(report.created)
    start = time.perf_counter()
    again = import_table(path, fmt="csv", mapping=mapping, actor=None)
    out["reimport_s"] = time.perf_counter() - start
    out["recreated"] = sum(again.created.values()) + sum(again.updated.values())

    busiest = (
        Organisation.objects.annotate(n=Count("partnership_memberships"))
        .order_by("-n")
        .values_list("pk", "n")
        .first()
    )
    assert busiest is not None
    typical = (
        Organisation.objects.annotate(n=Count("partnership_memberships"))
        .filter(n__gte=3)
        .order_by("pk")
        .values_list("pk", "n")
        .first()
    ) or busiest
    pages = {
        "partnership list": reverse("partnerships:list"),
        f"organisation page ({typical[1]} partnerships)": reverse(
            "organisations:detail", args=[typical[0]]
        ),
        f"organisation page, busiest ({busiest[1]} partnerships)": reverse(
            "organisations:detail", args=[busiest[0]]
        ),
    }
    client = Client()
    timings = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for label, url in pages.items():
            first = client.get(url)
            assert first.status_code == 200, (url, first.status_code)
            samples = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            timings[label] = {"p95_ms": p95(samples), "median_ms": statistics.median(samples)}
    out["pages"] = timings
    return out


def run_child(database_url: str, path: Path, requests: int) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--requests", str(requests)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark child failed on {database_url.split('@')[-1]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def postgres(url: str, path: Path, requests: int) -> dict[str, object]:
    import psycopg

    admin = with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
        conn.execute(f'CREATE DATABASE "{SCRATCH}"')
    try:
        return run_child(with_database(url, SCRATCH), path, requests)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')


#: Tried when neither --postgres nor a PostgreSQL DATABASE_URL is given (CI machines have it).
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _reachable(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 50 requests")
    parser.add_argument("--postgres", help="postgres://user@host:port/any (scratch db created)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=200, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(CHECKOUT / "src"))
        print(json.dumps(child(Path(args.child), args.requests)))
        return
    if not DATA.is_file():
        raise SystemExit(f"{DATA} is absent: shared/ sits beside the checkout")
    requests = 50 if args.quick else 200
    with tempfile.TemporaryDirectory(prefix="mitra-bench-") as tmp:
        path = DATA
        if args.quick:
            path = Path(tmp) / "h2020_quick.csv"
            with DATA.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as dst:
                for i, line in enumerate(src):
                    if i > 20000:
                        break
                    dst.write(line)
        with path.open(encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        results = []
        if not args.no_sqlite:
            results.append(run_child(f"sqlite:///{tmp}/bench.sqlite3", path, requests))
        pg_url = args.postgres or (
            os.environ.get("DATABASE_URL", "")
            if os.environ.get("DATABASE_URL", "").startswith("postgres")
            else ""
        )
        if not pg_url and not args.no_postgres and _reachable(LOCAL_POSTGRES):
            pg_url = LOCAL_POSTGRES
        if pg_url:
            results.append(postgres(pg_url, path, requests))
        else:
            print(f"(PostgreSQL skipped: none at {LOCAL_POSTGRES}; pass --postgres URL)")
    print(f"Table import benchmark: H2020 participations, {rows:,} rows ({os.cpu_count()} CPUs)")
    print(f"{'database':<12}{'measure':<66}{'value':>12}")
    for r in results:
        created = r["created"]
        assert isinstance(created, dict)
        label = (
            f"import ({created.get('partnership', 0):,} partnerships, "
            f"{created.get('organisation', 0):,} organisations, "
            f"{created.get('member', 0):,} partners)"
        )
        print(f"{r['vendor']:<12}{label:<66}{r['import_s']:>10.1f} s")
        print(
            f"{'':<12}{'re-import (created or updated: ' + str(r['recreated']) + ')':<66}"
            f"{r['reimport_s']:>10.1f} s"
        )
        pages = r["pages"]
        assert isinstance(pages, dict)
        for label, t in pages.items():
            print(f"{'':<12}{label + f', p95 of {requests}':<66}{t['p95_ms']:>9.1f} ms")


if __name__ == "__main__":
    main()
