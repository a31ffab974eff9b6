"""Sign-ins sent at once: guesses are held to the limit of failures, right passwords all pass.

The throttle used to check the count of failures before the password and count the failure
after it, so guesses that arrived together all passed the check before any was counted: 20 at
once had 20 passwords checked. Counting each attempt before its check held them to 5 but also
refused right passwords in flight. Now a check runs only in a slot (`sign_in_slot`) and the
checks in flight count against the failures still allowed: the others wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from mitra.accounts import services
from mitra.accounts.forms import SignInForm
from mitra.accounts.services import MAX_FAILURES_PER_USERNAME, TooManyAttempts, token_issue

ADDRESS = "203.0.113.9"
AT_ONCE = 4 * MAX_FAILURES_PER_USERNAME


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


class SlowCheck:
    """A password check that takes a while (as PBKDF2 does), recording how many run at once."""

    def __init__(self, right: bool) -> None:
        self.right = right
        self.checked = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any = None, **credentials: Any) -> Any:
        with self._lock:
            self.checked += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(0.15)
        with self._lock:
            self.running -= 1
        if not self.right:
            return None
        user = get_user_model()(username=credentials["username"], is_active=True)
        user.backend = "django.contrib.auth.backends.ModelBackend"
        return user


def _at_once(attempt: Callable[[], str]) -> list[str]:
    outcomes: list[str] = []
    start = threading.Barrier(AT_ONCE)

    def run() -> None:
        start.wait()
        try:
            outcomes.append(attempt())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _token(password: str) -> Callable[[], str]:
    def attempt() -> str:
        try:
            token_issue(username="lead_admin", password=password, client=ADDRESS)
        except TooManyAttempts:
            return "refused"
        except services.InvalidCredentials:
            return "wrong"
        return "signed in"

    return attempt


def _guesses_at_once(monkeypatch: Any) -> None:
    # given a password check that takes a while and always fails
    check = SlowCheck(right=False)
    monkeypatch.setattr(services, "authenticate", check)
    # when four times as many guesses as allowed arrive at once, before any check ends
    outcomes = _at_once(_token("guess"))
    # then only as many passwords are checked as the limit allows; the rest are refused
    assert check.checked == MAX_FAILURES_PER_USERNAME
    assert outcomes.count("wrong") == MAX_FAILURES_PER_USERNAME
    assert outcomes.count("refused") == AT_ONCE - MAX_FAILURES_PER_USERNAME


def test_guesses_at_once_are_held_to_the_limit(monkeypatch: Any, memory_cache: None) -> None:
    _guesses_at_once(monkeypatch)


def test_guesses_at_once_are_held_to_the_limit_in_the_database_cache(
    monkeypatch: Any, database_cache: None
) -> None:
    _guesses_at_once(monkeypatch)


def test_right_passwords_at_once_all_sign_in(monkeypatch: Any, database_cache: None) -> None:
    # given a password check that takes a while and succeeds
    check = SlowCheck(right=True)
    monkeypatch.setattr(services, "authenticate", check)
    monkeypatch.setattr(services.ApiToken.objects, "create", lambda **fields: fields)
    # when four times as many right sign-ins of one account as failures allowed arrive at once
    outcomes = _at_once(_token("right"))
    # then every one signs in, with no more checks at a time than the failures allowed
    assert outcomes == ["signed in"] * AT_ONCE
    assert check.checked == AT_ONCE
    assert 1 < check.most_at_once <= MAX_FAILURES_PER_USERNAME


def test_after_four_failures_checks_at_once_run_one_at_a_time(
    monkeypatch: Any, memory_cache: None
) -> None:
    # given four failures of one account: one more is allowed
    for _ in range(MAX_FAILURES_PER_USERNAME - 1):
        services.sign_in_failed(client=ADDRESS, username="lead_admin")
    check = SlowCheck(right=False)
    monkeypatch.setattr(services, "authenticate", check)
    # when guesses arrive at once, then one is checked and the others are refused
    outcomes = _at_once(_token("guess"))
    assert (check.checked, outcomes.count("wrong")) == (1, 1)


def test_the_web_form_holds_guesses_at_once_to_the_limit(
    monkeypatch: Any, memory_cache: None
) -> None:
    # given the sign-in page's password check, slow and failing
    check = SlowCheck(right=False)
    monkeypatch.setattr(auth_forms, "authenticate", check)
    factory = RequestFactory()

    def attempt() -> str:
        request = factory.post("/accounts/login/", REMOTE_ADDR=ADDRESS)
        form = SignInForm(request, data={"username": "lead_admin", "password": "guess"})
        assert not form.is_valid()
        codes = {e.code for e in form.non_field_errors().as_data()}
        return "refused" if "throttled" in codes else "wrong"

    # when guesses arrive at once through the form, then only the limit's worth are checked
    outcomes = _at_once(attempt)
    assert check.checked == MAX_FAILURES_PER_USERNAME
    assert outcomes.count("refused") == AT_ONCE - MAX_FAILURES_PER_USERNAME


def test_a_slot_left_by_a_killed_check_frees_itself(monkeypatch: Any, memory_cache: None) -> None:
    # given every slot of an account held by checks that never gave them back (killed workers)
    monkeypatch.setattr(services, "SLOT_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(services, "SLOT_SECONDS", 1)
    for _ in range(MAX_FAILURES_PER_USERNAME):
        services._take(services._busy_keys(ADDRESS, "lead_admin")[1])
    # then a sign-in meanwhile is refused after its wait, with its own message
    with (
        pytest.raises(TooManyAttempts) as refused,
        services.sign_in_slot(client=ADDRESS, username="lead_admin"),
    ):
        pass
    assert refused.value.message == services.TOO_MANY_AT_ONCE_MESSAGE
    # and once the slots expire, sign-ins go through again
    time.sleep(1.1)
    with services.sign_in_slot(client=ADDRESS, username="lead_admin"):
        pass


def test_a_locked_account_is_refused_whatever_its_count_of_checks_in_flight(
    memory_cache: None,
) -> None:
    # given a locked account whose count of checks in flight went wrong (slots given back after
    # their count had expired and been made anew)
    for _ in range(MAX_FAILURES_PER_USERNAME):
        services.sign_in_failed(client=ADDRESS, username="lead_admin")
    busy = services._busy_keys(ADDRESS, "lead_admin")[1]
    cache.set(busy, -3, services.SLOT_SECONDS)
    # then a sign-in is still refused at once, and the count is set back to one in flight
    with (
        pytest.raises(TooManyAttempts) as refused,
        services.sign_in_slot(client=ADDRESS, username="lead_admin"),
    ):
        pass
    assert refused.value.message == services.TOO_MANY_MESSAGE
    assert cache.get(busy) == 0  # set back to one, then given back
