"""Exact decimal storage that survives SQLite.

SQLite keeps only the first 15 significant digits of a NUMERIC value
(https://www.sqlite.org/datatype3.html, "Type Affinity"), so a DecimalField holding
Rp 1.000.000.000.000.000,55 (18 digits) would come back rounded. Mitra promises amounts up to
10^15 IDR without loss on both databases, so amounts and quantities are stored as a 64-bit
integer count of hundredths (minor units) and read back as a `Decimal` with two places. SUM()
stays exact on both databases because it adds integers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SCALE = 100  # hundredths
PLACES = Decimal("0.01")
# Largest storable value: the int64 range divided by the scale, rounded down to a round number.
MAX_VALUE = Decimal("90000000000000000.00")  # 9 × 10^16


class FixedDecimalField(models.BigIntegerField):
    """A non-negative-or-signed Decimal with two decimal places, stored as int64 hundredths."""

    description = _("Decimal number with two decimal places")
    default_error_messages = {
        "invalid": _("“%(value)s” is not a number."),
        "too_many_places": _("Use at most two decimal places."),
        "too_large": _("This number is too large (the maximum is 90,000,000,000,000,000)."),
    }

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or (isinstance(value, Decimal) and value.is_finite()):
            return self._check(value) if value is not None else None
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError, TypeError):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None
        if not number.is_finite():
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        return self._check(number)

    def _check(self, number: Decimal) -> Decimal:
        if number != number.quantize(PLACES, rounding=ROUND_HALF_EVEN):
            raise ValidationError(self.error_messages["too_many_places"], code="too_many_places")
        if abs(number) > MAX_VALUE:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return number.quantize(PLACES)

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        number = self.to_python(value)
        assert number is not None
        return int(number * SCALE)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / SCALE).quantize(PLACES)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return self.get_prep_value(value)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> forms.Field:
        defaults: dict[str, Any] = {
            "form_class": forms.DecimalField,
            "max_digits": 19,
            "decimal_places": 2,
            "max_value": MAX_VALUE,
        }
        defaults.update(kwargs)
        return super(models.BigIntegerField, self).formfield(**defaults)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- form input


def _separators() -> tuple[str, str]:
    """(decimal, grouping) separators of the active language: (",", ".") in Indonesian."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    from mitra.core.money import current_locale

    locale = current_locale()
    return get_decimal_symbol(locale), get_group_symbol(locale)


def localized_decimal_text(value: Decimal | int) -> str:
    """A number as a person types it in the active language, exact (no rounding), grouped:
    1250000000000.00 → ``1.250.000.000.000,00`` (id) / ``1,250,000,000,000.00`` (en)."""
    from mitra.core.money import format_number

    number = Decimal(value)
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format_number(number, places)


def parse_localized_decimal(text: str) -> Decimal:
    """The number a person typed in the active language; ValueError when it is not one.

    Indonesian: ``1.250.000,50`` (dot groups thousands, comma before the decimals); English:
    ``1,250,000.50``. Groups must have three digits. A single separator of the other kind with
    other than three digits after it (``1500.50`` in Indonesian, as a program writes it) is read
    as the decimal point, so plain machine numbers are accepted in both languages.
    """
    import re

    decimal_sep, group_sep = _separators()
    raw = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    sign = ""
    if raw[:1] in "+-" and raw[:1]:
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if not raw or not re.fullmatch(r"[0-9.,]+", raw):
        raise ValueError(text)
    grouped = r"[0-9]{1,3}(?:" + re.escape(group_sep) + r"[0-9]{3})+"
    if decimal_sep in raw:
        whole, _sep, fraction = raw.partition(decimal_sep)
        if not fraction.isdigit():
            raise ValueError(text)
        if group_sep in whole and not re.fullmatch(grouped, whole):
            raise ValueError(text)
        whole = whole.replace(group_sep, "")
        if whole and not whole.isdigit():
            raise ValueError(text)
    elif group_sep in raw:
        if re.fullmatch(grouped, raw):
            whole, fraction = raw.replace(group_sep, ""), ""
        elif raw.count(group_sep) == 1:  # 1500.50 in Indonesian: the point of a program
            whole, _sep, fraction = raw.partition(group_sep)
            if not whole.isdigit() or not fraction.isdigit():
                raise ValueError(text)
        else:
            raise ValueError(text)
    else:
        whole, fraction = raw, ""
    if not whole and not fraction:
        raise ValueError(text)
    return Decimal(f"{sign}{whole or '0'}{'.' + fraction if fraction else ''}")


class LocalizedDecimalField(forms.DecimalField):
    """A decimal form field in the reader's language: shown grouped (``1.250.000,00`` in
    Indonesian, ``1,250,000.00`` in English) and read back exactly in either form; anything else
    is a field error (never a 500). A text input (``type=number`` cannot show grouping), with
    the decimal keypad on phones."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if (isinstance(value, Decimal) and value.is_finite()) or (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            return localized_decimal_text(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return super().to_python(str(value))
        try:
            number = parse_localized_decimal(str(value))
        except (ValueError, InvalidOperation):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(format(number, "f"))


def plain_number_text(value: float | int | Decimal | str) -> str:
    """A number with the active language's decimal separator and no grouping, as typed in a
    text box (``0,05`` in Indonesian, ``0.05`` in English); a float keeps its shortest form.
    A text (already formatted the machine way, ``7.5``) only has its decimal point swapped."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = format(Decimal(repr(value)), "f") if value == value else repr(value)
    else:
        text = format(Decimal(value), "f")
    decimal_sep, _group = _separators()
    return text.replace(".", decimal_sep)
