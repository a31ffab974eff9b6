"""Money: `Decimal` + ISO 4217 code, formatted per locale with py-moneyed (Babel underneath).

Rp 1.250.000.000,00 in Indonesian, IDR 1,250,000,000.00 in English (DESIGN.md, Languages).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from moneyed import Money
from moneyed.l10n import format_money as _format_money

_LOCALES = {"id": "id_ID", "en": "en_US"}


def current_locale() -> str:
    return _LOCALES.get((get_language() or "id")[:2], "id_ID")


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """Format an amount with its currency for the active language ('' when the amount is None)."""
    if amount is None:
        return ""
    if not currency:
        return format_number(amount)
    locale = current_locale()
    if locale == "en_US":
        # Babel's en_US pattern puts a symbol ($) first; a code is clearer across currencies.
        return _format_money(Money(amount, currency), locale=locale, format="¤¤ #,##0.00")
    return _format_money(Money(amount, currency), locale=locale, format="¤ #,##0.00")


@lru_cache(maxsize=8)
def _babel_locale(code: str) -> Any:
    from babel import Locale

    return Locale.parse(code)


@lru_cache(maxsize=32)
def _pattern(pattern: str) -> Any:
    from babel.numbers import parse_pattern

    return parse_pattern(pattern)


def _format_decimal(value: Decimal | float | int, pattern: str) -> str:
    """Babel's ``format_decimal`` with the locale and the pattern parsed once, not on each call
    (a scorecard formats over a thousand numbers: parsing was a fifth of its time)."""
    return str(_pattern(pattern).apply(value, _babel_locale(current_locale())))


#: Locales whose number format the fast path writes (Babel's CLDR data: id 1.234,5; en 1,234.5).
_FAST = {"id_ID", "en_US"}
_SWAP_ID = str.maketrans({",": ".", ".": ","})


def format_number(value: Decimal | float | int | None, places: int = 2) -> str:
    """A plain number in the active locale's grouping (1.250,5 / 1,250.5).

    The same text as Babel's pattern ``#,##0.00`` (rounded half to even, as Babel does), written
    by Python's own formatting: pages format a thousand numbers, and this is ten times faster.
    ``tests/core/test_money_format.py`` checks that the two agree on any number."""
    if value is None:
        return ""
    locale = current_locale()
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if locale not in _FAST or isinstance(value, bool) or not number.is_finite() or places > 12:
        return _format_decimal(value, "#,##0." + "0" * places if places else "#,##0")
    text = f"{number.quantize(_QUANTUM[places]):,.{places}f}"
    return text.translate(_SWAP_ID) if locale == "id_ID" else text


_QUANTUM = [Decimal(1).scaleb(-p) for p in range(13)]


_COMPACT_STEPS = (12, 9, 6, 3)


def _compact_value(amount: Decimal) -> Decimal:
    """The amount rounded to two decimals of its largest unit (thousand, million, ...), moved
    up a unit when the rounding reaches a thousand of it (999.999 → 1 million, not 1000 thousand).
    """
    from decimal import ROUND_HALF_UP

    size = abs(amount)
    sign = -1 if amount < 0 else 1
    for exponent in _COMPACT_STEPS:
        unit = Decimal(10) ** exponent
        if size >= unit:
            mantissa = (size / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if mantissa >= 1000 and exponent < _COMPACT_STEPS[0]:
                return sign * unit * 1000
            return sign * mantissa * unit
    return amount


def format_money_short(amount: Decimal | None, currency: str | None) -> str:
    """An amount in a few characters for tight places (cards, lists, chart summaries):
    ``Rp 9,85 T`` / ``Rp 18 M`` / ``Rp 1,5 jt`` / ``Rp 25 rb`` in Indonesian (ribu, juta, miliar,
    triliun), ``IDR 9.85 trillion`` / ``IDR 18 billion`` in English (CLDR's words, by Babel).
    Never in a download: files keep the exact amount ('' when the amount is None)."""
    if amount is None:
        return ""
    from babel.numbers import format_compact_decimal, get_currency_symbol

    locale = current_locale()
    english = locale == "en_US"
    number = format_compact_decimal(
        _compact_value(Decimal(amount)),
        format_type="long" if english else "short",
        locale=locale,
        fraction_digits=2,
    ).replace("\u00a0", " ")
    if not currency:
        return number
    symbol = currency if english else get_currency_symbol(currency, locale=locale)
    return f"{symbol} {number}"


def format_quantity(value: Decimal, *, currency: str = "", unit: str = "") -> str:
    """An amount in its measure: money when there is a currency, else the number (its decimals
    only when it has some) and the unit in the reader's language (``12,5 hektare (ha)``,
    ``600 unit``)."""
    from mitra.core.choices import unit_label

    if currency:
        return format_money(value, currency)
    number = _format_decimal(value, "#,##0.##")
    return f"{number} {unit_label(unit)}".strip()
