"""The import plan (what the file says), built in memory: every row parsed and checked, the
partnerships it describes and the organisations they name (nothing is looked up in the
database here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.choices import Currency
from mitra.organisations.models import Organisation, Sector
from mitra.partnerships.models import DevelopmentSector, Partnership, Stage

from ..report import ImportIssue, ImportReport, _short
from .cells import (
    NOT_PUBLISHED,
    Amount,
    CellError,
    RowParser,
    RowView,
    Warned,
    enum_key,
    normalise_name,
    parse_sponsors,
)
from .mapping import TableMapping
from .reading import Table

Progress = Callable[[int, int], None]
#: Rows between two progress reports.
PROGRESS_EVERY = 2000
#: Column sizes a value must fit (PostgreSQL refuses longer text in the middle of the write).
SOURCE_ID_MAX = Partnership._meta.get_field("source_id").max_length or 200
IDENTIFIER_MAX = Organisation._meta.get_field("identifier").max_length or 100


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
    #: Rows of a grouped partnership kept one by one (the mapping's ``row_series``, e.g. the
    #: PPI's investment commitments by year); put in other_data once every row is read.
    series: list[dict[str, Any]] = field(default_factory=list)
    #: Table row numbers that fed this partnership (a partial import rejects them together).
    rows: list[int] = field(default_factory=list)
    #: Whether ``fields`` come from the mapping's preferred row (``prefer_row``: the coordinator).
    preferred: bool = False
    #: Grouped rows: each partnership field as the first row gave it (key → column, value, text,
    #: row), and the per-row fields as the first preferred row gave them; every later row of
    #: the group must agree (docs/imports.md, "Grouped rows").
    agreed: dict[str, tuple[str, Any, str, int]] = field(default_factory=dict)
    agreed_preferred: dict[str, tuple[str, Any, str, int]] = field(default_factory=dict)
    #: Grouped rows: each row's cells (spaces collapsed) → its row number, to find a row given
    #: twice; and each identified partner → its row and values, to find a partner given twice.
    row_texts: dict[tuple[str, ...], int] = field(default_factory=dict)
    identified: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = field(default_factory=dict)


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
        #: Row number → the errors found in it (a partial import rejects those rows).
        self.row_errors: dict[int, list[ImportIssue]] = {}
        #: Row number → the id the row gave (its partnership's source_id), when it had one.
        self.row_ids: dict[int, str] = {}

    def _alias_entries(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for entry in self.spec.get("organisations", {}).get("aliases", []):
            for spelling in [entry["name"], *entry.get("aliases", [])]:
                index[normalise_name(spelling)] = entry
        return index

    def err(self, row: int, column: str, message: str, value: Any = "") -> None:
        where = _("row %(row)d, column %(column)s") % {"row": row, "column": column}
        found = self.row_errors.setdefault(row, [])
        if any(
            (e.where, e.message, e.value) == (where, str(message), _short(value)) for e in found
        ):
            return  # one cell read by two fields (a partner's country and the partnership's)
        self.report.error(where, message, value)
        found.append(self.report.errors[-1])

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
            source_id = "|".join(" ".join(self.p.raw(row, c).split()) for c in id_columns)
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
            self.row_ids[rownum] = source_id
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
            text = tuple(" ".join(cell.split()) for cell in row)
            if want is not None and text in want.row_texts:
                self.err(
                    rownum,
                    ", ".join(id_columns),
                    _("The same row as row %(row)d: a row given twice.")
                    % {"row": want.row_texts[text]},
                    source_id,
                )
                continue
            preferred = bool(prefer) and self.p.raw(row, prefer["column"]) == prefer["value"]
            # Every row of a group is parsed whole: a bad value or a value that contradicts
            # the group's first row is an error of its row, never silently ignored.
            takes_over = want is None or (preferred and not want.preferred)
            fields, code_year, agreed = self.partnership_fields(row, rownum, quiet=not takes_over)
            if want is None:
                if fields is None:
                    continue
                want = PartnershipWant(source_id, rownum, fields, code_year)
                self.partnerships[source_id] = want
                seen_rows[source_id] = rownum
            elif fields is not None:
                self.check_group(want, agreed, rownum, preferred)
                if takes_over:
                    kept = want.fields["other_data"].get("unnamed_sponsors")
                    want.fields, want.code_year = fields, code_year
                    if kept:
                        fields["other_data"]["unnamed_sponsors"] = kept
            if fields is not None:
                self.remember_group(want, agreed, rownum, preferred)
            want.preferred = want.preferred or preferred
            want.row_texts.setdefault(text, rownum)
            want.rows.append(rownum)
            self.members(row, rownum, want)
            self.series_row(row, rownum, want)
        self.finish_series()
        if progress:
            progress(len(rows), total)

    # -- grouped rows: one partnership, so one value per partnership field
    def per_row_fields(self) -> set[str]:
        """Partnership fields each row has its own value of (``prefer_row.fields``): the
        partnership takes the preferred row's (the coordinator's country)."""
        return set((self.spec.get("prefer_row") or {}).get("fields", []))

    def remember_group(
        self,
        want: PartnershipWant,
        agreed: dict[str, tuple[str, Any, str]],
        rownum: int,
        preferred: bool,
    ) -> None:
        per_row = self.per_row_fields()
        for key, (column, value, text) in agreed.items():
            if key not in per_row:
                want.agreed.setdefault(key, (column, value, text, rownum))
            elif preferred:
                want.agreed_preferred.setdefault(key, (column, value, text, rownum))

    def check_group(
        self,
        want: PartnershipWant,
        agreed: dict[str, tuple[str, Any, str]],
        rownum: int,
        preferred: bool,
    ) -> None:
        """A later row of a group against the values its partnership already has."""
        per_row = self.per_row_fields()
        for key, (column, value, text) in agreed.items():
            if key in per_row:
                if not preferred or key not in want.agreed_preferred:
                    continue
                _col, first, first_text, first_row = want.agreed_preferred[key]
                if first != value:
                    prefer = self.spec["prefer_row"]
                    self.err(
                        rownum,
                        column,
                        _(
                            "Differs from row %(row)d (%(other)s), which also has %(column)s "
                            "“%(value)s”: the partnership can take only one."
                        )
                        % {
                            "row": first_row,
                            "other": first_text or "—",
                            "column": prefer["column"],
                            "value": prefer["value"],
                        },
                        text,
                    )
                continue
            if key not in want.agreed:
                continue
            _col, first, first_text, first_row = want.agreed[key]
            if first != value:
                self.err(
                    rownum,
                    column,
                    _(
                        "Differs from row %(row)d of the same partnership (%(other)s): every "
                        "row of one partnership must give the same value."
                    )
                    % {"row": first_row, "other": first_text or "—"},
                    text,
                )

    # -- rows kept one by one (row_series)
    def series_row(self, row: list[str], rownum: int, want: PartnershipWant) -> None:
        sspec = self.spec.get("row_series")
        if not sspec:
            return
        entry: dict[str, Any] = {}
        for key, fspec in sspec["fields"].items():
            try:
                value = self.p.field(fspec, row, {})
            except CellError as exc:
                self.err(rownum, fspec.get("column", key), exc.message, exc.value)
                return
            if isinstance(value, Warned):
                self.warn(rownum, fspec.get("column", key), value.message, value.value)
                value = value.value
            if isinstance(value, Amount):
                entry[f"{key}_currency"] = value.currency
                value = None if value.value is None else str(value.value)
            entry[key] = value
        want.series.append(entry)

    def finish_series(self) -> None:
        """Each grouped partnership's rows, sorted, into other_data; their amounts summed into
        a field when the mapping says the source's total is that sum (docs/imports.md)."""
        sspec = self.spec.get("row_series")
        if not sspec:
            return
        name, sort_by, total = sspec["name"], sspec.get("sort_by"), sspec.get("sum")
        for want in self.partnerships.values():
            rows = want.series
            if sort_by:
                rows.sort(key=lambda e: (e.get(sort_by) is None, e.get(sort_by) or 0))
            other = want.fields["other_data"]
            other[name] = rows
            if not total:
                continue
            amount_key, target = total["amount"], total["into"]
            known = [Decimal(e[amount_key]) for e in rows if e.get(amount_key) is not None]
            currencies = {e.get(f"{amount_key}_currency") for e in rows} - {None}
            if len(currencies) > 1:
                continue  # never add amounts in two currencies
            want.fields[target] = sum(known, Decimal(0)) if known else None
            if currencies:
                want.fields["currency"] = currencies.pop()
            missing = len(rows) - len(known)
            if not known:
                other.setdefault("not_published", {})[target] = "empty"
            elif missing:
                # The sum of the known amounts only: said so next to it, never silently.
                other[f"{name}_total_incomplete"] = True

    def partnership_fields(
        self, row: list[str], rownum: int, *, quiet: bool = False
    ) -> tuple[dict[str, Any] | None, int, dict[str, tuple[str, Any, str]]]:
        """The partnership a row describes, its code year, and what the row says of each
        field a column feeds (key → column, parsed value, cell text) for comparing the rows of
        a group. ``quiet``: a later row of a group, whose warnings its first row already gave
        (its errors are reported all the same)."""
        parsed: dict[str, Any] = {}
        other: dict[str, Any] = {}
        not_published: dict[str, str] = {}
        agreed: dict[str, tuple[str, Any, str]] = {}
        ok = True

        def warn(column: str, message: str, value: Any = "") -> None:
            if not quiet:
                self.warn(rownum, column, message, value)

        for name, fspec in self.spec["partnership"].items():
            try:
                value = self.p.field(fspec, row, parsed)
            except CellError as exc:
                self.err(rownum, fspec.get("column", name), exc.message, exc.value)
                ok = False
                continue
            columns = fspec.get("columns") or ([fspec["column"]] if "column" in fspec else [])
            if columns:
                text = " ".join(self.p.raw(row, c) for c in columns)
                compared = value.value if isinstance(value, Warned) else value
                if isinstance(compared, Amount):
                    compared = (compared.value, compared.currency)
                agreed[name] = (", ".join(columns), compared, text)
            elif "template" in fspec:
                agreed[name] = (name, value, str(value))
            if isinstance(value, Warned):
                warn(fspec.get("column", name), value.message, self.p.raw(row, fspec["column"]))
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
            return None, 0, agreed
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
            return None, 0, agreed
        fields["title_ind"] = fields["title_ind"][:250]
        fields["title_en"] = fields["title_en"][:250]
        if (
            fields["start_date"]
            and fields["end_date"]
            and fields["end_date"] < fields["start_date"]
        ):
            warn(
                self.spec["partnership"].get("end_date", {}).get("column", "end_date"),
                _("The end date is before the start date; the end date was left empty."),
                fields["end_date"],
            )
            fields["end_date"] = None
        odspec = self.spec.get("other_data", {})
        for column in odspec.get("columns", []):
            other[column] = self.p.cell(row, column)
            agreed[f"other_data.{column}"] = (column, other[column], self.p.raw(row, column))
        for column, aspec in odspec.get("amounts", {}).items():
            text = self.p.cell(row, column)
            if text is None:
                other[column] = {"amount": None, "currency": aspec["currency"], "note": "empty"}
                agreed[f"other_data.{column}"] = (column, None, self.p.raw(row, column))
                continue
            try:
                amount = self.p.parse("amount", text, aspec)
            except CellError as exc:
                self.err(rownum, column, exc.message, exc.value)
                continue
            agreed[f"other_data.{column}"] = (column, (amount.value, amount.currency), text)
            other[column] = {
                "amount": None if amount.value is None else str(amount.value),
                "currency": amount.currency,
                **({"note": NOT_PUBLISHED} if amount.reason == NOT_PUBLISHED else {}),
            }
        label = self.spec["partnership"].get("stage", {}).get("source_label")
        if label:
            # Several source stages can share one Mitra stage (the Kemenkeu portal's "Lelang"
            # and "Penandatanganan dan Pembiayaan" are both our transaction): keep its own.
            stage_column = self.spec["partnership"]["stage"].get("column", "")
            other["source_stage"] = {
                "code": self.p.cell(row, stage_column) if stage_column else None,
                **{lang: self.p.cell(row, col) for lang, col in label.items()},
            }
        if not_published:
            other["not_published"] = not_published
        fields["other_data"] = other
        return fields, int(code_year), agreed

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
        *,
        add_equity: bool = True,
    ) -> None:
        """``add_equity``: two entries of one row add up (two spellings of one sponsor); the
        same sponsor on another row of a grouped partnership states its share again
        (``add_equity=False``: the later row's share replaces the earlier one)."""
        existing = want.members.get(org.key)
        if existing is None:
            want.members[org.key] = MemberWant(org.key, roles, equity, data)
            return
        for r in roles:
            if r not in existing.roles:
                existing.roles.append(r)
        if equity is not None:
            existing.equity_share = (
                min(Decimal(100), (existing.equity_share or Decimal(0)) + equity)
                if add_equity
                else equity
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
        sector_kind = self.p.keyed(mspec, "sector_map").get(enum_key(kind_text))
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
        roles = self.p.keyed(mspec, "role_map").get(enum_key(role_text))
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
                    self.err(rownum, mspec["country_column"], _("Unknown country."), text)
                    return
                country = code
        key = ("id", mspec["scheme"], ident)
        org = self.orgs.get(key)
        if org is None:
            org = OrgWant(
                key=key,
                name=mspec["name_template"].format_map(RowView(self.p, row))[:200],
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
        values = {
            mspec["sector_column"]: list(sector_kind),
            mspec["role_column"]: list(roles),
            **({mspec["country_column"]: country} if mspec.get("country_column") else {}),
            **data,
        }
        seen = want.identified.get(key)
        if seen is not None and seen[0] != rownum:
            differ = [c for c in values if values[c] != seen[1].get(c)]
            if differ:
                message = _(
                    "Organisation %(id)s is already a partner of this partnership on row "
                    "%(row)d, with other values in: %(columns)s."
                ) % {"id": ident, "row": seen[0], "columns": ", ".join(differ)}
            else:
                message = _(
                    "Organisation %(id)s is already a partner of this partnership on row %(row)d."
                ) % {"id": ident, "row": seen[0]}
            self.err(rownum, column, message, ident)
            return
        want.identified.setdefault(key, (rownum, values))
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
        # Shares of this row, per organisation (two spellings of one sponsor add up).
        in_row: dict[tuple[str, str, str], tuple[OrgWant, Decimal | None]] = {}
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
                entry = {"name": name, "equity_share": None if share is None else str(share)}
                if entry not in unnamed:  # the same cell on each row of a grouped project
                    unnamed.append(entry)
                continue
            country = ""
            if country_text and country_text.casefold() not in self.p.placeholders:
                country = self.p.country(country_text) or ""
                if not country:
                    self.warn(
                        rownum, column, _("Unknown sponsor country; left empty."), country_text
                    )
            org = self.named_org(name, mspec, rownum, country)
            seen = in_row.get(org.key)
            if seen is not None and seen[1] is not None and share is not None:
                share = min(Decimal(100), seen[1] + share)
            elif seen is not None and share is None:
                share = seen[1]
            in_row[org.key] = (org, share)
        for org, share in in_row.values():
            self.add_member(want, org, list(mspec["roles"]), share, {}, add_equity=False)
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
