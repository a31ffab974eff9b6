"""``mitra send_digests``: the daily e-mail of people who chose the daily digest (run from cron).

Safe to run again: what was e-mailed is marked and never sent twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mitra.notifications.delivery import send_digests


class Command(BaseCommand):
    help = "E-mail each 'daily digest' user what they were told and not yet e-mailed."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"{sent} digest e-mail(s) sent.")
