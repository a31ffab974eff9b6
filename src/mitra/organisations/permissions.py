"""Who may do what with organisations. Deny by default."""

from __future__ import annotations

from typing import Any

from .models import Organisation, OrganisationRole


def user_organisation_ids(user: Any) -> set[int]:
    """Ids of the organisations the user belongs to (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_mitra_org_ids", None)
    if cached is None:
        rows = list(user.org_memberships.values_list("organisation_id", "role"))
        user._mitra_org_ids = {org for org, _ in rows}
        user._mitra_admin_org_ids = {org for org, role in rows if role == OrganisationRole.ADMIN}
        cached = user._mitra_org_ids
    return set(cached)


def user_admin_organisation_ids(user: Any) -> set[int]:
    user_organisation_ids(user)
    return set(getattr(user, "_mitra_admin_org_ids", set()))


def can_create_organisation(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in user_admin_organisation_ids(user)
