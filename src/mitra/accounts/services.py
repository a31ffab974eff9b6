"""Writes for accounts: issuing and revoking API tokens.

Only the SHA-256 of a token is stored (`ApiToken.key_hash`); the raw token is returned once. Failed
sign-ins are counted per client address and per (address, username) in the cache, and refused with
429 above a limit, so passwords cannot be guessed at speed. Wrong username and wrong password give
the same answer (Django's ModelBackend also hashes a dummy password for unknown users, so the
timing does not tell them apart either).

Guesses sent at once are held to the same limit: a password is checked only inside a slot
(:func:`sign_in_slot`), and the checks in flight count against the failures still allowed, so
with 4 failures one more check runs at a time. The others wait for it (a right password clears
the failures and lets them through; a wrong one locks them out); they never get a check of
their own beyond the limit.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import ApplicationError

from .models import ApiToken, hash_token

#: Days a token lives; `MITRA_API_TOKEN_DAYS` in settings overrides it.
DEFAULT_TOKEN_DAYS = 30
#: Failed sign-ins allowed per window, per (address, username) and per address.
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW_SECONDS = 15 * 60
#: Refresh `last_used_at` at most this often, so that reading with a token is not a write each time.
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


#: Seconds a sign-in waits for a slot (others of the same account checked at once) before 429.
SLOT_WAIT_SECONDS = 10.0
#: Seconds a slot is held at most: one left by a killed process frees itself after this.
SLOT_SECONDS = 60

TOO_MANY_MESSAGE = _("Too many failed sign-ins. Try again in 15 minutes.")
TOO_MANY_AT_ONCE_MESSAGE = _("Too many sign-ins to this account at once. Try again in a minute.")


class InvalidCredentials(ApplicationError):
    status = 401


class TooManyAttempts(ApplicationError):
    status = 429


def client_address(request: Any) -> str:
    """The address of the client behind the request, for the sign-in throttle.

    ``REMOTE_ADDR`` is the last hop: behind a reverse proxy it is the proxy's, the same for every
    client, and one client's failures would lock everyone out. With ``MITRA_TRUSTED_PROXIES = n``
    (the number of proxies in front of Mitra, each appending to ``X-Forwarded-For``) the client is
    the n-th address from the right of that header; an address further left was written by the
    client itself and could be anything, so it is never used. Without the setting (or a header
    shorter than expected) the header is ignored."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "MITRA_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def _failure_keys(client: str, username: str) -> tuple[str, str]:
    name = hash_token(username.strip().lower())[:32]
    return f"mitra:auth-fail:addr:{client}", f"mitra:auth-fail:user:{client}:{name}"


def _record_failure(key: str) -> None:
    if cache.add(key, 1, FAILURE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, FAILURE_WINDOW_SECONDS)


def sign_in_throttled(*, client: str, username: str) -> bool:
    """Whether sign-ins from this client (for this username) are refused for now.

    Shared by the API's token endpoint and the web sign-in form, so neither is a side door."""
    addr_key, user_key = _failure_keys(client or "unknown", username)
    return _locked(cache.get(addr_key, 0), cache.get(user_key, 0))


def _locked(failures_addr: int, failures_user: int) -> bool:
    return failures_addr >= MAX_FAILURES_PER_ADDRESS or failures_user >= MAX_FAILURES_PER_USERNAME


def _busy_keys(client: str, username: str) -> tuple[str, str]:
    addr_key, user_key = _failure_keys(client, username)
    return addr_key.replace("auth-fail", "auth-busy"), user_key.replace("auth-fail", "auth-busy")


def _take(key: str) -> int:
    """Count one more check in flight under ``key``; the count, this one included.

    Each count lives ``SLOT_SECONDS`` after the last check taken under it. A count below one
    (slots given back after their key had expired and been made anew) is set back to one."""
    for _attempt in range(3):
        if cache.add(key, 1, SLOT_SECONDS):
            return 1
        try:
            count = int(cache.incr(key))
        except ValueError:  # expired between add() and incr()
            continue
        if count < 1:
            cache.set(key, 1, SLOT_SECONDS)
            return 1
        cache.touch(key, SLOT_SECONDS)
        return count
    return 1  # pragma: no cover - the key expired three times in a row


def _give_back(key: str) -> None:
    with suppress(ValueError):  # expired: a slot held longer than SLOT_SECONDS
        cache.decr(key)


@contextmanager
def sign_in_slot(*, client: str, username: str) -> Iterator[None]:
    """Hold a slot while one password is checked; raise ``TooManyAttempts`` when refused.

    Refused at once when the failures reached a limit. Otherwise the check waits until the
    failures plus the checks in flight (this one included) are within both limits, per (address,
    username) and per address, so that guesses sent at once cannot pass the limit before their
    failures are counted; right passwords sent at once wait for each other instead (at most
    ``SLOT_WAIT_SECONDS``). The check in flight is counted before the failures are read: a check
    that ends meanwhile has counted its failure before it gave its slot back."""
    client = client or "unknown"
    fail_addr, fail_user = _failure_keys(client, username)
    busy_addr, busy_user = _busy_keys(client, username)
    deadline = time.monotonic() + SLOT_WAIT_SECONDS
    while True:
        in_flight_addr, in_flight_user = _take(busy_addr), _take(busy_user)
        failures_addr, failures_user = cache.get(fail_addr, 0), cache.get(fail_user, 0)
        locked = _locked(failures_addr, failures_user)
        if not locked and (
            failures_addr + in_flight_addr <= MAX_FAILURES_PER_ADDRESS
            and failures_user + in_flight_user <= MAX_FAILURES_PER_USERNAME
        ):
            break
        _give_back(busy_addr)
        _give_back(busy_user)
        if locked:
            raise TooManyAttempts(TOO_MANY_MESSAGE)
        if time.monotonic() >= deadline:
            raise TooManyAttempts(TOO_MANY_AT_ONCE_MESSAGE)
        time.sleep(0.02 + 0.03 * random.random())
    try:
        yield
    finally:
        _give_back(busy_addr)
        _give_back(busy_user)


def sign_in_failed(*, client: str, username: str) -> None:
    for key in _failure_keys(client or "unknown", username):
        _record_failure(key)


def sign_in_succeeded(*, client: str, username: str) -> None:
    cache.delete(_failure_keys(client or "unknown", username)[1])


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "MITRA_API_TOKEN_DAYS", DEFAULT_TOKEN_DAYS))


def token_issue(
    *, username: str, password: str, client: str, request: Any = None
) -> tuple[ApiToken, str]:
    """Check the credentials and issue a token: returns the stored row and the raw token.

    Deliberately not one transaction: a failure is counted in the cache, which in production is
    a database table; inside a transaction that the refusal rolls back, the count would vanish
    with it and the throttle would never trip. Only the token's creation is atomic."""
    with sign_in_slot(client=client, username=username):
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            sign_in_failed(client=client, username=username)
            raise InvalidCredentials(_("The username or password is not correct."))
        sign_in_succeeded(client=client, username=username)
    raw = ApiToken.new_raw()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=hash_token(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + token_lifetime(),
        )
    return token, raw


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used (at most every few minutes: one UPDATE, no history)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()
