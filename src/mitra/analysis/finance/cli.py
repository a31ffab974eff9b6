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

from mitra.analysis._cli import add_output_options, emit, fail, parse, problems, unit_label
from mitra.analysis._spec import SpecError
from mitra.analysis.finance.model import GOVERNMENT_FLOW_KEYS, FinanceResult, run_model
from mitra.analysis.finance.solvers import Solution, SolveError, solve
from mitra.analysis.finance.spec import load_model

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
    return "n/a" if value is None else f"{100 * value:.2f}%"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}x"


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
    head = "".join(f"{name:>6}" if values is None else f"{name:>11}" for name, values in columns)
    lines = [
        result.name,
        f"amounts in {unit}, nominal, end of year; operations from {result.cod_year}; "
        "government: + paid by, - received by",
        "",
        head,
    ]
    for k, year in enumerate(result.years.tolist()):
        cells = [f"{year:>6}"]
        for name, values in columns[1:]:
            assert values is not None
            v = float(values[k])
            if name == "DSCR":
                cells.append(f"{'-' if math.isnan(v) else f'{v:.2f}':>11}")
            else:
                cells.append(f"{v:>11,.1f}")
        lines.append("".join(cells))
    rates = result.discount_rates
    lines += [
        "",
        "Summary",
        f"  project IRR             {_pct(result.project_irr):>12}",
        f"  equity IRR              {_pct(result.equity_irr):>12}",
        f"  project NPV @ {100 * rates.project:5.2f}%   {result.project_npv:>12,.1f}",
        f"  equity NPV @ {100 * rates.equity:5.2f}%    {result.equity_npv:>12,.1f}",
        f"  min DSCR                {_ratio(result.min_dscr):>12}",
        f"  average DSCR            {_ratio(result.avg_dscr):>12}",
        f"  LLCR                    {_ratio(result.llcr):>12}",
        f"  debt at COD             {result.debt_amount:>12,.1f}",
        f"  equity invested         {result.equity_invested:>12,.1f}",
        f"  government NPC @ {100 * rates.public:5.2f}% {result.government_npc:>11,.1f}",
        "",
        "Government flows (PV at the public rate)",
    ]
    t = result.years - result.years[0] + 1
    factors = (1.0 + rates.public) ** -t.astype(float)
    for key in GOVERNMENT_FLOW_KEYS:
        pv = float(result.government_flows[key] @ factors)
        lines.append(f"  {key:<24}{pv:>12,.1f}")
    if solution is not None:
        what = (
            f"{solution.unknown.replace('_', ' ')} = {solution.value:,.6g}"
            f"{' ' + result.currency + ' per demand unit' if solution.unknown == 'tariff' else ''}"
        )
        lines += [
            "",
            f"Solved: {what} gives an equity IRR of {_pct(solution.target_equity_irr)}",
        ]
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    """Run ``mitra finance`` with the arguments after ``finance``; return the exit code."""
    options = parse(build_parser(), args)
    if isinstance(options, int):
        return options
    if (options.solve is None) != (options.target_equity_irr is None):
        return fail(
            [f"{_PROG}: --solve and --target-equity-irr must be given together"],
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
            return fail([f"{_PROG}: cannot solve for {options.solve}: {exc}"], code=1)
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
