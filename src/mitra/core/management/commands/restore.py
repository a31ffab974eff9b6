"""``mitra restore FILE.zip``: put a ``mitra backup`` back, into an empty, migrated database.

All or nothing: the data loads in one transaction (``loaddata``); the documents are written
only once it has loaded. Refuses a database that already holds partnerships or organisations,
so a restore never mixes two platforms.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from .backup import FORMAT


class Command(BaseCommand):
    help = "Load a backup written by mitra backup into an empty, migrated database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the zip file mitra backup wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = zipfile.ZipFile(options["file"])
        except (OSError, zipfile.BadZipFile) as exc:
            raise CommandError(f"Not a Mitra backup: {exc}") from None
        with archive:
            manifest = json.loads(archive.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise CommandError(f"Not a Mitra backup (format {manifest.get('format')!r}).")
            for label in ("partnerships.Partnership", "organisations.Organisation"):
                if apps.get_model(label).objects.exists():
                    raise CommandError("The database is not empty: restore into a new one.")
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "data.json"
                data.write_bytes(archive.read("data.json"))
                # The backup holds the audit history itself: loading must not write it again
                # (loaddata's raw saves add none, but many-to-many changes would).
                with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", str(data), verbosity=0)
            media = Path(settings.MEDIA_ROOT)
            count = 0
            for name in archive.namelist():
                if not name.startswith("media/") or name.endswith("/"):
                    continue
                relative = PurePosixPath(name).relative_to("media")
                if ".." in relative.parts:
                    raise CommandError(f"Unsafe path in the backup: {name}")
                target = media.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                count += 1
        self.stdout.write(f"Restored: {options['file']} ({count} documents).")
