"""The finance model's charts (``mitra.core.charts``: SVG rendered on the server, each with its
numbers as a table and a caption in plain words) and the figures the results page shows.

Rendering a chart is the slow part of the page (Vega in an embedded engine, about 60 ms a
chart): saving a model draws its result charts at once in every language (:func:`prerender`,
called by ``services.model_save`` after the commit) and stores them in the database by (spec hash,
lenders' minimum, language) (:class:`~mitra.finance.models.ResultChartSet`), so no reader waits for
them, after an edit or a restart; the saving request pays for the drawing. Each process also keeps
the charts it last read in memory.
"""

from __future__ import annotations

import math
import pickle
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from mitra.analysis import FinanceResult
from mitra.core import charts as core
from mitra.core.charts import Chart

from .models import ResultChartSet

#: Labels of the government flows (``GOVERNMENT_FLOW_KEYS`` and any the core adds).
FLOW_LABELS: dict[str, Any] = {
    "availability_payment": gettext_lazy("Availability payment"),
    "vgf": gettext_lazy("Viability gap funding (VGF)"),
    "land": gettext_lazy("Land acquisition"),
    "subsidy": gettext_lazy("Subsidy"),
    "guarantee_fee_income": gettext_lazy("Guarantee fees received"),
    "tax_receipts": gettext_lazy("Tax received"),
    "concession_fee": gettext_lazy("Concession fee received"),
}

_CACHE: OrderedDict[tuple[Any, ...], list[Chart]] = OrderedDict()
_LOCK = threading.Lock()
_MAX = 32
#: Raise when a change to the chart builders (core or here) changes what is drawn: charts stored
#: under an older version are drawn again when first read.
CHART_VERSION = 2


def unit_label(currency: str, amount_unit: float) -> str:
    """'IDR billion' / 'miliar IDR' for the model's amounts."""
    names = {
        1: _("%(currency)s"),
        1_000: _("thousand %(currency)s"),
        1_000_000: _("million %(currency)s"),
        1_000_000_000: _("billion %(currency)s"),
        1_000_000_000_000: _("trillion %(currency)s"),
    }
    if float(amount_unit).is_integer() and int(amount_unit) in names:
        return names[int(amount_unit)] % {"currency": currency}
    return _("%(currency)s × %(unit)s") % {"currency": currency, "unit": f"{amount_unit:g}"}


def num(value: float, places: int) -> str:
    """A number in the reader's language, grouped: 1.234,5 / 1,234.5."""
    return number_format(
        round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True
    )


def _finite(value: float) -> float | None:
    return value + 0.0 if math.isfinite(value) else None  # + 0.0: no "-0.0" in tables


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def sources_and_uses(result: FinanceResult) -> dict[str, list[tuple[str, float]]]:
    """Construction-period uses (capex, interest during construction, land) and their sources
    (debt incl. capitalised interest, equity, VGF, land from the government)."""
    c = int(result.cod_year - int(result.years[0]))
    capex = float(result.capex[:c].sum())
    idc = float(result.interest[:c].sum())
    land = (
        float(result.government_flows["land"][:c].sum())
        if "land" in result.government_flows
        else 0.0
    )
    vgf = float(result.vgf[:c].sum())
    uses = [(_("Construction capex"), capex), (_("Interest during construction"), idc)]
    sources = [(_("Debt"), float(result.debt_amount)), (_("Equity"), float(result.equity_invested))]
    if vgf:
        sources.append((_("VGF"), vgf))
    if land:
        uses.append((_("Land acquisition"), land))
        sources.append((_("Land from the government"), land))
    return {"uses": uses, "sources": sources}


def waterfall_steps(result: FinanceResult) -> list[tuple[str, float, bool]]:
    """Life-of-concession totals (nominal): revenue, less opex, fees and tax, gives CFADS; less
    debt service, gives the equity's cash."""
    fees = float(result.guarantee_fee.sum() + result.concession_fee.sum())
    operating = result.years >= result.cod_year
    opex = float(result.opex[operating].sum())
    cfads = float(result.cfads.sum())
    service = float(result.debt_service.sum())
    steps = [
        (_("Revenue"), float(result.revenue.sum()), True),
        (_("Operating cost"), -opex, False),
    ]
    if fees:
        steps.append((_("Fees to the government and guarantor"), -fees, False))
    steps += [
        (_("Tax"), -float(result.tax.sum()), False),
        (_("Cash for debt service (CFADS)"), cfads, True),
        (_("Debt service"), -service, False),
        (_("Cash to equity"), cfads - service, True),
    ]
    return steps


def result_charts(result: FinanceResult, *, spec_key: str, lender_min_dscr: Decimal) -> list[Chart]:
    """The four charts of a model's results, in the reader's language: from this process's memory,
    else as drawn and stored when the model was saved (:class:`ResultChartSet`), else drawn now
    and stored (a model saved before the charts changed, see :data:`CHART_VERSION`)."""
    # 1.2 and 1.20 (as typed, as stored: two places) are one minimum
    minimum = Decimal(str(lender_min_dscr)).quantize(Decimal("0.01"))
    key = (spec_key, str(minimum), _language())
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    stored_key = ":".join((*key, str(CHART_VERSION)))
    stored = ResultChartSet.objects.filter(key=stored_key).values_list("charts", flat=True).first()
    if stored is not None:
        charts: list[Chart] = pickle.loads(bytes(stored))  # noqa: S301 - written below, by us only
        _remember(key, charts)
        return charts
    charts = [
        sources_uses_chart(result),
        waterfall_chart(result),
        *([dscr_chart(result, lender_min_dscr)] if result.min_dscr is not None else []),
        government_chart(result),
    ]
    _remember(key, charts)
    ResultChartSet.objects.bulk_create(
        [ResultChartSet(key=stored_key, spec_hash=spec_key, charts=pickle.dumps(charts))],
        ignore_conflicts=True,  # another process drew the same charts meanwhile
    )
    return charts


def prerender(spec: dict[str, Any], lender_min_dscr: Decimal) -> None:
    """Draw a saved model's result charts now, in every language (the saver's first), and store
    them for :func:`result_charts`."""
    from .selectors import run_spec, spec_hash

    result = run_spec(spec)
    key = spec_hash(spec)
    codes = sorted((code for code, _name in settings.LANGUAGES), key=lambda c: c != _language())
    for code in codes:
        with translation.override(code):
            result_charts(result, spec_key=key, lender_min_dscr=lender_min_dscr)


def forget(spec_key: str) -> None:
    """Drop the stored charts of a spec no longer saved (the model was edited or deleted)."""
    ResultChartSet.objects.filter(spec_hash=spec_key).delete()
    with _LOCK:
        for key in [k for k in _CACHE if k[0] == spec_key]:
            del _CACHE[key]


def _remember(key: tuple[Any, ...], charts: list[Chart]) -> None:
    with _LOCK:
        _CACHE[key] = charts
        while len(_CACHE) > _MAX:
            _CACHE.popitem(last=False)


def sources_uses_chart(result: FinanceResult) -> Chart:
    unit = unit_label(result.currency, result.amount_unit)
    su = sources_and_uses(result)
    names = [n for n, _v in su["uses"]] + [
        n for n, _v in su["sources"] if n not in dict(su["uses"])
    ]
    series: dict[str, list[float]] = {}
    for name in names:
        series[name] = [dict(su["uses"]).get(name, 0.0), dict(su["sources"]).get(name, 0.0)]
    land_name = _("Land acquisition")
    if land_name in series and _("Land from the government") in series:
        # one colour for the land, on both sides
        series[land_name][1] = series.pop(_("Land from the government"))[1]
    total = sum(v for _n, v in su["uses"])
    return core.bars(
        "finance-sources-uses",
        _("Sources and uses of funds during construction"),
        _(
            "What building the project costs (left) and who pays for it (right): %(total)s %(unit)s in all."
        )
        % {"total": num(total, 1), "unit": unit},
        categories=[_("Uses"), _("Sources")],
        series=series,
        x_label=_("Funds"),
        y_label=unit,
        stacked=True,
        places=1,
    )


def waterfall_chart(result: FinanceResult) -> Chart:
    unit = unit_label(result.currency, result.amount_unit)
    return core.waterfall(
        "finance-waterfall",
        _("Where the revenue goes, over the whole concession"),
        _(
            "Revenue less operating cost, fees and tax is the cash available for debt service; what is left after the lenders is the equity's cash. Nominal sums of all years."
        ),
        steps=waterfall_steps(result),
        x_label=_("Step"),
        y_label=unit,
        places=1,
    )


def dscr_chart(result: FinanceResult, lender_min_dscr: Decimal) -> Chart:
    points = [
        (int(y), v)
        for y, v in zip(result.years.tolist(), result.dscr.tolist(), strict=True)
        if math.isfinite(v)
    ]
    minimum = float(lender_min_dscr)
    below = [y for y, v in points if v < minimum]
    if below:
        caption = _(
            "The cash available covers debt service less than the lenders require (%(min)s) in %(n)s year(s), from %(first)s."
        ) % {"min": num(minimum, 2), "n": len(below), "first": below[0]}
    else:
        caption = _(
            "The cash available covers debt service at least %(min)s times in every year, as the lenders require."
        ) % {"min": num(minimum, 2)}
    return core.line(
        "finance-dscr",
        _("Debt service cover ratio (DSCR) by year"),
        caption,
        series={_("DSCR"): points},
        x_label=_("Year"),
        y_label=_("DSCR"),
        rules=[(_("Lenders' minimum"), minimum)],
        x_is_year=True,
        places=2,
    )


def government_chart(result: FinanceResult, flows: dict[str, list[float]] | None = None) -> Chart:
    """The government's payments (positive) and receipts (negative) by year."""
    from .selectors import government_flows

    flows = flows if flows is not None else government_flows(result)
    return government_chart_from(
        years=[int(y) for y in result.years.tolist()],
        flows=flows,
        unit=unit_label(result.currency, result.amount_unit),
    )


def government_chart_from(*, years: list[int], flows: dict[str, list[float]], unit: str) -> Chart:
    shown = {k: v for k, v in flows.items() if any(abs(x) > 1e-12 for x in v)}
    if not shown:
        shown = {"availability_payment": [0.0] * len(years)}
    total_paid = sum(x for v in shown.values() for x in v if x > 0)
    return core.bars(
        "finance-government",
        _("Government payments and receipts by year"),
        _(
            "Above zero what the government pays (availability payments, VGF, land, subsidy), below zero what it receives (tax, fees): it pays %(total)s %(unit)s in all, in nominal terms."
        )
        % {"total": num(total_paid, 1), "unit": unit},
        categories=[str(y) for y in years],
        series={str(FLOW_LABELS.get(k, k)): v for k, v in shown.items()},
        x_label=_("Year"),
        y_label=unit,
        stacked=True,
        places=1,
    )


# --------------------------------------------------------------------------- figures and words


def summary_rows(result: FinanceResult) -> list[dict[str, Any]]:
    unit = unit_label(result.currency, result.amount_unit)
    return [
        {
            "label": _("Project IRR"),
            "value": result.project_irr,
            "kind": "rate",
            "key": "project_irr",
        },
        {"label": _("Equity IRR"), "value": result.equity_irr, "kind": "rate", "key": "equity_irr"},
        {
            "label": _("Project NPV"),
            "value": result.project_npv,
            "kind": "amount",
            "unit": unit,
            "key": "project_npv",
        },
        {
            "label": _("Equity NPV"),
            "value": result.equity_npv,
            "kind": "amount",
            "unit": unit,
            "key": "equity_npv",
        },
        {"label": _("Minimum DSCR"), "value": result.min_dscr, "kind": "ratio", "key": "min_dscr"},
        {"label": _("Average DSCR"), "value": result.avg_dscr, "kind": "ratio", "key": "avg_dscr"},
        {"label": _("LLCR"), "value": result.llcr, "kind": "ratio", "key": "llcr"},
        {
            "label": _("Government net present cost"),
            "value": result.government_npc,
            "kind": "amount",
            "unit": unit,
            "key": "government_npc",
        },
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else num(value * 100, 1) + "%"


def _ratio(value: float | None) -> str:
    return "—" if value is None else num(value, 2)


def dscr_shortfall(result: FinanceResult, lender_min_dscr: Decimal) -> bool:
    return result.min_dscr is not None and result.min_dscr < float(lender_min_dscr)


def plain_words(result: FinanceResult, lender_min_dscr: Decimal) -> str:
    """What the results mean, in a sentence or two."""
    required = result.discount_rates.equity
    if result.equity_irr is None:
        first = _(
            "The investors never get their money back: the equity has no internal rate of return."
        )
    elif result.equity_irr >= required:
        first = _(
            "The investors earn %(irr)s a year on their equity, at least the %(required)s they require: the project is attractive to them at these figures."
        ) % {"irr": _pct(result.equity_irr), "required": _pct(required)}
    else:
        first = _(
            "The investors earn %(irr)s a year on their equity, less than the %(required)s they require: at these figures the project needs more revenue or support to attract them."
        ) % {"irr": _pct(result.equity_irr), "required": _pct(required)}
    if result.min_dscr is None:
        second = _("The model has no debt.")
    elif dscr_shortfall(result, lender_min_dscr):
        second = _(
            "In its worst year the cash covers debt service only %(min)s times, below the lenders' minimum of %(req)s: lenders would not finance it like this."
        ) % {"min": _ratio(result.min_dscr), "req": _ratio(float(lender_min_dscr))}
    else:
        second = _(
            "Even in its worst year the cash covers debt service %(min)s times, above the lenders' minimum of %(req)s."
        ) % {"min": _ratio(result.min_dscr), "req": _ratio(float(lender_min_dscr))}
    return f"{first} {second}"


def fast_number(value: float | None, places: int, english: bool) -> str:
    """``num`` for many cells at once (the table of a 40-year model has 800): Python's own
    grouping with the separators swapped for Indonesian."""
    if value is None:
        return "—"
    text = f"{value + 0.0:,.{places}f}"
    if text.startswith("-") and not any(c not in "-0.," for c in text):
        text = text[1:]  # -0.0 → 0.0
    return text if english else text.translate(_SWAP)


_SWAP = str.maketrans({",": ".", ".": ","})


def year_table(result: FinanceResult, flows: dict[str, list[float]]) -> dict[str, Any]:
    """The per-year table: rows are lines, columns are years."""
    lines = [
        ("capex", _("Capex")),
        ("revenue", _("Revenue")),
        ("user_revenue", _("of which user charges")),
        ("opex", _("Operating cost")),
        ("tax", _("Tax")),
        ("cfads", _("Cash for debt service (CFADS)")),
        ("debt_drawdown", _("Debt drawn")),
        ("interest", _("Interest")),
        ("principal", _("Principal")),
        ("debt_service", _("Debt service")),
        ("debt_balance", _("Debt outstanding")),
        ("equity_flows", _("Equity cash flow")),
        ("project_flows", _("Project cash flow")),
    ]
    rows = [
        {
            "label": label,
            "values": [_finite(v) for v in getattr(result, name).tolist()],
            "places": 1,
        }
        for name, label in lines
    ]
    rows.append(
        {"label": _("DSCR"), "values": [_finite(v) for v in result.dscr.tolist()], "places": 2}
    )
    for key, values in flows.items():
        if any(abs(v) > 1e-12 for v in values):
            rows.append(
                {
                    "label": _("Government: %(flow)s") % {"flow": FLOW_LABELS.get(key, key)},
                    "values": values,
                    "places": 1,
                }
            )
    english = _language() == "en"
    for row in rows:
        row["cells"] = [fast_number(v, row["places"], english) for v in row["values"]]
    return {"years": [int(y) for y in result.years.tolist()], "rows": rows}
