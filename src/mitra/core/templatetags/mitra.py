"""Template filters for Mitra pages: amounts and numbers per locale, provinces, choice labels.

Amounts are always formatted here (through core.money), never in Python f-strings, so that the
active language decides the grouping: Rp 1.250.000.000,00 in Indonesian, IDR 1,250,000,000.00
in English.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mitra.core.choices import unit_label
from mitra.core.money import format_money, format_money_short, format_number, format_quantity
from mitra.core.regions import subdivision_name

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str | None = None) -> str:
    """`{{ value|money:"IDR" }}` → Rp 1.250.000.000,00 (id) / IDR 1,250,000,000.00 (en)."""
    return format_money(amount, currency)


@register.filter
def money_short(amount: Decimal | None, currency: str | None = None) -> str:
    """`{{ value|money_short:"IDR" }}` → Rp 9,85 T (id) / IDR 9.85 trillion (en), text only."""
    return format_money_short(amount, currency)


@register.simple_tag(name="money_short")
def money_short_tag(amount: Decimal | None, currency: str | None = None) -> SafeString | str:
    """`{% money_short amount currency %}`: the short amount, the exact one on hover.

    ``<span class="text-nowrap" title="Rp 9.850.000.000.000,00">Rp 9,85 T</span>``; the exact
    amount is also what assistive technology reads (aria-label)."""
    if amount is None:
        return ""
    exact = format_money(amount, currency)
    return format_html(
        '<span class="text-nowrap" title="{}" aria-label="{}">{}</span>',
        exact,
        exact,
        format_money_short(amount, currency),
    )


@register.filter
def number(value: Decimal | float | int | None, places: int = 2) -> str:
    """A plain number with the active locale's grouping: `{{ value|number:0 }}`."""
    return format_number(value, int(places))


@register.filter
def quantity(value: Decimal | None, need: Any) -> str:
    """An amount in a need's measure: money for cash needs, number + unit otherwise."""
    if value is None:
        return ""
    return format_quantity(
        value, currency=getattr(need, "currency", "") or "", unit=getattr(need, "unit", "") or ""
    )


@register.filter
def measure_amount(value: Decimal | None, row: Any) -> str:
    """An amount of a per-member row (`is_money` + `measure`), e.g. fulfilment totals."""
    if value is None:
        return ""
    money = getattr(row, "is_money", False)
    measure = row.measure or ""
    return format_quantity(value, currency=measure if money else "", unit="" if money else measure)


@register.filter(name="unit_label")
def unit_label_filter(code: str | None) -> str:
    """A unit code in the reader's language (a currency code stays as it is)."""
    return unit_label(code or "")


@register.filter
def percent(value: Decimal | None) -> str:
    """42.5 → '42,5 %' (id) / '42.5 %' (en); '—' when there is nothing to divide by."""
    if value is None:
        return "—"
    return f"{format_number(value, 1)} %"


@register.filter
def fraction_percent(value: Decimal | float | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.305 → '30,5 %' (id) / '30.5 %' (en)."""
    if value is None:
        return "—"
    shown = format_number(Decimal(str(value)) * 100, int(places))
    if "," in shown or "." in shown:  # 30,0 → 30
        shown = shown.rstrip("0").rstrip(",.")
    return f"{shown} %"


@register.filter
def bar_width(value: Decimal | None) -> str:
    """A CSS width for a progress bar: 0–100, with a dot as decimal separator whatever the locale."""
    if value is None:
        return "0"
    clamped = max(Decimal(0), min(Decimal(100), Decimal(value)))
    return format(clamped.quantize(Decimal("0.1")), "f")


@register.filter
def province_name(code: str | None) -> str:
    """ISO 3166-2 code → name (ID-JB → Jawa Barat)."""
    return subdivision_name(code or "")


@register.filter
def choice_label(value: Any, choices: Any) -> str:
    """The label of `value` in a TextChoices/IntegerChoices class or a list of pairs."""
    if value in (None, ""):
        return ""
    pairs = getattr(choices, "choices", choices)
    return str(dict(pairs).get(value, value))


@register.filter
def choice_labels(values: Any, choices: Any) -> list[str]:
    """Labels of a list of values (roles, SDGs, resource types)."""
    pairs = dict(getattr(choices, "choices", choices))
    return [str(pairs.get(v, v)) for v in (values or [])]


@register.filter
def filesize(size: int | None) -> str:
    """Bytes → a short human size in the active locale (12,3 KB)."""
    if not size:
        return "0 B"
    value = Decimal(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            places = 0 if unit == "B" else 1
            return f"{format_number(value, places)} {unit}"
        value /= 1024
    return ""  # pragma: no cover


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True) if params else "?"


@register.simple_tag
def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


@register.filter
def flatten_data(value: Any, limit: int = 300) -> list[tuple[str, str]]:
    """Nested JSON as (path, text) rows for a definition list: ``parties[0].name`` → "PT Jasa"."""
    rows: list[tuple[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if len(rows) >= limit:
            return
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}[{index}]")
        elif node not in (None, ""):
            rows.append((path, str(node)))

    walk(value, "")
    return rows
