"""Who may see and change the benefit sharing of a partnership. Deny by default.

- Partners and platform staff (read-only) see the Benefit-sharing tab, the sharing game and its
  analysis. The public never does, even on a public partnership: coalition estimates and
  walk-away values are negotiation positions.
- Every current partner sets unit values, estimates what groups of partners could achieve,
  changes the proposal and imports a sharing-game file: the game is worked out together, and
  every change is audited (who, when, old → new).
- The agreed rule is recorded by a partner that may manage the partnership (its lead's
  administrators), as every agreement of the negotiation record (``mitra.goals``).
- A delivery of a commitment confidential to its owner is valued in that owner's view alone:
  other partners (and staff) neither see it nor have it counted, because any split that depends
  on contributions (proportional shares, the fairness ratios) would let them work its amount
  out. The agreed split is computed without such contributions.
"""

from __future__ import annotations

from typing import Any

from mitra.partnerships.models import Partnership
from mitra.partnerships.permissions import can_manage_partnership, can_view_internal, is_partner


def can_view_sharing(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def can_edit_sharing(user: Any, partnership: Partnership) -> bool:
    return is_partner(user, partnership)


def can_record_agreement(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)
