"""FixedDecimalField: amounts up to 10^15 IDR survive both databases exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.core.fields import MAX_VALUE, FixedDecimalField
from mitra.partnerships.models import Commitment, Need, Partnership

pytestmark = pytest.mark.django_db


def test_quadrillion_rupiah_with_cents_round_trips_exactly(world):
    # given an amount with 18 significant digits (SQLite's REAL would keep only 15)
    amount = Decimal("999999999999999.99")
    Partnership.objects.filter(pk=world.partnership.pk).update(estimated_value=amount)
    # when it is read back
    stored = Partnership.objects.get(pk=world.partnership.pk).estimated_value
    # then not a cent is lost
    assert stored == amount
    assert str(stored) == "999999999999999.99"


def test_ten_to_the_fifteen_idr_round_trips_and_filters(world):
    amount = Decimal("1000000000000000.01")
    Partnership.objects.filter(pk=world.partnership.pk).update(estimated_value=amount)
    assert Partnership.objects.filter(estimated_value=amount).count() == 1
    assert (
        Partnership.objects.filter(estimated_value__gt=Decimal("1000000000000000.00")).count() == 1
    )


def test_sum_of_large_amounts_is_exact(world):
    # given two needs of 10^15 + 0.01 and 10^15 + 0.02 IDR
    Need.objects.filter(pk=world.need.pk).update(quantity=Decimal("1000000000000000.01"))
    Commitment.objects.filter(pk=world.commitment.pk).update(
        quantity=Decimal("1000000000000000.01")
    )
    Commitment.objects.filter(pk=world.secret_commitment.pk).update(
        quantity=Decimal("1000000000000000.02")
    )
    # when summed by the database
    total = Commitment.objects.aggregate(total=Sum("quantity"))["total"]
    # then the sum is exact and a Decimal
    assert total == Decimal("2000000000000000.03")
    assert isinstance(total, Decimal)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1.001", "too_many_places"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        (str(MAX_VALUE + 1), "too_large"),
    ],
)
def test_bad_values_are_refused_with_a_code(raw, code):
    with pytest.raises(ValidationError) as excinfo:
        FixedDecimalField().to_python(raw)
    assert excinfo.value.code == code


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(
        min_value=Decimal("-90000000000000000"),
        max_value=MAX_VALUE,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_prep_and_read_back_are_inverse(value):
    field = FixedDecimalField()
    assert field.from_db_value(field.get_prep_value(value), None, None) == value
