"""Who may see and change the goals of a partnership. Deny by default.

- Partners and platform staff (read-only) see the Goals tab: the levers, every objective that is
  not for its owner only, the conflicts, the compromise and the negotiation record. On a public
  partnership the public sees nothing of it (objectives are negotiation positions).
- Every current partner adds levers, states and changes its own objectives, and records proposals
  and counter-proposals.
- An agreement is recorded by a partner that may manage the partnership (its lead's administrators).
- An objective for its owner only is seen, in its values, by that organisation's users alone (not
  other partners, not platform staff); it still counts in the computation.
"""

from __future__ import annotations

from typing import Any

from mitra.core.choices import Confidentiality
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.partnerships.permissions import (
    can_edit_member_items,
    can_manage_partnership,
    can_view_internal,
    is_partner,
)


def can_view_goals(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def can_edit_goals(user: Any, partnership: Partnership) -> bool:
    """Add levers, record proposals: any current partner."""
    return is_partner(user, partnership)


def can_state_objective(user: Any, member: PartnershipMember) -> bool:
    """State or change the objectives of this partner: its own users."""
    return can_edit_member_items(user, member)


def can_record_agreement(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def can_see_objective_values(user: Any, confidentiality: str, owner_org_id: int) -> bool:
    """Whether the user sees an objective's figures (not only that it exists)."""
    if confidentiality != Confidentiality.OWNER:
        return True
    return owner_org_id in user_organisation_ids(user)
