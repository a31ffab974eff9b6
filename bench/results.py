"""Benchmark of the results framework's pages (issue 15): one million actual values across
20,000 partnerships on PostgreSQL; the scorecard (a partnership's Results tab) and the dashboard
of off-track indicators (/results/) must render under 200 ms at the 95th percentile.

The data, written with COPY into a scratch database of its own (``mitra_bench_results``, created
and dropped by this script), in a realistic spread:

- every partnership: a government lead, an NGO that reports, two results, four indicators (two
  counts disaggregated by sex, one by disability, one ratio in percent; one partnership in twenty
  makes that ratio a KPBU service level), five yearly reporting periods each, one update per
  period (85 % approved, 7 % submitted, 4 % draft, 4 % returned): 20 updates and 30
  disaggregation rows, 50 actual values a partnership;
- one *busy* partnership: five results, twenty indicators, eight quarterly periods, two updates
  a period (the first returned, the second approved), each with its breakdown by sex;
- one organisation (a foundation, the *hub*) is a partner in 200 of them, the busy one included.

The values are trimmed so that updates + disaggregation rows make exactly 1,000,000 (10,000 with
``--quick``, 200 partnerships). Then, through Django's test client with the production settings
(DEBUG off, cached templates, the database cache; plain static files instead of the collected
manifest), it times the scorecard of the busy partnership for a user of the hub, the dashboard for
that user (200 partnerships) and for platform staff (all 20,000), in Indonesian and English (one
request of each case in turn), and prints median, p95 and the number of SQL queries beside
the 200 ms goal.

Usage: ``.venv/bin/python bench/results.py [--quick] [--runs N] [--postgres URL] [--keep]
[--reuse]``. The server: ``--postgres``, else DATABASE_URL when it is PostgreSQL, else
127.0.0.1:5432 (the benchmark says so and stops when none answers). ``--keep`` leaves the
database in place and ``--reuse`` measures a kept one again without loading it.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT / "bench"))
sys.path.insert(0, str(CHECKOUT / "src"))

from imports import LOCAL_POSTGRES, _reachable, with_database  # noqa: E402 - bench/imports.py

SCRATCH = "mitra_bench_results"
GOAL_MS = 200
HUB_PARTNERSHIPS = 200
STATUSES = ["approved"] * 85 + ["submitted"] * 7 + ["draft"] * 4 + ["returned"] * 4
Q = Decimal("0.0001")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def scratch(url: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{SCRATCH}"')


class Copier:
    """Rows for one table, sent with COPY; ids are given here (the database is new)."""

    def __init__(self, table: str, columns: list[str]) -> None:
        self.table, self.columns, self.rows = table, ["id", *columns], []
        self.next_id = 1

    def add(self, *values: object) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        return pk

    def flush(self, cursor: object) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:  # type: ignore[attr-defined]
            for row in self.rows:
                copy.write_row(row)
        cursor.execute(  # type: ignore[attr-defined]
            f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), %s)",
            [self.next_id],
        )
        self.rows = []


def load(n: int, values_goal: int, seed: int = 15) -> dict[str, int]:
    """Write the partnerships, partners, frameworks and values; returns counts and the ids the
    measurements need."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(seed)
    now = timezone.now()
    this_year = timezone.localdate().year
    stamp = (now, now, 1)  # created_at, updated_at, version
    base = ["created_at", "updated_at", "version"]
    orgs = Copier(
        "organisations_organisation",
        [
            *base,
            *("name", "short_name", "sector", "kind", "country", "province", "website"),
            *("description", "expertise", "resource_types", "identifier_scheme", "identifier"),
            "aliases",
        ],
    )
    parts = Copier(
        "partnerships_partnership",
        [
            *base,
            *("code", "title", "title_ind", "title_en", "summary", "summary_ind", "form"),
            *("development_sector", "country", "province", "regency", "stage", "currency"),
            *("sdgs", "initiative", "return_mechanism", "government_support", "listing_status"),
            *("agreement_type", "visibility", "source", "source_id", "other_data"),
        ],
    )
    members = Copier(
        "partnerships_partnershipmember", [*base, "partnership_id", "organisation_id", "roles"]
    )
    results = Copier("results_result", [*base, "partnership_id", "title", "level", "description"])
    indicators = Copier(
        "results_indicator",
        [
            *base,
            *("result_id", "partnership_id", "title", "description", "measure", "unit"),
            *("numerator_label", "denominator_label", "factor", "direction", "cumulative"),
            *("baseline_value", "baseline_source", "reporter_id", "verifier_id"),
            "counts_beneficiaries",
        ],
    )
    levels = Copier(
        "results_servicelevel",
        [*base, "indicator_id", "threshold", "deduction_percent", "cap_percent", "clause"],
    )
    periods = Copier(
        "results_period", [*base, "indicator_id", "start", "end", "target_value", "target_text"]
    )
    period_due = []  # (period id, due date), set after COPY
    updates = Copier(
        "results_update",
        [
            *base,
            *("period_id", "status", "numerator", "denominator", "value", "narrative"),
            *("review_comment", "submitted_at"),
        ],
    )
    disaggs = Copier(
        "results_updatedisaggregation",
        ["update_id", "dimension", "category", "label", "numerator", "denominator"],
    )

    def org(name: str, sector: str, kind: str) -> int:
        return orgs.add(
            *stamp, name, name[:30], sector, kind, "ID", "ID-JB", "", "", "[]", "[]", "", "", "[]"
        )

    governments = [org(f"Pemda uji {i}", "public", "regional_government") for i in range(500)]
    ngos = [org(f"LSM uji {i}", "social", "ngo") for i in range(500)]
    hub = org("Yayasan Hub", "social", "foundation")

    # every update counts; the disaggregation rows take what is left of the goal (the busy
    # partnership's extra rows are trimmed from the last partnerships' breakdowns)
    budget = {"values": values_goal - (20 * 8 * 2 + 20 * (n - 1))}

    def update(period: int, status: str, num: Decimal, den: Decimal | None, factor: int) -> int:
        value = ((num / den * factor) if den else num * factor).quantize(Q)
        submitted = now if status in ("submitted", "approved", "returned") else None
        return updates.add(*stamp, period, status, num, den, value, "", "", submitted)

    def breakdown(update_pk: int, dimension: str, total: Decimal) -> None:
        if budget["values"] < 2:
            return
        cats = ("female", "male") if dimension == "sex" else ("with", "without")
        first = (total * Decimal("0.4")).quantize(Decimal(1))
        rest = total - first - 1 if total > first else Decimal(0)
        for cat, part in zip(cats, (first, rest), strict=True):
            disaggs.add(update_pk, dimension, cat, "", max(part, Decimal(0)), None)
            budget["values"] -= 1

    def framework(pk: int, lead: int, ngo: int, busy: bool) -> None:
        n_results, per_result = (5, 4) if busy else (2, 2)
        quarters = busy
        for r in range(n_results):
            result = results.add(*stamp, pk, f"Hasil {r + 1}", ("output", "outcome")[r % 2], "")
            for k in range(per_result):
                slot = (r * per_result + k) % 4
                ratio = slot == 3
                ind = indicators.add(
                    *stamp,
                    result,
                    pk,
                    f"Indikator {r + 1}.{k + 1}",
                    "",
                    "quantitative",
                    "percent" if ratio else "people",
                    "sekolah memenuhi standar" if ratio else "",
                    "sekolah" if ratio else "",
                    Decimal(100) if ratio else Decimal(1),
                    "increase",
                    False,
                    Decimal(0),
                    "",
                    ngo,
                    lead,
                    False,
                )
                if ratio and pk % 20 == 0:
                    levels.add(*stamp, ind, Decimal(80), Decimal(4), Decimal(10), "Lampiran 5")
                spans = (
                    [
                        (date(this_year - 1 + q // 4, 3 * (q % 4) + 1, 1), q)
                        for q in range(8)  # eight quarters: last year and this one
                    ]
                    if quarters
                    else [(date(this_year - 4 + y, 1, 1), y) for y in range(5)]
                )
                for start, j in spans:
                    if quarters and start.month < 10:
                        end = date(start.year, start.month + 3, 1) - timedelta(days=1)
                    else:
                        end = date(start.year, 12, 31)
                    target = Decimal(80) if ratio else Decimal(100 + 20 * j)
                    period = periods.add(*stamp, ind, start, end, target, "")
                    period_due.append((period, end + timedelta(days=30)))
                    reached = Decimal(rng.uniform(0.6, 1.25))
                    if ratio:
                        den = Decimal(rng.randint(40, 60))
                        num = (den * reached * Decimal("0.8")).quantize(Decimal(1))
                        num = min(num, den)
                    else:
                        den, num = None, (target * reached).quantize(Decimal(1))
                    factor = 100 if ratio else 1
                    statuses = ("returned", "approved") if busy else (rng.choice(STATUSES),)
                    for status in statuses:
                        u = update(period, status, num, den, factor)
                        if slot in (0, 1) or busy:
                            breakdown(u, "sex", num)
                        elif slot == 2:
                            breakdown(u, "disability", num)

    busy_index = 0
    hub_members = set(range(0, n, max(1, n // HUB_PARTNERSHIPS))[:HUB_PARTNERSHIPS])
    ids = {}
    for i in range(n):
        pk = parts.add(
            *stamp,
            f"BENCH-{i + 1:06d}",
            f"Kemitraan uji {i + 1}",
            f"Kemitraan uji {i + 1}",
            f"Test partnership {i + 1}",
            "",
            "",
            ("psp", "ppp", "csr")[i % 3],
            ("education", "health", "water")[i % 3],
            "ID",
            "ID-JB",
            "",
            "operation",
            "IDR",
            "[]",
            "",
            "",
            "[]",
            "",
            "",
            "partners",
            "",
            "",
            "{}",
        )
        lead_org, ngo_org = governments[i % len(governments)], ngos[i % len(ngos)]
        lead = members.add(*stamp, pk, lead_org, '["lead", "contracting_agency"]')
        ngo = members.add(*stamp, pk, ngo_org, '["implementer"]')
        if i in hub_members:
            members.add(*stamp, pk, hub, '["funder"]')
        if i == busy_index:
            ids["busy"] = pk
        framework(pk, lead, ngo, busy=i == busy_index)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's cursor, for COPY
        for table in (orgs, parts, members, results, indicators, levels, periods):
            table.flush(raw)
        # due dates: 30 days after each period's end (Period's own default)
        buffer = io.StringIO("".join(f"{p}\t{d.isoformat()}\n" for p, d in period_due))
        cursor.execute("CREATE TEMP TABLE bench_due (id bigint, due date)")
        with raw.copy("COPY bench_due FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            "UPDATE results_period p SET due_date = d.due FROM bench_due d WHERE p.id = d.id"
        )
        for table in (updates, disaggs):
            table.flush(raw)
        cursor.execute("SELECT count(*) FROM results_update")
        n_updates = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM results_updatedisaggregation")
        n_disaggs = cursor.fetchone()[0]
    User = get_user_model()
    hub_user = User.objects.create_user("bench-hub", password=secrets.token_urlsafe(16))
    User.objects.create_user("bench-staff", password=secrets.token_urlsafe(16), is_staff=True)
    from mitra.organisations.models import OrganisationMembership

    OrganisationMembership.objects.create(user=hub_user, organisation_id=hub, role="staff")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "partnerships": n,
        "updates": n_updates,
        "disaggregations": n_disaggs,
        "hub_partnerships": len(hub_members),
        "busy": ids["busy"],
    }


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for key, table in (
            ("partnerships", "partnerships_partnership"),
            ("updates", "results_update"),
            ("disaggregations", "results_updatedisaggregation"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[key] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM partnerships_partnershipmember m "
            "JOIN organisations_organisation o ON o.id = m.organisation_id "
            "WHERE o.name = 'Yayasan Hub'"
        )
        out["hub_partnerships"] = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM partnerships_partnership")
        out["busy"] = cursor.fetchone()[0]
    assert get_user_model().objects.filter(username="bench-hub").exists()
    return out


def measure(busy: int, runs: int) -> list[tuple[str, list[float], int, int]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    User = get_user_model()
    hub_user = User.objects.get(username="bench-hub")
    staff = User.objects.get(username="bench-staff")
    cases = [
        ("scorecard of the busy partnership (id)", hub_user, f"/partnerships/{busy}/indicators/"),
        (
            "scorecard of the busy partnership (en)",
            hub_user,
            f"/en/partnerships/{busy}/indicators/",
        ),
        ("dashboard, partner in 200 partnerships (id)", hub_user, "/results/"),
        ("dashboard, partner in 200 partnerships (en)", hub_user, "/en/results/"),
        ("dashboard, platform staff (id)", staff, "/results/"),
        ("dashboard, platform staff (en)", staff, "/en/results/"),
    ]
    clients, queries, sizes = [], [], []
    for _label, user, url in cases:
        client = Client()
        client.force_login(user)
        for _ in range(2):  # warm: templates compiled, connection open
            assert client.get(url).status_code == 200
        seen: list[str] = []

        def count(run: Any, sql: str, *rest: Any, seen: list[str] = seen) -> Any:
            seen.append(sql)
            return run(sql, *rest)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        clients.append(client)
        queries.append(len(seen))
        sizes.append(len(response.content))
    # Round-robin, one request of each case in turn: a slow minute of the machine falls on
    # every case alike, not on whichever case ran then.
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(runs):
        for i, (_label, _user, url) in enumerate(cases):
            start = time.perf_counter()
            response = clients[i].get(url)
            times[i].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return [(label, times[i], queries[i], sizes[i]) for i, (label, _user, _url) in enumerate(cases)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 partnerships, 10,000 values")
    parser.add_argument("--runs", type=int, default=None, help="requests per case (30; quick 10)")
    parser.add_argument("--postgres", metavar="URL", help="postgres://user@host:port/any")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    n = 200 if args.quick else 20_000
    values_goal = 50 * n
    runs = args.runs or (10 if args.quick else 30)
    pg = args.postgres or (
        os.environ["DATABASE_URL"]
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else LOCAL_POSTGRES
    )
    if not _reachable(with_database(pg, "postgres")):
        print(f"Results pages benchmark: skipped, no PostgreSQL at {pg.split('@')[-1]}")
        return 0
    if not args.reuse:
        scratch(pg, create=True)
    os.environ.update(
        {
            "DATABASE_URL": with_database(pg, SCRATCH),
            "DJANGO_SETTINGS_MODULE": "mitra.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "SECURE_SSL_REDIRECT": "0",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            "MITRA_VAR_DIR": tempfile.mkdtemp(prefix="mitra-bench-results-"),
        }
    )
    (Path(os.environ["MITRA_VAR_DIR"]) / "static").mkdir()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    try:
        start = time.perf_counter()
        if args.reuse:
            made = counts()
        else:
            call_command("migrate", verbosity=0, interactive=False)
            call_command("createcachetable", verbosity=0)
            made = load(n, values_goal)
        load_s = time.perf_counter() - start
        plain_static = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        from mitra.config.runtime import settle_heap

        settle_heap()  # as each `mitra serve` worker does once the application is loaded
        with override_settings(STORAGES=plain_static):
            rows = measure(made["busy"], runs)
    finally:
        connections.close_all()
        if not args.keep:
            scratch(pg, create=False)
    values = made["updates"] + made["disaggregations"]
    print(
        f"Results pages on PostgreSQL: {made['partnerships']:,} partnerships, {values:,} actual "
        f"values ({made['updates']:,} updates + {made['disaggregations']:,} disaggregation rows); "
        f"{'reused' if args.reuse else 'loaded'} in {load_s:.0f} s; {runs} requests each, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'page':<46} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}  "
        f"goal p95 < {GOAL_MS} ms"
    )
    failed = 0
    for label, times, queries, size in rows:
        worst = p95(times)
        verdict = "pass" if worst < GOAL_MS else "FAIL"
        failed += verdict == "FAIL"
        print(
            f"{label:<46} {statistics.median(times):>10.1f} {worst:>8.1f} {queries:>8} "
            f"{size / 1024:>6.0f}  {verdict}"
        )
    print(f"{len(rows) - failed} of {len(rows)} under the goal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
