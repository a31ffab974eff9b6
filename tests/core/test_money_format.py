"""``format_number`` writes numbers with Python's formatting for Indonesian and English: the same
text as Babel's pattern (which it replaced on the pages for speed) for any number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mitra.core import money


def _babel(value: object, places: int) -> str:
    return money._format_decimal(value, "#,##0." + "0" * places if places else "#,##0")  # type: ignore[arg-type]


decimals = st.decimals(
    min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False, allow_infinity=False
)
floats = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False)
ints = st.integers(min_value=-(10**20), max_value=10**20)


@pytest.mark.parametrize("language", ["id", "en"])
@given(value=st.one_of(decimals, floats, ints), places=st.integers(min_value=0, max_value=6))
def test_the_fast_format_is_babels(language: str, value: object, places: int) -> None:
    with translation.override(language):
        assert money.format_number(value, places) == _babel(value, places)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "value", "places", "text"),
    [
        ("id", Decimal("1250000.5"), 2, "1.250.000,50"),
        ("en", Decimal("1250000.5"), 2, "1,250,000.50"),
        ("id", Decimal("2.5"), 0, "2"),  # half to even, as Babel rounds
        ("en", Decimal("3.5"), 0, "4"),
        ("id", -1234.5, 1, "-1.234,5"),
        ("en", 7, 0, "7"),
    ],
)
def test_known_answers(language: str, value: object, places: int, text: str) -> None:
    with translation.override(language):
        assert money.format_number(value, places) == text  # type: ignore[arg-type]


def test_what_it_does_not_know_goes_to_babel() -> None:
    with translation.override("en"):
        assert money.format_number(Decimal("NaN"), 2) == _babel(Decimal("NaN"), 2)
        assert money.format_number(Decimal("Infinity"), 0) == _babel(Decimal("Infinity"), 0)
