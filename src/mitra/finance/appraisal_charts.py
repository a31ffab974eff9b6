"""The charts of the appraisal pages (``mitra.core.charts``: server-side SVG, each with its
numbers and a sentence in plain words)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core import charts
from mitra.core.templatetags.mitra import fraction_percent, number

from . import appraisal_selectors as sel


def component_label(key: str) -> str:
    return {
        "raw": _("Raw PSC"),
        "competitive_neutrality": _("Competitive neutrality"),
        "transferable_risk": _("Transferable risk"),
        "retained_risk": _("Retained risk"),
        "availability_payment": _("Availability payment"),
        "vgf": _("Viability gap funding"),
        "land": _("Land"),
        "subsidy": _("Subsidy"),
        "other": _("Other payments"),
        "concession_fee": _("Concession fee (received)"),
        "guarantee_fee_income": _("Guarantee fee"),
        "tax_receipts": _("Tax receipts"),
        "guarantee_calls": _("Guarantee calls"),
        "other_costs": _("Other costs"),
    }.get(key, key)


def vfm_chart(view: sel.VfmView) -> charts.Chart:
    """PSC against the KPBU option, each a stack of its components (present values)."""
    r = view.result
    psc_label, ppp_label = _("PSC"), _("KPBU option")
    series: dict[str, list[float]] = {}
    for key, est in r.psc.items():
        series[_("PSC: %(c)s") % {"c": component_label(key)}] = [est.mean or 0.0, 0.0]
    for key, est in r.ppp.items():
        if not est.mean:
            continue
        series[_("KPBU: %(c)s") % {"c": component_label(key)}] = [0.0, est.mean]
    series = {k: v for k, v in series.items() if any(v)}
    return charts.bars(
        "vfm",
        _("Public sector comparator against the KPBU option (present value)"),
        _(
            "Each bar stacks what the option costs the government in present value; the lower "
            "bar is the cheaper option. Tolls or fees the government would collect count below zero."
        ),
        categories=[psc_label, ppp_label],
        series=series or {_("Total"): [r.psc_total.mean or 0.0, r.ppp_total.mean or 0.0]},
        x_label=_("Option"),
        y_label=_("Present value (%(unit)s)") % {"unit": view.unit},
        stacked=True,
    )


def fiscal_charts(view: sel.FiscalView) -> list[charts.Chart]:
    r = view.result
    years = [str(y) for y in r.years]
    series: dict[str, list[float]] = {}
    for key, values in r.direct.items():
        if any(values):
            series[component_label(key)] = list(values)
    if any(r.contingent_expected):
        series[_("Expected guarantee calls")] = list(r.contingent_expected)
    lines: dict[str, list[Any]] = {}
    limit = view.inputs.limit_share if view.inputs is not None else None
    budget_in_unit = [row["budget"] for row in view.rows]
    if limit is not None and any(b is not None for b in budget_in_unit):
        lines[_("Limit: %(x)s%% of the budget") % {"x": number(float(limit) * 100, 2)}] = [
            float(b * Decimal(limit)) if b is not None else None for b in budget_in_unit
        ]
    if r.contingent_p95 is not None and any(r.contingent_p95):
        lines[_("Direct + P95 calls")] = [
            d + p for d, p in zip(r.direct_total, r.contingent_p95, strict=True)
        ]
    peak_i = max(range(len(r.years)), key=lambda i: r.total_expected[i]) if r.years else 0
    caption = (
        _("Commitments peak in %(year)s at %(x)s %(unit)s (direct %(d)s, expected calls %(c)s).")
        % {
            "year": r.years[peak_i],
            "x": number(r.total_expected[peak_i], 1),
            "unit": view.unit,
            "d": number(r.direct_total[peak_i], 1),
            "c": number(r.contingent_expected[peak_i], 1),
        }
        if r.years
        else ""
    )
    out = [
        charts.stacked_bars_with_lines(
            "fiscal-commitments",
            _("What the partnership commits the budget to, by year"),
            caption,
            categories=years,
            series=series or {_("Direct commitments"): list(r.direct_total)},
            lines=lines,
            x_label=_("Year"),
            y_label=_("Amount (%(unit)s)") % {"unit": view.unit},
        )
    ]
    shares = [(y, s) for y, s in zip(r.years, r.share_total_expected, strict=True) if s is not None]
    if shares:
        share_series = {
            _("Direct"): [
                (y, 100 * s) for y, s in zip(r.years, r.share_direct, strict=True) if s is not None
            ],
            _("Direct + expected calls"): [(y, 100 * s) for y, s in shares],
        }
        if r.share_total_p95 is not None:
            share_series[_("Direct + P95 calls")] = [
                (y, 100 * s)
                for y, s in zip(r.years, r.share_total_p95, strict=True)
                if s is not None
            ]
        worst = max(shares, key=lambda p: p[1])
        rules = [(_("limit"), float(limit) * 100)] if limit is not None else None
        # percentages written as everywhere else on the page (2,011 %, 5 %)
        caption = _("The highest share is %(x)s of the budget, in %(year)s.") % {
            "x": fraction_percent(worst[1], 3),
            "year": worst[0],
        }
        if limit is not None:
            caption += " " + (
                _("That is above the limit of %(l)s.")
                if worst[1] > float(limit)
                else _("That is within the limit of %(l)s.")
            ) % {"l": fraction_percent(limit, 2)}
        out.append(
            charts.line(
                "fiscal-share",
                _("Share of the PJPK's budget, by year"),
                caption,
                series=share_series,
                x_label=_("Year"),
                y_label=_("% of the budget"),
                rules=rules,
                x_is_year=True,
                places=3,
            )
        )
    return out


STRESS_CHART_METRICS = ("government_npc", "vfm", "fiscal_pv_direct", "project_npv", "equity_npv")


def stress_chart(view: sel.StressView) -> charts.Chart | None:
    """The change of each money metric per scenario, side by side."""
    ran = [s for s in view.scenarios if getattr(s, "shown", None)]
    if not ran:
        return None
    names = {
        "government_npc": _("Government net cost"),
        "vfm": _("Value for money"),
        "fiscal_pv_direct": _("Direct commitments (PV)"),
        "project_npv": _("Project NPV"),
        "equity_npv": _("Equity NPV"),
    }
    series: dict[str, list[float]] = {}
    for key in STRESS_CHART_METRICS:
        values = [((s.shown.get(key) or {}).get("delta")) for s in ran]  # type: ignore[attr-defined]
        if any(v is not None for v in values):
            series[str(names[key])] = [v or 0.0 for v in values]
    if not series:
        return None
    npc = [((s.shown.get("government_npc") or {}).get("delta")) or 0.0 for s in ran]  # type: ignore[attr-defined]
    worst = max(range(len(ran)), key=lambda i: npc[i])
    caption = _(
        "Each bar is the change from the base case. For the government, '%(name)s' costs most: "
        "%(x)s %(unit)s more in present value."
    ) % {"name": ran[worst].name, "x": number(npc[worst], 1), "unit": view.unit}
    return charts.bars(
        "stress",
        _("Change from the base case, by scenario"),
        caption,
        categories=[s.name for s in ran],
        series=series,
        x_label=_("Scenario"),
        y_label=_("Change (%(unit)s)") % {"unit": view.unit},
    )


def portfolio_chart(portfolio: sel.Portfolio, key: str = "portfolio") -> charts.Chart | None:
    if not portfolio.years:
        return None
    scale = Decimal("1e9")
    unit = sel.unit_label(portfolio.currency, 1e9)
    rows = portfolio.rows
    lines: dict[str, list[Any]] = {}
    budget = [r["budget"] for r in rows]
    if any(b is not None for b in budget):
        lines[_("1% of the budget")] = [
            float(b / scale / 100) if b is not None else None for b in budget
        ]
    peak = max(rows, key=lambda r: r["total"])
    caption = _("Commitments peak in %(year)s at %(x)s %(unit)s.") % {
        "year": peak["year"],
        "x": number(peak["total"] / scale, 1),
        "unit": unit,
    }
    if peak["share"] is not None:
        caption += " " + _("That is %(s)s%% of the budget.") % {"s": number(100 * peak["share"], 3)}
    return charts.stacked_bars_with_lines(
        key,
        _("Direct and contingent commitments by year, all partnerships"),
        caption,
        categories=[str(y) for y in portfolio.years],
        series={
            _("Direct commitments"): [float(v / scale) for v in portfolio.direct],
            _("Expected guarantee calls"): [float(v / scale) for v in portfolio.contingent],
        },
        lines=lines,
        x_label=_("Year"),
        y_label=_("Amount (%(unit)s)") % {"unit": unit},
    )


#: The balance-sheet and fiscal-limit tests of ``mitra.analysis`` (``FiscalFlag.id``) in words:
#: a short name, and the rule in a sentence (the core's own wording is English, for the CLI).
FLAG_WORDS: dict[str, tuple[Any, Any]] = {
    "eurostat_guarantees": (
        gettext_lazy("Guarantees and VGF against the capital cost"),
        gettext_lazy(
            "The asset counts on the government's balance sheet when government guarantees "
            "and VGF together cover more than half of the capital cost."
        ),
    ),
    "eurostat_construction_risk": (
        gettext_lazy("Construction risk borne by the government"),
        gettext_lazy(
            "The asset counts on the government's balance sheet when the government bears "
            "most of the construction risk."
        ),
    ),
    "eurostat_availability_demand_risk": (
        gettext_lazy("Availability and demand risk borne by the government"),
        gettext_lazy(
            "Off the balance sheet only if the partner bears the construction risk and at least "
            "one of availability and demand risk; flagged when the government bears most of both."
        ),
    ),
    "ipsas32_control": (
        gettext_lazy("Control of the services, prices and residual interest"),
        gettext_lazy(
            "In the government's accounts the asset is the government's when it controls which "
            "services are provided, to whom and at what price, and the asset at the end of the "
            "term, whoever bears the risks."
        ),
    ),
    "fiscal_limit": (
        gettext_lazy("Yearly commitments against the fiscal limit"),
        gettext_lazy("Each year's commitments must stay within the stated share of the budget."),
    ),
}


def flag_label(flag_id: str) -> str:
    """The short name of a balance-sheet or fiscal-limit test, in the reader's language."""
    return str(FLAG_WORDS[flag_id][0]) if flag_id in FLAG_WORDS else flag_id


def flag_rule(flag: Any) -> str:
    """The rule of a test in a sentence, in the reader's language (the core's text otherwise)."""
    return str(FLAG_WORDS[flag.id][1]) if flag.id in FLAG_WORDS else flag.rule


def _amount(value: float) -> str:
    """An amount of the model's unit as the page writes numbers: grouped, two places at most."""
    rounded = Decimal(str(round(value, 2)))
    return number(rounded, 0 if rounded == rounded.to_integral_value() else 2)


def _share(value: float | None) -> str:
    return _("not given") if value is None else fraction_percent(value, 1)


def _fact(value: bool | None) -> str:
    return _("not given") if value is None else (_("yes") if value else _("no"))


def flag_detail(flag: Any) -> str:
    """What a test found, in the reader's language and number format, from the core's
    ``facts`` (the core's English ``detail`` when there are none)."""
    facts = getattr(flag, "facts", None) or {}
    if not facts:
        return str(flag.detail)
    if flag.id == "eurostat_guarantees":
        if facts["capital_cost"] is None:
            return _("The capital cost is not known: the test cannot decide.")
        origin = (
            _("Guarantees covering %(amount)s")
            if facts["origin"] == "guarantees"
            else _("The finance model's guarantee cap of %(amount)s")
        ) % {"amount": _amount(facts["covered"])}
        share = (facts["covered"] + facts["vgf"]) / facts["capital_cost"]
        return _("%(origin)s and VGF of %(vgf)s against a capital cost of %(cost)s: %(share)s.") % {
            "origin": origin,
            "vgf": _amount(facts["vgf"]),
            "cost": _amount(facts["capital_cost"]),
            "share": fraction_percent(share, 1),
        }
    if flag.id == "eurostat_construction_risk":
        return _("The government's share of the construction risk: %(share)s.") % {
            "share": _share(facts["share"])
        }
    if flag.id == "eurostat_availability_demand_risk":
        return _(
            "The government's share of the availability risk: %(availability)s; of the demand "
            "risk: %(demand)s."
        ) % {"availability": _share(facts["availability"]), "demand": _share(facts["demand"])}
    if flag.id == "ipsas32_control":
        text = _(
            "The government controls the services and prices: %(services)s; the residual "
            "interest: %(residual)s."
        ) % {
            "services": _fact(facts["services_and_prices"]),
            "residual": _fact(facts["residual_interest"]),
        }
        if facts["whole_of_life"] is not None:
            text += " " + _("The asset is used for its whole life: %(whole)s.") % {
                "whole": _fact(facts["whole_of_life"])
            }
        return text
    if flag.id == "fiscal_limit":
        if facts.get("no_p95_calls"):
            return _("There are no P95 guarantee calls to test.")
        over = facts["years_over"]
        text = (
            _("Years above the limit: %(years)s.") % {"years": ", ".join(map(str, over))}
            if over
            else _("No year is above the limit.")
        )
        if facts["years_without_budget"]:
            text += " " + _("No budget is entered for %(years)s.") % {
                "years": ", ".join(map(str, facts["years_without_budget"]))
            }
        return text
    return str(flag.detail)
