"""Who may see and change a partnership's workplan, meetings and decisions. Deny by default.

- Partners and platform staff (read-only) see the workplan, the meetings and the decisions; the
  public sees none of it (a workplan is the partners' internal coordination).
- Every current partner adds and updates tasks, schedules meetings, writes their minutes and
  records decisions with each partner's position (as stated at the meeting).
- The decision rule is chosen by a partner that may manage the partnership (its lead's admins).
"""

from __future__ import annotations

from typing import Any

from mitra.partnerships.models import Partnership
from mitra.partnerships.permissions import can_manage_partnership, can_view_internal, is_partner


def can_view_workplan(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def can_edit_workplan(user: Any, partnership: Partnership) -> bool:
    return is_partner(user, partnership)


def can_set_rule(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)
