"""Writes for accounts: issuing and revoking API tokens.

Only the SHA-256 of a token is stored (`ApiToken.key_hash`); the raw token is returned once. Failed
sign-ins are counted per client address and per (address, username) in the cache, and refused with
429 above a limit, so passwords cannot be guessed at speed. Wrong username and wrong password give
the same answer (Django's ModelBackend also hashes a dummy password for unknown users, so the
timing does not tell them apart either).
"""

from __future__ import annotations

import contextlib
import datetime
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


TOO_MANY_MESSAGE = _("Too many failed sign-ins. Try again in 15 minutes.")


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


def _count(key: str) -> int:
    """Add one to the counter at ``key`` (kept for the failure window); the new count."""
    if cache.add(key, 1, FAILURE_WINDOW_SECONDS):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, FAILURE_WINDOW_SECONDS)
        return 1


def _uncount(key: str) -> None:
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to take back
        cache.decr(key)


def sign_in_begin(*, client: str, username: str) -> bool:
    """Count a sign-in attempt as failed before its password is checked; whether it may go on.

    Counting first holds guesses sent at once to the limit: a check made before any of them
    was counted would let every guess in flight through (20 at once all had their password
    checked). A refused attempt is taken back off the counts, so it costs the address nothing.
    Shared by the API's token endpoint, the web sign-in form and the admin's, so none of them is
    a side door. The caller ends an attempt that may go on with :func:`sign_in_succeeded` when
    the credentials were right; otherwise it stays counted as a failure."""
    addr_key, user_key = _failure_keys(client or "unknown", username)
    by_address, by_username = _count(addr_key), _count(user_key)
    if by_address <= MAX_FAILURES_PER_ADDRESS and by_username <= MAX_FAILURES_PER_USERNAME:
        return True
    _uncount(addr_key)
    _uncount(user_key)
    return False


def sign_in_succeeded(*, client: str, username: str) -> None:
    """The attempt begun with :func:`sign_in_begin` had the right credentials: it is no failure
    of the address, and the username's failures from this address are forgotten."""
    addr_key, user_key = _failure_keys(client or "unknown", username)
    _uncount(addr_key)
    cache.delete(user_key)


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "MITRA_API_TOKEN_DAYS", DEFAULT_TOKEN_DAYS))


def token_issue(
    *, username: str, password: str, client: str, request: Any = None
) -> tuple[ApiToken, str]:
    """Check the credentials and issue a token: returns the stored row and the raw token.

    Deliberately not one transaction: a failure is counted in the cache, which in production is
    a database table; inside a transaction that the refusal rolls back, the count would vanish
    with it and the throttle would never trip. Only the token's creation is atomic."""
    if not sign_in_begin(client=client, username=username):
        raise TooManyAttempts(TOO_MANY_MESSAGE)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:  # counted as failed by sign_in_begin
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
