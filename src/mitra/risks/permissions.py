"""Who may see and change the risk register. Deny by default.

- Every partner (and platform staff, read-only) sees the register and every simulation result.
- Every current partner may add and edit risks, their allocations and mitigations, and run the
  simulation: the register is worked out together.
- The lead partner's administrators manage the model around it (settings, base cash flows, the
  parties), delete risks, apply a template and replace the register with an imported spec.
- A risk's cost figures (impact distribution, unit value) marked confidential to a partner are
  seen and changed by that partner's users alone; the simulation still uses them.
"""

from __future__ import annotations

from typing import Any

from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.partnerships.permissions import (
    can_manage_partnership,
    can_view_internal,
    is_partner,
)

from .models import Risk


def can_view_register(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def can_edit_register(user: Any, partnership: Partnership) -> bool:
    return is_partner(user, partnership)


def can_manage_register(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def can_see_cost(user: Any, risk: Risk, members: dict[int, PartnershipMember]) -> bool:
    """Whether the user may see (and change) the risk's cost figures."""
    if risk.cost_confidential_to_id is None:
        return True
    owner = members.get(risk.cost_confidential_to_id)
    return owner is not None and owner.organisation_id in user_organisation_ids(user)
