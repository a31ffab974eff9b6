"""The ``intervals`` chart builder (appended to mitra.core.charts for the Goals tab): a valid
Vega-Lite spec, every row kept (also one without figures), its numbers in the table."""

from __future__ import annotations

import pytest

from mitra.core import charts


def test_intervals_keeps_every_row_and_its_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "VALIDATE_SPECS", True)  # the spec is checked by its schema
    chart = charts.intervals(
        "lever-tariff",
        "Tariff",
        "Where the partners can meet.",
        items=[
            {"label": "PJPK", "low": 40000, "high": 47000, "point": 44000},
            {"label": "BUJT", "low": 48200, "high": 60000, "point": 52000, "outer": 46000},
            {"label": "NGO (hidden)"},
        ],
        x_label="IDR",
        gap=(47000, 48200),
        limits=(20000, 80000),
        language="en",
    )
    assert chart.rows == [
        ("PJPK", 40000, 47000, 44000, None),
        ("BUJT", 48200, 60000, 52000, 46000),
        ("NGO (hidden)", None, None, None, None),
    ]
    assert 'role="img"' in chart.svg and "NGO (hidden)" in chart.svg
    assert "60,000" in chart.svg  # the English axis
