"""Reading a CSV or XLSX file into a :class:`Table` of strings (the first step of an import)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError

from ..report import ImportReport

# --------------------------------------------------------------------------------------------
# Reading files


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # every cell a string ("" when empty)
    first_row: int = 2  # the row number of rows[0] as a spreadsheet shows it (header = 1)


def read_table(path: Path, fmt: str, report: ImportReport | None = None) -> Table:
    """Read a CSV (UTF-8 with or without BOM; cp1252 as a fallback, with a warning) or the
    first sheet of an XLSX file into strings."""
    if fmt == "xlsx":
        return _read_xlsx(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ApplicationError(_("No such file: %(path)s") % {"path": path}) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if report is not None:
            report.warn(
                path.name,
                _("The file is not UTF-8; it was read as Windows-1252 (cp1252): check accents."),
            )
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ApplicationError(
            _("The file contains a NUL byte (line %(line)d): it is not a text CSV file.")
            % {"line": line}
        )
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ApplicationError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise ApplicationError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from None
    try:
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ApplicationError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from None
    return Table([h.strip() for h in header], rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ApplicationError(_("No such file: %(path)s") % {"path": path}) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ApplicationError(
            _("The file is not a readable XLSX workbook: %(error)s") % {"error": exc}
        ) from None
    try:
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        try:
            header = [_cell(v).strip() for v in next(it)]
        except StopIteration:
            raise ApplicationError(_("The file is empty.")) from None
        rows = []
        for values in it:
            row = [_cell(v) for v in values]
            if any(c.strip() for c in row):
                rows.append(row)
    finally:
        book.close()
    while header and not header[-1]:
        header.pop()
    return Table(header, rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
