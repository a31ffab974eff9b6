"""Money: `Decimal` + ISO 4217 code, formatted per locale with py-moneyed (Babel underneath).

Rp 1.250.000.000,00 in Indonesian, IDR 1,250,000,000.00 in English (DESIGN.md, Languages).
"""

from __future__ import annotations

from decimal import Decimal

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


def format_number(value: Decimal | float | int | None, places: int = 2) -> str:
    """A plain number in the active locale's grouping (1.250,5 / 1,250.5)."""
    if value is None:
        return ""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=current_locale())
