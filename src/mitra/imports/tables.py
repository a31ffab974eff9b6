"""CSV/XLSX table imports through a column mapping (docs/imports.md, "Table imports").

A mapping (a JSON document, see ``mappings/mapping.schema.json``) says which column feeds which
field of a partnership, how each cell is parsed (placeholders, units, enums, dates), which
column(s) identify a row in its source, whether several rows form one partnership (H2020: one
row per participant), and which organisations each row names (an agency by name, sponsors in a
"Name (29% / France)" cell, participants by register identifier).

``import_table`` works in two passes: it reads and checks every row first, building the whole
import in memory; any error refuses the file (:class:`~.report.ImportRefused`, every error
listed, nothing written). Then it matches what exists in bulk — organisations by (scheme,
identifier), by name and by the mapping's alias table; partnerships by (source, source_id) — and
writes the difference in one transaction with ``bulk_create_with_history`` /
``bulk_update_with_history``. Re-importing the same file therefore creates nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from mitra.core.choices import Currency
from mitra.core.errors import ApplicationError
from mitra.core.fields import MAX_VALUE
from mitra.organisations.models import Organisation, Sector
from mitra.organisations.regions import subdivisions
from mitra.partnerships.models import (
    CODE_PREFIX,
    REQUIRED_SECTORS,
    DevelopmentSector,
    MemberRole,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Role,
    Stage,
    Visibility,
)

from .bulk import insert_with_history, reserve_ids
from .report import ImportRefused, ImportReport

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
SCHEMA_PATH = MAPPINGS_DIR / "mapping.schema.json"
Progress = Callable[[int, int], None]
#: Rows between two progress reports, and rows per INSERT/UPDATE batch.
PROGRESS_EVERY = 2000
BATCH_SIZE = 1000
#: Fuzzy-match scores from this value up put an organisation on the review queue.
REVIEW_THRESHOLD = 0.5
#: Partnership fields an import sets; compared on re-import to tell "updated" from "unchanged".
PARTNERSHIP_FIELDS = (
    "title_ind",
    "title_en",
    "summary_ind",
    "summary_en",
    "form",
    "development_sector",
    "country",
    "province",
    "regency",
    "stage",
    "start_date",
    "end_date",
    "estimated_value",
    "currency",
    "other_data",
)
NOT_PUBLISHED = "not published"
#: Column sizes a value must fit (PostgreSQL refuses longer text in the middle of the write).
SOURCE_ID_MAX = Partnership._meta.get_field("source_id").max_length or 200
IDENTIFIER_MAX = Organisation._meta.get_field("identifier").max_length or 100
MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}


# --------------------------------------------------------------------------------------------
# Mappings


@dataclass
class TableMapping:
    """A loaded, schema-checked mapping: ``spec`` is the JSON document as written."""

    name: str
    spec: dict[str, Any]
    path: str = ""

    @property
    def title(self) -> str:
        return str(self.spec.get("title") or self.name)

    @property
    def placeholders(self) -> set[str]:
        return {p.strip().casefold() for p in self.spec.get("placeholders", [])}

    def columns(self) -> list[str]:
        """Every column the mapping reads (a file must have them all)."""
        found: list[str] = list(self.spec.get("id_columns", []))

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("column", "identifier_column", "sector_column", "role_column"):
                        if isinstance(value, str):
                            found.append(value)
                    elif key == "columns" and isinstance(value, list):
                        found.extend(v for v in value if isinstance(v, str))
                    elif key in ("data_columns", "amounts") and isinstance(value, dict):
                        found.extend(value)
                        walk(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.spec.get("partnership", {}))
        walk(self.spec.get("members", []))
        walk(self.spec.get("other_data", {}))
        walk(self.spec.get("prefer_row", {}))
        return list(dict.fromkeys(found))


@cache
def mapping_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shipped_mappings() -> list[str]:
    """Names of the mappings that ship with Mitra (``mitra/imports/mappings/*.json``)."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.json") if p.name != SCHEMA_PATH.name)


def validate_mapping(spec: Any) -> list[str]:
    """Problems of a mapping document against the schema, as "path: message" lines."""
    validator = jsonschema.Draft202012Validator(mapping_schema())
    problems = []
    for err in sorted(validator.iter_errors(spec), key=lambda e: list(e.absolute_path)):
        where = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path
        )
        problems.append(f"{where}: {err.message}")
    return problems


def _semantic_problems(spec: dict[str, Any]) -> list[str]:
    """What the schema cannot say: roles, sectors, kinds and enum targets Mitra knows."""
    from mitra.organisations.models import KINDS_BY_SECTOR

    problems = []
    targets = {
        "form": set(CODE_PREFIX),
        "development_sector": set(DevelopmentSector.values),
        "stage": set(Stage.values),
    }
    for name, fspec in spec.get("partnership", {}).items():
        allowed = targets.get(name)
        if not allowed:
            continue
        values = list(fspec.get("map", {}).values()) + [
            fspec[k] for k in ("value", "default", "fallback") if k in fspec
        ]
        values += [r["value"] for r in fspec.get("rules", [])]
        for v in values:
            if v not in allowed:
                problems.append(f"$.partnership.{name}: unknown value {v!r}")
    for i, m in enumerate(spec.get("members", [])):
        roles = list(m.get("roles", [])) + [r for rs in m.get("role_map", {}).values() for r in rs]
        problems += [f"$.members[{i}]: unknown role {r!r}" for r in roles if r not in Role.values]
        pairs = list(m.get("sector_map", {}).values())
        if "sector" in m:
            pairs.append([m["sector"], m.get("kind", "other")])
            pairs += [[m["sector"], r["kind"]] for r in m.get("kind_rules", [])]
        for sector, kind in pairs:
            if kind not in KINDS_BY_SECTOR.get(sector, set()):
                problems.append(f"$.members[{i}]: kind {kind!r} is not of sector {sector!r}")
    for i, e in enumerate(spec.get("organisations", {}).get("aliases", [])):
        sector, kind = e.get("sector", "public"), e.get("kind", "other")
        if kind not in KINDS_BY_SECTOR.get(sector, set()):
            problems.append(f"$.organisations.aliases[{i}]: kind {kind!r} is not of {sector!r}")
    return problems


def mapping_from_spec(spec: Any, *, path: str = "") -> TableMapping:
    problems = validate_mapping(spec) or _semantic_problems(spec)
    if problems:
        raise ApplicationError(
            _("The column mapping is not valid: %(problems)s") % {"problems": "; ".join(problems)},
            {"field": "mapping", "problems": problems},
        )
    return TableMapping(name=spec["name"], spec=spec, path=path)


def load_mapping(name_or_path: str) -> TableMapping:
    """A shipped mapping by name, a JSON file by path, or a mapping saved in the web UI."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" and candidate.is_file():
        path = candidate
    elif (
        re.fullmatch(r"[A-Za-z0-9_.-]+", name_or_path)
        and (MAPPINGS_DIR / f"{name_or_path}.json").is_file()
    ):
        path = MAPPINGS_DIR / f"{name_or_path}.json"
    else:
        from .models import SavedMapping

        saved = SavedMapping.objects.filter(name=name_or_path).first()
        if saved is None:
            raise ApplicationError(
                _("No column mapping named %(name)s (shipped: %(names)s).")
                % {"name": name_or_path, "names": ", ".join(shipped_mappings())},
                {"field": "mapping"},
            )
        return mapping_from_spec(saved.spec, path=f"saved:{saved.pk}")
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            _("The column mapping %(path)s cannot be read: %(error)s")
            % {"path": path.name, "error": exc},
            {"field": "mapping"},
        ) from None
    return mapping_from_spec(spec, path=str(path))


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


# --------------------------------------------------------------------------------------------
# Parsing cells


class CellError(Exception):
    def __init__(self, message: str, value: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.value = value


@dataclass
class Amount:
    value: Decimal | None
    currency: str
    reason: str = ""  # why value is None: "not published" / "placeholder"


def normalise_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name, for matching spellings."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _enum_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class _RowView(dict):  # type: ignore[type-arg]
    """A row as a mapping for str.format_map, reading only the cells a template names."""

    def __init__(self, parser: RowParser, row: list[str]) -> None:
        super().__init__()
        self.parser, self.row = parser, row

    def __missing__(self, key: str) -> str:
        return self.parser.raw(self.row, key)


class RowParser:
    """Parses one field spec against a row; knows the placeholders and caches look-ups."""

    def __init__(self, mapping: TableMapping, header: list[str]) -> None:
        self.mapping = mapping
        self.index = {h: i for i, h in enumerate(header)}
        self.placeholders = mapping.placeholders
        self._country_cache: dict[str, str | None] = {}
        self.country_names = {
            _enum_key(k): v for k, v in mapping.spec.get("country_names", {}).items()
        }
        self._maps: dict[int, dict[str, Any]] = {}

    def keyed(self, spec: dict[str, Any], key: str = "map") -> dict[str, Any]:
        """``spec[key]`` with case- and space-insensitive keys, built once per spec."""
        cache_key = id(spec[key]) if key in spec else id(spec)
        found = self._maps.get(cache_key)
        if found is None:
            found = {_enum_key(k): v for k, v in spec.get(key, {}).items()}
            self._maps[cache_key] = found
        return found

    def raw(self, row: list[str], column: str) -> str:
        i = self.index[column]
        return row[i].strip() if i < len(row) else ""

    def cell(self, row: list[str], column: str) -> str | None:
        """The cell's text, or None when it is empty or a placeholder (never 0)."""
        text = self.raw(row, column)
        if not text or text.casefold() in self.placeholders:
            return None
        return text

    # -- fields
    def field(self, spec: dict[str, Any], row: list[str], parsed: dict[str, Any]) -> Any:
        if "value" in spec:
            return spec["value"]
        if "template" in spec:
            return spec["template"].format_map(_RowView(self, row))
        if spec.get("rule") == "dates":
            return self.stage_from_dates(parsed, spec)
        if spec.get("rule") == "sectors":
            return None  # decided once the members are known
        kind = spec.get("parse", "text")
        if kind == "year_month":
            year_col, month_col = spec["columns"]
            return self.year_month(self.cell(row, year_col), self.cell(row, month_col))
        column = spec["column"]
        text = self.cell(row, column)
        for rule in spec.get("rules", []):
            probe = self.raw(row, rule.get("column", column)).casefold()
            if rule["contains"].casefold() in probe:
                return rule["value"]
        if text is None:
            if kind == "amount":
                return Amount(None, spec["currency"], "placeholder")
            if "fallback" in spec:
                return parsed.get(spec["fallback"])
            if "default" in spec:
                return spec["default"]
            if spec.get("required"):
                raise CellError(_("A value is required."), self.raw(row, column))
            return None
        return self.parse(kind, text, spec)

    def parse(self, kind: str, text: str, spec: dict[str, Any]) -> Any:
        if kind == "text":
            out = " ".join(text.split())
            limit = spec.get("max_length")
            if limit and len(out) > limit:
                raise CellError(_("Too long: at most %(n)d characters.") % {"n": limit}, text)
            return out
        if kind == "html":
            from .common import clean_text

            # Repeated until stable: unescaping once would turn "&lt;script&gt;" into markup.
            return clean_text(text)
        if kind == "enum":
            found = self.keyed(spec).get(_enum_key(text))
            if found is None:
                if "default" in spec:
                    return _Warned(
                        spec["default"], _("Unknown value; used %(v)s.") % {"v": spec["default"]}
                    )
                raise CellError(
                    _("Unknown value; expected one of: %(values)s.")
                    % {"values": ", ".join(spec["map"])},
                    text,
                )
            return found
        if kind == "amount":
            number = self.decimal(text)
            try:
                number *= Decimal(str(spec.get("multiplier", "1")))
            except ArithmeticError:  # decimal.Overflow: beyond any amount
                raise CellError(_("This amount is too large."), text) from None
            if number == 0 and spec.get("zero_means_unpublished"):
                return Amount(None, spec["currency"], NOT_PUBLISHED)
            if number < 0:
                raise CellError(_("An amount cannot be negative."), text)
            if abs(number) > MAX_VALUE:
                raise CellError(_("This amount is too large."), text)
            return Amount(number.quantize(Decimal("0.01")), spec["currency"])
        if kind == "decimal":
            return self.decimal(text)
        if kind == "int":
            try:
                return int(text)
            except ValueError:
                raise CellError(_("Not a whole number."), text) from None
        if kind == "year":
            match = re.match(r"\s*(\d{4})", text)
            if not match:
                raise CellError(_("Not a year."), text)
            return int(match.group(1))
        if kind == "date":
            for fmt in spec.get("formats", ["%Y-%m-%d"]):
                try:
                    return dt.datetime.strptime(text[: len(text)], fmt).date()
                except ValueError:
                    continue
            raise CellError(
                _("Not a date (expected %(formats)s).")
                % {"formats": ", ".join(spec.get("formats", ["%Y-%m-%d"]))},
                text,
            )
        if kind == "country":
            code = self.country(text, spec)
            if code is None:
                raise CellError(_("Unknown country."), text)
            return code
        if kind == "province":
            return self.province(text, spec)
        raise CellError(f"unknown parser {kind}", text)  # the schema prevents this

    def decimal(self, text: str) -> Decimal:
        cleaned = text.replace(" ", "").replace("\u00a0", "")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
            cleaned = cleaned.replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(_("Not a number."), text) from None
        if not number.is_finite():
            raise CellError(_("Not a number."), text)
        return number

    def year_month(self, year: str | None, month: str | None) -> dt.date | None:
        if year is None:
            return None
        try:
            y = int(year)
        except ValueError:
            raise CellError(_("Not a year."), year) from None
        m = MONTHS.get((month or "").strip().casefold(), 1)
        try:
            return dt.date(y, m, 1)
        except ValueError:
            raise CellError(_("Not a year."), year) from None

    def country(
        self, text: str, spec: dict[str, Any] | None = None, owner: dict[str, Any] | None = None
    ) -> str | None:
        key = _enum_key(text)
        if owner is not None:
            local = self.keyed(owner, "country_map")
        else:
            local = self.keyed(spec) if spec else {}
        if key in local:
            return local[key] or None
        if key in self.country_names:
            return self.country_names[key] or None
        if key in self._country_cache:
            return self._country_cache[key]
        code = _lookup_country(text)
        self._country_cache[key] = code
        return code

    def province(self, text: str, spec: dict[str, Any]) -> Any:
        local = self.keyed(spec)
        if _enum_key(text) in local:
            return local[_enum_key(text)]
        country = spec.get("country", "ID")
        names = {normalise_name(n): c for c, n in subdivisions(country).items()}
        code = names.get(normalise_name(text))
        if code is None and text.upper() in subdivisions(country):
            code = text.upper()
        if code is None:
            return _Warned("", _("Unknown province; left empty."))
        return code

    def stage_from_dates(self, parsed: dict[str, Any], spec: dict[str, Any]) -> str:
        today = timezone.localdate()
        start, end = (
            parsed.get(spec.get("start", "start_date")),
            parsed.get(spec.get("end", "end_date")),
        )
        if end and end < today:
            return str(Stage.CLOSED)
        if start and start > today:
            return str(Stage.TRANSACTION)
        return str(Stage.OPERATION)


@dataclass
class _Warned:
    """A value the parser normalised; the caller records the warning."""

    value: Any
    message: str


@cache
def _lookup_country(text: str) -> str | None:
    import pycountry

    candidates = [text, text.split(",")[0].strip(), text.split("(")[0].strip()]
    for c in candidates:
        if not c:
            continue
        try:
            return str(pycountry.countries.lookup(c).alpha_2)
        except LookupError:
            continue
    for c in candidates[1:]:
        try:
            found = pycountry.countries.search_fuzzy(c)
        except LookupError:
            continue
        if len(found) == 1:
            return str(found[0].alpha_2)
    return None


SPONSOR_RE = re.compile(
    r"\s*(?P<name>[^\r\n]+?)\s*\(\s*(?P<share>[^/()]*?)\s*/\s*(?P<country>[^()]*?)\s*\)"
)


def parse_sponsors(text: str) -> list[tuple[str, str, str]]:
    """ "NWS Holdings Limited (29% / Hong Kong, China), SUEZ (29% / France)" →
    [("NWS Holdings Limited", "29%", "Hong Kong, China"), ("SUEZ", "29%", "France")].

    Raises CellError when a part of the cell is not in the "Name (share / country)" form."""
    found = []
    pos = 0
    cleaned = text.replace("\r", " ").replace("\n", " ")
    while pos < len(cleaned):
        match = SPONSOR_RE.match(cleaned, pos)
        if not match:
            rest = cleaned[pos:].strip(" ,")
            if rest:
                raise CellError(_("Not in the form “Name (share% / country)”."), rest)
            break
        name = match.group("name").strip(" ,")
        found.append((name, match.group("share"), match.group("country")))
        pos = match.end()
        while pos < len(cleaned) and cleaned[pos] in " ,":
            pos += 1
    return found


# --------------------------------------------------------------------------------------------
# The import plan (what the file says), built in memory


@dataclass
class OrgWant:
    """An organisation a row refers to: by identifier, or by name (matched through aliases)."""

    key: tuple[str, str, str]  # ("id", scheme, identifier) | ("name", normalised name, "")
    name: str
    sector: str
    kind: str
    country: str = ""
    short_name: str = ""
    spelling: str = ""  # the spelling in the file when matched by name
    aliases: list[str] = field(default_factory=list)
    where: str = ""
    from_table: bool = False  # an entry of the mapping's alias table
    candidate_name: str = ""  # the similar organisation it was queued for review against


@dataclass
class MemberWant:
    org: tuple[str, str, str]
    roles: list[str]
    equity_share: Decimal | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class PartnershipWant:
    source_id: str
    row: int
    fields: dict[str, Any]
    code_year: int
    members: dict[tuple[str, str, str], MemberWant] = field(default_factory=dict)
    #: Per-partner data kept in other_data["member_data"] (e.g. H2020 EU contributions).
    member_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    form_rule: dict[str, Any] | None = None


class Planner:
    def __init__(self, mapping: TableMapping, table: Table, report: ImportReport) -> None:
        self.mapping = mapping
        self.spec = mapping.spec
        self.table = table
        self.report = report
        self.p = RowParser(mapping, table.header)
        self.partnerships: dict[str, PartnershipWant] = {}
        self.orgs: dict[tuple[str, str, str], OrgWant] = {}
        self.alias_entries = self._alias_entries()

    def _alias_entries(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for entry in self.spec.get("organisations", {}).get("aliases", []):
            for spelling in [entry["name"], *entry.get("aliases", [])]:
                index[normalise_name(spelling)] = entry
        return index

    def err(self, row: int, column: str, message: str, value: Any = "") -> None:
        self.report.error(
            _("row %(row)d, column %(column)s") % {"row": row, "column": column}, message, value
        )

    def warn(self, row: int, column: str, message: str, value: Any = "") -> None:
        self.report.warn(
            _("row %(row)d, column %(column)s") % {"row": row, "column": column}, message, value
        )

    def build(self, progress: Progress | None, total: int) -> None:
        spec = self.spec
        id_columns = spec["id_columns"]
        grouped = bool(spec.get("group_by"))
        prefer = spec.get("prefer_row")
        seen_rows: dict[str, int] = {}
        rows = self.table.rows
        for n, row in enumerate(rows):
            rownum = self.table.first_row + n
            if progress and n % PROGRESS_EVERY == 0:
                progress(n, total)
            source_id = "|".join(self.p.raw(row, c) for c in id_columns)
            if not source_id.strip("|"):
                self.err(rownum, ", ".join(id_columns), _("The row has no id."))
                continue
            if len(source_id) > SOURCE_ID_MAX:
                self.err(
                    rownum,
                    ", ".join(id_columns),
                    _("The id is longer than %(n)d characters.") % {"n": SOURCE_ID_MAX},
                    source_id,
                )
                continue
            want = self.partnerships.get(source_id)
            if want is not None and not grouped:
                self.err(
                    rownum,
                    ", ".join(id_columns),
                    _("Same id as row %(row)d: each row must have its own id.")
                    % {"row": seen_rows[source_id]},
                    source_id,
                )
                continue
            preferred = bool(prefer) and self.p.raw(row, prefer["column"]) == prefer["value"]
            if want is None or (preferred and not getattr(want, "_preferred", False)):
                fields, code_year = self.partnership_fields(row, rownum)
                if fields is None:
                    continue
                if want is None:
                    want = PartnershipWant(source_id, rownum, fields, code_year)
                    self.partnerships[source_id] = want
                    seen_rows[source_id] = rownum
                else:
                    want.fields, want.code_year = fields, code_year
                want._preferred = preferred  # type: ignore[attr-defined]
            self.members(row, rownum, want)
        if progress:
            progress(len(rows), total)

    def partnership_fields(self, row: list[str], rownum: int) -> tuple[dict[str, Any] | None, int]:
        parsed: dict[str, Any] = {}
        other: dict[str, Any] = {}
        not_published: dict[str, str] = {}
        ok = True
        for name, fspec in self.spec["partnership"].items():
            try:
                value = self.p.field(fspec, row, parsed)
            except CellError as exc:
                self.err(rownum, fspec.get("column", name), exc.message, exc.value)
                ok = False
                continue
            if isinstance(value, _Warned):
                self.warn(
                    rownum,
                    fspec.get("column", name),
                    value.message,
                    self.p.raw(row, fspec["column"]),
                )
                value = value.value
            if isinstance(value, Amount):
                parsed["currency"] = value.currency
                if value.value is None and fspec.get("column"):
                    raw = self.p.raw(row, fspec["column"])
                    not_published[name] = (
                        NOT_PUBLISHED if value.reason == NOT_PUBLISHED else raw or "empty"
                    )
                value = value.value
            parsed[name] = value
        if not ok:
            return None, 0
        code_year = parsed.pop("code_year", None) or timezone.localdate().year
        fields: dict[str, Any] = {
            "title_ind": parsed.get("title_ind") or parsed.get("title_en") or "",
            "title_en": parsed.get("title_en") or parsed.get("title_ind") or "",
            "summary_ind": parsed.get("summary_ind") or "",
            "summary_en": parsed.get("summary_en") or "",
            "form": parsed.get("form"),
            "development_sector": parsed.get("development_sector") or DevelopmentSector.OTHER,
            "country": parsed.get("country") or "ID",
            "province": parsed.get("province") or "",
            "regency": (parsed.get("regency") or "")[:120],
            "stage": parsed.get("stage") or Stage.PLANNING,
            "start_date": parsed.get("start_date"),
            "end_date": parsed.get("end_date"),
            "estimated_value": parsed.get("estimated_value"),
            "currency": parsed.get("currency") or Currency.IDR,
        }
        if not fields["title_ind"]:
            self.err(
                rownum,
                self.spec["partnership"].get("title_ind", {}).get("column", "title"),
                _("A title is required."),
            )
            return None, 0
        fields["title_ind"] = fields["title_ind"][:250]
        fields["title_en"] = fields["title_en"][:250]
        if (
            fields["start_date"]
            and fields["end_date"]
            and fields["end_date"] < fields["start_date"]
        ):
            self.warn(
                rownum,
                self.spec["partnership"].get("end_date", {}).get("column", "end_date"),
                _("The end date is before the start date; the end date was left empty."),
                fields["end_date"],
            )
            fields["end_date"] = None
        odspec = self.spec.get("other_data", {})
        for column in odspec.get("columns", []):
            other[column] = self.p.cell(row, column)
        for column, aspec in odspec.get("amounts", {}).items():
            text = self.p.cell(row, column)
            if text is None:
                other[column] = {"amount": None, "currency": aspec["currency"], "note": "empty"}
                continue
            try:
                amount = self.p.parse("amount", text, aspec)
            except CellError as exc:
                self.err(rownum, column, exc.message, exc.value)
                continue
            other[column] = {
                "amount": None if amount.value is None else str(amount.value),
                "currency": amount.currency,
                **({"note": NOT_PUBLISHED} if amount.reason == NOT_PUBLISHED else {}),
            }
        if not_published:
            other["not_published"] = not_published
        fields["other_data"] = other
        return fields, int(code_year)

    # -- members
    def members(self, row: list[str], rownum: int, want: PartnershipWant) -> None:
        for mspec in self.spec.get("members", []):
            kind = mspec["type"]
            if kind == "identified":
                self.member_identified(mspec, row, rownum, want)
            elif kind == "named":
                text = self.p.cell(row, mspec["column"])
                if text is None:
                    continue
                org = self.named_org(text, mspec, rownum, mspec.get("country", ""))
                self.add_member(want, org, list(mspec["roles"]), None, {})
            elif kind == "sponsors":
                self.member_sponsors(mspec, row, rownum, want)

    def add_member(
        self,
        want: PartnershipWant,
        org: OrgWant,
        roles: list[str],
        equity: Decimal | None,
        data: dict[str, Any],
    ) -> None:
        existing = want.members.get(org.key)
        if existing is None:
            want.members[org.key] = MemberWant(org.key, roles, equity, data)
            return
        for r in roles:
            if r not in existing.roles:
                existing.roles.append(r)
        if equity is not None:
            existing.equity_share = min(
                Decimal(100), (existing.equity_share or Decimal(0)) + equity
            )
        existing.data.update(data)

    def member_identified(
        self, mspec: dict[str, Any], row: list[str], rownum: int, want: PartnershipWant
    ) -> None:
        column = mspec["identifier_column"]
        ident = self.p.cell(row, column)
        if ident is None:
            self.err(rownum, column, _("The organisation identifier is missing."))
            return
        if len(ident) > IDENTIFIER_MAX:
            self.err(
                rownum,
                column,
                _("The organisation identifier is longer than %(n)d characters.")
                % {"n": IDENTIFIER_MAX},
                ident,
            )
            return
        kind_text = self.p.raw(row, mspec["sector_column"])
        sector_kind = self.p.keyed(mspec, "sector_map").get(_enum_key(kind_text))
        if sector_kind is None:
            self.err(
                rownum,
                mspec["sector_column"],
                _("Unknown organisation type; expected one of: %(values)s.")
                % {"values": ", ".join(mspec["sector_map"])},
                kind_text,
            )
            return
        role_text = self.p.raw(row, mspec["role_column"])
        roles = self.p.keyed(mspec, "role_map").get(_enum_key(role_text))
        if roles is None:
            self.err(
                rownum,
                mspec["role_column"],
                _("Unknown role; expected one of: %(values)s.")
                % {"values": ", ".join(mspec["role_map"])},
                role_text,
            )
            return
        country = ""
        if mspec.get("country_column"):
            text = self.p.cell(row, mspec["country_column"])
            if text:
                code = self.p.country(text, {"map": mspec.get("country_map", {})}, mspec)
                if code is None:
                    self.warn(
                        rownum, mspec["country_column"], _("Unknown country; left empty."), text
                    )
                country = code or ""
        key = ("id", mspec["scheme"], ident)
        org = self.orgs.get(key)
        if org is None:
            org = OrgWant(
                key=key,
                name=mspec["name_template"].format_map(_RowView(self.p, row))[:200],
                sector=sector_kind[0],
                kind=sector_kind[1],
                country=country,
                where=_("row %(row)d") % {"row": rownum},
            )
            self.orgs[key] = org
        data: dict[str, Any] = {}
        for col, dspec in mspec.get("data_columns", {}).items():
            text = self.p.cell(row, col)
            if text is None:
                data[col] = None
                continue
            if dspec.get("parse") == "amount":
                try:
                    amount = self.p.parse("amount", text, dspec)
                except CellError as exc:
                    self.err(rownum, col, exc.message, exc.value)
                    continue
                data[col] = None if amount.value is None else str(amount.value)
                data[f"{col}_currency"] = amount.currency
            else:
                data[col] = text
        self.add_member(want, org, list(roles), None, data)
        if data:
            want.member_data.setdefault(ident, {}).update(data)

    def member_sponsors(
        self, mspec: dict[str, Any], row: list[str], rownum: int, want: PartnershipWant
    ) -> None:
        column = mspec["column"]
        text = self.p.cell(row, column)
        if text is None:
            return
        try:
            sponsors = parse_sponsors(text)
        except CellError as exc:
            self.err(rownum, column, exc.message, exc.value)
            return
        skip = {normalise_name(s) for s in mspec.get("skip_names", [])}
        unnamed = want.fields["other_data"].setdefault("unnamed_sponsors", [])
        for name, share_text, country_text in sponsors:
            share: Decimal | None = None
            share_text = share_text.strip()
            if share_text and share_text.casefold() not in self.p.placeholders:
                try:
                    share = Decimal(share_text.rstrip("%").strip())
                except InvalidOperation:
                    self.err(rownum, column, _("Not a percentage."), share_text)
                    continue
                if not share.is_finite():  # NaN cannot even be compared
                    self.err(rownum, column, _("Not a percentage."), share_text)
                    continue
                if not Decimal(0) <= share <= Decimal(100):
                    self.err(rownum, column, _("A share must be between 0 and 100%."), share_text)
                    continue
                if share != share.quantize(Decimal("0.01")):
                    # The column keeps two decimals: unrounded, every re-import would see a
                    # "changed" share and write a new version of the member.
                    share = share.quantize(Decimal("0.01"))
                    self.warn(
                        rownum, column, _("Share rounded to %(share)s%%.") % {"share": share}, text
                    )
            if normalise_name(name) in skip:
                unnamed.append(
                    {"name": name, "equity_share": None if share is None else str(share)}
                )
                continue
            country = ""
            if country_text and country_text.casefold() not in self.p.placeholders:
                country = self.p.country(country_text) or ""
                if not country:
                    self.warn(
                        rownum, column, _("Unknown sponsor country; left empty."), country_text
                    )
            org = self.named_org(name, mspec, rownum, country)
            self.add_member(want, org, list(mspec["roles"]), share, {})
        if not unnamed:
            want.fields["other_data"].pop("unnamed_sponsors")

    def named_org(self, text: str, mspec: dict[str, Any], rownum: int, country: str) -> OrgWant:
        spelling = " ".join(text.split())[:200]
        norm = normalise_name(spelling)
        entry = self.alias_entries.get(norm)
        if entry is not None:
            key = ("name", normalise_name(entry["name"]), "")
            org = self.orgs.get(key)
            if org is None:
                org = OrgWant(
                    key=key,
                    name=entry["name"],
                    short_name=entry.get("short_name", ""),
                    sector=entry.get("sector", mspec.get("sector", Sector.PUBLIC)),
                    kind=entry.get("kind", "other"),
                    country=entry.get("country", country),
                    spelling=entry["name"],
                    where=_("row %(row)d") % {"row": rownum},
                    from_table=True,
                )
                self.orgs[key] = org
            if (
                normalise_name(spelling) != normalise_name(entry["name"])
                and spelling not in org.aliases
            ):
                org.aliases.append(spelling)
            return org
        key = ("name", norm, "")
        org = self.orgs.get(key)
        if org is None:
            kind = mspec.get("kind", "other")
            for rule in mspec.get("kind_rules", []):
                if re.search(rule["pattern"], spelling, flags=re.IGNORECASE):
                    kind = rule["kind"]
                    break
            org = OrgWant(
                key=key,
                name=spelling,
                sector=mspec.get("sector", Sector.PUBLIC),
                kind=kind,
                country=country,
                spelling=spelling,
                where=_("row %(row)d") % {"row": rownum},
            )
            self.orgs[key] = org
        return org


# --------------------------------------------------------------------------------------------
# Matching organisations that already exist


STOPWORDS = {
    "pt", "tbk", "persero", "ltd", "limited", "co", "inc", "corp", "corporation", "company",
    "the", "of", "and", "dan", "de", "la", "cq", "c", "q", "sa", "ag", "plc", "bhd", "group",
    "holdings", "kepala", "menteri", "direktur", "utama", "jenderal", "sekretaris",
}  # fmt: skip


def _tokens(norm: str) -> set[str]:
    return {t for t in norm.split() if t not in STOPWORDS and len(t) > 1}


def similarity(a: str, b: str) -> float:
    """0…1: half the token overlap (Jaccard), half how much of the shorter name the other
    contains; computed on normalised names without legal-form words."""
    ta, tb = _tokens(normalise_name(a)), _tokens(normalise_name(b))
    if not ta or not tb:
        return 0.0
    inter = len(ta & tb)
    return round(0.5 * inter / len(ta | tb) + 0.5 * inter / min(len(ta), len(tb)), 3)


@dataclass
class Resolved:
    org_ids: dict[tuple[str, str, str], int] = field(default_factory=dict)
    sectors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    new_orgs: list[tuple[OrgWant, dict[str, Any]]] = field(default_factory=list)
    alias_updates: list[Organisation] = field(default_factory=list)
    reviews: list[tuple[OrgWant, int | None, float]] = field(default_factory=list)


def resolve_organisations(planner: Planner, report: ImportReport) -> Resolved:
    out = Resolved()
    by_id = [w for w in planner.orgs.values() if w.key[0] == "id"]
    by_name = [w for w in planner.orgs.values() if w.key[0] == "name"]
    # (scheme, identifier) in bulk
    schemes: dict[str, list[str]] = defaultdict(list)
    for w in by_id:
        schemes[w.key[1]].append(w.key[2])
    existing_ids: dict[tuple[str, str], tuple[int, str]] = {}
    for scheme, idents in schemes.items():
        for chunk in _chunks(idents, 900):
            for pk, ident, sector in Organisation.objects.filter(
                identifier_scheme=scheme, identifier__in=chunk
            ).values_list("pk", "identifier", "sector"):
                existing_ids[(scheme, ident)] = (pk, sector)
    taken_names: set[str] = set()
    if by_id:
        wanted_names = [w.name for w in by_id]
        for chunk in _chunks(wanted_names, 900):
            taken_names.update(
                Organisation.objects.filter(name__in=chunk).values_list("name", flat=True)
            )
    for w in by_id:
        hit = existing_ids.get((w.key[1], w.key[2]))
        if hit:
            out.org_ids[w.key], out.sectors[w.key] = hit
            report.unchanged["organisation"] += 1
            continue
        name = w.name
        if name in taken_names:
            name = f"{w.name} ({w.key[1]})"[:200]
        if name in taken_names:  # names are unique: two identifiers of one name in the file
            suffix = f" ({w.key[1]} {w.key[2]})"
            name = w.name[: max(0, 200 - len(suffix))] + suffix
        taken_names.add(name)
        out.new_orgs.append(
            (
                w,
                {
                    "name": name,
                    "sector": w.sector,
                    "kind": w.kind,
                    "country": w.country,
                    "identifier_scheme": w.key[1],
                    "identifier": w.key[2],
                },
            )
        )
        out.sectors[w.key] = w.sector
    if by_name:
        _resolve_named(by_name, out, report)
    return out


def _resolve_named(wants: list[OrgWant], out: Resolved, report: ImportReport) -> None:
    """Names: exact normalised name or alias → that organisation; otherwise a new organisation,
    queued for review when an existing one looks similar (score ≥ REVIEW_THRESHOLD)."""
    index: dict[str, int] = {}
    tokens: dict[str, set[int]] = defaultdict(set)
    records: dict[int, Organisation] = {}
    # Organisations without an identifier (names are all they can be matched on), plus any
    # organisation whose exact name is wanted (names are unique).
    wanted = list({n for w in wants for n in [w.name, *w.aliases]})
    by_name = Q(identifier="")
    for chunk in _chunks(wanted, 900):
        by_name |= Q(name__in=chunk)
    for org in Organisation.objects.filter(by_name).only(
        "pk", "name", "short_name", "aliases", "sector", "version"
    ):
        records[org.pk] = org
        for spelling in [org.name, *(org.aliases or [])]:
            norm = normalise_name(spelling)
            index.setdefault(norm, org.pk)
            for t in _tokens(norm):
                tokens[t].add(org.pk)
    # The mapping's own organisations, about to be created, are candidates as well.
    planned: dict[str, OrgWant] = {w.key[1]: w for w in wants}
    changed: dict[int, Organisation] = {}
    for w in wants:
        pk = index.get(w.key[1])
        if pk is None:
            for alias in w.aliases:
                pk = index.get(normalise_name(alias))
                if pk is not None:
                    break
        if pk is not None:
            org = records[pk]
            out.org_ids[w.key], out.sectors[w.key] = pk, org.sector
            new_aliases = [
                a
                for a in w.aliases
                if normalise_name(a) not in {normalise_name(x) for x in [org.name, *org.aliases]}
            ]
            if new_aliases:
                org.aliases = [*org.aliases, *new_aliases]
                changed[pk] = org
                report.updated["organisation"] += 1
            else:
                report.unchanged["organisation"] += 1
            continue
        new = {
            "name": w.name,
            "short_name": w.short_name[:40],
            "sector": w.sector,
            "kind": w.kind,
            "country": w.country or "",
            "aliases": list(w.aliases),
        }
        out.new_orgs.append((w, new))
        if w.from_table:
            continue  # curated in the mapping's alias table: never queued
        out.sectors[w.key] = w.sector
        # Similar spellings: existing organisations sharing a word, and other planned names.
        candidates: set[int] = set()
        for t in _tokens(w.key[1]):
            candidates |= tokens.get(t, set())
        best: tuple[float, int | None, str] = (0.0, None, "")
        for pk in candidates:
            org = records[pk]
            score = max(similarity(w.name, s) for s in [org.name, *(org.aliases or [])])
            if score > best[0]:
                best = (score, pk, org.name)
        for other in planned.values():
            if other is w or not other.from_table:
                continue
            score = max(similarity(w.name, s) for s in [other.name, *other.aliases])
            if score > best[0]:
                best = (score, None, other.name)
        if best[0] >= REVIEW_THRESHOLD:
            out.reviews.append((w, best[1], best[0]))
            w.candidate_name = best[2]
            report.warn(
                w.where,
                _(
                    "“%(name)s” may be the same organisation as “%(candidate)s” "
                    "(score %(score)s): queued for review."
                )
                % {"name": w.name, "candidate": best[2], "score": f"{best[0]:.2f}"},
                w.name,
            )
    out.alias_updates = list(changed.values())


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --------------------------------------------------------------------------------------------
# Forms from sectors


def form_from_sectors(sectors: set[str], fallback: str) -> tuple[str, bool]:
    """The partnership form the members' sectors describe, and whether the form's required
    sectors are all present (docs/imports.md, "Form from sectors")."""
    has = sectors.__contains__
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.PENTAHELIX])):
        return PartnershipForm.PENTAHELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.QUADRUPLE_HELIX])):
        return PartnershipForm.QUADRUPLE_HELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.TRIPLE_HELIX])):
        return PartnershipForm.TRIPLE_HELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.PSPP])):
        return PartnershipForm.PSPP, True
    if has(Sector.ACADEMIA):
        return PartnershipForm.TRIPLE_HELIX, False
    for form in (PartnershipForm.PPP, PartnershipForm.PSP, PartnershipForm.CSR):
        if all(map(has, REQUIRED_SECTORS[form])):
            return form, True
    return fallback, False


# --------------------------------------------------------------------------------------------
# The entry point


def import_table(
    path: str | Path,
    *,
    fmt: str,
    mapping: TableMapping,
    actor: Any,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV/XLSX table through ``mapping``: all or nothing.

    Returns the report; raises :class:`ImportRefused` (nothing written) when any row has an
    error. With ``dry_run`` nothing is written and the report (errors included) is returned."""
    path = Path(path)
    report = ImportReport(format=fmt, source=mapping.name, dry_run=dry_run)
    table = read_table(path, fmt, report)
    missing = [c for c in mapping.columns() if c not in table.header]
    # Two columns with one name: the mapping would silently read only the last one.
    duplicated = [c for c in mapping.columns() if table.header.count(c) > 1]
    if missing or duplicated:
        for column in missing:
            report.error(
                _("column %(column)s") % {"column": column},
                _("The file has no column %(column)s, which the mapping %(mapping)s needs.")
                % {"column": column, "mapping": mapping.name},
            )
        for column in duplicated:
            report.error(
                _("column %(column)s") % {"column": column},
                _("The file has several columns named %(column)s; rename all but one.")
                % {"column": column},
            )
        return _refuse_or_return(report)
    report.rows = len(table.rows)
    total = 2 * max(1, report.rows)
    planner = Planner(mapping, table, report)
    planner.build(progress, total)
    if report.errors:
        return _refuse_or_return(report)
    resolved = resolve_organisations(planner, report)
    plan = _plan_partnerships(planner, resolved, report)
    if report.errors:
        return _refuse_or_return(report)
    if dry_run:
        _count_plan(plan, resolved, report)
        if progress:
            progress(total, total)
        return report
    _write(plan, resolved, planner, actor, report, progress, total)
    if progress:
        progress(total, total)
    return report


def _refuse_or_return(report: ImportReport) -> ImportReport:
    if report.dry_run:
        return report
    raise ImportRefused(report)


@dataclass
class Plan:
    create: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)
    update: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)
    unchanged: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)


def _plan_partnerships(planner: Planner, resolved: Resolved, report: ImportReport) -> Plan:
    source = planner.mapping.name
    form_spec = planner.spec["partnership"].get("form", {})
    fallback = form_spec.get("fallback", PartnershipForm.PPP)
    wants = list(planner.partnerships.values())
    for want in wants:
        if form_spec.get("rule") == "sectors":
            sectors = {resolved.sectors[k] for k in want.members}
            form, complete = form_from_sectors(sectors, fallback)
            want.fields["form"] = str(form)
            want.fields["other_data"]["sectors"] = sorted(sectors)
            want.fields["other_data"]["form_sectors_complete"] = complete
        if want.member_data:
            want.fields["other_data"]["member_data"] = dict(sorted(want.member_data.items()))
        if want.fields["form"] not in CODE_PREFIX:
            planner.err(want.row, "form", _("Unknown partnership form."), want.fields["form"])
    existing: dict[str, Partnership] = {}
    ids = [w.source_id for w in wants]
    for chunk in _chunks(ids, 900):
        for p in Partnership.objects.filter(source=source, source_id__in=chunk):
            existing[p.source_id] = p
    plan = Plan()
    for want in wants:
        current = existing.get(want.source_id)
        if current is None:
            plan.create.append((want, Partnership()))
            continue
        changed = False
        for name in PARTNERSHIP_FIELDS:
            new = want.fields[name]
            old = getattr(current, name)
            if name == "country":
                old = str(old or "")
            if name == "other_data":
                new = json.loads(json.dumps(new, default=str))
            if old != new and not (old in (None, "") and new in (None, "")):
                changed = True
                break
        (plan.update if changed else plan.unchanged).append((want, current))
    return plan


def _count_plan(plan: Plan, resolved: Resolved, report: ImportReport) -> None:
    _count(report.created, "partnership", len(plan.create))
    _count(report.updated, "partnership", len(plan.update))
    _count(report.unchanged, "partnership", len(plan.unchanged))
    _count(report.created, "organisation", len(resolved.new_orgs))
    members = sum(len(w.members) for w, _p in plan.create)
    if members:
        report.created["member"] += members
    if resolved.reviews:
        _count(report.created, "review", len(resolved.reviews))
    existing_members = [p.pk for _w, p in [*plan.update, *plan.unchanged]]
    if existing_members:
        report.unchanged["member"] += PartnershipMember.objects.filter(
            partnership_id__in=existing_members
        ).count()


def _count(counter: Any, key: str, n: int) -> None:
    if n:
        counter[key] += n


def _history_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _allocate_codes(items: list[tuple[PartnershipWant, Partnership]]) -> None:
    """KPBU-style codes (PREFIX-YEAR-NNNN) per form and year, continuing after the highest
    code in use; allocated in bulk, so no two new partnerships collide."""
    by_prefix: dict[str, list[Partnership]] = defaultdict(list)
    for want, p in items:
        by_prefix[f"{CODE_PREFIX[p.form]}-{want.code_year}-"].append(p)
    for prefix, partnerships in by_prefix.items():
        highest = 0
        for code in Partnership.objects.filter(code__startswith=prefix).values_list(
            "code", flat=True
        ):
            tail = code[len(prefix) :]
            if tail.isdigit():
                highest = max(highest, int(tail))
        for i, p in enumerate(partnerships, start=highest + 1):
            p.code = f"{prefix}{i:04d}"


@transaction.atomic
def _write(
    plan: Plan,
    resolved: Resolved,
    planner: Planner,
    actor: Any,
    report: ImportReport,
    progress: Progress | None,
    total: int,
) -> None:
    from .models import OrganisationMatchReview

    user = _history_user(actor)
    nrows = max(1, report.rows)
    now = timezone.now()
    today = timezone.localdate()
    source = planner.mapping.name

    def step(fraction: float) -> None:
        if progress:
            progress(nrows + int(nrows * fraction), total)

    # Organisations
    user_id = getattr(user, "pk", None)
    new_orgs = [o for _w, o in resolved.new_orgs]
    for o, pk in zip(new_orgs, reserve_ids(Organisation, len(new_orgs)), strict=True):
        o["id"] = pk
    insert_with_history(Organisation, new_orgs, now=now, user_id=user_id)
    _count(report.created, "organisation", len(new_orgs))
    for w, o in resolved.new_orgs:
        resolved.org_ids[w.key] = o["id"]
    if resolved.alias_updates:
        for org in resolved.alias_updates:
            org.version += 1
        bulk_update_with_history(
            resolved.alias_updates,
            Organisation,
            ["aliases", "version"],
            batch_size=BATCH_SIZE,
            default_user=user,
        )
    # Review queue: one entry per (spelling, candidate), never twice.
    if resolved.reviews:
        names_to_pk = {o["name"]: o["id"] for _w, o in resolved.new_orgs}
        for w, candidate, score in resolved.reviews:
            candidate_id = (
                candidate
                or names_to_pk.get(w.candidate_name)
                or resolved.org_ids.get(("name", normalise_name(w.candidate_name), ""))
            )
            _obj, created = OrganisationMatchReview.objects.get_or_create(
                imported_name=w.name,
                candidate_id=candidate_id,
                defaults={
                    "organisation_id": resolved.org_ids[w.key],
                    "score": score,
                    "source": source,
                },
            )
            if created:
                report.created["review"] += 1
    step(0.1)

    # Partnerships
    for want, p in plan.create:
        _apply(p, want.fields)
        p.form = want.fields["form"]
    _allocate_codes(plan.create)
    rows = []
    ids = reserve_ids(Partnership, len(plan.create))
    for (want, p), pk in zip(plan.create, ids, strict=True):
        p.pk = p.id = pk
        rows.append(
            {
                **{name: want.fields[name] for name in PARTNERSHIP_FIELDS},
                "id": pk,
                "code": p.code,
                "title": want.fields["title_ind"],
                "summary": want.fields["summary_ind"],
                "source": source,
                "source_id": want.source_id,
                "visibility": Visibility.PUBLIC,
                "published_at": now,
                "created_by_id": user_id,
                "stage_since": want.fields.get("start_date") or today,
                "ocid": None,
                # One microsecond apart, in file order: lists ordered by creation time then
                # use their created_at index instead of sorting thousands of equal stamps.
                "created_at": now + dt.timedelta(microseconds=len(rows)),
            }
        )
    insert_with_history(Partnership, rows, now=now, user_id=user_id)
    _count(report.created, "partnership", len(rows))
    step(0.3)
    updated = []
    for want, p in plan.update:
        old_stage = p.stage
        _apply(p, want.fields)
        if p.stage != old_stage:
            p.stage_since = today
        p.version += 1
        updated.append(p)
    if updated:
        _update_with_history(
            Partnership,
            updated,
            [*PARTNERSHIP_FIELDS, "stage_since", "version"],
            user,
        )
    _count(report.updated, "partnership", len(updated))
    _count(report.unchanged, "partnership", len(plan.unchanged))
    step(0.35)

    # Members
    existing_members: dict[tuple[int, int], PartnershipMember] = {}
    old_ids = [p.pk for _w, p in [*plan.update, *plan.unchanged]]
    for chunk in _chunks(old_ids, 900):
        for m in PartnershipMember.objects.filter(partnership_id__in=chunk):
            existing_members[(m.partnership_id, m.organisation_id)] = m
    new_members: list[dict[str, Any]] = []
    changed_members: list[PartnershipMember] = []
    for want, p in [*plan.create, *plan.update, *plan.unchanged]:
        for mw in want.members.values():
            org_id = resolved.org_ids[mw.org]
            current = existing_members.get((p.pk, org_id))
            if current is None:
                new_members.append(
                    {
                        "partnership_id": p.pk,
                        "organisation_id": org_id,
                        "roles": mw.roles,
                        "equity_share": mw.equity_share,
                    }
                )
            elif current.roles != mw.roles or current.equity_share != mw.equity_share:
                current.roles, current.equity_share = mw.roles, mw.equity_share
                current.version += 1
                changed_members.append(current)
            else:
                report.unchanged["member"] += 1
    ids = reserve_ids(PartnershipMember, len(new_members))
    for m, pk in zip(new_members, ids, strict=True):
        m["id"] = pk
    step(0.45)
    insert_with_history(PartnershipMember, new_members, now=now, user_id=user_id)
    step(0.8)
    roles = [{"member_id": m["id"], "role": r} for m in new_members for r in m["roles"]]
    for r, pk in zip(roles, reserve_ids(MemberRole, len(roles)), strict=True):
        r["id"] = pk
    insert_with_history(MemberRole, roles, now=now, user_id=user_id, history=False)
    if new_members:
        _count(report.created, "member", len(new_members))
    if changed_members:
        _update_with_history(
            PartnershipMember, changed_members, ["roles", "equity_share", "version"], user
        )
        ids = [m.pk for m in changed_members]
        for chunk in _chunks(ids, 900):
            MemberRole.objects.filter(member_id__in=chunk).delete()
        MemberRole.objects.bulk_create(
            [MemberRole(member_id=m.pk, role=r) for m in changed_members for r in m.roles],
            batch_size=BATCH_SIZE * 2,
        )
        _count(report.updated, "member", len(changed_members))
    if connection.vendor == "postgresql" and len(new_members) + len(rows) >= 1000:
        # Fresh planner statistics: without them PostgreSQL plans the first pages after a large
        # import as if the tables were empty (a 40 ms scan instead of a 1 ms index look-up).
        with connection.cursor() as cursor:
            for model in (Organisation, Partnership, PartnershipMember, MemberRole):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _update_with_history(model: type[Any], objs: list[Any], fields: list[str], user: Any) -> None:
    """One UPDATE per changed row, then its "changed" history records in bulk.

    (``bulk_update_with_history`` would do it in fewer statements, but Django's bulk_update
    wraps values in CASE expressions that FixedDecimalField cannot prepare.)"""
    now = timezone.now()
    for obj in objs:
        obj.updated_at = now
        model.objects.filter(pk=obj.pk).update(
            updated_at=now, **{f: getattr(obj, f) for f in fields}
        )
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_date=now, batch_size=BATCH_SIZE
    )


def _apply(p: Partnership, fields: dict[str, Any]) -> None:
    for name in PARTNERSHIP_FIELDS:
        setattr(p, name, fields[name])
    # modeltranslation keeps the original columns too: they hold the default language.
    p.__dict__["title"] = fields["title_ind"]
    p.__dict__["summary"] = fields["summary_ind"]


# --------------------------------------------------------------------------------------------
# Preview (the web UI shows the first rows as parsed before anything is written)


def _label(choices: Any, value: Any) -> str:
    """The translated label of a choice value (the value itself when it is not one)."""
    return str(dict(choices.choices).get(value, value or ""))


def preview_table(
    path: str | Path, *, fmt: str, mapping: TableMapping, limit: int = 10
) -> dict[str, Any]:
    """The detected columns and the first ``limit`` partnerships as the mapping parses them."""
    path = Path(path)
    report = ImportReport(format=fmt, source=mapping.name, dry_run=True)
    table = read_table(path, fmt, report)
    result: dict[str, Any] = {"columns": table.header, "rows": []}
    if any(table.header.count(c) != 1 for c in mapping.columns()):
        return result
    head = Table(table.header, table.rows[: limit * 20], table.first_row)
    planner = Planner(mapping, head, report)
    planner.build(None, 1)
    for want in list(planner.partnerships.values())[:limit]:
        f = want.fields
        result["rows"].append(
            {
                "row": want.row,
                "source_id": want.source_id,
                "title": f["title_ind"],
                "form": _label(PartnershipForm, f["form"]),
                "development_sector": _label(DevelopmentSector, f["development_sector"]),
                "country": f["country"],
                "province": f["province"],
                "stage": _label(Stage, f["stage"]),
                "start_date": f["start_date"].isoformat() if f["start_date"] else "",
                "estimated_value": f["estimated_value"],
                "currency": f["currency"],
                "value_note": (
                    ""
                    if f["estimated_value"] is not None
                    else (f["other_data"].get("not_published", {}).get("estimated_value") or "")
                ),
                "members": [
                    f"{planner.orgs[k].name} ({', '.join(_label(Role, r) for r in m.roles)}"
                    + (f", {m.equity_share}%" if m.equity_share is not None else "")
                    + ")"
                    for k, m in want.members.items()
                ],
            }
        )
    return result


def detect_columns(path: str | Path, *, fmt: str) -> list[str]:
    return read_table(Path(path), fmt).header


def iter_rows(table: Table) -> Iterable[dict[str, str]]:
    for row in table.rows:
        yield dict(zip(table.header, row, strict=False))


__all__ = [
    "Role",
    "TableMapping",
    "import_table",
    "load_mapping",
    "preview_table",
    "shipped_mappings",
    "validate_mapping",
]
