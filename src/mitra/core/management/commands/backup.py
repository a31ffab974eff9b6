"""``mitra backup FILE.zip``: everything Mitra holds, in one file that any Mitra restores.

The data as Django's portable JSON (``dumpdata`` with natural keys: a backup of SQLite restores
into PostgreSQL and back) plus every uploaded document, in a zip. Sessions and the cache are
left out (a restore signs everyone out); content types and permissions are rebuilt by
``migrate``. Run it with the web processes up: it reads in one transaction.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

#: What a backup leaves out: rebuilt by migrate, or not worth keeping.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
FORMAT = "mitra-backup-1"


class Command(BaseCommand):
    help = "Write the database and the uploaded documents to one zip file (mitra restore reads it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the zip file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        data = io.StringIO()
        with transaction.atomic():  # one consistent snapshot
            call_command(
                "dumpdata",
                *[f"--exclude={e}" for e in EXCLUDE],
                "--natural-foreign",
                "--natural-primary",
                stdout=data,
            )
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        with zipfile.ZipFile(options["file"], "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps({"format": FORMAT, "files": len(files)}))
            archive.writestr("data.json", data.getvalue())
            for path in files:
                archive.write(path, f"media/{path.relative_to(media).as_posix()}")
        self.stdout.write(f"Backup written: {options['file']} ({len(files)} documents).")
