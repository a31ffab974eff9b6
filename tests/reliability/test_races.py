"""Twenty clients at once, one thread and one database connection each (the WSGI application in
process, as tests/api/test_concurrency.py): 0 server errors, 0 lost updates, on SQLite and
PostgreSQL. (pytest-django's live_server is not used: on CPython 3.11 its threads crash in
sqlite3 when the garbage collector finalises another thread's connection. bench/soak.py runs the
same races over real HTTP against gunicorn.)

- the same version PATCHed by all: exactly one 200, the rest 409, and what is stored is the
  winner's edit;
- read-modify-write with a retry on 409: every client's edit lands (the version counts them all);
- creates: all 201 with distinct codes;
- sign-ins: all 201 (right password) or 401/429 (wrong one), never 500.

MITRA_RACE_WRITERS sets the number of clients (20; `make soak` runs more).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from mitra.partnerships.models import Partnership
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD, build_world

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = int(os.environ.get("MITRA_RACE_WRITERS", "20"))
API = "/api/v1"


class Response:
    def __init__(self, response: Any) -> None:
        self.status_code = response.status_code
        self.text = response.content.decode()
        self._response = response

    def json(self) -> Any:
        return self._response.json()


class Http:
    """`requests`-like calls into the application, each closing its thread's connection."""

    @staticmethod
    def _call(method: str, url: str, json: Any = None, headers: Any = None) -> Response:
        client = ApiClient()
        try:
            if method == "get":
                return Response(client.get_json(url, headers=headers))
            return Response(getattr(client, f"{method}_json")(url, json, headers=headers))
        finally:
            connection.close()

    def get(self, url: str, headers: Any = None, timeout: int = 0) -> Response:
        return self._call("get", url, headers=headers)

    def post(self, url: str, json: Any, headers: Any = None, timeout: int = 0) -> Response:
        return self._call("post", url, json, headers)

    def patch(self, url: str, json: Any, headers: Any = None, timeout: int = 0) -> Response:
        return self._call("patch", url, json, headers)


requests = Http()
TIMEOUT = 60
BASE = ""


@pytest.fixture
def world() -> Any:
    cache.clear()  # failed sign-ins are counted in the cache
    return build_world()


def sign_in(base: str, username: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(
        f"{base}{API}/auth/token",
        json={"username": username, "password": password},
        timeout=TIMEOUT,
    )


def bearer(base: str, username: str) -> dict[str, str]:
    response = sign_in(base, username)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def in_parallel(work: Any, n: int = WRITERS) -> list[Any]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(work, range(n)))


def test_same_version_one_winner_whose_edit_is_stored(world: Any) -> None:
    base, partnership = BASE, world.partnership
    headers = bearer(base, world.users["lead_admin"].username)
    url = f"{base}{API}/partnerships/{partnership.pk}"
    version = partnership.version

    def patch(n: int) -> tuple[int, str]:
        body = {"version": version, "summary_en": f"Edit {n}"}
        return requests.patch(url, json=body, headers=headers, timeout=TIMEOUT).status_code, body[
            "summary_en"
        ]

    results = in_parallel(patch)
    statuses = [status for status, _ in results]

    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) == 1, statuses
    winner = next(edit for status, edit in results if status == 200)
    partnership.refresh_from_db()
    assert partnership.version == version + 1
    assert partnership.summary_en == winner
    assert requests.get(url, headers=headers, timeout=TIMEOUT).json()["summary_en"] == winner


def test_read_modify_write_with_retries_loses_no_update(world: Any) -> None:
    base, partnership = BASE, world.partnership
    headers = bearer(base, world.users["lead_admin"].username)
    url = f"{base}{API}/partnerships/{partnership.pk}"
    version = partnership.version

    def edit(n: int) -> list[int]:
        statuses = []
        for _attempt in range(10 * WRITERS):
            current = requests.get(url, headers=headers, timeout=TIMEOUT).json()["version"]
            body = {"version": current, "regency": f"Kota {n}"}
            status = requests.patch(url, json=body, headers=headers, timeout=TIMEOUT).status_code
            statuses.append(status)
            if status != 409:
                break
        return statuses

    statuses = [s for attempts in in_parallel(edit) for s in attempts]

    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) == WRITERS  # every client's edit landed, each on its own version
    partnership.refresh_from_db()
    assert partnership.version == version + WRITERS
    assert partnership.history.count() >= WRITERS  # and each one is in the audit trail


def test_parallel_creates_all_succeed_with_distinct_codes(world: Any) -> None:
    base = BASE
    headers = bearer(base, world.users["lead_admin"].username)
    before = Partnership.objects.count()

    def create(n: int) -> int:
        body = {
            "title_ind": f"Kemitraan {n}",
            "form": "ppp",
            "development_sector": "water",
            "lead_organisation_id": world.pemda.pk,
        }
        return requests.post(
            f"{base}{API}/partnerships", json=body, headers=headers, timeout=TIMEOUT
        ).status_code

    statuses = in_parallel(create)

    assert statuses == [201] * WRITERS, statuses
    codes = list(Partnership.objects.values_list("code", flat=True))
    assert len(codes) == before + WRITERS == len(set(codes))
    # every new partnership is whole: its lead organisation is a member with the lead role
    for partnership in Partnership.objects.filter(title_ind__startswith="Kemitraan "):
        leads = [m.organisation_id for m in partnership.members.all() if m.is_lead]
        assert leads == [world.pemda.pk], partnership.code


def test_parallel_sign_ins_never_answer_500(world: Any) -> None:
    base = BASE
    names = [world.users[actor].username for actor in ("lead_admin", "member", "outsider")]

    def right(n: int) -> int:
        return sign_in(base, names[n % len(names)]).status_code

    def wrong(n: int) -> int:
        return sign_in(base, names[n % len(names)], "not-the-password").status_code

    assert in_parallel(right) == [201] * WRITERS
    wrong_statuses = in_parallel(wrong)
    assert set(wrong_statuses) <= {401, 429}, wrong_statuses
