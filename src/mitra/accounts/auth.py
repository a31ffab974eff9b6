"""Authentication for the API: a Bearer token or the Django session; deny by default.

Operations declare what they accept:

- `AUTHENTICATED` (the API default): a valid Bearer token or a signed-in session, else 401.
- `PUBLIC`: the same, but an anonymous visitor is let through as `AnonymousUser` (the selectors
  then show only public partnerships and their public items).
- `TOKEN_ONLY`: a Bearer token (revoking "the current token").

A token that is sent but wrong or expired is a 401 even on public operations, so a client learns
that its token has lapsed instead of silently seeing less. When a token is valid, `request.user`
becomes its user, so that permission code and the audit trail (simple-history's middleware reads
`request.user`) see the same person as with a session. Session requests that change something must
carry the CSRF token (`X-CSRFToken` header), as Django's forms do; token requests need none, since
a browser never adds the Authorization header by itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from . import selectors, services


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from `POST /api/v1/auth/token`."""

    def __call__(self, request: HttpRequest) -> Any | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError(message=str(_("Use 'Authorization: Bearer <token>'.")))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = selectors.token_get(raw=token)
        if found is None:
            raise AuthenticationError(message=str(_("The token is invalid or has expired.")))
        services.token_touch(token=found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The Django session cookie; unsafe methods need the CSRF token as well."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, str(_("CSRF check failed: send the X-CSRFToken header.")))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:  # pragma: no cover
        return None  # __call__ does the work


class AnonymousAccess:
    """Lets an anonymous visitor through (not a security scheme, so not in OpenAPI)."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


bearer_auth = BearerAuth()
session_auth = SessionAuth()
AUTHENTICATED = [bearer_auth, session_auth]
PUBLIC = [bearer_auth, session_auth, AnonymousAccess()]
TOKEN_ONLY = [bearer_auth]
