"""``mitra share``: benefit sharing and fairness of a sharing-game spec on the command line.

Usage::

    mitra share GAME.json [--format table|json] [--out FILE] [--samples N] [--seed S]

Without ``--samples`` the Shapley value is exact for up to 20 players (and the
core is checked); with it, or for larger games, it is estimated from N random
orders (standard errors reported; no core check beyond 20 players).

Exit codes: 0 success; 2 unreadable or invalid spec, bad arguments or an
unwritable ``--out`` (one ``path: what is wrong`` line per problem on stderr,
never a traceback).
"""

from __future__ import annotations

import argparse

from mitra.analysis._cli import add_output_options, emit, fail, parse, problems, unit_label, whole
from mitra.analysis._spec import SpecError
from mitra.analysis.sharing.fairness import ShareResult, analyse_game
from mitra.analysis.sharing.spec import EXACT_PLAYER_LIMIT, load_game

__all__ = ["build_parser", "format_table", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``mitra share``."""
    parser = argparse.ArgumentParser(
        prog="mitra share",
        description=(
            "Benefit sharing of a partnership (sharing-game.schema.json): contribution-"
            "proportional, Shapley and Nash shares, the core, and a fairness report on the "
            "proposed sharing rule."
        ),
    )
    parser.add_argument("game", metavar="GAME.json", help="path to the sharing-game spec")
    add_output_options(parser)
    parser.add_argument(
        "--samples",
        type=whole(2),
        help=f"estimate Shapley values from N >= 2 random orders (always for > {EXACT_PLAYER_LIMIT} players)",
    )
    parser.add_argument(
        "--seed", type=whole(0), help="seed of the sampling >= 0 (default: random, reported)"
    )
    return parser


def _num(value: float | None, width: int = 11) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width},.2f}"


def format_table(result: ShareResult) -> str:
    """Plain-text report of a result for a terminal (amounts in the spec's amount_unit)."""
    game, report = result.game, result.report
    unit = unit_label(game.currency, game.amount_unit)
    kind, body = game.proposal
    proposal = game.proposal_name or (f"rule '{body}'" if kind == "rule" else f"given as {kind}")
    if result.estimate is not None:
        est = result.estimate
        method = f"sampled from {est.permutations:,} random orders, seed {est.seed}"
    else:
        method = "exact"
    lines = [
        game.name,
        f"{game.n} partners; amounts in {unit}; total benefit {game.total_benefit:,.2f}",
        f"proposal: {proposal}; Shapley value {method}",
        "",
        f"  {'party':<14}{'sector':<10}{'contrib.':>11}{'proposed':>11}{'ratio':>7}"
        f"{'Shapley':>11}{'propor.':>11}{'Nash':>11}{'-Shapley':>11}{'-propor.':>11}"
        f"{'walk-away':>11}  ok",
    ]
    for row, player in zip(report.parties, game.players, strict=True):
        ratio = f"{'n/a':>7}" if row.ratio is None else f"{row.ratio:>7.2f}"
        lines.append(
            f"  {row.id[:13]:<14}{player.sector:<10}{_num(row.contribution)}{_num(row.proposed)}"
            f"{ratio}{_num(row.shapley)}{_num(row.proportional)}{_num(row.nash)}"
            f"{_num(row.deviation_shapley)}{_num(row.deviation_proportional)}"
            f"{_num(row.walk_away)}  {'yes' if row.above_walk_away else 'NO'}"
        )
    if result.estimate is not None:
        ses = ", ".join(
            f"{row.id} {row.shapley_se:,.3g}"
            for row in report.parties
            if row.shapley_se is not None
        )
        lines.append(f"  Shapley standard errors: {ses}")
    lines.append("")
    lines.append(
        "every partner at or above its walk-away value: "
        + ("yes" if report.all_above_walk_away else "NO")
    )
    if not report.nash_feasible:
        lines.append("Nash bargaining: infeasible (the walk-away values exceed the total benefit)")
    g_ratio = "n/a" if report.gini_ratio is None else f"{report.gini_ratio:.3f}"
    g_benefit = "n/a" if report.gini_benefit is None else f"{report.gini_benefit:.3f}"
    lines.append(
        f"Gini index of benefit/contribution ratios {g_ratio} (0 = proportional); "
        f"of benefits {g_benefit}"
    )
    core = report.core
    if core is None:
        lines.append(f"core: not checked (more than {EXACT_PLAYER_LIMIT} partners)")
    elif core.in_core:
        lines.append(
            f"core: the proposal is in the core (no coalition can do better alone; "
            f"smallest margin {-core.max_excess:,.2f})"
        )
    else:
        lines.append("core: the proposal is NOT in the core")
        if not core.efficient:
            lines.append(f"  it distributes {core.surplus_gap:+,.2f} more than the total benefit")
        if core.blocking is not None:
            b = core.blocking
            members = ", ".join(game.ids[i] for i in b.members)
            lines.append(
                f"  blocking coalition {{{members}}}: worth {b.worth:,.2f} on its own, "
                f"gets {b.allocated:,.2f} (excess {b.excess:,.2f})"
            )
    return "\n".join(lines) + "\n"


def main(args: list[str]) -> int:
    """Run ``mitra share`` with the arguments after ``share``; return the exit code."""
    options = parse(build_parser(), args)
    if isinstance(options, int):
        return options
    try:
        game = load_game(options.game)
    except SpecError as exc:
        return fail(problems("mitra share", options.game, exc.issues))
    try:
        result = analyse_game(game, permutations=options.samples, seed=options.seed)
    except MemoryError:
        return fail([f"mitra share: not enough memory for {game.n} partners"])
    except ValueError as exc:  # a model that is valid but cannot be analysed
        return fail([f"mitra share: {options.game}: {exc}"])
    return emit(options, result.to_dict, lambda: format_table(result))
