"""Load benchmark: the production server (`mitra serve`, gunicorn) on PostgreSQL with the shared
H2020 import, at 1, 8 and 32 concurrent clients; prints throughput, p50/p95/p99 and errors.

Bounded and loopback only: the server listens on 127.0.0.1, every request goes there, each
(endpoint, concurrency) runs for a fixed time (heavy downloads: a fixed number of requests), and
the server is stopped at the end whatever happens.

The database is its own (``mitra_bench_load`` by default; the shared ``test`` database is
refused): created when absent, migrated, and filled with the H2020 participations (all 101,301
rows, 22,028 partnerships; ``--rows N`` imports the first N rows) unless it already holds them.
``--drop`` removes it at the end.

Each simulated request comes from its own client address (X-Forwarded-For with one trusted
proxy), as real visitors do, so the per-address rate limits of search and export do not answer
429 to the benchmark. All requests are anonymous: the anonymous page cache is part of what is
measured (a search rotates over many terms, partnership and organisation pages over many ids).

A download is an error when the server answers anything but 200 or the body is cut short (a
chunked stream that ends without its last chunk, or fewer bytes than Content-Length).

    .venv/bin/python bench/load.py [--quick] [--postgres URL] [--database NAME] [--rows N]
                                   [--seconds S] [--clients 1,8,32] [--port 8765] [--drop]
                                   [--only LABEL]

``--quick``: 2 s per cell instead of 10, one download per client. ``--only csv``: the endpoints
whose label holds the word. The table's last column says what was answered (content type and
mean size): a list above the export limit answers with the page of a background export job
instead of the file (see open-data.md), and each such request queues a job in the database.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import itertools
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

CHECKOUT = Path(__file__).resolve().parents[1]
DATA = CHECKOUT.parent / "shared" / "data" / "eu-h2020-participations" / "h2020_participations.csv"
MITRA = CHECKOUT / ".venv" / "bin" / "mitra"
PYTHON = CHECKOUT / ".venv" / "bin" / "python"
DEFAULT_POSTGRES = "postgresql://root@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "mitra_bench_load"
SECRET_KEY = secrets.token_urlsafe(60)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


# --- the database ---------------------------------------------------------------------------------


def ensure_database(server_url: str, name: str) -> str:
    import psycopg

    if name in {"test", "postgres", "template0", "template1"}:
        raise SystemExit(
            f"refusing to use the database {name!r}: give --database a name of its own"
        )
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database_url: str, settings: str = "mitra.config.settings.local") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "MITRA_VAR_DIR": tempfile.gettempdir() + "/mitra-bench-load-var",
    }


SETUP = """
import json, sys, time
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
from django.db.models import Count
call_command("migrate", verbosity=0, interactive=False)
from mitra.config.caches import production_caches
tables = [c["LOCATION"] for c in production_caches().values() if c["BACKEND"].endswith("DatabaseCache")]
call_command("createcachetable", *tables, verbosity=0)  # production's caches
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.organisations.models import Organisation
out = {}
if not Partnership.objects.exists():
    from mitra.imports.tables import import_table, load_mapping
    start = time.perf_counter()
    import_table(Path(sys.argv[1]), fmt="csv", mapping=load_mapping("eu-h2020-participations"),
                 actor=None)
    out["import_s"] = round(time.perf_counter() - start, 1)
public = Partnership.objects.published()
out["partnerships"] = public.count()
out["organisations"] = Organisation.objects.count()
out["partnership_ids"] = list(public.order_by("?").values_list("pk", flat=True)[:300])
out["codes"] = list(public.order_by("?").values_list("code", flat=True)[:100])
busiest = (
    Organisation.objects.annotate(n=Count("partnership_memberships"))
    .order_by("-n").values_list("pk", flat=True)[:1]
)
out["organisation_ids"] = list(busiest) + list(
    Organisation.objects.order_by("?").values_list("pk", flat=True)[:299]
)
common = public.values("form", "stage").annotate(n=Count("id")).order_by("-n").first()
out["filter"] = {"form": common["form"], "stage": common["stage"]}
# words to search: the project numbers of titles (one match each) and the commonest title words
words = []
for title in public.order_by("?").values_list("title_en", flat=True)[:400]:
    words += [w for w in (title or "").split() if w.isdigit()][:1]
out["search_terms"] = words
print(json.dumps(out))
"""


def prepare(database_url: str, rows: int | None, tmp: Path) -> dict[str, object]:
    source = DATA
    if rows:
        source = tmp / f"h2020_first_{rows}.csv"
        with DATA.open(encoding="utf-8") as src, source.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i > rows:
                    break
                dst.write(line)
    proc = subprocess.run(
        [str(PYTHON), "-c", SETUP, str(source)],
        env=django_env(database_url),
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("preparing the benchmark database failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- the server ------------------------------------------------------------------------------------


def server_env(database_url: str, port: int) -> dict[str, str]:
    env = django_env(database_url, "mitra.config.settings.production")
    env.update(
        {
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "MITRA_TRUSTED_PROXIES": "1",
            "BIND": f"127.0.0.1:{port}",
            "MITRA_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_server(database_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = server_env(database_url, port)
    # the production settings serve hashed static files: collect them first (once)
    if not (Path(env["MITRA_VAR_DIR"]) / "static" / "staticfiles.json").is_file():
        subprocess.run(
            [str(MITRA), "collectstatic", "--noinput", "-v0"], env=env, cwd=CHECKOUT, check=True
        )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(MITRA), "serve", "--access-logfile", "/dev/null"],
            env=env,
            cwd=CHECKOUT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300  # a busy machine starts five workers slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped at start:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/partnerships/")
            if conn.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise SystemExit("the server did not answer within 300 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- the load ---------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    label: str
    paths: Callable[[], str]
    #: None: run for the cell's time; else this many requests per client.
    per_client: int | None = None


@dataclass
class Cell:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0
    content_types: set[str] = field(default_factory=set)


_addresses = itertools.count(1)
_lock = threading.Lock()


def client_address() -> str:
    with _lock:
        n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, int, str]:
    conn.request("GET", path, headers={"X-Forwarded-For": client_address()})
    response = conn.getresponse()
    body = response.read()  # IncompleteRead when a stream is cut
    expected = response.getheader("Content-Length")
    if expected is not None and int(expected) != len(body):
        raise http.client.IncompleteRead(body, int(expected) - len(body))
    kind = (response.getheader("Content-Type") or "").split(";")[0]
    return response.status, len(body), kind


def run_cell(port: int, endpoint: Endpoint, clients: int, seconds: float) -> Cell:
    cell = Cell()
    stop_at = time.monotonic() + seconds
    hard_stop = time.monotonic() + max(seconds * 3, 120)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        done = 0
        while True:
            now = time.monotonic()
            if endpoint.per_client is None and now >= stop_at:
                break
            if endpoint.per_client is not None and (done >= endpoint.per_client or now > hard_stop):
                break
            path = endpoint.paths()
            t0 = time.perf_counter()
            try:
                status, size, content_type = fetch(conn, path)
                kind = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                kind, size, content_type = type(exc).__name__, 0, ""
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = (time.perf_counter() - t0) * 1000
            done += 1
            with _lock:
                cell.latencies.append(elapsed)
                cell.bytes += size
                if content_type:
                    cell.content_types.add(content_type)
                if kind:
                    cell.errors += 1
                    cell.error_kinds[kind] = cell.error_kinds.get(kind, 0) + 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cell.seconds = time.perf_counter() - started
    return cell


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def rotate(items: list[str]) -> Callable[[], str]:
    cycle = itertools.cycle(items)

    def next_path() -> str:
        with _lock:
            return next(cycle)

    return next_path


def endpoints(port: int, data: dict[str, object], quick: bool) -> list[Endpoint]:
    ids = [str(i) for i in data["partnership_ids"]]  # type: ignore[attr-defined]
    org_ids = [str(i) for i in data["organisation_ids"]]  # type: ignore[attr-defined]
    codes = list(data["codes"])  # type: ignore[call-overload]
    terms = list(data["search_terms"]) or ["H2020"]  # type: ignore[call-overload]
    flt = data["filter"]
    downloads = 1 if quick else 2
    found = [
        Endpoint("list, page 1", rotate(["/partnerships/"])),
        Endpoint(
            "list, filtered",
            rotate([f"/partnerships/?form={flt['form']}&stage={flt['stage']}"]),  # type: ignore[index]
        ),
        Endpoint("list, search (rotating terms)", rotate([f"/partnerships/?q={t}" for t in terms])),
        Endpoint("list, deep page (500)", rotate(["/partnerships/?page=500"])),
        Endpoint("partnership page", rotate([f"/partnerships/{i}/" for i in ids])),
        Endpoint("organisation page", rotate([f"/organisations/{i}/" for i in org_ids])),
        Endpoint("API list", rotate(["/api/v1/partnerships"])),
        Endpoint(
            "OCDS record package",
            rotate([f"/api/v1/partnerships/{c}/ocds/record-package" for c in codes]),
        ),
    ]
    # The paginated release package, when the server pages it (links.next).
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/api/v1/ocds/release-package")
        response = conn.getresponse()
        body = response.read()
        package = json.loads(body) if response.status == 200 else {}
        if package.get("links", {}).get("next"):
            found.append(
                Endpoint("OCDS release package, page 1", rotate(["/api/v1/ocds/release-package"]))
            )
        else:
            print(
                f"(release package not paged: HTTP {response.status}, {len(body):,} bytes)",
                flush=True,
            )
    except (OSError, http.client.HTTPException, ValueError) as exc:
        print(f"(release package skipped: {type(exc).__name__} within 30 s)", flush=True)
    finally:
        conn.close()
    filtered_csv = f"/partnerships/?form={flt['form']}&stage={flt['stage']}&format=csv"  # type: ignore[index]
    found.append(Endpoint("CSV of the filtered list", rotate([filtered_csv]), downloads))
    found.append(Endpoint("full CSV of the list", rotate(["/partnerships/?format=csv"]), downloads))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s a cell, one download a client")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server URL (any database)")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--rows", type=int, default=None, help="import only the first N rows")
    parser.add_argument("--seconds", type=float, default=None, help="seconds a cell")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--only", default="", help="endpoints whose label contains this")
    args = parser.parse_args()
    if not DATA.is_file():
        raise SystemExit(f"{DATA} is absent: shared/ sits beside the checkout")
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    levels = [int(c) for c in args.clients.split(",")]
    database_url = ensure_database(args.postgres, args.database)
    with tempfile.TemporaryDirectory(prefix="mitra-bench-load-") as tmp:
        started = time.perf_counter()
        data = prepare(database_url, args.rows, Path(tmp))
        print(
            f"database {args.database}: {data['partnerships']:,} public partnerships, "
            f"{data['organisations']:,} organisations"
            + (f" (imported in {data['import_s']} s)" if "import_s" in data else "")
        )
        log = Path(tmp) / "server.log"
        server = start_server(database_url, args.port, log)
        try:
            rows = []
            chosen = [
                e
                for e in endpoints(args.port, data, args.quick)
                if args.only.lower() in e.label.lower()
            ]
            for endpoint in chosen:
                for clients in levels:
                    cell = run_cell(args.port, endpoint, clients, seconds)
                    rows.append((endpoint.label, clients, cell))
                    print(
                        f"  {endpoint.label:<34} {clients:>3} clients: "
                        f"{len(cell.latencies) / cell.seconds:7.1f} req/s, "
                        f"p95 {percentile(cell.latencies, 0.95):8.1f} ms, "
                        f"errors {cell.errors}",
                        flush=True,
                    )
        finally:
            stop_server(server)
        server_log = log.read_text(errors="replace")
        errors_in_log = server_log.count("Traceback")
        kept = Path(tempfile.gettempdir()) / "mitra-bench-load-server.log"
        kept.write_text(server_log)
    if args.drop:
        drop_database(args.postgres, args.database)
    print()
    print(
        f"Load benchmark {datetime.date.today().isoformat()}: mitra serve on PostgreSQL, "
        f"{data['partnerships']:,} public partnerships, {os.cpu_count()} CPUs, "
        f"{seconds:g} s a cell ({time.perf_counter() - started:.0f} s in all)"
    )
    print()
    print("| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors | answer |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, clients, cell in rows:
        kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(cell.error_kinds.items()))
        print(
            f"| {label} | {clients} | {len(cell.latencies) / cell.seconds:.1f} | "
            f"{statistics.median(cell.latencies) if cell.latencies else float('nan'):.1f} | "
            f"{percentile(cell.latencies, 0.95):.1f} | {percentile(cell.latencies, 0.99):.1f} | "
            f"{cell.errors}{f' ({kinds})' if kinds else ''} | "
            f"{', '.join(sorted(cell.content_types))}, {cell.bytes / max(1, len(cell.latencies)):,.0f} B |"
        )
    print()
    print(f"server log: {errors_in_log} tracebacks (kept in {kept})")


if __name__ == "__main__":
    main()
