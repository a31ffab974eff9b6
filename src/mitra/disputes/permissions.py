"""Who may see and change disputes, grievances, events and amendments. Deny by default.

- Partners and platform staff (read-only) see the Disputes tab of a partnership; the public never
  does (a grievance's filer follows it on its own status page, which shows the status and the
  public response only).
- A confidential dispute is seen only by the users of the partner organisations involved in it
  (and the person who raised it): not by other partners, not by staff, not in exports or the
  history of others.
- Any current partner raises a dispute; the partners involved, and the lead's administrators
  for a dispute that is not confidential, escalate and resolve it.
- The lead's administrators set the ladder, the designated partner and the exposure facts.
- The designated partner (default: the lead) acknowledges and answers grievances; the lead's
  administrators may too.
- Political events are entered by partners (linked to their partnerships) or platform staff.
"""

from __future__ import annotations

from typing import Any

from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.partnerships.permissions import can_manage_partnership, can_view_internal, is_partner

from .models import Dispute


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_view_disputes(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def is_party(user: Any, dispute: Dispute) -> bool:
    if not _authenticated(user):
        return False
    if dispute.raised_by_id is not None and dispute.raised_by_id == user.pk:
        return True
    orgs = user_organisation_ids(user)
    return any(m.organisation_id in orgs and m.left_on is None for m in dispute.parties.all())


def can_view_dispute(user: Any, dispute: Dispute) -> bool:
    if dispute.confidential:
        return is_party(user, dispute)
    return can_view_disputes(user, dispute.partnership)


def can_raise_dispute(user: Any, partnership: Partnership) -> bool:
    return _authenticated(user) and is_partner(user, partnership)


def can_act_on_dispute(user: Any, dispute: Dispute) -> bool:
    """Escalate, resolve, edit: the parties; the lead's admins for an open (not confidential)
    dispute."""
    if is_party(user, dispute):
        return True
    return not dispute.confidential and can_manage_partnership(user, dispute.partnership)


def can_manage_settings(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def designated_member(partnership: Partnership) -> PartnershipMember | None:
    settings = getattr(partnership, "dispute_settings", None) if partnership.pk else None
    member = getattr(settings, "designated_member", None) if settings else None
    if member is not None and member.left_on is None:
        return member
    return next((m for m in partnership.members.all() if m.is_lead and m.left_on is None), None)


def can_handle_grievances(user: Any, partnership: Partnership) -> bool:
    if not _authenticated(user):
        return False
    member = designated_member(partnership)
    if member is not None and member.organisation_id in user_organisation_ids(user):
        return True
    return can_manage_partnership(user, partnership)


def can_link_event(user: Any, partnership: Partnership) -> bool:
    if not _authenticated(user):
        return False
    return bool(getattr(user, "is_staff", False)) or is_partner(user, partnership)


def can_enter_events(user: Any) -> bool:
    """Staff, or a user of an organisation (who may then link partnerships it is a partner of)."""
    return _authenticated(user) and (
        bool(getattr(user, "is_staff", False)) or bool(user_organisation_ids(user))
    )


def can_record_amendment(user: Any, partnership: Partnership) -> bool:
    return _authenticated(user) and is_partner(user, partnership)
