"""``mitra export --format ocds|ocds-records|oc4ids [--out FILE] [--code CODE] [--validate DIR]``.

Writes the open-data package of the published partnerships (one, with ``--code``) to FILE or to
standard output. ``--validate DIR`` checks it against the local schemas in DIR (shared/data/ocds
or shared/data/oc4ids): errors and warnings go to standard error, and errors exit with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.errors import ApplicationError
from mitra.disclosure import jsonio, services
from mitra.disclosure.validation import validate_package

FORMATS = ("ocds", "ocds-records", "oc4ids")


class Command(BaseCommand):
    help = "Export published partnerships as OCDS for PPPs or OC4IDS (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            required=True,
            choices=FORMATS,
            help="ocds: release package; ocds-records: record package; oc4ids: project package",
        )
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument("--code", help="only this partnership (its code)")
        parser.add_argument(
            "--validate",
            metavar="SCHEMA_DIR",
            help="validate against the local schemas in this folder (no network)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, code = options["format"], options["code"]
        try:
            if fmt == "ocds":
                if code:
                    # A one-partnership release package: its record's releases, repackaged.
                    package = services.ocds_release_package_for(code=code)
                else:
                    package = services.ocds_release_package()
            elif fmt == "ocds-records":
                package = services.ocds_record_package(code=code)
            else:
                package = services.oc4ids_project_package(code=code)
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        text = jsonio.dumps(package, indent=2)
        if options["out"]:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
        if options["validate"]:
            self._validate(package, Path(options["validate"]))

    def _validate(self, package: dict[str, Any], schema_dir: Path) -> None:
        try:
            result = validate_package(jsonio.loads(jsonio.dumps(package)), schema_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        for issue in result.errors:
            self.stderr.write(f"error {issue.path}: {issue.message}")
        for issue in result.warnings:
            self.stderr.write(f"warning {issue.path}: {issue.message}")
        self.stderr.write(f"{len(result.errors)} errors, {len(result.warnings)} warnings")
        if result.errors:
            raise CommandError("the export does not validate", returncode=1)
