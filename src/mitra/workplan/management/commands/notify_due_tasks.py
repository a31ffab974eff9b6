"""``mitra notify_due_tasks [--days N]``: tell who is responsible for each unfinished task due
within N days (default 3), once per task; run it daily from cron. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mitra.workplan.services import tasks_due_notify


class Command(BaseCommand):
    help = "Notify the partners and people responsible for tasks due within N days (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=3, help="How many days ahead (3).")

    def handle(self, *args: Any, **options: Any) -> None:
        told = tasks_due_notify(within_days=max(0, options["days"]))
        self.stdout.write(f"{told} task(s) due soon notified.")
