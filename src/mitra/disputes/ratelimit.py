"""The rate limit on grievances, the one write anyone may make without an account: per client
address (``accounts.services.client_address``, which honours ``MITRA_TRUSTED_PROXIES``), counted
in the shared cache by django-ratelimit like ``accounts.ratelimits``.

The rate is ``MITRA_RATE_LIMITS["grievance"]`` when set; otherwise :data:`DEFAULT_RATE`, unless
rate limits are switched off altogether (an empty ``MITRA_RATE_LIMITS``, as in the test
settings).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from mitra.accounts.ratelimits import MESSAGE, RateLimited, too_many
from mitra.accounts.services import client_address

DEFAULT_RATE = "5/h"

__all__ = ["RateLimited", "check", "grievance_limited", "too_many"]


def rate() -> str | None:
    rates = getattr(settings, "MITRA_RATE_LIMITS", None)
    if rates is None:
        return DEFAULT_RATE
    if not rates:
        return None
    return rates.get("grievance", DEFAULT_RATE)


def _key(group: str, request: HttpRequest) -> str:
    return f"addr:{client_address(request)}"


def grievance_limited(request: HttpRequest) -> bool:
    value = rate()
    if not value:
        return False
    return bool(
        is_ratelimited(request, group="mitra:grievance", key=_key, rate=value, increment=True)
    )


def check(request: Any) -> None:
    if grievance_limited(request):
        raise RateLimited(MESSAGE)
