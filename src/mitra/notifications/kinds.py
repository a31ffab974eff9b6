"""The kinds of notification and their words, registered by each app in its ``ready()``.

A kind's message is a lazy string with ``%(name)s`` placeholders filled from the notification's
``params``; it is rendered in the reader's language when shown or e-mailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    #: What the preference page and the feed's filter call it ("Invitations").
    label: Promise | str
    #: The sentence, e.g. _("%(organisation)s invites you to join %(partnership)s.")
    message: Promise | str


_KINDS: dict[str, Kind] = {}


def register_kind(key: str, label: Promise | str, message: Promise | str) -> Kind:
    kind = Kind(key, label, message)
    _KINDS[key] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def message(kind_key: str, params: dict[str, Any]) -> str:
    """The sentence of a notification or activity in the active language."""
    kind = _KINDS.get(kind_key)
    if kind is None:
        return str(_("Something changed."))
    try:
        return str(kind.message) % {k: str(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return str(kind.label)
