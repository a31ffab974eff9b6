"""Exact JSON for open data: amounts are `Decimal` and are written as JSON numbers, never floats.

Python's `json` writes a `Decimal` only as a string (or through float, which rounds 16+ digit
amounts). `dumps` writes it as the exact number text instead; `loads` reads numbers with a
fraction back as `Decimal`. The text is canonical (sorted keys, no spaces) when `canonical=True`,
so that the same content always has the same hash. A :class:`Raw` value is written as the JSON
text it holds (stored canonical releases spliced into a package).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\u0000dec:"
_RAW = "\u0000raw:"
_MARKED = re.compile(r'"\\u0000(?:dec:(-?[0-9]+(?:\.[0-9]+)?(?:E[+-]?[0-9]+)?)|raw:([0-9]+))"')


class Raw:
    """JSON text that :func:`dumps` writes as it is, in place of a value: a stored release's
    canonical text, spliced into a package without being parsed and written again."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return _MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _clean(value: Any) -> Any:
    # A NUL never belongs in published text, and removing it keeps a string from ever looking
    # like the number marker above.
    if isinstance(value, str):
        return value.replace("\u0000", "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _encode(value: Any, canonical: bool, indent: int | None, raws: list[str]) -> tuple[str, int]:
    """The JSON text with number and raw-text markers, and how many markers it holds (the texts
    of :class:`Raw` values are appended to ``raws``, their marker holding their index)."""
    numbers = 0

    def default(item: Any) -> Any:
        nonlocal numbers
        if isinstance(item, Raw):
            raws.append(item.text)
            text = _RAW + str(len(raws) - 1)
        else:
            text = _number(item)
        numbers += 1
        return text

    text = json.dumps(
        value,
        default=default,
        ensure_ascii=canonical,
        sort_keys=canonical,
        separators=(",", ":") if canonical and indent is None else None,
        indent=indent,
    )
    return text, numbers


def dumps(value: Any, *, canonical: bool = False, indent: int | None = None) -> str:
    # JSON writes a NUL only as the escape \u0000. When the text holds exactly one such escape
    # per number marker, no string of `value` held a NUL (nor the text "\u0000"), so cleaning
    # would change nothing: the walk over every value is skipped (most of the cost).
    raws: list[str] = []
    text, numbers = _encode(value, canonical, indent, raws)
    if text.count("\\u0000") != numbers:
        raws.clear()
        text, _ = _encode(_clean(value), canonical, indent, raws)
    if not raws:
        return _MARKED.sub(r"\1", text)
    return _MARKED.sub(lambda m: m.group(1) or raws[int(m.group(2))], text)


def loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)
