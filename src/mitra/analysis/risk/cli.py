"""``mitra simulate``: the risk engine on the command line (no Django, no database).

Usage::

    mitra simulate SPEC.json [--iterations N] [--seed S] [--format table|json]
                             [--out FILE] [--workers W] [--progress | --no-progress]

Exit codes: 0 success; 2 unreadable or invalid spec, bad arguments or an
unwritable ``--out`` (one ``path: what is wrong`` line per problem on stderr,
never a traceback); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, TextIO

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

if TYPE_CHECKING:
    from mitra.analysis.risk.montecarlo import SimulationResult

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (
    gettext_noop("party"),
    gettext_noop("mean cost"),
    gettext_noop("simulating"),
)

__all__ = ["build_parser", "format_table", "main"]

_AUTO_PROGRESS_ITERATIONS = 500_000


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mitra simulate``."""
    parser = argparse.ArgumentParser(
        prog="mitra simulate",
        description=(
            "Monte Carlo quantification of a risk-model spec (risk-model.schema.json): "
            "distribution of the project NPV and the PV risk cost borne by each party."
        ),
    )
    parser.add_argument("spec", metavar="SPEC.json", help="path to the risk-model spec")
    parser.add_argument(
        "--iterations",
        "-n",
        type=positive_int,
        help="number of iterations N >= 1 (default: the spec's simulation.iterations)",
    )
    parser.add_argument(
        "--seed",
        type=seed,
        help="root seed >= 0 (default: the spec's simulation.seed, else random and reported)",
    )
    add_output_options(parser)
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="threads (never changes the result; default 1)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"progress bar on stderr (default: on a terminal for N >= {_AUTO_PROGRESS_ITERATIONS:,})",
    )
    return parser


class _ProgressBar:
    """A one-line progress bar on a text stream (updated at most ten times a second)."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{_('simulating')} [{bar}] {100 * done // total:3d}%")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _num(value: float | None, width: int = 10) -> str:
    return f"{_('n/a'):>{width}}" if value is None else f"{num(value, ',.2f'):>{width}}"


def format_table(result: SimulationResult, top: int = 10) -> str:
    """Plain-text report of a result for a terminal (amounts in the spec's amount_unit)."""
    unit = unit_label(result.currency, result.amount_unit)
    npv = result.npv
    alpha = f"{num(100 * result.var_confidence, 'g')}%"
    # the labels' column: 15 wide, wider when a translation needs it
    w = max(15, *(len(label) for label in (_("base (no risk)"), _("mean"), _("sd"))))
    lines = [
        result.spec_name,
        _("%(iterations)s iterations, seed %(seed)s; amounts in %(unit)s, present values")
        % {"iterations": num(result.iterations, ","), "seed": result.seed, "unit": unit},
        "",
        _("Project NPV"),
        f"  {_('base (no risk)'):<{w}} {_num(npv.base)}",
        f"  {_('mean'):<{w}} {_num(npv.mean)}   ("
        + _("standard error %(se)s; closed form %(closed)s")
        % {"se": _num(npv.se, 0), "closed": _num(npv.analytic_mean, 0)}
        + ")",
        f"  {_('sd'):<{w}} {_num(npv.sd)}",
        f"  {'P(NPV < 0)':<{w}} {num(100 * npv.prob_negative, '.2f'):>9}%",
    ]
    lines += [f"  {key:<{w}} {_num(value)}" for key, value in npv.percentiles.items()]
    keys = list(result.risk_cost.percentiles)
    header = f"  {heading(_('party'), 16, '<')}{heading(_('mean'), 10)}"
    header += "".join(f"{k:>10}" for k in keys)
    header += f"{'VaR ' + alpha:>11}{'CVaR ' + alpha:>12}"
    lines += ["", _("PV risk cost by party (a positive amount is a cost)"), header]
    rows = [*result.parties.items(), (_("total"), result.risk_cost)]
    for name, cost in rows:
        cells = "".join(_num(cost.percentiles[k]) for k in keys)
        lines.append(
            f"  {name:<16}{_num(cost.mean)}{cells}{_num(cost.var, 11)}{_num(cost.cvar, 12)}"
        )
    shown = result.tornado[:top]
    lines += [
        "",
        _("Top %(shown)s of %(total)s risks (tornado: Spearman rho with NPV)")
        % {"shown": len(shown), "total": len(result.tornado)},
        f"  {'id':<8}{heading(_('name'), 40, '<')}{'rho':>8}{heading(_('share'), 9)}"
        f"{heading(_('mean cost'), 11)}",
    ]
    for risk in shown:
        name = risk.name if len(risk.name) <= 38 else risk.name[:37] + "~"
        lines.append(
            f"  {risk.id:<8}{name:<40}{num(risk.rho, '.3f'):>8}"
            f"{num(100 * risk.variance_share, '.1f'):>8}%{_num(risk.mean_cost, 11)}"
        )
    timing = result.timing
    lines += [
        "",
        _("time: sampling %(sampling)s s, total %(total)s s")
        % {"sampling": num(timing.simulate_s, ".3f"), "total": num(timing.total_s, ".3f")},
    ]
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    """Run ``mitra simulate`` with the arguments after ``simulate``; return the exit code."""
    options = parse(build_parser(), args)
    if isinstance(options, int):
        return options
    # The engine (NumPy, SciPy) is imported once there is something to run: --help and a usage
    # error answer at once.
    from mitra.analysis.risk.montecarlo import simulate
    from mitra.analysis.risk.spec import SpecError, load_spec

    try:
        model = load_spec(options.spec)
    except SpecError as exc:
        return fail(problems("mitra simulate", options.spec, exc.issues))
    iterations = options.iterations or model.simulation.iterations
    show = options.progress
    if show is None:
        show = sys.stderr.isatty() and iterations >= _AUTO_PROGRESS_ITERATIONS
    bar = _ProgressBar(sys.stderr) if show else None
    try:
        result = simulate(
            model,
            iterations=iterations,
            seed=options.seed,
            workers=options.workers,
            progress=bar,
        )
    except KeyboardInterrupt:
        return interrupted("mitra simulate")
    except MemoryError:
        message = _("not enough memory for %(n)s iterations") % {"n": num(iterations, ",")}
        return fail([f"mitra simulate: {message}"])
    return emit(options, result.to_dict, lambda: format_table(result))
