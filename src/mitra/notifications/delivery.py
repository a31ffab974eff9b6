"""E-mail delivery of notifications (immediately, or in the daily digest)."""

from __future__ import annotations

from collections.abc import Sequence


def send_immediate(notification_ids: Sequence[int]) -> None:
    """E-mail each notification whose recipient wants e-mails immediately.

    Placeholder until the notifications work lands: nothing is sent yet.
    """
    return None
