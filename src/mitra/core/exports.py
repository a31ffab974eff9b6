"""Every list a user can see downloads as CSV or XLSX, with headers and labels in their language.

A list view describes its columns once (:class:`Column`: a translated header and how to get the
value from a row) and returns :func:`table_response` when the request asks for ``?export=csv`` or
``?export=xlsx``. Amounts stay exact: a ``Decimal`` goes to CSV with all its digits (no grouping)
and to XLSX as a number with two decimals, with the currency in a column of its own.

A CSV follows the reader's language, as a spreadsheet program set to that language reads it:
in Indonesian, decimal comma, ``;`` between cells, dates as 31/12/2026 and times as
31/12/2026 14:05:00 in the reader's zone with its abbreviation (WIB, WITA, WIT); in English,
decimal point, ``,`` between cells and ISO 8601. An XLSX keeps typed numbers and dates
whatever the language; the machine exports (OCDS, the API) never change with it.
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
from django.utils import timezone, translation
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
        # The rows stream after the view (and the middleware) returned: the language and the zone
        # of the request are taken now and used while the file is written.
        style = csv_style()
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            _csv_lines(rows, columns, style), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx_bytes(rows, columns, filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV writes cells for its reader: language, zone, cell delimiter, decimal mark."""

    language: str
    zone: Any
    delimiter: str
    decimal: str

    @property
    def localized(self) -> bool:
        return self.decimal != "."


def csv_style(language: str | None = None) -> CsvStyle:
    """The CSV style of the active language (or ``language``) and time zone."""
    lang = (language or translation.get_language() or "id")[:2]
    zone = timezone.get_current_timezone()
    if lang == "id":
        return CsvStyle(language=lang, zone=zone, delimiter=";", decimal=",")
    return CsvStyle(language=lang, zone=zone, delimiter=",", decimal=".")


def _text(value: Any, style: CsvStyle | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    localized = style is not None and style.localized
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", style.decimal) if localized and style else text
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", style.decimal) if localized and style else text
    if isinstance(value, dt.datetime):
        if localized and style:
            local = timezone.localtime(value, style.zone) if timezone.is_aware(value) else value
            return f"{local:%d/%m/%Y %H:%M:%S} {local.tzname() or ''}".rstrip()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}" if localized else value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(
    rows: Iterable[Any], columns: Sequence[Column], style: CsvStyle | None = None
) -> Iterator[str]:
    style = style or csv_style()
    writer = csv.writer(_Echo(), delimiter=style.delimiter)

    def line(cells: Callable[[], list[str]]) -> str:
        # Each line in the request's language and zone, never left active between lines.
        with translation.override(style.language), timezone.override(style.zone):
            return str(writer.writerow(cells()))

    # A byte-order mark so that spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + line(lambda: [str(c.header) for c in columns])
    for row in rows:
        yield line(lambda row=row: [_text(c.value(row), style) for c in columns])


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
