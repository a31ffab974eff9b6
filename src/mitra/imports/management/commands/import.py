"""``mitra import FILE --format ocds|oc4ids|csv|xlsx [--mapping NAME_OR_FILE] [--dry-run]
[--valid-rows [--rejected FILE.csv]]``."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.core.errors import ApplicationError
from mitra.imports.report import ALL_OR_NOTHING, VALID_ROWS, ImportRefused, ImportReport
from mitra.imports.services import FORMATS, import_file


class Command(BaseCommand):
    help = (
        "Import OCDS, OC4IDS or a CSV/XLSX table (all or nothing unless --valid-rows; "
        "prints a report)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--mapping", help="saved mapping name (e.g. id-kpbu-kemenkeu-projects) or a JSON file"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="tables: import the valid rows and list the rejected ones (default: any error "
            "refuses the whole file)",
        )
        parser.add_argument(
            "--rejected", metavar="FILE", help="with --valid-rows: write the rejected rows as CSV"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_file(
                actor=None,
                path=options["file"],
                fmt=options["format"],
                mapping=options["mapping"],
                dry_run=options["dry_run"],
                check_permission=False,
                mode=VALID_ROWS if options["valid_rows"] else ALL_OR_NOTHING,
            )
        except ImportRefused as exc:
            self._print(exc.report, options["json"])
            raise CommandError(str(exc), returncode=2) from None
        except ApplicationError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self._print(report, options["json"])
        if options["rejected"]:
            with open(options["rejected"], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["row", "id", "where", "value", "reason"])
                for r in report.rejected:
                    writer.writerow([r.row, r.source_id, r.where, r.value, r.message])

    def _print(self, report: ImportReport, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        out = self.stdout if report.ok else sys.stderr
        verb = "would create" if report.dry_run else "created"
        out.write(f"mode: {report.mode}\n")
        for label, counts in (
            (verb, report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            if counts:
                out.write(
                    f"{label}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + "\n"
                )
        for w in report.warnings:
            out.write(
                f"warning: {w.where}: {w.message}" + (f" ({w.value})" if w.value else "") + "\n"
            )
        for r in report.rejected:
            out.write(
                f"rejected: row {r.row}: {r.where}: {r.message}"
                + (f" ({r.value})" if r.value else "")
                + "\n"
            )
        for e in report.errors:
            out.write(
                f"error: {e.where}: {e.message}" + (f" ({e.value})" if e.value else "") + "\n"
            )
