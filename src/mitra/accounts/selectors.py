"""Reads for accounts: who a raw API token belongs to, and who the current user is."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import ApiToken, hash_token

#: A raw token is `secrets.token_urlsafe(32)` (43 characters); anything far longer is not ours.
MAX_RAW_TOKEN_LENGTH = 200


def token_get(*, raw: str) -> ApiToken | None:
    """The live token whose hash matches `raw`, with its user; `None` if unknown, expired or
    its user is inactive. Only the SHA-256 is stored, so the lookup is by hash (one query)."""
    if not raw or len(raw) > MAX_RAW_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def user_memberships(*, user: Any) -> list[Any]:
    """The user's organisation memberships (organisation and role), by organisation name.

    Read through the user's reverse relation, so that accounts never imports organisations
    (the layers of docs/architecture.md: organisations build on accounts, not the reverse)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        user.org_memberships.all().select_related("organisation").order_by("organisation__name")
    )


def token_list(*, user: Any) -> list[ApiToken]:
    """The user's tokens that still work, newest first (expired ones are not listed)."""
    return list(
        ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created_at")
    )
