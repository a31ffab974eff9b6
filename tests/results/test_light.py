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


@settings(max_examples=300, deadline=None)
@given(indicators(), periods_and_updates(), st.integers(-1200, 1200))
def test_the_stored_standing_gives_the_full_view_s_light_on_any_day(
    indicator: Indicator, data: Any, shift: int
) -> None:
    """What the dashboard stores per indicator (the value's light and the day a report falls
    overdue) gives, on any later or earlier day with no write in between, the light the full
    view computes from every period on that day."""
    periods, by_period = data
    stored = selectors.standing(indicator, periods, by_period)
    day = timezone.localdate() + datetime.timedelta(days=shift)
    for today in (day, *(s for p in periods if p.due_date for s in _around(p.due_date))):
        assert stored.on(today) == selectors._view(indicator, periods, by_period, today).light


def _around(due: datetime.date) -> tuple[datetime.date, ...]:
    """The due date and the days on either side: where the light can turn red."""
    return (due - datetime.timedelta(days=1), due, due + datetime.timedelta(days=1))


def test_worked_cases() -> None:
    """The latest value decides (50 of 100 is red, whatever came before); a later period whose
    report is not yet due keeps the earlier value's light, one whose report is late is red; with
    no value at all, an overdue report is red and one not yet due grey."""
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
    assert selectors._light(indicator, [old, not_due], {1: [good]}, today) == Light.GREEN
    assert selectors._light(indicator, [old, new], {1: [good]}, today) == Light.RED  # late
    assert selectors._light(indicator, [new], {}, today) == Light.RED  # overdue
    assert selectors._light(indicator, [not_due], {}, today) == Light.GREY
    for periods, by_period in (([old, new], {1: [good], 2: [half]}), ([new], {})):
        full = selectors._view(indicator, periods, by_period, today)
        assert full.light == selectors._light(indicator, periods, by_period, today)


def test_a_late_report_flags_the_indicator_even_after_a_good_value() -> None:
    """An NGO reported 120 of 100 last year (on track) and this period's report is past its due
    date: the indicator is red, "report overdue", on the scorecard and the dashboard alike. A
    report not yet due, or one submitted and waiting for verification, does not flag it."""
    today = timezone.localdate()
    indicator = Indicator(measure="quantitative", factor=D(1), direction="increase")
    day = datetime.timedelta(days=1)
    last_year = PeriodFigures(1, 1, today - 500 * day, today - 200 * day, D(100), None)
    this = PeriodFigures(2, 1, today - 199 * day, today - 60 * day, D(100), today - 30 * day)
    good = UpdateFigures(1, 1, Status.APPROVED, None, 0, D(120), None, D(120))
    periods = [last_year, this]
    late = selectors._view(indicator, periods, {1: [good]}, today)
    assert late.light == Light.RED and late.late
    assert str(late.light_label) == "laporan terlambat"  # "report overdue"
    assert late.latest is not None and late.latest.actual == D(120)  # the value is still shown
    assert selectors._light(indicator, periods, {1: [good]}, today) == Light.RED
    submitted = UpdateFigures(2, 2, Status.SUBMITTED, None, 1, D(90), None, D(90))
    waiting = selectors._view(indicator, periods, {1: [good], 2: [submitted]}, today)
    assert waiting.light == Light.GREEN and not waiting.late
    not_due = PeriodFigures(2, 1, today - 199 * day, today - 60 * day, D(100), today)
    on_time = selectors._view(indicator, [last_year, not_due], {1: [good]}, today)
    assert on_time.light == Light.GREEN and not on_time.late
