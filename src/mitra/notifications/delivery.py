"""E-mail delivery of notifications (immediately, or in the daily digest).

Each e-mail is written in its recipient's language (their ``Preference.language``), as plain text
with an HTML alternative, from the templates ``notifications/email/*``; its subject starts with
"[Mitra]". Django's e-mail backend sends it: the console in development, SMTP in production
(settings ``EMAIL_*``). ``emailed_at`` records that a notification went out, so that nothing is
sent twice: ``send_immediate`` runs after the transaction that created the notifications commits,
and ``send_digests`` (the ``mitra send_digests`` command, daily from cron) is safe to run again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import message
from .models import Frequency, Notification, Preference

logger = logging.getLogger(__name__)


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "MITRA_PUBLIC_URL", "").rstrip("/")
    return base + url


def _preferences(user_ids: Sequence[int]) -> dict[int, Preference]:
    return {p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)}


def _frequency(prefs: dict[int, Preference], user_id: int) -> str:
    pref = prefs.get(user_id)
    return pref.email if pref else Frequency.IMMEDIATELY


def _language(prefs: dict[int, Preference], user_id: int) -> str:
    pref = prefs.get(user_id)
    return pref.language if pref else settings.LANGUAGE_CODE


def _items(notifications: Sequence[Notification]) -> list[dict[str, str]]:
    return [
        {"text": message(n.kind, n.params), "url": _absolute(n.url), "when": n.created_at}
        for n in notifications
    ]


def _send(user: Any, language: str, subject: str, items: list[dict[str, Any]]) -> None:
    with translation.override(language):
        context = {
            "user": user,
            "items": items,
            "subject": subject,
            "language": language,
            "settings_url": _absolute(_preferences_url()),
        }
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    mail = EmailMultiAlternatives(
        subject=f"[Mitra] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    mail.attach_alternative(html, "text/html")
    mail.send()


def _preferences_url() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("notifications:preferences")


def send_immediate(notification_ids: Sequence[int]) -> int:
    """E-mail each notification whose recipient wants e-mails immediately. Returns how many went.

    A notification already e-mailed, or whose recipient has no address, is skipped; a failing
    mail server is logged and leaves ``emailed_at`` empty (the notification stays in the app).
    """
    pending = list(
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    prefs = _preferences([n.recipient_id for n in pending])
    sent = 0
    for n in pending:
        if _frequency(prefs, n.recipient_id) != Frequency.IMMEDIATELY or not n.recipient.email:
            continue
        language = _language(prefs, n.recipient_id)
        with translation.override(language):
            items = _items([n])
            subject = items[0]["text"]
        try:
            _send(n.recipient, language, subject, items)
        except Exception:  # a mail server down must not undo the work that notified
            logger.exception("E-mail of notification %s failed", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_digests() -> int:
    """One e-mail per "daily digest" user listing what they were told and not yet e-mailed.

    Idempotent: each notification is marked ``emailed_at`` when its digest is sent, so running it
    twice sends nothing the second time. Returns the number of e-mails sent.
    """
    daily = Preference.objects.filter(email=Frequency.DAILY).select_related("user")
    by_user: dict[int, list[Notification]] = defaultdict(list)
    pending = Notification.objects.filter(
        recipient_id__in=[p.user_id for p in daily], emailed_at__isnull=True
    ).order_by("created_at", "pk")
    for n in pending:
        by_user[n.recipient_id].append(n)
    sent = 0
    for pref in daily:
        notifications = by_user.get(pref.user_id)
        if not notifications or not pref.user.email or not pref.user.is_active:
            continue
        with translation.override(pref.language):
            items = _items(notifications)
            subject = _("Your daily summary: %(n)s notifications") % {"n": len(items)}
        try:
            _send(pref.user, pref.language, subject, items)
        except Exception:
            logger.exception("Digest e-mail to user %s failed", pref.user_id)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent
