"""Pictures of the results: the sparkline of each indicator's trend (a small inline SVG, drawn
here the same way for every row) and the partnership health chart (``mitra.core.charts.line``,
with its table and download like every chart of the product)."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mitra.organisations.models import Sector

from .selectors import HealthPoint, Light

COLOURS = {
    Light.GREEN: "#198754",
    Light.AMBER: "#b8860b",
    Light.RED: "#b02a37",
    Light.GREY: "#6c757d",
}


def sparkline(values: list[Decimal], target: Decimal | None, status: str, label: str) -> SafeString:
    """A 96×24 line of the period values, with the target as a dashed rule; ``label`` is read
    by screen readers (the numbers are in the table beside it)."""
    w, h, pad = 96, 24, 2
    if not values:
        return mark_safe("")
    nums = [float(v) for v in values]
    span_vals = nums + ([float(target)] if target is not None else [])
    lo, hi = min(span_vals), max(span_vals)
    hi = hi if hi > lo else lo + 1

    def y(v: float) -> float:
        return round(h - pad - (v - lo) / (hi - lo) * (h - 2 * pad), 1)

    step = (w - 2 * pad) / max(1, len(nums) - 1)
    points = " ".join(f"{round(pad + i * step, 1)},{y(v)}" for i, v in enumerate(nums))
    colour = COLOURS.get(status, COLOURS[Light.GREY])
    rule = (
        f'<line x1="0" x2="{w}" y1="{y(float(target))}" y2="{y(float(target))}" '
        'stroke="#6c757d" stroke-dasharray="2 2" stroke-width="1"/>'
        if target is not None
        else ""
    )
    last = f'<circle cx="{round(pad + (len(nums) - 1) * step, 1)}" cy="{y(nums[-1])}" r="2" fill="{colour}"/>'
    # Every value interpolated is a number or a fixed colour; the label is escaped.
    return mark_safe(  # noqa: S308
        f'<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{html.escape(label)}">{rule}'
        f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>{last}</svg>'
    )


def health_chart(points: list[HealthPoint], key: str = "health") -> Any:
    """The health index per sector in each survey round (bars side by side, one group a round)."""
    from django.utils.formats import date_format

    from mitra.core import charts

    rounds = sorted({p.round for p in points})
    sectors = sorted({p.sector for p in points})
    index = {(p.round, p.sector): p.index for p in points}
    return charts.bars(
        key,
        _("Partnership health by sector"),
        _("The health index (0–100) of each sector's partners in each survey round."),
        categories=[date_format(r, "YEAR_MONTH_FORMAT") for r in rounds],
        series={str(Sector(s).label): [index.get((r, s)) for r in rounds] for s in sectors},
        x_label=_("Survey round"),
        y_label=_("Health index (0–100)"),
        places=1,
    )
