"""Concurrent guesses of one password: the throttle counts each before it checks any."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from mitra.accounts import services
from mitra.accounts.services import MAX_FAILURES_PER_USERNAME, TooManyAttempts, token_issue


@pytest.fixture
def memory_cache() -> Any:
    """The tests' cache (each process's memory)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def database_cache(settings: Any, transactional_db: Any) -> Any:
    """Production's cache: a table in the database, with committed rows that every thread
    sees."""
    settings.CACHES = {
        "default": {
            "BACKEND": "mitra.core.caches.AtomicDatabaseCache",
            "LOCATION": "mitra_test_sign_in",
        }
    }
    call_command("createcachetable", verbosity=0)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE mitra_test_sign_in")


def test_guesses_in_flight_at_once_are_held_to_the_limit(
    monkeypatch: Any, memory_cache: None
) -> None:
    _guesses_at_once(monkeypatch)


def test_guesses_in_flight_at_once_are_held_to_the_limit_in_the_database_cache(
    monkeypatch: Any, database_cache: None
) -> None:
    _guesses_at_once(monkeypatch)


def _guesses_at_once(monkeypatch: Any) -> None:
    # given a password check that takes a while (as PBKDF2 does), always failing
    checked = []

    def slow_wrong(request: Any, **credentials: Any) -> None:
        checked.append(credentials["username"])
        time.sleep(0.2)
        return None

    monkeypatch.setattr(services, "authenticate", slow_wrong)
    outcomes: list[str] = []
    start = threading.Barrier(4 * MAX_FAILURES_PER_USERNAME)

    def guess() -> None:
        start.wait()
        try:
            token_issue(username="lead_admin", password="guess", client="203.0.113.9")
        except TooManyAttempts:
            outcomes.append("refused")
        except services.InvalidCredentials:
            outcomes.append("wrong")
        finally:
            connection.close()

    # when four times as many guesses as allowed arrive at once, before any check ends
    threads = [threading.Thread(target=guess) for _ in range(4 * MAX_FAILURES_PER_USERNAME)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then only as many passwords are checked as the limit allows; the rest are refused
    assert len(checked) == MAX_FAILURES_PER_USERNAME
    assert outcomes.count("wrong") == MAX_FAILURES_PER_USERNAME
    assert outcomes.count("refused") == 3 * MAX_FAILURES_PER_USERNAME
