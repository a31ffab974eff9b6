"""Rate limits on what is expensive to answer and open to anyone: full exports, searches, the
feed (django-ratelimit, counted in the shared cache per signed-in user or per client address).

Rates come from ``MITRA_RATE_LIMITS`` (group → "N/m" or "N/h"); a group without a rate is not
limited (the test settings start with none, and tests that check a limit set one).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from mitra.core.errors import ApplicationError

from .services import client_address

#: Defaults of ``MITRA_RATE_LIMITS``: full downloads are the costly ones.
DEFAULT_RATES = {"export": "30/m", "search": "120/m", "feed": "60/m"}
MESSAGE = _("Too many requests in a short time. Wait a minute and try again.")


class RateLimited(ApplicationError):
    status = 429


def _key(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request)}"


def limited(request: HttpRequest, group: str) -> bool:
    """Count this request in ``group``; whether it is over the group's rate."""
    rate = getattr(settings, "MITRA_RATE_LIMITS", DEFAULT_RATES).get(group)
    if not rate:
        return False
    return bool(
        is_ratelimited(request, group=f"mitra:{group}", key=_key, rate=rate, increment=True)
    )


def check(request: HttpRequest, group: str) -> None:
    """For API handlers: raise ``RateLimited`` (429) over the rate."""
    if limited(request, group):
        raise RateLimited(MESSAGE)


def too_many() -> HttpResponse:
    response = HttpResponse(str(MESSAGE), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "60"
    return response


def rate_limit(group: str) -> Callable[[Any], Any]:
    """For page views: answer 429 over the rate."""

    def decorate(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if limited(request, group):
                return too_many()
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
