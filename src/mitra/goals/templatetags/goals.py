"""Template filters of the Goals tab."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import unit_text, value_text

register = template.Library()


@register.filter
def lever_value(value: Any, lever: Any) -> str:
    """A lever value in the reader's locale with its unit (``Rp 46.000``, ``35%``)."""
    return value_text(lever, value)


@register.filter
def lever_unit(lever: Any) -> str:
    return unit_text(lever)


@register.filter
def mine(objectives: Any, member_ids: Any) -> list[Any]:
    """The objectives of the reader's own partners."""
    return [o for o in objectives if o.member.pk in member_ids]
