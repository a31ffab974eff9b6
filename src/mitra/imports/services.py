"""Imports: one entry point per way data comes in; every importer is all-or-nothing by
default (a table import may instead import its valid rows and list the rejected ones).

``import_file`` reads a file in one of the supported formats and hands it to its importer:
OCDS release/record packages (:mod:`.ocds`), OC4IDS project packages (:mod:`.oc4ids`) and CSV/XLSX
tables through a column mapping (:mod:`.tables`). Each importer validates everything first and
raises :class:`~.report.ImportRefused` with every error, or writes it all in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError, PermissionDenied

from .report import ALL_OR_NOTHING, MODES, VALID_ROWS, ImportRefused, ImportReport

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
    mode: str = ALL_OR_NOTHING,
    job: Any = None,
    filename: str = "",
) -> ImportReport:
    """Import ``path`` as ``fmt``. ``check_permission=False`` only for the command line, whose
    user is the operator of the server.

    ``mode``: ``all_or_nothing`` (the default: any error refuses the file) or ``valid_rows``
    (tables only: the valid rows are imported, the rejected ones listed in the report). Every
    import that is not a dry run is recorded as an :class:`~.models.ImportRun` with its mode and
    report (``job``: the background job that ran it)."""
    if check_permission and not can_import(actor):
        raise PermissionDenied(_("Only platform staff may import data."))
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown format %(fmt)s.") % {"fmt": fmt}, {"field": "format"})
    if mode not in MODES:
        raise ApplicationError(
            _("Unknown import mode %(mode)s.") % {"mode": mode}, {"field": "mode"}
        )
    if mode == VALID_ROWS and fmt not in ("csv", "xlsx"):
        raise ApplicationError(
            _("Only table imports (CSV, XLSX) can import the valid rows alone."), {"field": "mode"}
        )
    if dry_run:
        return _run(actor, Path(path), fmt, mapping, dry_run, progress, mode)
    try:
        report = _run(actor, Path(path), fmt, mapping, dry_run, progress, mode)
    except ImportRefused as exc:
        _record(actor, exc.report, fmt, mapping, job, filename or Path(path).name, ok=False)
        raise
    _record(actor, report, fmt, mapping, job, filename or Path(path).name, ok=True)
    return report


def _record(
    actor: Any,
    report: ImportReport,
    fmt: str,
    mapping: str | None,
    job: Any,
    filename: str,
    *,
    ok: bool,
) -> None:
    from .models import ImportRun

    ImportRun.objects.create(
        job=job,
        format=fmt,
        source=(mapping or report.source or "")[:200],
        filename=filename[:200],
        mode=report.mode,
        succeeded=ok,
        rows=report.rows,
        rejected_rows=report.rejected_rows,
        report=report.to_dict(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _run(
    actor: Any,
    path: Path,
    fmt: str,
    mapping: str | None,
    dry_run: bool,
    progress: Progress | None,
    mode: str,
) -> ImportReport:
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
            mode=mode,
        )
    data = read_json(path)
    if fmt == "ocds":
        from .ocds import import_ocds

        return import_ocds(data, source=path.name, actor=actor, dry_run=dry_run, progress=progress)
    from .oc4ids import import_oc4ids

    return import_oc4ids(data, source=path.name, actor=actor, dry_run=dry_run, progress=progress)


#: How deeply the JSON of an import may nest. Real OCDS/OC4IDS data nests about ten levels; the
#: importers, the stored other data and the page that shows it walk the tree recursively, so a
#: deeper file is refused here with a clear error instead of failing half-way (RecursionError).
MAX_DEPTH = 64


def read_json(path: Path) -> Any:
    """The file's JSON, numbers with a fraction as exact ``Decimal`` (never float: a float keeps
    ~16 significant digits, so 12345678901234567.89 would become ...568)."""
    try:
        with path.open("rb") as f:
            data = json.load(f, parse_float=Decimal)
    except FileNotFoundError:
        raise ApplicationError(_("No such file: %(path)s") % {"path": path}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            _("%(path)s is not valid JSON: %(error)s") % {"path": path.name, "error": exc}
        ) from None
    except RecursionError:
        too_deep = True
    else:
        too_deep = _too_deep(data)
    if too_deep:
        raise ApplicationError(
            _("%(path)s nests deeper than %(n)d levels; it cannot be imported.")
            % {"path": path.name, "n": MAX_DEPTH}
        )
    return data


def _too_deep(data: Any) -> bool:
    """Whether the tree nests deeper than MAX_DEPTH (checked without recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def upload_dir() -> Path:
    """Where uploaded tables wait for their import: MEDIA_ROOT/imports (never served by URL)."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports"


#: An upload nobody imported or discarded is removed after this long (abandoned).
UPLOAD_MAX_AGE = timedelta(days=2)


def upload_discard(token: str) -> None:
    """Remove an uploaded table and its metadata (imported, or abandoned by its uploader)."""
    for suffix in ("csv", "xlsx", "json"):
        (upload_dir() / f"{token}.{suffix}").unlink(missing_ok=True)


def uploads_sweep(max_age: timedelta = UPLOAD_MAX_AGE) -> int:
    """Remove the uploads older than ``max_age`` (abandoned: never imported nor discarded);
    returns how many. Run at each upload, so the folder never keeps them for long."""
    import time

    folder = upload_dir()
    if not folder.is_dir():
        return 0
    limit = time.time() - max_age.total_seconds()
    removed: set[str] = set()
    for path in folder.iterdir():  # the table and its metadata; an orphan of either too
        try:
            old = path.is_file() and path.stat().st_mtime < limit
        except FileNotFoundError:
            continue
        if old:
            path.unlink(missing_ok=True)
            removed.add(path.stem)
    return len(removed)


def _uploaded_table(params: dict[str, Any]) -> Path:
    path = upload_dir() / f"{params['token']}.{params['fmt']}"
    if not path.is_file():
        raise ApplicationError(
            _(
                "The uploaded file is no longer here: it was imported, discarded, or left "
                "unused for more than %(days)d days. Upload it again."
            )
            % {"days": UPLOAD_MAX_AGE.days}
        )
    return path


def _check_staff(actor: Any) -> None:
    if not can_import(actor):
        raise PermissionDenied(_("Only platform staff may import data."))


def table_preview_job(job: Any, progress: Progress) -> dict[str, Any]:
    """Job handler ``imports.preview``: the first partnerships of an uploaded table as the
    mapping parses them, and the full report of a dry run (nothing written). Params: ``token``,
    ``fmt``, ``mapping``, ``mode``. The upload is kept for the import."""
    from .tables import import_table, load_mapping, preview_table

    _check_staff(job.created_by)
    params = job.params
    path = _uploaded_table(params)
    mapping = load_mapping(params["mapping"])
    progress(0, 1)
    preview = preview_table(path, fmt=params["fmt"], mapping=mapping)
    report = import_table(
        path,
        fmt=params["fmt"],
        mapping=mapping,
        actor=job.created_by,
        dry_run=True,
        progress=progress,
        mode=params.get("mode", ALL_OR_NOTHING),
    )
    # Amounts as exact text (the job's result is JSON): never a float.
    preview = json.loads(json.dumps(preview, default=str))
    return {"preview": preview, "report": report.to_dict()}


#: Column names (normalised: lower case, words joined by "_") → the mapping builder's target.
#: Indonesian and English names; a column matches when one of its words is a key.
COLUMN_GUESSES = {
    "id": ("id", "kode", "code", "rcn", "nomor"),
    "title": ("nama", "name", "judul", "title"),
    "summary": ("deskripsi", "description", "ringkasan", "summary", "uraian"),
    "country": ("negara", "country"),
    "province": ("provinsi", "province"),
    "regency": ("kabupaten", "kota", "regency", "city", "kabupaten_kota"),
    "start_date": ("mulai", "start", "start_date", "tanggal_mulai"),
    "end_date": ("selesai", "end", "end_date", "tanggal_selesai"),
    "estimated_value": ("nilai", "value", "biaya", "cost", "capex", "total_cost", "anggaran"),
    "agency": ("pjpk", "agency", "instansi", "lembaga"),
}


def guess_targets(columns: list[str]) -> dict[str, str]:
    """A first guess of the mapping builder: ``col_<i>`` → target, each target at most once,
    from the column names alone (the person checks and changes it before saving)."""
    guesses: dict[str, str] = {}
    taken: set[str] = set()
    for i, column in enumerate(columns):
        name = "_".join(re.findall(r"[0-9a-z]+", column.casefold()))
        words = {name, *name.split("_")}
        for target, keys in COLUMN_GUESSES.items():
            if target not in taken and words & set(keys):
                guesses[f"col_{i}"] = target
                taken.add(target)
                break
    return guesses


def table_columns_job(job: Any, progress: Progress) -> dict[str, Any]:
    """Job handler ``imports.columns``: the header of an uploaded table and a first guess of
    the column each target reads, for the mapping builder. Params: ``token``, ``fmt``."""
    from .tables import read_table

    _check_staff(job.created_by)
    progress(0, 1)
    columns = read_table(_uploaded_table(job.params), job.params["fmt"]).header
    progress(1, 1)
    return {"columns": columns, "guesses": guess_targets(columns)}


def table_import_job(job: Any, progress: Progress) -> dict[str, Any]:
    """Job handler ``imports.table``: imports an uploaded table (params: ``token``, ``fmt``,
    ``mapping``, ``filename``) as the job's creator. An error refuses the whole file: the job
    fails with the report (every error) as its result, and nothing is written."""
    from django.urls import reverse

    from .report import ImportRefused, counts_text

    params = job.params
    path = upload_dir() / f"{params['token']}.{params['fmt']}"
    try:
        report = import_file(
            actor=job.created_by,
            path=path,
            fmt=params["fmt"],
            mapping=params["mapping"],
            progress=progress,
            mode=params.get("mode", ALL_OR_NOTHING),
            job=job,
            filename=params.get("filename", ""),
        )
    except ImportRefused as exc:
        exc.extra["url"] = reverse("imports:report", args=[job.pk])
        raise
    finally:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)

    summary = {
        _("File"): params.get("filename", ""),
        _("Mapping"): params["mapping"],
        _("Rows"): report.rows,
        _("Rows with errors"): str(MODES[report.mode]),
        _("Rows rejected"): report.rejected_rows,
        _("Created"): counts_text(report.created),
        _("Updated"): counts_text(report.updated),
        _("Unchanged"): counts_text(report.unchanged),
        _("Warnings"): len(report.warnings),
    }
    return {
        "summary": summary,
        "report": report.to_dict(),
        "url": reverse("imports:report", args=[job.pk]),
    }
