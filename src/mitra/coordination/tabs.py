"""The Lifecycle tab ("Tahapan") of the partnership page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.permissions import can_view_internal
from mitra.partnerships.services import missing_sectors
from mitra.partnerships.workspace import Tab, register_tab

from . import selectors

KEY = "lifecycle"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_internal(request.user, partnership)


def lifecycle_context(
    request: HttpRequest, partnership: Any, *, open_step: str | None = None
) -> dict[str, Any]:
    """The tab's context; ``open_step``: a step whose form is answered with an error, whose
    stage is then unfolded so that the form is in sight."""
    state = selectors.lifecycle_get(user=request.user, partnership=partnership)
    user = request.user
    for st in state.stages:
        for s in st.steps:
            # The partners through which this reader may sign the step off (not a later stage's).
            s.mine = (
                selectors.my_sign_off_members(user, state, s)
                if st.position in ("current", "done")
                else []
            )
        # a step my organisation has not signed yet, and not with my own approval
        st.awaits_me = any(
            m.status == "pending" and all(a.user_id != user.pk for a in m.approvals)
            for s in st.steps
            for m in s.mine
        )
        st.unfolded = st.awaits_me or any(s.step.key == open_step for s in st.steps)
    return {
        "state": state,
        "missing_sectors": missing_sectors(partnership),
        "pending_invitations": list(selectors.pending_invitations(partnership=partnership)),
        "stage_changes": list(partnership.stage_changes.select_related("actor")[:10]),
    }


TAB = Tab(KEY, _("Lifecycle"), 15, "coordination/tab.html", lifecycle_context, shown=_shown)


def register() -> None:
    register_tab(TAB)
