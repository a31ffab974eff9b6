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

Big lists: a CSV streams (the header line goes out at once, then the rows in batches); an XLSX is
written in write-only mode. A list view that may be
large reads lean rows (``values()`` dicts, labels of choices looked up once per export through
:func:`choice_label`, never ``get_FOO_display`` per row) and, above :func:`stream_limit` rows,
hands the export to a background job (``mitra.jobs.exports``) instead of holding a worker: the
rows of such a list are described once as an export *source* (:func:`source`, a function
returning a :class:`Table`), which the view and the job both call, so the file is the same
either way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_countries import countries
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is a formula to a spreadsheet; imported text could carry one
#: (CSV injection, OWASP), so such text is exported with a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Rows written per batch of a CSV (one chunk of the stream, one language switch).
BATCH = 500
#: Above this many rows a list's export is prepared in the background (MITRA_EXPORT_STREAM_LIMIT).
#: 5,000 lean rows stream in well under a second; the server's timeout is 30 s.
STREAM_LIMIT = 5000


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
        # Written in write-only mode (rows are not kept); at most stream_limit() rows reach here,
        # a few hundred kilobytes, so the file is answered whole. Larger lists are jobs.
        out = io.BytesIO()
        write_xlsx(out, rows, columns, filename)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def stream_limit() -> int:
    """How many rows a list exports in the request; above it the export is a background job."""
    return int(getattr(settings, "MITRA_EXPORT_STREAM_LIMIT", STREAM_LIMIT))


# --- lean rows: labels looked up once per export ----------------------------------------------

_LABELS: dict[tuple[Any, str], dict[str, str]] = {}


def choice_label(choices: Any, value: Any) -> str:
    """The label of ``value`` among ``choices`` (a TextChoices class) in the active language,
    from a dict built once per language (no lazy translation per row)."""
    key = (choices, translation.get_language() or "")
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {str(v): str(label) for v, label in choices.choices}
    if value is None or value == "":
        return ""
    return labels.get(str(value), str(value))


def country_name(code: Any, unknown: str | None = None) -> str:
    """A country's name in the active language (``Country.name`` without the object); for a
    code without a name, `unknown`, else the code itself."""
    if not code:
        return ""
    key = ("country", translation.get_language() or "")
    names = _LABELS.setdefault(key, {})
    name = names.get(code)
    if name is None:
        name = names[code] = str(countries.name(code))
    return name or (code if unknown is None else unknown)


def chunked(iterable: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


# --- sources: a list's rows, for the request and for the background job -----------------------


@dataclass(frozen=True)
class Table:
    """A list to export: its rows (an iterable read once), columns, file name and size."""

    rows: Iterable[Any]
    columns: Sequence[Column]
    filename: str
    #: How many rows, counted up to ``limit + 1`` at most (never a full count).
    size: Callable[[int], int]


def source(dotted_path: str) -> Callable[..., Table]:
    """An export source by dotted path: ``source(*, user, query) -> Table``, where ``query`` is
    the list's query string as a dict of lists (JSON, so that a background job can run it
    again). Only Mitra's own functions are sources."""
    if not dotted_path.startswith("mitra.") or not dotted_path.endswith("_table"):
        raise ValueError(f"not an export source: {dotted_path!r}")
    return import_string(dotted_path)  # type: ignore[no-any-return]


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
    # A byte-order mark so that spreadsheet programs read the file as UTF-8. The header goes out
    # before any row is read: the first byte never waits for the query.
    with translation.override(style.language), timezone.override(style.zone):
        yield "\ufeff" + str(writer.writerow([str(c.header) for c in columns]))
    it = iter(rows)
    while True:
        # Each batch in the request's language and zone, never left active between batches; the
        # rows are read inside too, so a lean source builds its labels in that language.
        with translation.override(style.language), timezone.override(style.zone):
            batch = list(islice(it, BATCH))
            if not batch:
                return
            text = "".join(
                writer.writerow([_text(c.value(row), style) for c in columns]) for row in batch
            )
        yield text


def write_csv(
    out: IO[bytes],
    rows: Iterable[Any],
    columns: Sequence[Column],
    style: CsvStyle | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a CSV file (as :func:`table_response` streams it); returns the number of rows."""
    count = 0

    def counted() -> Iterator[Any]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for text in _csv_lines(counted(), columns, style):
        out.write(text.encode("utf-8"))
        if progress is not None and count:
            progress(count)
    return count


def write_xlsx(
    out: IO[bytes],
    rows: Iterable[Any],
    columns: Sequence[Column],
    title: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write an XLSX (openpyxl write-only: rows are not kept in memory); returns the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(c.header) for c in columns])
    count = 0
    for batch in chunked(rows, BATCH):
        for row in batch:
            sheet.append([_xlsx_cell(sheet, c.value(row)) for c in columns])
        count += len(batch)
        if progress is not None:
            progress(count)
    book.save(out)
    return count


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
