from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mitra.core.demo import run_demo_steps
from mitra.partnerships.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from mitra.partnerships.models import Partnership


class Command(BaseCommand):
    help = "Load Mitra's demo partnerships, organisations and users (password: mitra-demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        has_data = Partnership.objects.exists() or get_user_model().objects.exists()
        if has_data and options["if_empty"]:
            self.stdout.write("The database already has data: demo not loaded.")
        elif has_data:
            raise CommandError("The database already has data; use an empty database for the demo.")
        else:
            created = load_demo()
            run_demo_steps(created)  # what each capability app adds (risk registers, ...)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded: {len(created['partnerships'])} partnerships, "
                    f"{len(created['organisations'])} organisations."
                )
            )
        if get_user_model().objects.filter(username="pemda").exists():
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for username, _org, _role, description in DEMO_LOGINS:
                self.stdout.write(f"  {username:<8} {description}")
            self.stdout.write(
                "  Every other demo organisation has a login '<key>-admin', e.g. mtp-admin."
            )
