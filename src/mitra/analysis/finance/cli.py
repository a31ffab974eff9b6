"""``mitra finance``: the project-finance model on the command line (no Django).

Usage::

    mitra finance MODEL.json [--format table|json] [--out FILE]
                             [--solve availability_payment|vgf|tariff --target-equity-irr 0.14]

Exit codes: 0 success; 1 the solver found no value reaching the target; 2 an
unreadable or invalid model, bad arguments or an unwritable ``--out`` (one
``path: what is wrong`` line per problem on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from mitra.analysis._cli import (
    add_output_options,
    emit,
    fail,
    heading,
    parse,
    problems,
    unit_label,
)
from mitra.analysis._i18n import _, gettext_noop, num
from mitra.analysis._spec import SpecError
from mitra.analysis.finance.model import GOVERNMENT_FLOW_KEYS, FinanceResult, run_model
from mitra.analysis.finance.solvers import Solution, SolveError, solve
from mitra.analysis.finance.spec import load_model

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (
    gettext_noop("debt at COD"),
    gettext_noop("equity invested"),
)

__all__ = ["build_parser", "format_table", "main"]

_PROG = "mitra finance"


def _rate(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a rate such as 0.14, got {text!r}") from None
    if not math.isfinite(value) or value <= -1.0:
        raise argparse.ArgumentTypeError(f"must be a finite rate above -1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mitra finance``."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description=(
            "Run a project-finance model (finance-model.schema.json): CFADS, debt service, "
            "DSCR, equity and government flows per year, IRRs, NPVs, DSCR and LLCR; "
            "optionally solve for the support that gives a target equity IRR."
        ),
    )
    parser.add_argument("model", metavar="MODEL.json", help="path to the finance model")
    add_output_options(parser)
    parser.add_argument(
        "--solve",
        choices=("availability_payment", "vgf", "tariff"),
        help="solve for this unknown so that the equity IRR equals --target-equity-irr",
    )
    parser.add_argument(
        "--target-equity-irr",
        type=_rate,
        metavar="RATE",
        help="target equity IRR, a decimal (0.14) or a percentage (14%%)",
    )
    return parser


def _pct(value: float | None) -> str:
    return _("n/a") if value is None else f"{num(100 * value, '.2f')}%"


def _ratio(value: float | None) -> str:
    return _("n/a") if value is None or math.isnan(value) else f"{num(value, '.2f')}x"


def format_table(result: FinanceResult, solution: Solution | None = None) -> str:
    """Plain-text report: compact per-year table and the summary (amounts in amount_unit)."""
    unit = unit_label(result.currency, result.amount_unit)
    columns = [
        ("year", None),
        ("revenue", result.revenue),
        ("opex", result.opex),
        ("capex", result.capex),
        ("tax", result.tax),
        ("CFADS", result.cfads),
        ("debt svc", result.debt_service),
        ("balance", result.debt_balance),
        ("DSCR", result.dscr),
        ("equity", result.equity_flows),
        ("govt net", result.government_net),
    ]
    headings = {
        "year": _("year"),
        "revenue": _("revenue"),
        "opex": _("opex"),
        "capex": _("capex"),
        "tax": _("tax"),
        "debt svc": _("debt svc"),
        "balance": _("balance"),
        "equity": _("equity"),
        "govt net": _("govt net"),
    }
    head = "".join(
        heading(headings.get(name, name), 6 if values is None else 11) for name, values in columns
    )
    lines = [
        result.name,
        _(
            "amounts in %(unit)s, nominal, end of year; operations from %(year)s; "
            "government: + paid by, - received by"
        )
        % {"unit": unit, "year": result.cod_year},
        "",
        head,
    ]
    for k, year in enumerate(result.years.tolist()):
        cells = [f"{year:>6}"]
        for name, values in columns[1:]:
            assert values is not None
            v = float(values[k])
            if name == "DSCR":
                cells.append(f"{'-' if math.isnan(v) else num(v, '.2f'):>11}")
            else:
                cells.append(f"{num(v, ',.1f'):>11}")
        lines.append("".join(cells))
    rates = result.discount_rates
    project_npv = _("project NPV @ %(rate)s%%") % {"rate": num(100 * rates.project, "5.2f")}
    equity_npv = _("equity NPV @ %(rate)s%%") % {"rate": num(100 * rates.equity, "5.2f")}
    government_npc = _("government NPC @ %(rate)s%%") % {"rate": num(100 * rates.public, "5.2f")}
    lines += [
        "",
        _("Summary"),
        f"  {_('project IRR'):<24}{_pct(result.project_irr):>12}",
        f"  {_('equity IRR'):<24}{_pct(result.equity_irr):>12}",
        f"  {project_npv:<23}{num(result.project_npv, ',.1f'):>12}",
        f"  {equity_npv:<23}{num(result.equity_npv, ',.1f'):>12}",
        f"  {_('min DSCR'):<24}{_ratio(result.min_dscr):>12}",
        f"  {_('average DSCR'):<24}{_ratio(result.avg_dscr):>12}",
        f"  {'LLCR':<24}{_ratio(result.llcr):>12}",
        f"  {_('debt at COD'):<24}{num(result.debt_amount, ',.1f'):>12}",
        f"  {_('equity invested'):<24}{num(result.equity_invested, ',.1f'):>12}",
        f"  {government_npc:<23} {num(result.government_npc, ',.1f'):>11}",
        "",
        _("Government flows (PV at the public rate)"),
    ]
    t = result.years - result.years[0] + 1
    factors = (1.0 + rates.public) ** -t.astype(float)
    for key in GOVERNMENT_FLOW_KEYS:
        pv = float(result.government_flows[key] @ factors)
        lines.append(f"  {key:<24}{num(pv, ',.1f'):>12}")
    if result.guarantee_fee.any():
        fee = float(result.guarantee_fee @ factors)
        lines += [
            "",
            _(
                "Guarantee fee paid to the guarantor (PT PII), PV %(pv)s: not government "
                "income, left out of the government flows"
            )
            % {"pv": num(fee, ",.1f")},
        ]
    if solution is not None:
        what = f"{solution.unknown.replace('_', ' ')} = {num(solution.value, ',.6g')}"
        if solution.unknown == "tariff":
            what += " " + _("%(currency)s per demand unit") % {"currency": result.currency}
        lines += [
            "",
            _("Solved: %(what)s gives an equity IRR of %(irr)s")
            % {"what": what, "irr": _pct(solution.target_equity_irr)},
        ]
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    """Run ``mitra finance`` with the arguments after ``finance``; return the exit code."""
    options = parse(build_parser(), args)
    if isinstance(options, int):
        return options
    if (options.solve is None) != (options.target_equity_irr is None):
        return fail(
            [f"{_PROG}: " + _("--solve and --target-equity-irr must be given together")],
        )
    try:
        model = load_model(options.model)
    except SpecError as exc:
        return fail(problems(_PROG, options.model, exc.issues))
    solution: Solution | None = None
    if options.solve is not None:
        try:
            solution = solve(
                model, unknown=options.solve, target_equity_irr=options.target_equity_irr
            )
        except SolveError as exc:
            message = _("cannot solve for %(unknown)s") % {"unknown": options.solve}
            return fail([f"{_PROG}: {message}: {exc}"], code=1)
        result = solution.result
    else:
        result = run_model(model)

    def data() -> dict[str, Any]:
        out = result.to_dict()
        if solution is not None:
            out["solution"] = {
                "unknown": solution.unknown,
                "value": solution.value,
                "target_equity_irr": solution.target_equity_irr,
                "model": solution.model.to_dict(),
            }
        return out

    return emit(options, data, lambda: format_table(result, solution))
