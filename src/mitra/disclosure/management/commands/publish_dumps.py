"""``mitra publish_dumps [--if-out-of-date]``: regenerate the open-data bulk files now.

The files (``disclosure.dumps``) are otherwise regenerated in the background a few minutes after
the public data change (a table import included); run this to have them at once, or from cron
with ``--if-out-of-date``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import filesizeformat

from mitra.disclosure import dumps


class Command(BaseCommand):
    help = "Regenerate the open-data bulk downloads (OCDS, OC4IDS, CSV) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-out-of-date",
            action="store_true",
            help="do nothing when no public data changed since the files were made",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_out_of_date"] and not dumps.is_dirty():
            self.stdout.write("The open-data files are up to date.")
            return
        files = dumps.publish()
        for f in files:
            self.stdout.write(f"{f['name']}: {f['items']} items, {filesizeformat(f['size'])}")
        self.stdout.write(f"Written to {dumps.directory()}")
