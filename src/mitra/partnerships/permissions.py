"""Object-level predicates for partnerships and what hangs off them. Deny by default.

- Anyone sees a public partnership and its public items; members and platform staff see more.
- Admins of the lead member's organisation manage the partnership, its members and needs.
- Each member's users edit that member's own commitments, deliveries, objectives and documents.
- An item marked 'owning organisation only' is shown to users of that organisation alone: not to
  other partners, not to the public, not to platform staff in pages or API.
"""

from __future__ import annotations

from typing import Any

from mitra.core.choices import Confidentiality
from mitra.organisations.permissions import user_admin_organisation_ids, user_organisation_ids

from .models import Partnership, PartnershipMember, Role, Visibility


def _members(partnership: Partnership) -> list[PartnershipMember]:
    cache = getattr(partnership, "_prefetched_objects_cache", {})
    if "members" in cache:
        return list(cache["members"])
    # No caching on the instance: services add members to the same object during a request.
    return list(partnership.members.all())


def member_org_ids(partnership: Partnership) -> set[int]:
    """Organisations that are current members (an organisation that left no longer reads)."""
    return {m.organisation_id for m in _members(partnership) if m.left_on is None}


def is_partner(user: Any, partnership: Partnership) -> bool:
    """The user belongs to an organisation that is a current member of the partnership."""
    return bool(user_organisation_ids(user) & member_org_ids(partnership))


def can_view_partnership(user: Any, partnership: Partnership) -> bool:
    if partnership.visibility == Visibility.PUBLIC:
        return True
    if getattr(user, "is_staff", False) and getattr(user, "is_authenticated", False):
        return True
    return is_partner(user, partnership)


def can_view_internal(user: Any, partnership: Partnership) -> bool:
    """Partner-level detail (history, partners-only items): partners and platform staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_staff", False)) or is_partner(user, partnership)


def can_manage_partnership(user: Any, partnership: Partnership) -> bool:
    admin_orgs = user_admin_organisation_ids(user)
    return any(
        m.organisation_id in admin_orgs and m.left_on is None and Role.LEAD in m.roles
        for m in _members(partnership)
    )


def can_create_partnership(user: Any) -> bool:
    """Any admin of an organisation may start a partnership, which that organisation leads."""
    return bool(user_admin_organisation_ids(user))


def can_edit_member_items(user: Any, member: PartnershipMember) -> bool:
    """The member's own commitments, deliveries, objectives and documents."""
    return member.left_on is None and member.organisation_id in user_organisation_ids(user)


def can_view_item(
    user: Any, partnership: Partnership, confidentiality: str, owner_org_id: int | None
) -> bool:
    if confidentiality == Confidentiality.OWNER:
        return owner_org_id is not None and owner_org_id in user_organisation_ids(user)
    if confidentiality == Confidentiality.PARTNERS:
        return can_view_internal(user, partnership)
    return can_view_partnership(user, partnership)
