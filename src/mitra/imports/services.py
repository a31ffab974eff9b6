"""Imports: one entry point per way data comes in; every importer is all-or-nothing.

``import_file`` reads a file in one of the supported formats and hands it to its importer:
OCDS release/record packages (:mod:`.ocds`), OC4IDS project packages (:mod:`.oc4ids`) and CSV/XLSX
tables through a column mapping (:mod:`.tables`). Each importer validates everything first and
raises :class:`~.report.ImportRefused` with every error, or writes it all in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError, PermissionDenied

from .report import ImportReport

FORMATS = ("ocds", "oc4ids", "csv", "xlsx")
Progress = Callable[[int, int], None]


def can_import(actor: Any) -> bool:
    """Imports write many organisations and partnerships at once: platform staff only."""
    return bool(getattr(actor, "is_staff", False))


def import_file(
    *,
    actor: Any,
    path: str | Path,
    fmt: str,
    mapping: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    check_permission: bool = True,
) -> ImportReport:
    """Import ``path`` as ``fmt``. ``check_permission=False`` only for the command line, whose
    user is the operator of the server."""
    if check_permission and not can_import(actor):
        raise PermissionDenied(_("Only platform staff may import data."))
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown format %(fmt)s.") % {"fmt": fmt}, {"field": "format"})
    path = Path(path)
    if fmt in ("csv", "xlsx"):
        from .tables import import_table, load_mapping

        if not mapping:
            raise ApplicationError(
                _("A table import needs a column mapping."), {"field": "mapping"}
            )
        return import_table(
            path,
            fmt=fmt,
            mapping=load_mapping(mapping),
            actor=actor,
            dry_run=dry_run,
            progress=progress,
        )
    data = read_json(path)
    if fmt == "ocds":
        from .ocds import import_ocds

        return import_ocds(data, source=path.name, actor=actor, dry_run=dry_run, progress=progress)
    from .oc4ids import import_oc4ids

    return import_oc4ids(data, source=path.name, actor=actor, dry_run=dry_run, progress=progress)


def read_json(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ApplicationError(_("No such file: %(path)s") % {"path": path}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            _("%(path)s is not valid JSON: %(error)s") % {"path": path.name, "error": exc}
        ) from None
