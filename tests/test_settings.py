"""Production settings pass Django's deployment checks; settings come from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mitra.config.settings.production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "mitra.example.org",
        "DEBUG": "0",
        "MITRA_VAR_DIR": str(tmp_path),
    }
    # The browser tests' conftest allows sync ORM calls from Playwright's event loop; a real
    # deployment never sets it, and check --deploy rightly refuses it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _settings_in(env: dict[str, str], *names: str) -> str:
    """The values of these settings in a fresh process with ``env`` added to the environment."""
    code = "from django.conf import settings; print(repr([getattr(settings, n) for n in %r]))"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code % (names,)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mitra.config.settings.local", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_open_data_and_export_settings_come_from_the_environment(tmp_path):
    from mitra.core.exports import STREAM_LIMIT
    from mitra.disclosure.dumps import REFRESH_MINUTES
    from mitra.jobs.exports import KEEP_DAYS

    names = (
        "MITRA_OPEN_DATA_DIR",
        "MITRA_OPEN_DATA_REFRESH_MINUTES",
        "MITRA_EXPORT_STREAM_LIMIT",
        "MITRA_EXPORT_KEEP_DAYS",
    )
    unset = dict.fromkeys(names, "")  # as a deployment that does not set them
    assert _settings_in(unset, *names) == repr([None, REFRESH_MINUTES, STREAM_LIMIT, KEEP_DAYS])
    given = {
        "MITRA_OPEN_DATA_DIR": str(tmp_path / "files"),
        "MITRA_OPEN_DATA_REFRESH_MINUTES": "0",
        "MITRA_EXPORT_STREAM_LIMIT": "20000",
        "MITRA_EXPORT_KEEP_DAYS": "30",
    }
    assert _settings_in(given, *names) == repr([str(tmp_path / "files"), 0, 20000, 30])


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mitra.config.settings.production",
        "SECRET_KEY": "",
        "MITRA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_mitra_serve_loads_the_production_app_in_gunicorn(tmp_path):
    # `--check-config` makes gunicorn load the WSGI application and exit without serving.
    env = {
        **os.environ,
        "SECRET_KEY": "y" * 60,
        "ALLOWED_HOSTS": "mitra.example.org",
        "MITRA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    mitra = Path(sys.executable).with_name("mitra")
    result = subprocess.run(
        [str(mitra), "serve", "--check-config"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_server_worker_settles_its_heap():
    """Each `mitra serve` worker, once the application is loaded, freezes what it loaded and
    makes full garbage collections rarer (config.runtime): the p95 tail of heavy pages came from
    the collector walking them."""
    import gc

    from mitra.config.runtime import settle_heap

    before = gc.get_threshold()
    try:
        settle_heap()  # what config.gunicorn.post_worker_init calls
        assert gc.get_freeze_count() > 10_000  # Django and Mitra, loaded by this test run
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2] and old == 100 > before[2]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_server_worker_checks_the_release_settings_then_settles(monkeypatch):
    """`mitra serve`'s workers check the release settings as they start (a deploy that changed
    them starts the comparison of every release then), and a database not reachable yet does
    not stop a worker from starting: the first export checks instead."""
    from django.db import OperationalError

    from mitra.disclosure import marks

    # importing the gunicorn settings sets the workers' statement timeout: not for this process
    monkeypatch.delenv("MITRA_STATEMENT_TIMEOUT_MS", raising=False)
    from mitra.config import gunicorn

    calls: list[str] = []
    monkeypatch.setattr(marks, "check_basis_at_start", lambda: calls.append("check"))
    monkeypatch.setattr("mitra.config.runtime.settle_heap", lambda: calls.append("settle"))
    gunicorn.post_worker_init(object())
    assert calls == ["check", "settle"]

    def unreachable() -> None:
        raise OperationalError("connection refused")

    monkeypatch.undo()
    closed: list[bool] = []
    monkeypatch.setattr(marks, "check_basis", unreachable)
    monkeypatch.setattr("django.db.connections.close_all", lambda: closed.append(True))
    marks.check_basis_at_start()  # logged, not raised
    assert closed == [True]


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy_and_a_permissions_policy(client):
    response = client.get("/en/partnerships/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    # and no template writes an inline style or script the policy would refuse
    import mitra

    root = Path(mitra.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if ' style="' in p.read_text() or "<script>" in p.read_text()
    ]
    assert offenders == []
