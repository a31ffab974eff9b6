"""A cache of the pages that are the same for every anonymous visitor.

`cache_public_page` wraps a view: a GET or HEAD by an anonymous visitor who carries no session
and no messages is answered from the cache when the page was rendered since the last change.
Nothing else is ever cached or served from it: a signed-in user (a partner sees partners-only
and draft partnerships, their own confidential items) always gets a fresh page, and a visitor's
page is never stored for a partner, since a partner's request is never stored at all.

- The key holds the data version, the view, the full path with its query, the language, the
  time zone and the htmx headers (a partial and a full page differ).
- Data version: every save or delete of a Mitra model (except jobs' progress and notifications)
  bumps it, at once and again when the transaction commits, so a visitor sees an edit on their
  next request. Bulk writes that send no signals (the table import) are caught by the end of
  their background job; in the worst case a page is `ttl` seconds old (``MITRA_PAGE_CACHE_SECONDS``,
  0 switches the cache off; production: 300).
- CSRF: pages carry a token (the language form). The stored page holds a placeholder instead
  and each visitor gets their own token, so no token is shared between visitors.
- Only complete HTML answers with status 200 and no cookie of their own are stored.
- The version lives in the default cache (shared by every web process); pages in the ``pages``
  cache when configured (per process in production: fast, and at most `ttl` old), else default.

`public_answer` keeps, the same way, API answers that are the same for every caller whoever they
are (the open-data packages), up to :data:`MAX_ANSWER_BYTES`.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation

VERSION_KEY = "mitra:pages:version"
#: Stands for the visitor's CSRF token in a stored page (never a valid token: it has a "!").
PLACEHOLDER = b"!mitra-csrf-token!"
_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")
#: Apps whose writes never change a page a visitor sees (progress counters, inboxes).
QUIET_APPS = {"jobs", "notifications", "sessions", "django_tasks_database", "otp_totp"}


def ttl() -> int:
    return int(getattr(settings, "MITRA_PAGE_CACHE_SECONDS", 0) or 0)


def _pages() -> Any:
    try:
        return caches["pages"]
    except InvalidCacheBackendError:
        return caches["default"]


def current_version() -> str:
    version = caches["default"].get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        caches["default"].add(VERSION_KEY, version, None)
        version = caches["default"].get(VERSION_KEY) or version
    return str(version)


def _after_commit() -> None:
    caches["default"].set(VERSION_KEY, uuid.uuid4().hex, None)


def bump(**_: Any) -> None:
    """A change: every stored page is out of date. Inside a transaction: at the first write of
    each atomic block and again once the transaction commits (a page rendered from the old rows
    in between is not kept), nothing for the block's further writes. Nothing when the cache is
    off."""
    if ttl() <= 0:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        block = set(connection.savepoint_ids)
        if any(item[1] is _after_commit and item[0] == block for item in connection.run_on_commit):
            return
        transaction.on_commit(_after_commit)
    caches["default"].set(VERSION_KEY, uuid.uuid4().hex, None)


def model_changed(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label in QUIET_APPS:
        return
    if not (meta.app_config and meta.app_config.name.startswith("mitra.")):
        return
    bump()


def connect() -> None:
    """Wire the version bumps (called once from core's AppConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(model_changed, dispatch_uid="mitra-pagecache-save")
    post_delete.connect(model_changed, dispatch_uid="mitra-pagecache-delete")
    m2m_changed.connect(model_changed, dispatch_uid="mitra-pagecache-m2m")
    try:
        from django_tasks.signals import task_finished
    except ImportError:  # pragma: no cover
        return
    task_finished.connect(bump, dispatch_uid="mitra-pagecache-task")


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or ttl() <= 0:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    # A session may hold messages or a half-finished form; a messages cookie holds messages.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return "format" not in request.GET and "chart" not in request.GET


def page_key(request: HttpRequest, view: str) -> str:
    parts = "|".join(
        [
            view,
            request.get_full_path(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            request.headers.get("HX-Boosted", ""),
        ]
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()
    return f"mitra:page:{current_version()}:{digest}"


def _without_tokens(request: HttpRequest, content: bytes) -> bytes:
    """The page with every CSRF token of this request (any 64-character run that unmasks to
    this visitor's secret) replaced by the placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def replace(match: re.Match[bytes]) -> bytes:
        token = match.group(0).decode()
        return PLACEHOLDER if _unmask_cipher_token(token) == secret else match.group(0)

    return _TOKEN.sub(replace, content)


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the page cache for anonymous visitors (see the module's docstring)."""
    name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request, f"{name}:{args}:{sorted(kwargs.items())}")
        stored = _pages().get(key)
        if stored is not None:
            content, headers = stored
            if PLACEHOLDER in content:
                content = content.replace(PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content)
            for header, value in headers:
                response[header] = value
            response["X-Mitra-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(response):
            content = _without_tokens(request, response.content)
            _pages().set(key, (content, list(response.items())), ttl())
            response["X-Mitra-Page-Cache"] = "miss"
        return response

    return wrapped


def once_per_version(name: str, work: Callable[[], None]) -> None:
    """Do `work` unless this process did it since the last change of any data (the version is
    read first: a change made meanwhile makes a new one); noted once the transaction commits, so
    work that is rolled back is done again. Always done when the cache is off, since the version
    then does not follow changes."""
    if ttl() <= 0:
        work()
        return
    key = f"mitra:once:{current_version()}:{name}"
    if _pages().get(key):
        return
    work()
    transaction.on_commit(lambda: _pages().set(key, True, ttl()))


#: The largest answer :func:`public_answer` keeps: a page of 1,000 OCDS partnerships with one
#: release each is about 6 MB, a page of 100 with a few releases each 1 to 3 MB. Never more than a
#: quarter of a byte-bounded ``pages`` cache (``core.caches``), which would drop it anyway.
MAX_ANSWER_BYTES = 8_000_000
#: Stored instead of an answer that is too large to keep: the next one is built without waiting.
_TOO_LARGE = b"!too-large!"
#: Threads of a process that want the same missing answer build it one at a time (the others
#: then find it stored); keys share these locks by their hash.
_BUILDING = [threading.Lock() for _ in range(64)]


def public_answer(
    request: HttpRequest, view: str, build: Callable[[], bytes]
) -> tuple[bytes, str | None]:
    """(body, "hit"/"miss"/None) of an answer that is the same for every caller, signed in or not
    (the open-data packages: published data only), from the cache when it was built since the
    last change. The version is read before building, so an answer built while data changed is
    stored under the old version and never served. When many ask at once for an answer that is
    not stored, one thread of each process builds it and the others wait for it."""
    if request.method not in ("GET", "HEAD") or ttl() <= 0:
        return build(), None
    key = page_key(request, view)
    pages = _pages()
    largest = min(MAX_ANSWER_BYTES, getattr(pages, "max_bytes", MAX_ANSWER_BYTES * 4) // 4)
    stored = pages.get(key)
    if stored == _TOO_LARGE:
        return build(), None
    if stored is not None:
        return stored, "hit"
    with _BUILDING[hash(key) % len(_BUILDING)]:
        stored = pages.get(key)
        if stored is not None and stored != _TOO_LARGE:
            return stored, "hit"
        body = build()
        if len(body) > largest:
            pages.set(key, _TOO_LARGE, ttl())
            return body, None
        pages.set(key, body, ttl())
        return body, "miss"


__all__ = [
    "bump",
    "cache_public_page",
    "connect",
    "current_version",
    "once_per_version",
    "page_key",
    "public_answer",
]
