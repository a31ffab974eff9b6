"""The catalogue of shared levers, by partnership form and development sector (``levers.json``).

Pure Python: the goals app and a notebook read the same file. Each entry has a key, a bilingual
name and description, a unit (``money`` with a currency, ``percent``, ``years``, ``days`` or a
code of ``mitra.core.choices.Unit``), default bounds, the usual direction, and the forms and
sectors it suits (``"*"``: every one).

Examples
--------
>>> [e["key"] for e in levers_for("ppp", "toll_road")][:2]
['tariff', 'concession_years']
>>> lever_entry("school_fee")["currency"]
'IDR'
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["all_levers", "lever_entry", "levers_for"]


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("levers.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def all_levers() -> list[dict[str, Any]]:
    return list(_data()["levers"])


def _fits(entry_values: Any, value: str | None) -> bool:
    return entry_values == "*" or (value is not None and value in entry_values)


def levers_for(form: str | None, sector: str | None) -> list[dict[str, Any]]:
    """Catalogue entries that suit a partnership of this form and development sector."""
    return [e for e in all_levers() if _fits(e["forms"], form) and _fits(e["sectors"], sector)]


def lever_entry(key: str) -> dict[str, Any]:
    """The entry with this key (``KeyError`` if none)."""
    for entry in all_levers():
        if entry["key"] == key:
            return entry
    raise KeyError(key)
