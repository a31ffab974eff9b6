"""Who may see and change the results of a partnership. Deny by default.

- Partners and platform staff (read-only) see the results framework, the updates and the
  scorecard; a partnership an indicator is shared with sees that indicator's approved values.
- The lead partner's administrators set up the framework: results, indicators, periods, targets,
  service levels.
- The users of the *reporting* partner named on an indicator write and submit its updates.
- The users of the *verifying* partner (another organisation) approve or return them.
- Every current partner answers the health survey for its own organisation.
"""

from __future__ import annotations

from typing import Any

from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.partnerships.permissions import (
    can_edit_member_items,
    can_manage_partnership,
    can_view_internal,
)


def can_view_results(user: Any, partnership: Partnership) -> bool:
    return can_view_internal(user, partnership)


def can_edit_framework(user: Any, partnership: Partnership) -> bool:
    return can_manage_partnership(user, partnership)


def _current_member_of(user: Any, member: PartnershipMember) -> bool:
    return member.left_on is None and member.organisation_id in user_organisation_ids(user)


def can_report(user: Any, indicator: Any) -> bool:
    return _current_member_of(user, indicator.reporter)


def can_verify(user: Any, indicator: Any) -> bool:
    return _current_member_of(user, indicator.verifier) and not can_report(user, indicator)


def can_answer_survey(user: Any, member: PartnershipMember) -> bool:
    return can_edit_member_items(user, member)
