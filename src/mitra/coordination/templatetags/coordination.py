"""Template tags of coordination for pages of lower apps (the partners tab)."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import pending_invitations

register = template.Library()


@register.inclusion_tag("coordination/partials/pending_invitations.html", takes_context=True)
def partnership_invitations(context: Any, partnership: Any, can_manage: bool) -> dict[str, Any]:
    """The pending invitations of a partnership, for its partners (the lead may withdraw)."""
    is_internal = context.get("is_internal", False)
    return {
        "partnership": partnership,
        "can_manage": can_manage,
        "invitations": list(pending_invitations(partnership=partnership)) if is_internal else [],
        "roles": context.get("roles"),
        "csrf_token": context.get("csrf_token"),
    }
