"""The finance model as files: the JSON spec ``mitra finance`` reads, and Mitra's XLSX template
(openpyxl; bilingual labels), both ways. Reading is all or nothing: every problem is reported with
the JSON path it concerns (``$.debt.rate``), the cell it came from when it came from a workbook.

The workbook has two sheets:

- **Model**: one row per input of the spec (column A the key, e.g. ``debt.rate``; B and C the
  Indonesian and English labels; D the value as the spec has it — rates as decimals, 0.08 = 8%;
  E a note). Ramp-up and permanent cuts are written ``0.7; 0.85`` and ``2035: 0.1; 2038: 0.2``.
- **By year** (Per tahun): calendar years with the construction capex, the land acquisition and
  the other costs of each year.

An exported spec imported again gives the same spec (tests round-trip the three examples).
"""

from __future__ import annotations

import io
import re
from typing import Any
from zipfile import BadZipFile

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from .forms import FIELDS, GROUPS, SPEC_VERSION, Field, parse_json_bytes
from .services import InvalidSpec, check_spec

MODEL_SHEET = "Model"
YEARS_SHEET = "By year"
#: The keys written in the By-year sheet instead of the Model sheet.
YEAR_KEYS = ("capex", "land_acquisition", "other_costs")
HEAD = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="DDEBF7")


def _both(text: Any) -> tuple[str, str]:
    with translation.override("id"):
        indonesian = str(text)
    with translation.override("en"):
        english = str(text)
    return indonesian, english


# --------------------------------------------------------------------------- JSON


def spec_from_json(data: bytes) -> dict[str, Any]:
    """A valid spec from JSON bytes, or :class:`InvalidSpec` with every problem."""
    try:
        spec = parse_json_bytes(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidSpec(
            [{"path": "$", "message": _("not a JSON file: %(error)s") % {"error": exc}}]
        ) from None
    check_spec(spec)
    return spec  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- XLSX out


def _model_rows(spec: dict[str, Any] | None) -> list[tuple[Field | None, Any, Any]]:
    rows: list[tuple[Field | None, Any, Any]] = []
    for key, title, _intro in GROUPS:
        rows.append((None, title, None))
        for f in FIELDS:
            if f.group != key or f.key in YEAR_KEYS:
                continue
            value = None
            if spec is not None:
                node: Any = spec
                for part in f.path:
                    node = node.get(part) if isinstance(node, dict) else None
                value = node
            rows.append((f, f.label, _cell_value(f, value)))
    return rows


def _cell_value(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.kind == "ramp":
        return "; ".join(repr(float(v)) if isinstance(v, float) else str(v) for v in value)
    if f.kind == "deductions":
        return "; ".join(f"{d['from_year']}: {d['fraction']!r}" for d in value)
    return value


def _note(f: Field) -> str:
    if f.kind == "rate":
        return _("decimal: 0.08 = 8%")
    if f.kind == "ramp":
        return _("multipliers separated by semicolons, e.g. 0.7; 0.85")
    if f.kind == "deductions":
        return _("year: share cut, separated by semicolons, e.g. 2035: 0.1")
    if f.kind == "unit":
        return _("e.g. 1000000000 = billions")
    if f.kind == "repayment":
        return "annuity | sculpted"
    if f.kind == "currency":
        return _("ISO 4217 code, e.g. IDR")
    return ""


def spec_to_xlsx(spec: dict[str, Any] | None) -> bytes:
    """The workbook of a spec (None: the empty template)."""
    book = Workbook()
    sheet = book.active
    sheet.title = MODEL_SHEET
    sheet.append(["key", "Keterangan", "Label", _("Value"), _("Note")])
    for cell in sheet[1]:
        cell.font = HEAD
    sheet.append(["spec_version", "Versi format", "Format version", SPEC_VERSION, ""])
    for f, label, value in _model_rows(spec):
        indonesian, english = _both(label)
        if f is None:
            sheet.append(["", indonesian, english, None, None])
            for cell in sheet[sheet.max_row]:
                cell.font = HEAD
                cell.fill = GROUP_FILL
            continue
        sheet.append([f.key, indonesian, english, value, _note(f)])
    for column, width in zip("ABCDE", (32, 44, 44, 24, 44), strict=True):
        sheet.column_dimensions[column].width = width

    years = book.create_sheet(YEARS_SHEET)
    labels = [
        _both(t)
        for t in (_("Year"), _("Construction capex"), _("Land acquisition"), _("Other costs"))
    ]
    years.append(["year", "capex", "land_acquisition", "other_costs"])
    years.append([i for i, _e in labels])
    years.append([e for _i, e in labels])
    for row in (1, 2, 3):
        for cell in years[row]:
            cell.font = HEAD
    if spec is not None:
        start = spec["start_year"]
        handback = spec["handback_year"]
        capex = spec.get("capex", [])
        land = spec.get("land_acquisition")
        other = spec.get("other_costs", {})
        for i, year in enumerate(range(start, handback + 1)):
            years.append(
                [
                    year,
                    capex[i] if i < len(capex) else None,
                    land[i] if land is not None and i < len(land) else None,
                    other.get(str(year)),
                ]
            )
    for column in "ABCD":
        years.column_dimensions[column].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- XLSX in


def _issue(path: str, message: str, where: str) -> dict[str, str]:
    return {"path": path, "message": f"{message} ({where})"}


def _as_number(value: Any) -> float | int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return value
    text = str(value).strip().replace(",", ".")
    number = float(text)
    return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", text) else number


def _typed(f: Field, value: Any) -> Any:
    if f.kind in ("str", "text", "currency", "repayment"):
        return str(value).strip() if not isinstance(value, float | int) else str(value)
    if f.kind == "int":
        number = _as_number(value)
        if isinstance(number, float):
            if not number.is_integer():
                raise ValueError
            number = int(number)
        return number
    if f.kind == "ramp":
        return [_as_number(p) for p in str(value).split(";") if p.strip()]
    if f.kind == "deductions":
        out = []
        for part in (p.strip() for p in str(value).split(";")):
            if not part:
                continue
            year, _sep, fraction = part.partition(":")
            out.append({"from_year": int(year.strip()), "fraction": _as_number(fraction)})
        return out
    return _as_number(value)


def spec_from_xlsx(data: bytes) -> dict[str, Any]:
    """A valid spec from a filled-in template, or :class:`InvalidSpec` with every problem."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InvalidSpec(
            [{"path": "$", "message": _("not an XLSX workbook: %(error)s") % {"error": exc}}]
        ) from None
    issues: list[dict[str, str]] = []
    spec: dict[str, Any] = {}
    by_key = {f.key: f for f in FIELDS}
    if MODEL_SHEET not in book.sheetnames:
        raise InvalidSpec(
            [
                {
                    "path": "$",
                    "message": _("the workbook has no sheet “%(name)s”") % {"name": MODEL_SHEET},
                }
            ]
        )
    for rownum, row in enumerate(book[MODEL_SHEET].iter_rows(min_row=2, values_only=True), start=2):
        if not row or not row[0]:
            continue
        key = str(row[0]).strip()
        value = row[3] if len(row) > 3 else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        where = _("sheet %(sheet)s, cell D%(row)s") % {"sheet": MODEL_SHEET, "row": rownum}
        if key == "spec_version":
            spec["spec_version"] = str(value).strip()
            continue
        f = by_key.get(key)
        if f is None or f.key in YEAR_KEYS:
            issues.append(_issue("$." + key, _("unknown key"), where))
            continue
        try:
            typed = _typed(f, value)
        except (ValueError, TypeError):
            issues.append(
                _issue("$." + f.key, _("not a valid value: %(value)s") % {"value": value}, where)
            )
            continue
        node = spec
        for part in f.path[:-1]:
            node = node.setdefault(part, {})
        node[f.path[-1]] = typed
    if YEARS_SHEET in book.sheetnames:
        capex: list[Any] = []
        land: list[Any] = []
        other: dict[str, Any] = {}
        for rownum, row in enumerate(
            book[YEARS_SHEET].iter_rows(min_row=4, values_only=True), start=4
        ):
            if not row or row[0] is None:
                continue
            cells = list(row) + [None] * 4
            where = _("sheet %(sheet)s, row %(row)s") % {"sheet": YEARS_SHEET, "row": rownum}
            try:
                year = int(_as_number(cells[0]))
            except (ValueError, TypeError):
                issues.append(
                    _issue("$.capex", _("not a year: %(value)s") % {"value": cells[0]}, where)
                )
                continue
            for target, index, path in ((capex, 1, "$.capex"), (land, 2, "$.land_acquisition")):
                if cells[index] is None:
                    continue
                try:
                    target.append(_as_number(cells[index]))
                except (ValueError, TypeError):
                    issues.append(
                        _issue(path, _("not a number: %(value)s") % {"value": cells[index]}, where)
                    )
            if cells[3] is not None:
                try:
                    other[str(year)] = _as_number(cells[3])
                except (ValueError, TypeError):
                    issues.append(
                        _issue(
                            f"$.other_costs.{year}",
                            _("not a number: %(value)s") % {"value": cells[3]},
                            where,
                        )
                    )
        if capex:
            spec["capex"] = capex
        if land:
            spec["land_acquisition"] = land
        if other:
            spec["other_costs"] = other
    if issues:
        raise InvalidSpec(issues)
    check_spec(_ordered(spec))
    return _ordered(spec)


def _ordered(spec: dict[str, Any]) -> dict[str, Any]:
    """The keys in the order of the JSON examples (spec_version, name, ... ), for readable files."""
    order = [
        "spec_version",
        "name",
        "description",
        "currency",
        "amount_unit",
        "start_year",
        "construction_years",
        "handback_year",
        "price_base_year",
        "discount_rates",
        "capex",
        "land_acquisition",
        "opex",
        "other_costs",
        "user_pays",
        "availability_payment",
        "subsidy",
        "concession_fee",
        "vgf",
        "debt",
        "tax",
        "guarantee",
    ]
    return {k: spec[k] for k in sorted(spec, key=lambda k: order.index(k) if k in order else 99)}


def spec_from_upload(name: str, data: bytes) -> dict[str, Any]:
    """A JSON or XLSX upload (by its name, else by its first bytes)."""
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return spec_from_xlsx(data)
    return spec_from_json(data)
