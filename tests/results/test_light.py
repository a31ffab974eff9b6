"""The dashboard's short cut: ``selectors._light`` reads an indicator's periods from the last one
back and stops at the first value; it must give the light of the full view (every period
computed, ``IndicatorView.light``) for any periods, updates, corrections and service level."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mitra.results import selectors
from mitra.results.models import Indicator, ServiceLevel, Status
from mitra.results.selectors import Light, PeriodFigures, UpdateFigures

D = Decimal
figure = st.one_of(st.none(), st.integers(0, 300).map(D))


@st.composite
def indicators(draw: Any) -> Indicator:
    indicator = Indicator(  # no pk: reading its service level asks no database
        measure=draw(st.sampled_from(["quantitative", "quantitative", "qualitative"])),
        denominator_label=draw(st.sampled_from(["", "", "pupils"])),
        factor=draw(st.sampled_from([D(1), D(100)])),
        direction=draw(st.sampled_from(["increase", "decrease"])),
        cumulative=draw(st.booleans()),
        baseline_value=draw(st.one_of(st.none(), st.integers(0, 100).map(D))),
    )
    if draw(st.booleans()):
        indicator.service_level = ServiceLevel(threshold=draw(st.integers(0, 200).map(D)))
    return indicator


@st.composite
def periods_and_updates(
    draw: Any,
) -> tuple[list[PeriodFigures], dict[int, list[UpdateFigures]]]:
    """Consecutive periods around today (some ended, some due, some still running), each with
    a few updates in creation order; a correction points at an earlier update of its period."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=draw(st.integers(0, 900)))
    periods, by_period, next_update = [], {}, 1
    for pk in range(1, draw(st.integers(0, 6)) + 1):
        end = start + datetime.timedelta(days=draw(st.sampled_from([30, 90, 364])))
        due = draw(st.one_of(st.none(), st.just(end + datetime.timedelta(days=30))))
        periods.append(PeriodFigures(pk, 1, start, end, draw(figure), due))
        start = end + datetime.timedelta(days=1)
        updates: list[UpdateFigures] = []
        for _ in range(draw(st.integers(0, 3))):
            corrects = draw(st.one_of(st.none(), st.sampled_from([u.pk for u in updates] or [0])))
            status = draw(st.sampled_from(list(Status)))
            num, den, value = draw(figure), draw(figure), draw(figure)
            updates.append(
                UpdateFigures(
                    next_update, pk, status, corrects or None, next_update, num, den, value
                )
            )
            next_update += 1
        by_period[pk] = updates
    return periods, by_period


@settings(max_examples=400, deadline=None)
@given(indicators(), periods_and_updates())
def test_the_short_cut_gives_the_full_view_s_light(indicator: Indicator, data: Any) -> None:
    periods, by_period = data
    today = timezone.localdate()
    full = selectors._view(indicator, periods, by_period, today)
    assert selectors._light(indicator, periods, by_period, today) == full.light


def test_worked_cases() -> None:
    """The latest value decides (50 of 100 is red, whatever came before); a later period without
    a value does not hide an earlier value; with no value at all, an overdue report is red and
    one not yet due grey."""
    today = timezone.localdate()
    indicator = Indicator(measure="quantitative", factor=D(1), direction="increase")
    year = datetime.timedelta(days=364)
    old_start, new_start = today - 3 * year, today - year - datetime.timedelta(days=40)
    old = PeriodFigures(1, 1, old_start, old_start + year, D(100), old_start + year)
    new = PeriodFigures(2, 1, new_start, new_start + year, D(100), today - datetime.timedelta(1))
    not_due = PeriodFigures(2, 1, new_start, new_start + year, D(100), today)
    half = UpdateFigures(1, 2, Status.APPROVED, None, 1, D(50), None, D(50))
    good = UpdateFigures(2, 1, Status.APPROVED, None, 0, D(120), None, D(120))
    assert selectors._light(indicator, [old, new], {1: [good], 2: [half]}, today) == Light.RED
    assert selectors._light(indicator, [old, new], {1: [good]}, today) == Light.GREEN
    assert selectors._light(indicator, [new], {}, today) == Light.RED  # overdue
    assert selectors._light(indicator, [not_due], {}, today) == Light.GREY
    for periods, by_period in (([old, new], {1: [good], 2: [half]}), ([new], {})):
        full = selectors._view(indicator, periods, by_period, today)
        assert full.light == selectors._light(indicator, periods, by_period, today)
