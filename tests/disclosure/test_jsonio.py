"""jsonio.dumps skips the walk that removes NULs when no string holds one: the text must be the
same as cleaning every value first, whatever the value."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.disclosure import jsonio

pieces = st.sampled_from(["a", "é", "\u0000", "\\", "u0000", "0", '"', "\u0000dec:", "5"])
texts = st.lists(pieces, max_size=6).map("".join)
numbers = st.decimals(allow_nan=False, allow_infinity=False, places=4)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), texts, numbers)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=20,
)


def cleaned_first(value: object, canonical: bool) -> str:
    """The text as written before the shortcut: every value cleaned, then encoded."""
    text = json.dumps(
        jsonio._clean(value),
        default=jsonio._number,
        ensure_ascii=canonical,
        sort_keys=canonical,
        separators=(",", ":") if canonical else None,
    )
    return jsonio._MARKED.sub(r"\1", text)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_dumps_equals_cleaning_every_value_first(value: object, canonical: bool) -> None:
    assert jsonio.dumps(value, canonical=canonical) == cleaned_first(value, canonical)


def test_a_string_that_looks_like_a_number_marker_stays_text() -> None:
    assert jsonio.dumps(["\u0000dec:5", Decimal("5")]) == '["dec:5", 5]'
    assert jsonio.dumps({"k\u0000": "\\u0000"}) == '{"k": "\\\\u0000"}'
    assert jsonio.loads(jsonio.dumps({"a": Decimal("1.50")})) == {"a": Decimal("1.50")}


@settings(max_examples=300, deadline=None)
@given(values, values, st.booleans())
def test_raw_text_is_written_as_it_is(outer: object, inner: object, canonical: bool) -> None:
    """A stored release spliced into a package (jsonio.Raw) reads exactly as the release written
    in place, beside any other value (NULs and number markers included)."""
    expected = jsonio.dumps([outer, inner, {"k": inner}], canonical=canonical)
    raw = jsonio.Raw(jsonio.dumps(inner, canonical=canonical))
    assert jsonio.dumps([outer, raw, {"k": raw}], canonical=canonical) == expected
