"""kill -9 scenarios against the production-like processes, shared by tests/reliability/test_kill.py
and bench/soak.py.

A *site* is a temporary MITRA_VAR_DIR with a migrated SQLite database holding the demo; it runs
`mitra serve` (gunicorn, production settings) and `mitra db_worker` as subprocesses, each in its
own process group so that ``kill -9`` takes the whole of it (gunicorn's master and its workers,
mid-request). Every wait polls with a deadline; nothing sleeps blindly.

- web_kill: a burst of partnership creates over HTTP; the web server is killed -9 in the middle,
  then restarted. Every create answered 201 is there, and every partnership is whole (its lead
  organisation a current member with the lead role, its role rows, its code).
- worker_kill: a generated CSV of many thousand rows imported by the worker (an ``imports.table``
  job, all or nothing); the worker is killed -9 once the job has written progress, then restarted.
  The job ends failed with a message (once its heartbeat is older than the stranded limit) or
  succeeded, never running; the import wrote all of its rows or none.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

CHECKOUT = Path(__file__).resolve().parents[2]
MITRA = str(Path(sys.executable).with_name("mitra"))
PASSWORD = "mitra-demo"
SECRET = "reliability-" + "x" * 60


def wait_for(what: str, check: Callable[[], Any], timeout: float = 60, every: float = 0.1) -> Any:
    """Poll `check` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    var: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_ADDOPTS")}
        env.update(
            MITRA_VAR_DIR=str(self.var),
            DJANGO_SETTINGS_MODULE="mitra.config.settings.production",
            SECRET_KEY=SECRET,
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="2",
            MITRA_RATE_LIMITS="{}",
            PYTHONUNBUFFERED="1",
        )
        return env

    def mitra(self, *args: str, input: str | None = None, timeout: float = 300) -> str:
        done = subprocess.run(
            [MITRA, *args],
            env=self.env(),
            cwd=self.var,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"mitra {' '.join(args)}: {done.stderr[-3000:]}")
        return done.stdout

    def python(self, code: str, timeout: float = 300) -> Any:
        """Run `code` in `mitra shell` against the site; it prints one JSON line last."""
        out = self.mitra("shell", "-c", code, timeout=timeout)
        return json.loads(out.strip().splitlines()[-1])

    def _start(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.var / f"{args[0]}.log").open("ab")
        return subprocess.Popen(
            [MITRA, *args],
            env=self.env(),
            cwd=self.var,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes all of it
        )

    def start_web(self) -> None:
        self.web = self._start("serve")
        wait_for("the web server", self._answers, timeout=60)

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/api/v1/partnerships", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(self) -> None:
        self.worker = self._start("db_worker", "--interval", "0.2")

    @staticmethod
    def kill(process: subprocess.Popen[bytes] | None) -> None:
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group we started, by its id
        process.wait(timeout=30)

    def stop(self) -> None:
        self.kill(self.web)
        self.kill(self.worker)

    def token(self, username: str) -> str:
        response = requests.post(
            f"{self.url}/api/v1/auth/token",
            json={"username": username, "password": PASSWORD},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])


_TEMPLATE: dict[str, Path] = {}


def template() -> Path:
    """A migrated database with the demo, made once per process and copied for every site."""
    if "path" not in _TEMPLATE:
        var = Path(tempfile.mkdtemp(prefix="mitra-reliability-template-"))
        atexit.register(shutil.rmtree, var, True)
        site = Site(var)
        site.mitra("migrate", "--noinput")
        site.mitra("createcachetable")
        site.mitra("demo", "--if-empty")
        _TEMPLATE["path"] = var
    return _TEMPLATE["path"]


@contextmanager
def site() -> Iterator[Site]:
    var = Path(tempfile.mkdtemp(prefix="mitra-reliability-"))
    shutil.copy(template() / "mitra.sqlite3", var / "mitra.sqlite3")
    s = Site(var)
    try:
        yield s
    finally:
        s.stop()
        shutil.rmtree(var, ignore_errors=True)


# --- web server killed in a burst of writes ------------------------------------------------------

WHOLE_CHECK = """
import json
from mitra.partnerships.models import Partnership
codes = json.loads({codes!r})
broken = []
for p in Partnership.objects.prefetch_related("members__role_rows"):
    leads = [m for m in p.members.all() if m.is_lead and m.left_on is None]
    if not p.code or len(leads) != 1:
        broken.append(p.code or str(p.pk))
    for m in p.members.all():
        if sorted(r.role for r in m.role_rows.all()) != sorted(m.roles):
            broken.append(f"{{p.code}} member {{m.pk}}")
stored = set(Partnership.objects.values_list("code", flat=True))
lost = [c for c in codes if c not in stored]
from django.db import connection
with connection.cursor() as c:
    c.execute("PRAGMA integrity_check")
    integrity = c.fetchone()[0]
print(json.dumps({{"partial": broken, "lost": lost, "integrity": integrity,
                  "count": len(stored)}}))
"""


def web_kill(clients: int = 8, kill_after: int = 20) -> dict[str, Any]:
    """Returns counts: created (201s seen), server_errors (5xx), lost, partial, integrity."""
    with site() as s:
        s.start_web()
        token = s.token("pemda")
        headers = {"Authorization": f"Bearer {token}"}
        me = requests.get(f"{s.url}/api/v1/auth/me", headers=headers, timeout=30).json()
        lead = me["organisations"][0]["organisation_id"]
        created: list[str] = []
        server_errors: list[int] = []
        stop = threading.Event()

        def burst(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                body = {
                    "title_ind": f"Kemitraan uji {n}-{i}",
                    "form": "ppp",
                    "development_sector": "water",
                    "lead_organisation_id": lead,
                }
                try:
                    r = requests.post(
                        f"{s.url}/api/v1/partnerships", json=body, headers=headers, timeout=30
                    )
                except requests.RequestException:
                    continue  # the server is gone (killed) or not back yet: no answer, no claim
                if r.status_code == 201:
                    created.append(r.json()["code"])
                elif r.status_code >= 500:
                    server_errors.append(r.status_code)

        threads = [threading.Thread(target=burst, args=(n,), daemon=True) for n in range(clients)]
        for t in threads:
            t.start()
        wait_for("writes before the kill", lambda: len(created) >= kill_after, timeout=120)
        Site.kill(s.web)  # in the middle of the burst: requests are in flight
        s.start_web()  # the clients go on against the restarted server
        after = len(created)
        wait_for("writes after the restart", lambda: len(created) >= after + kill_after, 120)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        s.stop()
        check = s.python(WHOLE_CHECK.format(codes=json.dumps(created)))
        return {
            "created": len(created),
            "server_errors": len(server_errors),
            "lost": len(check["lost"]),
            "partial": len(check["partial"]),
            "integrity": check["integrity"],
            "detail": check,
        }


# --- worker killed in the middle of an import ----------------------------------------------------

COUNTRIES = ["BE", "ES", "EL", "DE", "FR", "IT", "NL", "PT", "AT", "SE", "FI", "PL", "ID"]
TYPES = ["PRC", "REC", "HES", "PUB", "OTH"]
HEADER = (
    "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost,"
    "start_year,end_year,duration,group,nunique"
)


def generate_h2020_csv(path: Path, projects: int, seed: int = 18) -> int:
    """A table in the shape of the EU H2020 participations (the shipped mapping): `projects`
    projects of 2–6 participants each, one coordinator. Returns the number of rows."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for p in range(projects):
            rcn = 300000 + p
            n = rng.randint(2, 6)
            year = rng.randint(2015, 2020)
            total = rng.randint(500, 5000) * 1000
            for k in range(n):
                role = "coordinator" if k == 0 else "participant"
                pic = 900000000 + rng.randint(0, 40000)
                f.write(
                    f"{rcn},{role},{pic},{rng.choice(TYPES)},{total // n},"
                    f"{rng.choice(COUNTRIES)},{year}-01-01,{year + 3}-12-31,{total},{total},"
                    f"{year},{year + 3},48,eu15,{n}\n"
                )
                rows += 1
    return rows


ENQUEUE = """
import json, shutil, uuid
from django.db import transaction
from django.contrib.auth import get_user_model
from mitra.imports.services import upload_dir
from mitra.jobs.services import job_enqueue
from mitra.partnerships.models import Partnership
from mitra.organisations.models import Organisation
token = uuid.uuid4().hex
upload_dir().mkdir(parents=True, exist_ok=True)
shutil.copy({csv!r}, upload_dir() / f"{{token}}.csv")
staff = get_user_model().objects.get(username="admin")
with transaction.atomic():
    job = job_enqueue(actor=staff, kind="imports.table", title="reliability", params={{
        "token": token, "fmt": "csv", "mapping": "eu-h2020-participations",
        "filename": "generated.csv"}})
print(json.dumps({{"job": str(job.pk), "partnerships": Partnership.objects.count(),
                  "organisations": Organisation.objects.count()}}))
"""

JOB_STATE = """
import json
from mitra.jobs.models import Job
job = Job.objects.get(pk={job!r})
print(json.dumps({{"status": job.status, "done": job.done, "total": job.total,
                  "error": job.error}}))
"""

# The worker is dead: its job's last heartbeat is as old as it will ever get. Rather than wait the
# stranded limit (90 s) out, move the heartbeat back past it, then read the job as its page does
# (fail_stranded first) and count what the import left.
AFTER_KILL = """
import json
from datetime import timedelta
from django.utils import timezone
from mitra.jobs.models import Job
from mitra.jobs.runner import STRANDED_AFTER, fail_stranded
from mitra.partnerships.models import Partnership
from mitra.organisations.models import Organisation
past = timezone.now() - STRANDED_AFTER - timedelta(seconds=1)
Job.objects.filter(pk={job!r}, status="running").update(heartbeat_at=past, started_at=past)
fail_stranded()
job = Job.objects.get(pk={job!r})
print(json.dumps({{"status": job.status, "error": job.error, "done": job.done,
                  "partnerships": Partnership.objects.count(),
                  "organisations": Organisation.objects.count()}}))
"""


def worker_kill(projects: int = 6000) -> dict[str, Any]:
    """Returns the job's end, whether it was killed mid-way, and what the import left."""
    with site() as s:
        csv = s.var / "generated.csv"
        rows = generate_h2020_csv(csv, projects)
        before = s.python(ENQUEUE.format(csv=str(csv)))
        s.start_worker()

        def mid_way() -> dict[str, Any] | None:
            state = s.python(JOB_STATE.format(job=before["job"]))
            if state["status"] in ("succeeded", "failed"):
                return state
            return state if state["status"] == "running" and state["done"] > 0 else None

        state = wait_for("the import to be under way", mid_way, timeout=240, every=0.2)
        killed_mid_way = state["status"] == "running"
        Site.kill(s.worker)
        s.start_worker()  # a worker again: it must not leave the job running either
        after = s.python(AFTER_KILL.format(job=before["job"]))
        s.stop()
        grew = after["partnerships"] - before["partnerships"]
        return {
            "rows": rows,
            "killed_mid_way": killed_mid_way,
            "done_at_kill": state["done"],
            "total": state["total"],
            "status": after["status"],
            "error": after["error"],
            "new_partnerships": grew,
            "new_organisations": after["organisations"] - before["organisations"],
            "projects": projects,
        }


# --- races over real HTTP ------------------------------------------------------------------------


def http_races(writers: int = 20) -> dict[str, Any]:
    """`writers` clients at once against gunicorn: the same version PATCHed by all (one 200, the
    rest 409, the winner's edit stored), then read-modify-write with retries (every edit lands)."""
    from concurrent.futures import ThreadPoolExecutor

    with site() as s:
        s.start_web()
        headers = {"Authorization": f"Bearer {s.token('pemda')}"}
        listing = requests.get(
            f"{s.url}/api/v1/partnerships", params={"my_role": "lead"}, headers=headers, timeout=30
        ).json()
        pk = listing["items"][0]["id"]
        url = f"{s.url}/api/v1/partnerships/{pk}"
        start = requests.get(url, headers=headers, timeout=30).json()["version"]

        def same(n: int) -> tuple[int, str]:
            body = {"version": start, "summary_en": f"Edit {n}"}
            r = requests.patch(url, json=body, headers=headers, timeout=60)
            return r.status_code, body["summary_en"]

        with ThreadPoolExecutor(max_workers=writers) as pool:
            first = list(pool.map(same, range(writers)))
        stored = requests.get(url, headers=headers, timeout=30).json()
        winners = [edit for status, edit in first if status == 200]

        def retrying(n: int) -> list[int]:
            statuses: list[int] = []
            for _attempt in range(20 * writers):
                version = requests.get(url, headers=headers, timeout=60).json()["version"]
                r = requests.patch(
                    url,
                    json={"version": version, "regency": f"Kota {n}"},
                    headers=headers,
                    timeout=60,
                )
                statuses.append(r.status_code)
                if r.status_code != 409:
                    break
            return statuses

        with ThreadPoolExecutor(max_workers=writers) as pool:
            second = [st for attempts in pool.map(retrying, range(writers)) for st in attempts]
        end = requests.get(url, headers=headers, timeout=30).json()["version"]
        statuses = [st for st, _ in first] + second
        lost = 0 if len(winners) == 1 and stored["summary_en"] == winners[0] else 1
        lost += max(0, writers - second.count(200)) + abs(start + 1 + writers - end)
        return {
            "requests": len(statuses),
            "server_errors": sum(1 for st in statuses if st >= 500),
            "unexpected": sum(1 for st in statuses if st not in (200, 409)),
            "lost": lost,
        }
