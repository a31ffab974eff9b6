"""The charts of the risk pages, built from a simulation result (the JSON of ``mitra simulate``)
and the register, with ``mitra.core.charts``; each with a sentence in plain words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.core import charts
from mitra.core.fields import plain_number_text
from mitra.core.templatetags.mitra import number

from .models import Risk, RiskParty


def _unit(result: dict[str, Any]) -> str:
    unit = float(result.get("amount_unit", 1))
    names = {
        1.0: "",
        1e3: _("thousand"),
        1e6: _("million"),
        1e9: _("billion"),
        1e12: _("trillion"),
    }
    return f"{result['currency']} {names.get(unit, '× ' + plain_number_text(f'{unit:g}'))}".strip()


def heat_map(risks: list[Risk]) -> charts.Chart:
    cells: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        cells.setdefault((risk.impact_level, risk.likelihood), []).append(risk.code)
    high = sum(1 for r in risks if r.likelihood * r.impact_level >= 15)
    return charts.heatmap(
        "heat-map",
        _("Risk map: likelihood × impact"),
        _("%(n)s of %(total)s risks sit in the red zone (score 15 or more).")
        % {"n": high, "total": len(risks)},
        cells=[
            {"x": i, "y": lik, "value": i * lik, "text": ", ".join(cells.get((i, lik), []))}
            for i in range(1, 6)
            for lik in range(1, 6)
        ],
        x_label=_("Impact"),
        y_label=_("Likelihood"),
        x_values=[1, 2, 3, 4, 5],
        y_values=[5, 4, 3, 2, 1],
        value_label=_("Score"),
        text_label=_("Risks"),
    )


def result_charts(
    result: dict[str, Any], parties: list[RiskParty], titles: dict[str, str] | None = None
) -> list[charts.Chart]:
    """The result's charts; ``titles`` (risk id → title in the reader's language) name the risks
    that are still in the register (the result keeps the names of the run)."""
    unit = _unit(result)
    titles = titles or {}
    npv = result["npv"]
    pct = npv["percentiles"]
    markers = [(k, v) for k, v in pct.items() if k in ("P5", "P50", "P95")]
    names = {p.key: p.name for p in parties} | {
        k: v.get("name", k)
        for k, v in result["parties"].items()
        if k not in {p.key for p in parties}
    }
    low, high = pct.get("P5"), pct.get("P95")
    spread = (
        _(
            "In 90 of 100 simulated futures the project's value lies between %(low)s and %(high)s %(unit)s."
        )
        % {"low": number(low, 1), "high": number(high, 1), "unit": unit}
        if low is not None and high is not None
        else ""
    )
    out = [
        charts.histogram(
            "npv-histogram",
            _("Project value (NPV) over %(n)s simulated futures")
            % {"n": number(result["iterations"], 0)},
            spread
            + " "
            + _("Without any risk it would be %(base)s; the chance of a negative value is %(p)s%%.")
            % {"base": number(npv["base"], 1), "p": number(100 * npv["prob_negative"], 1)},
            edges=result["histogram"]["edges"],
            counts=result["histogram"]["counts"],
            x_label=_("NPV (%(unit)s)") % {"unit": unit},
            y_label=_("Simulated futures"),
            markers=markers,
        ),
        charts.s_curve(
            "npv-s-curve",
            _("Chance that the project value is at most a given amount"),
            _(
                "Read across from a probability to the value the project stays below, e.g. P50 = %(p50)s %(unit)s."
            )
            % {"p50": number(pct.get("P50"), 1), "unit": unit},
            points=[(p["x"], p["p"]) for p in result["cdf"]],
            x_label=_("NPV (%(unit)s)") % {"unit": unit},
            y_label=_("Cumulative probability"),
            markers=markers,
        ),
    ]
    items = []
    for key, cost in result["parties"].items():
        p = cost["percentiles"]
        items.append(
            {
                "label": names.get(key, key),
                "low": p.get("P5"),
                "high": p.get("P95"),
                "mid": p.get("P50"),
                "band_low": p.get("P50"),
                "band_high": p.get("P90"),
                "mean": cost["mean"],
                "var": cost.get("var"),
                "cvar": cost.get("cvar"),
            }
        )
    heaviest = max(result["parties"].items(), key=lambda kv: kv[1]["mean"], default=None)
    out.append(
        charts.ranges(
            "party-costs",
            _("What the risks may cost each party (present value)"),
            (
                _(
                    "%(party)s bears the most: %(mean)s %(unit)s expected, %(cvar)s in the worst 5%% of futures."
                )
                % {
                    "party": names.get(heaviest[0], heaviest[0]),
                    "mean": number(heaviest[1]["mean"], 1),
                    "cvar": number(heaviest[1].get("cvar"), 1),
                    "unit": unit,
                }
                if heaviest
                else ""
            ),
            items=items,
            x_label=_("PV risk cost (%(unit)s)") % {"unit": unit},
            y_label=_("Party"),
            names={"mean": _("Expected"), "var": _("VaR 95%"), "cvar": _("CVaR 95%")},
        )
    )
    tornado = result["tornado"][:15]
    if tornado:
        top = tornado[0]
        out.append(
            charts.tornado(
                "tornado",
                _("Which risks move the project value most"),
                _tornado_caption(result, top),
                items=[
                    {"label": f"{r['id']} {r['name']}"[:48], "value": r["rho"]} for r in tornado
                ],
                x_label=_("Rank correlation with NPV"),
                y_label=_("Risk"),
                places=2,
            )
        )
    conv = result["convergence"]
    if conv:
        last = conv[-1]
        out.append(
            charts.line(
                "convergence",
                _("Does the estimate settle? Mean NPV as iterations grow"),
                _(
                    "After %(n)s iterations the mean is known to within ±%(se)s %(unit)s (2 standard errors)."
                )
                % {
                    "n": number(last["iterations"], 0),
                    "se": number(2 * last["se"], 2),
                    "unit": unit,
                },
                series={_("Mean NPV"): [(c["iterations"], c["mean"]) for c in conv]},
                band=[
                    (c["iterations"], c["mean"] - 2 * c["se"], c["mean"] + 2 * c["se"])
                    for c in conv
                ],
                band_labels=(_("lower (−2 SE)"), _("upper (+2 SE)")),
                x_label=_("Iterations"),
                y_label=_("Mean NPV (%(unit)s)") % {"unit": unit},
            )
        )
    return out


def scenario_chart(
    rows: list[tuple[RiskParty, float, float, float]], title: str, unit: str
) -> charts.Chart:
    biggest = max(rows, key=lambda r: abs(r[2] - r[1]), default=None)
    caption = (
        _("%(party)s would carry %(diff)s %(unit)s more expected cost.")
        % {"party": biggest[0].name, "diff": number(biggest[2] - biggest[1], 1), "unit": unit}
        if biggest and biggest[2] > biggest[1]
        else _("No party's expected cost changes.")
    )
    return charts.bars(
        "scenario",
        title,
        caption,
        categories=[r[0].name for r in rows],
        series={
            _("As allocated now"): [r[1] for r in rows],
            _("In the alternative"): [r[2] for r in rows],
        },
        x_label=_("Party"),
        y_label=_("Expected PV cost (%(unit)s)") % {"unit": unit},
    )


def _tornado_caption(result: dict[str, Any], top: dict[str, Any]) -> str:
    caption = _("%(risk)s explains %(share)s%% of the spread of outcomes.") % {
        "risk": f"{top['id']} {top['name']}",
        "share": number(100 * top["variance_share"], 0),
    }
    if result.get("tornado_sample"):  # a large run: the ranks come from its first iterations
        caption += " " + _(
            "The rank correlations are computed from the first %(sample)s iterations (each "
            "within about %(se)s, one standard error); every other figure uses all %(n)s."
        ) % {
            "sample": number(result["tornado_sample"], 0),
            "se": number(result["tornado_rho_se_max"], 4),
            "n": number(result["iterations"], 0),
        }
    return caption
