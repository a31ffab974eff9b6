"""Availability payments before and after the performance deductions of the results app.

``mitra.results.selectors.availability_deductions`` gives, per year, the share of that year's
availability payment (AP) that the KPBU agreement's service-level failures deduct; this module
applies it to the AP of the finance model (``selectors.government_payments``, the government-side
figures every partner of the partnership may see) for the Finance tab: a table by year and one
sentence. The model itself is not changed: its AP is what the agreement promises, the table what
the failures so far leave of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.core.money import format_number
from mitra.partnerships.models import Partnership

from . import selectors


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal("0.0001"))


def deduction_table(*, user: Any, partnership: Partnership) -> dict[str, Any] | None:
    """{"rows": [{year, before, share, deducted, after}], "total", "currency", "amount_unit",
    "failures"} in the model's amount unit, or None without a finance model the user may see,
    without availability payments or without KPIs."""
    from mitra.results.selectors import availability_deductions, availability_failures

    payments = selectors.government_payments(user=user, partnership=partnership)
    if payments is None:
        return None
    ap = payments["flows"].get("availability_payment") or []
    failures = availability_failures(partnership)
    shares = availability_deductions(partnership)
    has_kpis = partnership.result_indicators.filter(service_level__isnull=False).exists()
    if not any(v > 0 for v in ap) or not has_kpis:
        return None
    rows = []
    for year, amount in zip(payments["years"], ap, strict=True):
        share = shares.get(year, Decimal(0))
        if amount <= 0 and not share:
            continue
        before = _decimal(amount)
        deducted = (before * share).quantize(Decimal("0.0001"))
        rows.append(
            {
                "year": year,
                "before": before,
                "share": share,
                "deducted": deducted,
                "after": before - deducted,
            }
        )
    total = sum((r["deducted"] for r in rows), Decimal(0))
    return {
        "rows": rows,
        "total": total,
        "currency": payments["currency"],
        "amount_unit": payments["amount_unit"],
        "failures": failures,
        "unapplied": sorted(y for y in shares if y not in {r["year"] for r in rows}),
    }


def deductions_context(request: Any, partnership: Partnership) -> dict[str, Any]:
    """What the Finance tab adds: ``ap_deductions`` (the table) and ``ap_sentence``."""
    from .charts import unit_label

    table = deduction_table(user=request.user, partnership=partnership)
    if table is None:
        return {}
    unit = unit_label(table["currency"], table["amount_unit"])
    if table["total"]:
        years = [r["year"] for r in table["rows"] if r["deducted"]]
        sentence = ngettext(
            "%(n)s performance failure deducts %(total)s %(unit)s from the availability "
            "payments (%(years)s).",
            "%(n)s performance failures deduct %(total)s %(unit)s from the availability "
            "payments (%(years)s).",
            len(table["failures"]),
        ) % {
            "n": len(table["failures"]),
            "total": format_number(table["total"], 1),
            "unit": unit,
            "years": ", ".join(str(y) for y in years),
        }
    else:
        sentence = _("No performance failure so far: the availability payments are due in full.")
    return {"ap_deductions": table, "ap_unit": unit, "ap_sentence": sentence}
