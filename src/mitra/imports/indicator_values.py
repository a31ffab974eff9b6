"""Indicator values from a CSV/XLSX table (issue 15): a target of the table imports.

The reporting partner of a partnership's indicators uploads a table; the file is read like every
table import (``tables.read_table``: UTF-8 or cp1252 CSV, the first sheet of an XLSX), each
column is mapped to a field (guessed from its header, changed on the page), and the rows become
**draft** updates through ``mitra.results.services.update_create`` — the same permission, rules and
audit as a value typed in the form. All or nothing, like the other imports: every row is checked
first and any error refuses the file, every error listed with its row, nothing written.

Fields: ``indicator`` (its id or exact title), ``period`` (any date inside the reporting period,
e.g. its start), ``value`` (the numerator), ``denominator`` (for a ratio), ``narrative``, and
breakdown columns ``sex:female``, ``age:6-12``, ``disability:with``, ``region:32.03.05.2001``
(a Kemendagri area code).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.partnerships.models import Partnership
from mitra.results import services as results_services
from mitra.results.models import CATEGORIES, Dimension, Indicator, Update
from mitra.results.permissions import can_report

from .tables.reading import read_table

FIELDS: dict[str, Any] = {
    "": gettext_lazy("(leave out)"),
    "indicator": gettext_lazy("Indicator (id or title)"),
    "period": gettext_lazy("A date in the reporting period"),
    "value": gettext_lazy("Value (numerator)"),
    "denominator": gettext_lazy("Denominator"),
    "narrative": gettext_lazy("Narrative"),
    "breakdown": gettext_lazy("Breakdown (the header says which, e.g. sex:female)"),
}


def guess(header: str) -> str:
    key = header.strip().lower()
    aliases = {
        "indikator": "indicator",
        "periode": "period",
        "tanggal": "period",
        "date": "period",
        "nilai": "value",
        "numerator": "value",
        "penyebut": "denominator",
        "narasi": "narrative",
    }
    if key in FIELDS and key:
        return key
    if key in aliases:
        return aliases[key]
    if ":" in key and key.split(":", 1)[0] in Dimension.values:
        return "breakdown"
    return ""


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif "," in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number.") % {"text": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(text)s” is not a number.") % {"text": text})
    return value


def _date(text: str) -> dt.date:
    text = text.strip()[:10]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(text)s” is not a date (use 2025-12-31 or 31/12/2025).") % {"text": text})


def _breakdown_key(header: str) -> tuple[str, str]:
    dim, _sep, cat = header.strip().partition(":")
    dim, cat = dim.strip().lower(), cat.strip()
    if dim not in Dimension.values:
        raise ValueError(_("Unknown breakdown column %(h)s.") % {"h": header})
    if dim != Dimension.REGION and cat not in {c for c, _label in CATEGORIES[dim]}:
        raise ValueError(_("Unknown breakdown column %(h)s.") % {"h": header})
    return dim, cat


def _messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return str(getattr(exc, "message", exc))


@transaction.atomic
def import_indicator_values(
    *, actor: Any, partnership: Partnership, path: Path, fmt: str, mapping: dict[str, str]
) -> list[Update]:
    """Create a draft update per row; ``mapping`` maps each column header to a field of
    :data:`FIELDS`. Raises ``ApplicationError`` with ``{"errors": [(row, message)]}`` (nothing
    written) when any row is wrong, ``PermissionDenied`` when the actor reports no indicator."""
    indicators = list(
        Indicator.objects.filter(partnership=partnership)
        .select_related("reporter", "partnership")
        .prefetch_related("periods")
    )
    mine = [i for i in indicators if can_report(actor, i)]
    if not mine:
        raise PermissionDenied(_("You report no indicator of this partnership."))
    by_key = {str(i.pk): i for i in mine} | {i.title.strip().lower(): i for i in mine}
    table = read_table(path, fmt)
    columns = {mapping.get(h, ""): n for n, h in enumerate(table.header) if mapping.get(h)}
    for needed in ("indicator", "period"):
        if needed not in columns:
            raise ApplicationError(
                _("Choose the column of the field “%(field)s”.") % {"field": FIELDS[needed]}
            )
    breakdown = [(n, h) for n, h in enumerate(table.header) if mapping.get(h) == "breakdown"]
    errors: list[tuple[int, str]] = []
    created: list[Update] = []

    def cell(row: list[str], field: str) -> str:
        n = columns.get(field)
        return row[n] if n is not None and n < len(row) else ""

    for offset, row in enumerate(table.rows):
        number = table.first_row + offset
        try:
            key = cell(row, "indicator").strip()
            indicator = by_key.get(key) or by_key.get(key.lower())
            if indicator is None:
                raise ValueError(
                    _("No indicator “%(key)s” that you report in this partnership.") % {"key": key}
                )
            day = _date(cell(row, "period"))
            period = next((p for p in indicator.periods.all() if p.start <= day <= p.end), None)
            if period is None:
                raise ValueError(
                    _("%(indicator)s has no reporting period on %(day)s.")
                    % {"indicator": indicator.title, "day": day.isoformat()}
                )
            parts = []
            for n, header in breakdown:
                value = _decimal(row[n] if n < len(row) else "")
                if value is not None:
                    dim, cat = _breakdown_key(header)
                    parts.append({"dimension": dim, "category": cat, "numerator": value})
            with transaction.atomic():
                created.append(
                    results_services.update_create(
                        actor=actor,
                        period=period,
                        data={
                            "numerator": _decimal(cell(row, "value")),
                            "denominator": _decimal(cell(row, "denominator")),
                            "narrative": cell(row, "narrative").strip(),
                        },
                        disaggregations=parts,
                    )
                )
        except (ValueError, ValidationError, ApplicationError) as exc:
            errors.append((number, _messages(exc)))
    if errors:
        transaction.set_rollback(True)
        raise ApplicationError(
            _("Nothing was imported: %(n)s row(s) have errors.") % {"n": len(errors)},
            {"errors": errors},
        )
    return created
