"""The suggested partners chart: each organisation's score split into its parts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mitra.core import charts

from .selectors import Suggestion


def suggestion_chart(suggestions: list[Suggestion]) -> charts.Chart:
    names = [s.organisation.short_name or s.organisation.name for s in suggestions]
    series: dict[str, list[float]] = {}
    for s in suggestions:
        for _key, label, _part, _weight, points in s.parts:
            series.setdefault(label, []).append(points)
    best = suggestions[0]
    return charts.bars(
        "suggested-partners",
        _("Suggested partners: what their score is made of"),
        _(
            "Points out of 100 per part of the score. %(name)s fits best with %(points)s "
            "points: %(why)s."
        )
        % {
            "name": best.organisation.name,
            "points": best.points,
            "why": best.summary,
        },
        categories=names,
        series=series,
        x_label=_("Organisation"),
        y_label=_("Points"),
        stacked=True,
        places=1,
    )
