"""``mitra vfm``: value for money, fiscal burden and stress tests on the command line.

Usage::

    mitra vfm VFM.json [--iterations N] [--seed S] [--format table|json] [--out FILE]
    mitra vfm fiscal FISCAL.json [--iterations N] [--seed S] [--format ...] [--out FILE]
    mitra vfm stress MODEL.json SCENARIOS.json [--vfm VFM.json] [--fiscal FISCAL.json]
                     [--iterations N] [--seed S] [--format ...] [--out FILE]

The first form is the primary one (a VfM spec); ``fiscal`` and ``stress`` are
subcommands (to value a VfM spec whose file is literally called ``fiscal`` or
``stress``, write ``./fiscal``). Exit codes: 0 success; 2 unreadable or invalid
input, bad arguments or an unwritable ``--out`` (one ``path: what is wrong``
line per problem on stderr, never a traceback); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

from mitra.analysis._cli import (
    add_output_options,
    emit,
    fail,
    heading,
    interrupted,
    parse,
    positive_int,
    problems,
    seed,
    unit_label,
)
from mitra.analysis._i18n import _, gettext_noop, num
from mitra.analysis._spec import SpecError
from mitra.analysis.appraisal.fiscal import FiscalResult, fiscal_burden
from mitra.analysis.appraisal.stress import StressResult, stress_test
from mitra.analysis.appraisal.vfm import Estimate, VfmResult, present_value, value_for_money

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (
    gettext_noop("PV expected guarantee calls"),
    gettext_noop("PV P95 guarantee calls"),
    gettext_noop("metric"),
    gettext_noop("base"),
    gettext_noop("stressed"),
    gettext_noop("delta"),
    gettext_noop("not enough memory"),
    # the frameworks of the fiscal flags (FiscalFlag.framework), shown in the report's language
    gettext_noop("Eurostat (ESA 2010)"),
    gettext_noop("IPSAS 32 / PSAP 16"),
    gettext_noop("fiscal limit"),
)

__all__ = ["format_fiscal", "format_stress", "format_vfm", "main"]


def _common(parser: argparse.ArgumentParser, *, draws: bool = True) -> None:
    if draws:
        parser.add_argument(
            "--iterations",
            "-n",
            type=positive_int,
            help="Monte Carlo iterations for risk-model terms (default: the spec's)",
        )
        parser.add_argument(
            "--seed", type=seed, help="root seed >= 0 (default: the spec's, else random)"
        )
    add_output_options(parser)


def _vfm_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mitra vfm",
        description=(
            "Value for money: risk-adjusted Public Sector Comparator against the PPP option "
            "(vfm.schema.json). Subcommands: 'mitra vfm fiscal FISCAL.json' (fiscal burden) and "
            "'mitra vfm stress MODEL.json SCENARIOS.json' (stress tests)."
        ),
    )
    parser.add_argument("spec", metavar="VFM.json", help="path to the VfM spec")
    _common(parser)
    return parser


def _fiscal_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mitra vfm fiscal",
        description=(
            "Fiscal burden (fiscal.schema.json): direct commitments and guarantee calls by "
            "year, share of the budget and balance-sheet flags."
        ),
    )
    parser.add_argument("spec", metavar="FISCAL.json", help="path to the fiscal spec")
    _common(parser)
    return parser


def _stress_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mitra vfm stress",
        description=(
            "Stress tests: apply each scenario (stress-scenarios.schema.json) to a finance "
            "model (finance-model.schema.json) and report base, stressed and delta of NPVs, "
            "IRRs, DSCRs, LLCR, government NPC and, with --vfm / --fiscal, VfM and fiscal cost."
        ),
    )
    parser.add_argument("model", metavar="MODEL.json", help="path to the finance model")
    parser.add_argument("scenarios", metavar="SCENARIOS.json", help="path to the scenarios")
    parser.add_argument("--vfm", metavar="VFM.json", help="also recompute this VfM spec")
    parser.add_argument("--fiscal", metavar="FISCAL.json", help="also recompute this fiscal spec")
    _common(parser)
    return parser


# =========================================================================== tables


def _num(value: float | None, width: int = 12) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return f"{_('n/a'):>{width}}"
    return f"{num(value, ',.2f'):>{width}}"


def _pct(value: float | None, width: int = 9) -> str:
    if value is None:
        return f"{_('n/a'):>{width}}"
    return f"{num(100 * value, '.2f'):>{width - 1}}%"


def _iterations(iterations: int, seed: Any) -> str:
    return _("%(n)s iterations, seed %(seed)s") % {"n": num(iterations, ","), "seed": seed}


def _row(label: str, e: Estimate, drawn: bool) -> str:
    cells = _num(e.mean)
    if drawn:
        cells += _num(e.p5) + _num(e.p95)
    return f"  {label:<28}{cells}"


def format_vfm(result: VfmResult) -> str:
    """Plain-text VfM report (PVs in the spec's amount_unit at its base year)."""
    drawn = result.iterations is not None
    unit = unit_label(result.currency, result.amount_unit)
    head = f"  {'':<28}{heading(_('mean'), 12)}" + (f"{'P5':>12}{'P95':>12}" if drawn else "")
    lines = [
        result.name,
        _("amounts in %(unit)s, present values at %(rate)s%% to %(year)s")
        % {"unit": unit, "rate": num(100 * result.discount_rate, "g"), "year": result.base_year}
        + (
            f"; {_iterations(result.iterations, result.seed)}"
            if result.iterations is not None
            else ""
        ),
        "",
        _("Risk-adjusted Public Sector Comparator"),
        head,
    ]
    lines += [_row(k.replace("_", " "), v, drawn) for k, v in result.psc.items()]
    lines += [
        _row(_("PSC total"), result.psc_total, drawn),
        "",
        _("PPP option (cost to government)"),
    ]
    lines.append(head)
    lines += [
        _row(k.replace("_", " "), v, drawn)
        for k, v in result.ppp.items()
        if not (v.mean == 0 and v.p5 in (None, 0) and v.p95 in (None, 0))
    ]
    lines += [
        _row(_("PPP total"), result.ppp_total, drawn),
        "",
        _("Value for money (PSC - PPP)"),
    ]
    lines.append(head)
    lines.append(_row("VfM", result.vfm, drawn))
    pct = result.vfm_percent
    cells = _pct(pct.mean, 12) + (_pct(pct.p5, 12) + _pct(pct.p95, 12) if drawn else "")
    lines.append(f"  {'VfM % of PSC':<28}{cells}")
    if result.prob_vfm_positive is not None:
        lines.append(f"  {'P(VfM > 0)':<28}{_pct(result.prob_vfm_positive, 12)}")
    if drawn:
        lines += [
            "",
            _("P5/P95 of totals and VfM are percentiles of the per-iteration values (same draws);"),
            _("they are not sums of the component percentiles."),
        ]
    return "\n".join(lines) + "\n"


def format_fiscal(result: FiscalResult) -> str:
    """Plain-text fiscal report (amounts nominal by year, PVs at the base year)."""
    unit = unit_label(result.currency, result.amount_unit)
    has_p95 = result.total_p95 is not None
    lines = [
        result.name,
        _("amounts in %(unit)s, nominal by year; PVs at %(rate)s%% to %(year)s")
        % {"unit": unit, "rate": num(100 * result.discount_rate, "g"), "year": result.base_year}
        + (
            f"; {_iterations(result.iterations, result.seed)}"
            if result.iterations is not None
            else ""
        ),
        _("budget: %(budget)s") % {"budget": result.budget_label or _("not given")},
        "",
        f"  {heading(_('year'), 6, '<')}{heading(_('direct'), 12)}"
        + heading("E[" + _("calls") + "]", 12)
        + (heading("P95 " + _("calls"), 12) if has_p95 else "")
        + heading(_("budget"), 16)
        + heading(_("direct") + " %", 10)
        + heading("+E[" + _("calls") + "] %", 12)
        + (f"{'+P95 %':>10}" if has_p95 else ""),
    ]
    for k, year in enumerate(result.years):
        row = f"  {year:<6}{_num(result.direct_total[k])}{_num(result.contingent_expected[k])}"
        if has_p95 and result.contingent_p95 is not None:
            row += _num(result.contingent_p95[k])
        row += _num(result.budget[k], 16) + _pct(result.share_direct[k], 10)
        row += _pct(result.share_total_expected[k], 12)
        if has_p95 and result.share_total_p95 is not None:
            row += _pct(result.share_total_p95[k], 10)
        lines.append(row)
    lines += [
        "",
        _("Direct commitments by type (PV): %(list)s")
        % {
            "list": ", ".join(
                f"{k.replace('_', ' ')} {_num(_pv(result, v), 0).strip()}"
                for k, v in result.direct.items()
                if any(v)
            )
        },
        f"{_('PV direct commitments'):<29}{_num(result.pv_direct)}",
        f"{_('PV expected guarantee calls'):<29}{_num(result.pv_contingent_expected)}",
        f"{_('PV P95 guarantee calls'):<29}{_num(result.pv_contingent_p95)}",
    ]
    if result.missing_budget_years:
        years = result.missing_budget_years
        span = f"{years[0]}-{years[-1]}" if len(years) > 2 else ", ".join(map(str, years))
        lines.append(
            _("no budget figure for %(n)s year(s): %(span)s (shares not computed)")
            % {"n": len(years), "span": span}
        )
    lines += [
        "",
        _("Flags"),
        "  "
        + _(
            "Eurostat (statistics) asks who bears the risks; IPSAS 32 / PSAP 16 (the "
            "government's accounts) asks who controls the asset: they may disagree."
        ),
    ]
    for flag in result.flags:
        state = {True: _("RAISED"), False: _("not raised"), None: _("undecided")}[flag.triggered]
        lines += [
            f"  [{state}] {_(flag.framework)} · {flag.id}: {flag.detail}",
            "      " + _("rule: %(rule)s") % {"rule": flag.rule},
            "      " + _("source: %(source)s") % {"source": flag.source},
        ]
    return "\n".join(lines) + "\n"


def _pv(result: FiscalResult, values: Sequence[float]) -> float:
    return present_value(result.discount_rate, result.years, values, result.base_year)


def _stress_labels() -> dict[str, tuple[str, str]]:
    """Metric key → (label in the report's language, kind of number)."""
    return {
        "project_npv": (_("project NPV"), "money"),
        "equity_npv": (_("equity NPV"), "money"),
        "project_irr": (_("project IRR"), "pct"),
        "equity_irr": (_("equity IRR"), "pct"),
        "min_dscr": (_("min DSCR"), "ratio"),
        "avg_dscr": (_("average DSCR"), "ratio"),
        "llcr": ("LLCR", "ratio"),
        "government_npc": (_("government NPC"), "money"),
        "vfm": (_("VfM (mean)"), "money"),
        "vfm_percent": ("VfM % of PSC", "pct"),
        "fiscal_pv_direct": (_("PV direct commitments"), "money"),
        "fiscal_peak_share_of_budget": (_("peak share of budget"), "pct"),
    }


def _cell(value: float | None, kind: str) -> str:
    if kind == "pct":
        return _pct(value, 12)
    if kind == "ratio":
        return f"{_('n/a'):>12}" if value is None else f"{num(value, '.3f'):>12}"
    return _num(value)


def format_stress(result: StressResult) -> str:
    """Plain-text stress-test report."""
    unit = unit_label(result.currency, result.amount_unit)
    labels = _stress_labels()
    lines = [
        _("Stress tests: %(model)s") % {"model": result.model_name},
        _("money in %(unit)s") % {"unit": unit},
    ]
    if result.iterations is not None:
        lines[-1] += "; " + _("VfM risk terms from %(iterations)s") % {
            "iterations": _iterations(result.iterations, result.seed)
        }
    for sc in result.scenarios:
        shocks = "; ".join(json.dumps(s.to_dict(), ensure_ascii=False) for s in sc.scenario.shocks)
        lines += ["", sc.scenario.name, "  " + _("shocks: %(shocks)s") % {"shocks": shocks}]
        lines.append(
            f"  {heading(_('metric'), 26, '<')}{heading(_('base'), 12)}"
            f"{heading(_('stressed'), 12)}{heading(_('delta'), 12)}"
        )
        for key, comp in sc.metrics.items():
            label, kind = labels.get(key, (key, "money"))
            lines.append(
                f"  {label:<26}{_cell(comp.base, kind)}{_cell(comp.stressed, kind)}"
                f"{_cell(comp.delta, kind)}"
            )
    return "\n".join(lines) + "\n"


# =========================================================================== main


def _run(prog: str, label: str, compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except SpecError as exc:
        raise _Failure(problems(prog, label, exc.issues)) from None
    except MemoryError:
        raise _Failure([f"{prog}: {_('not enough memory')}"]) from None


class _Failure(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def main(args: list[str]) -> int:
    """Run ``mitra vfm`` with the arguments after ``vfm``; return the exit code."""
    command = args[0] if args and args[0] in ("fiscal", "stress") else "vfm"
    parser = {"vfm": _vfm_parser, "fiscal": _fiscal_parser, "stress": _stress_parser}[command]()
    options = parse(parser, args if command == "vfm" else args[1:])
    if isinstance(options, int):
        return options
    try:
        if command == "vfm":
            vfm = _run(
                "mitra vfm",
                options.spec,
                lambda: value_for_money(
                    options.spec, iterations=options.iterations, seed=options.seed
                ),
            )
            return emit(options, vfm.to_dict, lambda: format_vfm(vfm))
        if command == "fiscal":
            fiscal = _run(
                "mitra vfm fiscal",
                options.spec,
                lambda: fiscal_burden(
                    options.spec, iterations=options.iterations, seed=options.seed
                ),
            )
            return emit(options, fiscal.to_dict, lambda: format_fiscal(fiscal))
        stress = _run(
            "mitra vfm stress",
            f"{options.model} with {options.scenarios}",
            lambda: stress_test(
                options.model,
                options.scenarios,
                vfm=options.vfm,
                fiscal=options.fiscal,
                iterations=options.iterations,
                seed=options.seed,
            ),
        )
        return emit(options, stress.to_dict, lambda: format_stress(stress))
    except _Failure as failure:
        return fail(failure.lines)
    except KeyboardInterrupt:
        return interrupted("mitra vfm")
