"""Escalate the disputes whose step's deadline passed, and flag grievances not acknowledged in
time (run it daily, e.g. from cron: ``mitra disputes_escalate``). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mitra.disputes.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate disputes past their step's deadline and flag late grievance acknowledgements."

    def handle(self, *args: Any, **options: Any) -> None:
        done = escalate_overdue()
        self.stdout.write(
            f"escalated: {len(done['escalated'])}, overdue on the last step: "
            f"{len(done['overdue'])}, grievances past their acknowledgement: "
            f"{len(done['grievances'])}"
        )
