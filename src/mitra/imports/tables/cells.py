"""Parsing cells: one field spec of the mapping against one row (placeholders, units, enums,
dates, countries, provinces, "Name (share / country)" sponsor cells)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.fields import MAX_VALUE
from mitra.core.regions import subdivision_code, subdivisions
from mitra.partnerships.models import Stage

from .mapping import TableMapping

NOT_PUBLISHED = "not published"
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


def enum_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class RowView(dict):  # type: ignore[type-arg]
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
            enum_key(k): v for k, v in mapping.spec.get("country_names", {}).items()
        }
        self._maps: dict[int, dict[str, Any]] = {}

    def keyed(self, spec: dict[str, Any], key: str = "map") -> dict[str, Any]:
        """``spec[key]`` with case- and space-insensitive keys, built once per spec."""
        cache_key = id(spec[key]) if key in spec else id(spec)
        found = self._maps.get(cache_key)
        if found is None:
            found = {enum_key(k): v for k, v in spec.get(key, {}).items()}
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
            return spec["template"].format_map(RowView(self, row))
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
            when = rule.get("when")
            if when and not any(
                enum_key(self.raw(row, col)) in {enum_key(v) for v in values}
                for col, values in when.items()
            ):
                continue
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
            from ..common import clean_text

            # Repeated until stable: unescaping once would turn "&lt;script&gt;" into markup.
            return clean_text(text)
        if kind == "enum":
            found = self.keyed(spec).get(enum_key(text))
            if found is None:
                if "default" in spec:
                    return Warned(
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
        key = enum_key(text)
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
        if enum_key(text) in local:
            return local[enum_key(text)]
        country = spec.get("country", "ID")
        names = {normalise_name(n): c for c, n in subdivisions(country).items()}
        code = names.get(normalise_name(text))
        if code is None and text.upper() in subdivisions(country):
            code = text.upper()
        if code is None:
            # other names in use: "Jakarta Raya", "Daerah Istimewa Yogyakarta", "Prov. ..."
            code = subdivision_code(text, country)
        if code is None:
            return Warned("", _("Unknown province; left empty."))
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
class Warned:
    """A value the parser normalised; the caller records the warning."""

    value: Any
    message: str


@cache
def _lookup_country(text: str) -> str | None:
    """The code of a country code or name: django-countries first (it knows the codes Mitra
    stores, ISO 3166-1 plus settings.COUNTRIES_OVERRIDE such as Kosovo's XK), then pycountry's
    other names and fuzzy search."""
    import pycountry
    from django_countries import countries

    known = dict(countries)
    if len(text) == 2 and text.upper() in known:
        return text.upper()
    by_name = countries.by_name(text)
    if by_name:
        return str(by_name)
    candidates = [text, text.split(",")[0].strip(), text.split("(")[0].strip()]
    for c in candidates:
        if not c:
            continue
        try:
            code = str(pycountry.countries.lookup(c).alpha_2)
        except LookupError:
            continue
        if code in known:
            return code
    for c in candidates[1:]:
        try:
            found = pycountry.countries.search_fuzzy(c)
        except LookupError:
            continue
        if len(found) == 1 and str(found[0].alpha_2) in known:
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
