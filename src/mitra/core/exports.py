"""Every list a user can see downloads as CSV or XLSX, with headers and labels in their language.

A list view describes its columns once (:class:`Column`: a translated header and how to get the
value from a row) and returns :func:`table_response` when the request asks for ``?export=csv`` or
``?export=xlsx``. Amounts stay exact: a ``Decimal`` goes to CSV as its plain digits and to XLSX as
a number with two decimals, with the currency in a column of its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is a formula to a spreadsheet; imported text could carry one
#: (CSV injection, OWASP), so such text is exported with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation, rendered in the active language
    value: Callable[[Any], Any]


def export_format(request: Any) -> str | None:
    """``csv`` or ``xlsx`` when the request asks for a download, else None."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


def table_response(
    *, rows: Iterable[Any], columns: Sequence[Column], fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    stamp = timezone.localdate().isoformat()
    name = f"{filename}-{stamp}.{fmt}"
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            _csv_lines(rows, columns), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx_bytes(rows, columns, filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[Any], columns: Sequence[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([_text(c.value(row)) for c in columns])


def _xlsx_bytes(rows: Iterable[Any], columns: Sequence[Column], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(c.header) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c.value(row)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if value is None:
        return None
    if isinstance(value, bool | dt.datetime):
        return _text(value)  # spreadsheets keep no time zone: ISO 8601 text is exact
    if isinstance(value, int | float | dt.date):
        return value
    # XLSX (XML 1.0) cannot hold most control characters; openpyxl raises on them, and text
    # pasted or imported from elsewhere may carry one (a vertical tab from a word processor).
    # Removed before the formula check, so that "\x0b=..." cannot turn into a formula.
    return _text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
