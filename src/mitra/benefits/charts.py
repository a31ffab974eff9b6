"""The charts of the Benefit-sharing tab, with ``mitra.core.charts``: each with a sentence in
plain words, its numbers as a table and CSV/XLSX downloads."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from mitra.analysis import ShareResult
from mitra.core import charts
from mitra.core.fields import plain_number_text
from mitra.core.templatetags.mitra import number
from mitra.organisations.models import ResourceType

from .selectors import CoalitionRow, Valuation
from .specs import Player


def unit_label(currency: str, amount_unit: Decimal | float) -> str:
    """'IDR million', 'USD', 'IDR × 500' (the amounts' unit in words)."""
    unit = float(amount_unit)
    names = {
        1.0: "",
        1e3: _("thousand"),
        1e6: _("million"),
        1e9: _("billion"),
        1e12: _("trillion"),
    }
    return f"{currency} {names.get(unit, '× ' + plain_number_text(f'{unit:g}'))}".strip()


def split_chart(result: ShareResult, players: list[Player], unit: str) -> charts.Chart:
    """Proportional, Shapley, Nash and the proposal side by side, with the walk-away values."""
    report = result.report
    names = {p.key: p.short_name for p in players}
    categories = [names.get(r.id, r.id) for r in report.parties]
    series: dict[str, list[float]] = {
        _("Proportional"): [r.proportional for r in report.parties],
        _("Shapley"): [r.shapley for r in report.parties],
    }
    if report.nash_feasible:
        series[_("Nash bargaining")] = [r.nash or 0.0 for r in report.parties]
    series[_("Proposed")] = [r.proposed for r in report.parties]
    series[_("Walk-away")] = [r.walk_away for r in report.parties]
    gap = max(report.parties, key=lambda r: abs(r.shapley - r.proportional))
    caption = _(
        "The rules differ most for %(party)s: %(prop)s %(unit)s in proportion to its "
        "contributions, %(shapley)s %(unit)s by its average added value (Shapley)."
    ) % {
        "party": names.get(gap.id, gap.id),
        "prop": number(gap.proportional, 1),
        "shapley": number(gap.shapley, 1),
        "unit": unit,
    }
    return charts.bars(
        "sharing-split",
        _("Three ways to share %(total)s %(unit)s")
        % {"total": number(report.total, 1), "unit": unit},
        caption,
        categories=categories,
        series=series,
        x_label=_("Partner"),
        y_label=_("Benefit (%(unit)s)") % {"unit": unit},
    )


def contribution_chart(
    valuation: Valuation, players: list[Player], amount_unit: Decimal, unit: str
) -> charts.Chart | None:
    """What each partner brought, by resource type (only what this reader may see)."""
    valued = [i for i in valuation.items if i.value is not None]
    if not valued:
        return None
    types = [t for t in ResourceType if any(i.resource_type == t for i in valued)]
    series = {
        str(t.label): [
            float(
                sum(
                    (
                        i.value
                        for i in valued
                        if i.member_id == p.member_id and i.resource_type == t and i.value
                    ),
                    Decimal(0),
                )
                / amount_unit
            )
            for p in players
        ]
        for t in types
    }
    totals = {p.member_id: valuation.total_of(p.member_id) for p in players}
    top = max(players, key=lambda p: totals[p.member_id])
    grand = sum(totals.values(), Decimal(0))
    share = float(totals[top.member_id] / grand * 100) if grand else 0.0
    return charts.bars(
        "sharing-contributions",
        _("What each partner has brought, valued in %(unit)s") % {"unit": unit},
        _("%(party)s has brought the most: %(share)s%% of the value delivered so far.")
        % {"party": top.short_name, "share": number(share, 0)},
        categories=[p.short_name for p in players],
        series=series,
        x_label=_("Partner"),
        y_label=_("Value delivered (%(unit)s)") % {"unit": unit},
        stacked=True,
    )


def excess_chart(rows: list[CoalitionRow], unit: str) -> charts.Chart | None:
    """The groups closest to leaving: what each could get alone minus what the proposal gives
    it (positive: it would do better on its own)."""
    scored = [r for r in rows if r.excess is not None and r.size > 0]
    if not scored:
        return None
    top = sorted(scored, key=lambda r: -(r.excess or 0.0))[:12]
    first = top[0]
    if (first.excess or 0.0) > 1e-9 * max(1.0, abs(first.worth)):
        caption = _(
            "%(group)s would do better on its own, by %(excess)s %(unit)s: the proposal is not in "
            "the core."
        ) % {"group": first.names, "excess": number(first.excess, 1), "unit": unit}
    else:
        caption = _(
            "Every bar is at or below zero: no group of partners would gain by leaving. The "
            "closest, %(group)s, is %(margin)s %(unit)s better off staying."
        ) % {"group": first.names, "margin": number(-(first.excess or 0.0), 1), "unit": unit}
    return charts.tornado(
        "sharing-core",
        _("Would any group of partners do better on its own?"),
        caption,
        items=[{"label": r.names[:48], "value": r.excess} for r in top],
        x_label=_("Alone minus proposed (%(unit)s)") % {"unit": unit},
        y_label=_("Group of partners"),
    )
