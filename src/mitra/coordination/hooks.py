"""Callbacks run when an invitation is answered or withdrawn, for apps above coordination.

Coordination must not import the apps that sit above it (import-linter layers), yet some of them
create invitations and must act on the answer: matching, for instance, creates the commitment of
an accepted offer once the offering organisation's administrators accept the invitation. Such an
app registers a listener in its ``AppConfig.ready()``::

    register_invitation_listener("matching", on_answer)

``on_answer(invitation=..., actor=...)`` is called inside the answering transaction, after the
invitation is saved (and, when accepted, after the organisation became a partner:
``invitation.member``). An exception it raises undoes the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]

_LISTENERS: dict[str, Listener] = {}


def register_invitation_listener(key: str, listener: Listener) -> None:
    """Register (or replace, by ``key``) a listener called on every answered or withdrawn
    invitation."""
    _LISTENERS[key] = listener


def invitation_answered(*, invitation: Any, actor: Any) -> None:
    """Tell every listener, in the order they registered."""
    for listener in list(_LISTENERS.values()):
        listener(invitation=invitation, actor=actor)
