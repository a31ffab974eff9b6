"""Form widgets that write their HTML in Python, for the forms every list page shows.

Django renders a ``<select>`` through its template engine: one template for the select, one
include per option and another per option's attributes. A list's filter form has a few hundred
options (38 provinces, sectors, stages), and rendering them was a third of a search page's time.
:class:`ListSelect` writes exactly the HTML of Django's own templates (``select.html``,
``select_option.html``, ``attrs.html``; a test compares the two on any choices), with the same
escaping.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(format_html(" {}", name))
        else:
            out.append(format_html(' {}="{}"', name, str(value)))
    return "".join(out)


class ListSelect(forms.Select):
    """``forms.Select`` with the same HTML, written without the template engine."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                parts.append(
                    format_html('\n  <option value="{}"', str(option["value"]))
                    + _attrs(option["attrs"])
                    + ">"
                    + conditional_escape(option["label"])
                    + "</option>\n"  # select_option.html ends with a newline
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped
