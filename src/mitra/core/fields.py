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
