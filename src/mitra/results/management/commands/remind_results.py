"""Remind reporting partners of results reports that are due or late (idempotent: at most one
reminder per period a day). Run it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mitra.results.services import remind_due


class Command(BaseCommand):
    help = "Tell reporting partners of results reports due within 7 days or late."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = remind_due()
        self.stdout.write(f"{sent} reminder(s) sent.")
