"""The API's input errors (pydantic, through Django Ninja) in the reader's language.

pydantic writes its messages in English only. Each error carries a stable ``type`` and its
figures in ``ctx`` (a maximum length, the allowed values), so the message is written again from
them in the active language; an error of a type not listed keeps pydantic's text. ``loc`` and
``type`` are left as they are: programs read those, people read ``msg``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

_NUMBER = _("Enter a number, e.g. 0.25.")
_WHOLE = _("Enter a whole number.")
_DATE = _("Enter a date as YYYY-MM-DD.")
_MOMENT = _("Enter a date and time as YYYY-MM-DDTHH:MM:SS with its time zone, e.g. +07:00.")
_BOOLEAN = _("Send true or false.")
_OBJECT = _("Send an object ({...}).")

#: Message per pydantic error type; %(name)s takes the error's ``ctx`` value of that name.
MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "string_type": _("Send text."),
    "string_too_short": _("At least %(min_length)s characters."),
    "string_too_long": _("At most %(max_length)s characters."),
    "int_type": _WHOLE,
    "int_parsing": _WHOLE,
    "int_from_float": _("Enter a whole number, without a fraction."),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "finite_number": _("Enter a finite number."),
    "decimal_max_digits": _("At most %(max_digits)s digits in all."),
    "decimal_max_places": _("At most %(decimal_places)s digits after the decimal point."),
    "decimal_whole_digits": _("At most %(whole_digits)s digits before the decimal point."),
    "greater_than": _("Must be greater than %(gt)s."),
    "greater_than_equal": _("Must be %(ge)s or more."),
    "less_than": _("Must be less than %(lt)s."),
    "less_than_equal": _("Must be %(le)s or less."),
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _MOMENT,
    "datetime_parsing": _MOMENT,
    "datetime_from_date_parsing": _MOMENT,
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "list_type": _("Send a list ([...])."),
    "too_short": _("At least %(min_length)s items."),
    "too_long": _("At most %(max_length)s items."),
    "dict_type": _OBJECT,
    "model_type": _OBJECT,
    "model_attributes_type": _OBJECT,
    "extra_forbidden": _("This field is not allowed here."),
    "json_invalid": _("The request body could not be read: send valid JSON."),
    "uuid_parsing": _("Enter a UUID."),
    "uuid_type": _("Enter a UUID."),
}


def _figures(ctx: dict[str, Any]) -> dict[str, str]:
    figures = {key: str(value) for key, value in ctx.items()}
    if "expected" in figures:  # "'a', 'b' or 'c'": pydantic's English "or" goes
        head, sep, last = figures["expected"].rpartition(" or ")
        figures["expected"] = f"{head}, {last}" if sep else figures["expected"]
    return figures


def translated(error: dict[str, Any]) -> dict[str, Any]:
    """``error`` with its ``msg`` in the active language when its type is known."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        # Mitra's own validators' message (translated where raised), without "Value error, ".
        return {**error, "msg": str(ctx["error"])}
    message = MESSAGES.get(kind)
    if message is None:
        return error
    try:
        text = str(message) % _figures(ctx) if "%(" in str(message) else str(message)
    except (KeyError, ValueError, TypeError):
        return error
    return {**error, "msg": text}


def translated_all(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [translated(error) for error in errors]
