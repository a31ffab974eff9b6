"""Who may see and do what in matching. Deny by default.

- Anyone sees the needs board (published partnerships' needs, public data only).
- A signed-in user offers for an organisation they belong to, on a published partnership that
  organisation is not a current partner of.
- An offer is seen by the offering organisation's users and by the partnership's managers
  (administrators of its lead partner) alone: not by other partners, not by platform staff in
  pages or API, not by the public.
- The partnership's managers accept or decline an offer; the offering organisation withdraws it.
- Suggested partners for a need are shown to the partnership's managers.
- An organisation's administrators edit its matching profile.
- An organisation joins a partnership only with its administrators' consent (issue 14): an
  offer made by one of them is that consent; an offer made by another user of the
  organisation, once accepted, becomes an invitation its administrators answer.
"""

from __future__ import annotations

from typing import Any

from mitra.organisations.models import Organisation
from mitra.organisations.permissions import user_admin_organisation_ids, user_organisation_ids
from mitra.partnerships.models import Partnership
from mitra.partnerships.permissions import can_manage_partnership

from .models import Offer


def can_view_offer(user: Any, offer: Offer, partnership: Partnership) -> bool:
    return offer.organisation_id in user_organisation_ids(user) or can_manage_partnership(
        user, partnership
    )


def can_decide_offer(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def can_offer_for(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in user_organisation_ids(user)


def can_view_matches(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def can_edit_profile(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in user_admin_organisation_ids(user)


def offer_made_by_admin(offer: Offer) -> bool:
    """The offer was made by an administrator of the offering organisation (today): the offer
    itself is the organisation's consent to join."""
    user = offer.created_by
    return user is not None and offer.organisation_id in user_admin_organisation_ids(user)


def offer_joins_by_invitation(offer: Offer) -> bool:
    """Accepting the offer would only invite the organisation: it is not a partner (nor a
    former one) and the offer is not its administrators' consent."""
    partnership = offer.need.partnership
    if partnership.members.filter(organisation_id=offer.organisation_id).exists():
        return False
    return not offer_made_by_admin(offer)
