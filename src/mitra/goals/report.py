"""What the Goals tab says about the partners' objectives: plain words first, charts with their
numbers, the mathematics one click away.

Everything is computed by ``mitra.analysis.align`` on the spec of *every* objective (hidden
constraints count), and shown so that a hidden constraint's figures never reach another reader:
its bar is not drawn, a lever it takes part in gets a yes/no verdict without the numbers that
would give its range away (the numbers among the visible ranges come beside it), and the
compromise names it as a partner that would have to move without saying by how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mitra.analysis import AlignmentResult, LeverRange, align
from mitra.core import charts
from mitra.core.templatetags.mitra import number
from mitra.partnerships.models import Partnership

from . import selectors
from .models import Lever
from .selectors import Goals, LeverView, ObjectiveView, value_text


@dataclass
class LeverReport:
    view: LeverView
    sentence: str
    detail: str = ""
    chart: charts.Chart | None = None
    feasible: bool | None = None
    hidden_names: list[str] = field(default_factory=list)

    @property
    def lever(self) -> Lever:
        return self.view.lever


@dataclass
class Move:
    lever: Lever
    partner: str
    text: str
    beyond_walk_away: bool | None


@dataclass
class Report:
    goals: Goals
    result: AlignmentResult | None
    levers: list[LeverReport]
    headline: str
    conflict_chart: charts.Chart | None = None
    conflict_sentence: str = ""
    satisfaction_chart: charts.Chart | None = None
    compromise_sentence: str = ""
    compromise_rows: list[tuple[Lever, str]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    hidden_count: int = 0

    @property
    def charts(self) -> list[charts.Chart]:
        out = [lv.chart for lv in self.levers if lv.chart is not None]
        return out + [c for c in (self.conflict_chart, self.satisfaction_chart) if c is not None]


def _names(partnership: Partnership) -> dict[str, str]:
    """Spec partner id → the organisation's name."""
    ids = selectors.partner_ids(partnership)
    members = {m.pk: m for m in partnership.members.all()}
    return {key: str(members[pk].organisation) for pk, key in ids.items()}


def _places(lever: Lever) -> int:
    span = float(lever.max_value - lever.min_value)
    return 0 if span >= 20 else (1 if span >= 2 else 2)


def _lever_chart(
    view: LeverView, shown: LeverRange | None, visible: list[ObjectiveView], has_hidden: bool
) -> charts.Chart:
    lever = view.lever
    items = [
        {
            "label": o.partner_name,
            "low": o.acceptable_min,
            "high": o.acceptable_max,
            "point": o.preferred,
            "outer": o.walk_away,
        }
        for o in visible
    ] + [{"label": _("%(partner)s (hidden)") % {"partner": o.partner_name}} for o in view.hidden]
    shared = gap = None
    if shown is not None and len(visible) > 1:
        if shown.intersection is not None:
            shared = shown.intersection
        elif shown.tightest_pair is not None:
            lo_max = max(float(o.acceptable_min or 0) for o in visible)
            hi_min = min(float(o.acceptable_max or 0) for o in visible)
            gap = (hi_min, lo_max)
    caption = _("Each bar is what a partner can accept; the tick is what it prefers.")
    if has_hidden:
        caption += " " + _("A hidden constraint is counted but not drawn.")
    return charts.intervals(
        f"lever-{lever.key.replace('_', '-')}",
        _("%(lever)s: what each partner can accept") % {"lever": lever.name},
        caption,
        items=items,
        x_label=f"{lever.name} ({selectors.unit_text(lever)})",
        y_label=_("Partner"),
        names={
            "range": _("Acceptable range"),
            "point": _("Preferred"),
            "outer": _("Walk-away point"),
            "shared": _("Where all ranges meet"),
            "gap": pgettext("ranges", "Gap"),
        },
        shared=shared,
        gap=gap,
        limits=(lever.min_value, lever.max_value),
        places=_places(lever),
    )


def _range_sentence(lever: Lever, r: LeverRange, names: dict[str, str]) -> str:
    if len(r.partners) < 2:
        return _("Only %(partner)s has stated an objective on %(lever)s so far.") % {
            "partner": names.get(r.partners[0], r.partners[0]) if r.partners else "—",
            "lever": lever.name,
        }
    if r.intersection is not None:
        lo, hi = r.intersection
        if lo == hi:
            return _("All partners can accept %(lever)s at exactly %(value)s.") % {
                "lever": lever.name,
                "value": value_text(lever, lo),
            }
        return _("All partners can accept %(lever)s between %(lo)s and %(hi)s.") % {
            "lever": lever.name,
            "lo": value_text(lever, lo),
            "hi": value_text(lever, hi),
        }
    above, below = r.tightest_pair or ("", "")
    return _("%(a)s and %(b)s cannot both be satisfied on %(lever)s: the gap is %(gap)s.") % {
        "a": names.get(above, above),
        "b": names.get(below, below),
        "lever": lever.name,
        "gap": value_text(lever, r.gap),
    }


def _ranges_by_lever(result: AlignmentResult | None) -> dict[str, LeverRange]:
    return {} if result is None else {r.lever: r for r in result.ranges}


def report_get(*, user: Any, partnership: Partnership) -> Report:
    """The Goals tab's analysis for this reader."""
    goals = selectors.goals_get(user=user, partnership=partnership)
    names = _names(partnership)
    counted = selectors.alignment_spec(user=user, partnership=partnership, counted=True)
    result = None if counted is None else align(counted)
    visible_spec = selectors.alignment_spec(user=user, partnership=partnership)
    visible_result = (
        result
        if visible_spec == counted
        else (None if visible_spec is None else align(visible_spec))
    )
    full_ranges = _ranges_by_lever(result)
    visible_ranges = _ranges_by_lever(visible_result)
    levers: list[LeverReport] = []
    hidden_total = 0
    for view in goals.levers:
        lever = view.lever
        hidden = view.hidden
        hidden_total += len(hidden)
        visible = view.visible
        full = full_ranges.get(lever.key)
        seen = visible_ranges.get(lever.key)
        if not view.objectives:
            levers.append(
                LeverReport(view, _("No partner has stated an objective on this lever yet."))
            )
            continue
        hidden_names = [o.partner_name for o in hidden]
        if not hidden:
            sentence = _range_sentence(lever, full, names) if full else ""
            detail = ""
        else:
            who = ", ".join(hidden_names)
            sentence = (
                _(
                    "Counting the hidden constraint of %(who)s, the partners' ranges on %(lever)s meet."
                )
                if full is not None and full.feasible
                else _(
                    "Counting the hidden constraint of %(who)s, the partners' ranges on %(lever)s do not meet."
                )
            ) % {"who": who, "lever": lever.name}
            detail = (
                _("Among the ranges you can see: %(sentence)s")
                % {"sentence": _range_sentence(lever, seen, names)}
                if seen is not None
                else ""
            )
        levers.append(
            LeverReport(
                view,
                sentence,
                detail,
                _lever_chart(view, seen, visible, bool(hidden)),
                full.feasible if full is not None else None,
                hidden_names,
            )
        )
    report = Report(goals, result, levers, "", hidden_count=hidden_total)
    if result is None:
        report.headline = _(
            "No partner has stated an objective yet: add a lever, then say what you can accept."
        )
        return report
    _conflicts(report, names)
    _compromise(report, names, user)
    return report


def _conflicts(report: Report, names: dict[str, str]) -> None:
    assert report.result is not None
    matrix = report.result.conflicts
    ids = list(matrix.partners)
    if len(ids) < 2:
        return
    labels = [names.get(p, p) for p in ids]
    cells = [
        {
            "x": labels[j],
            "y": labels[i],
            "value": float(matrix.total[i, j]),
            "text": number(float(matrix.total[i, j]), 2) if i != j else "",
        }
        for i in range(len(ids))
        for j in range(len(ids))
    ]
    pairs = matrix.pairs()
    top = pairs[0] if pairs else None
    if top and top["weight"] > 0:
        a, b = top["partners"]
        report.conflict_sentence = _(
            "%(a)s and %(b)s pull hardest against each other (%(w)s of 1): they want opposite "
            "things on the levers that matter most to them."
        ) % {
            "a": names.get(a, a),
            "b": names.get(b, b),
            "w": number(top["weight"], 2),
        }
    else:
        report.conflict_sentence = _("No two partners pull any lever in opposite directions.")
    report.conflict_chart = charts.heatmap(
        "conflicts",
        _("Who pulls against whom (weighted conflict, 0 to 1)"),
        report.conflict_sentence,
        cells=cells,
        x_label=_("Partner"),
        y_label=_("Partner"),
        x_values=labels,
        y_values=labels,
        value_label=_("Conflict"),
        text_label=_("Conflict"),
        places=2,
    )


def _compromise(report: Report, names: dict[str, str], user: Any) -> None:
    result = report.result
    assert result is not None
    compromise = result.compromise or result.relaxed_compromise
    levers = {lv.lever.key: lv for lv in report.levers}
    if compromise is None:
        return
    # A partner's satisfaction would tell others something about its hidden constraint.
    spec_ids = selectors.partner_ids(report.goals.partnership)
    hidden = {spec_ids[o.member.pk] for lv in report.levers for o in lv.view.hidden}
    ids = [p for p in compromise.satisfaction if p not in hidden]
    labels = [names.get(p, p) for p in ids]
    sat = [round(100 * compromise.satisfaction[p], 1) + 0.0 for p in ids]
    binding = ", ".join(names.get(p, p) for p in compromise.binding)
    if result.feasible:
        report.headline = _(
            "The partners' ranges meet on every lever. The fairest point inside all of them "
            "leaves the least-satisfied partner (%(who)s) at %(s)s%% of what it hopes for."
        ) % {"who": binding, "s": number(round(100 * compromise.min_satisfaction) + 0.0, 0)}
    else:
        blocked = [lr.lever.name for lr in report.levers if lr.feasible is False]
        report.headline = _(
            "The partners' ranges do not meet on %(levers)s: no deal satisfies every partner as "
            "the objectives stand. Below is the smallest set of moves that would make them meet."
        ) % {"levers": ", ".join(blocked)}
    report.compromise_sentence = _("At this point the least satisfied: %(who)s, at %(s)s%%.") % {
        "who": binding,
        "s": number(round(100 * compromise.min_satisfaction) + 0.0, 0),
    }
    if hidden:
        report.compromise_sentence += " " + _(
            "The satisfaction of %(who)s is not shown: it would give its hidden constraint away."
        ) % {"who": ", ".join(names.get(p, p) for p in sorted(hidden))}
    if ids:
        report.satisfaction_chart = charts.bars(
            "satisfaction",
            _("How satisfied each partner is at the compromise (%)")
            if result.feasible
            else _("How satisfied each partner is at the compromise after the moves (%)"),
            report.compromise_sentence,
            categories=labels,
            series={_("Satisfaction (%)"): sat},
            x_label=_("Partner"),
            y_label=_("Satisfaction (%)"),
            places=0,
        )
    for key, value in compromise.point.items():
        if key in levers:
            lever = levers[key].lever
            report.compromise_rows.append((lever, value_text(lever, value)))
    if compromise.relaxations:
        _moves(report, compromise, names)


def _moves(report: Report, compromise: Any, names: dict[str, str]) -> None:
    levers = {lv.lever.key: lv for lv in report.levers}
    ids = selectors.partner_ids(report.goals.partnership)
    by_id = {v: k for k, v in ids.items()}
    for key, per_partner in (compromise.relaxations or {}).items():
        if key not in levers:
            continue
        view = levers[key].view
        lever = view.lever
        point = compromise.point[key]
        for pid, amount in per_partner.items():
            if amount <= 0:
                continue
            objective = next((o for o in view.objectives if o.member.pk == by_id.get(pid)), None)
            who = names.get(pid, pid)
            if objective is None or objective.hidden:
                report.moves.append(
                    Move(
                        lever,
                        who,
                        _("%(who)s would have to move on %(lever)s (a hidden constraint).")
                        % {"who": who, "lever": lever.name},
                        None,
                    )
                )
                continue
            hi = float(objective.acceptable_max)
            up = point > hi
            text = (
                _(
                    "%(who)s would have to accept %(amount)s more than its range on %(lever)s (up to %(value)s)."
                )
                if up
                else _(
                    "%(who)s would have to accept %(amount)s less than its range on %(lever)s (down to %(value)s)."
                )
            ) % {
                "who": who,
                "amount": value_text(lever, amount),
                "lever": lever.name,
                "value": value_text(lever, point),
            }
            walk = objective.walk_away
            beyond: bool | None = None
            if walk is not None:
                w = float(walk)
                beyond = (point > w) if up else (point < w)
                text += " " + (
                    _("That is beyond its walk-away point (%(w)s).")
                    if beyond
                    else _("That is still within its walk-away point (%(w)s).")
                ) % {"w": value_text(lever, walk)}
            report.moves.append(Move(lever, who, text, beyond))
