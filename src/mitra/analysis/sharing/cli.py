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

from mitra.analysis._cli import (
    add_output_options,
    emit,
    fail,
    heading,
    parse,
    problems,
    unit_label,
    whole,
)
from mitra.analysis._i18n import _, gettext_noop, num
from mitra.analysis._spec import SpecError
from mitra.analysis.sharing.fairness import ShareResult, analyse_game
from mitra.analysis.sharing.spec import EXACT_PLAYER_LIMIT, load_game

#: Words translated inside f-strings below, marked here for the catalogue (xgettext does
#: not read f-strings).
_MARKED = (
    gettext_noop("party"),
    gettext_noop("contrib."),
    gettext_noop("proposed"),
    gettext_noop("ratio"),
    gettext_noop("propor."),
    gettext_noop("walk-away"),
    gettext_noop("ok"),
)

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
    return f"{_('n/a'):>{width}}" if value is None else f"{num(value, ',.2f'):>{width}}"


def _yes(value: bool) -> str:
    return _("yes") if value else _("NO")


def format_table(result: ShareResult) -> str:
    """Plain-text report of a result for a terminal (amounts in the spec's amount_unit)."""
    game, report = result.game, result.report
    unit = unit_label(game.currency, game.amount_unit)
    kind, body = game.proposal
    if kind == "rule":
        described = _("rule '%(rule)s'") % {"rule": body}
    else:
        described = _("given as %(kind)s") % {"kind": kind}
    proposal = game.proposal_name or described
    if result.estimate is not None:
        est = result.estimate
        method = _("sampled from %(n)s random orders, seed %(seed)s") % {
            "n": num(est.permutations, ","),
            "seed": est.seed,
        }
    else:
        method = _("exact")
    lines = [
        game.name,
        _("%(n)s partners; amounts in %(unit)s; total benefit %(total)s")
        % {"n": game.n, "unit": unit, "total": num(game.total_benefit, ",.2f")},
        _("proposal: %(proposal)s; Shapley value %(method)s")
        % {"proposal": proposal, "method": method},
        "",
        f"  {heading(_('party'), 14, '<')}{heading(_('sector'), 10, '<')}"
        f"{heading(_('contrib.'), 11)}{heading(_('proposed'), 11)}{heading(_('ratio'), 7)}"
        f"{'Shapley':>11}{heading(_('propor.'), 11)}{'Nash':>11}{'-Shapley':>11}"
        f"{heading('-' + _('propor.'), 11)}{heading(_('walk-away'), 11)}  {_('ok')}",
    ]
    for row, player in zip(report.parties, game.players, strict=True):
        ratio = f"{_('n/a'):>7}" if row.ratio is None else f"{num(row.ratio, '.2f'):>7}"
        lines.append(
            f"  {row.id[:13]:<14}{player.sector:<10}{_num(row.contribution)}{_num(row.proposed)}"
            f"{ratio}{_num(row.shapley)}{_num(row.proportional)}{_num(row.nash)}"
            f"{_num(row.deviation_shapley)}{_num(row.deviation_proportional)}"
            f"{_num(row.walk_away)}  {_yes(row.above_walk_away)}"
        )
    if result.estimate is not None:
        ses = ", ".join(
            f"{row.id} {num(row.shapley_se, ',.3g')}"
            for row in report.parties
            if row.shapley_se is not None
        )
        lines.append("  " + _("Shapley standard errors: %(list)s") % {"list": ses})
    lines.append("")
    lines.append(
        _("every partner at or above its walk-away value: %(answer)s")
        % {"answer": _yes(report.all_above_walk_away)}
    )
    if not report.nash_feasible:
        lines.append(
            _("Nash bargaining: infeasible (the walk-away values exceed the total benefit)")
        )
    g_ratio = _("n/a") if report.gini_ratio is None else num(report.gini_ratio, ".3f")
    g_benefit = _("n/a") if report.gini_benefit is None else num(report.gini_benefit, ".3f")
    lines.append(
        _(
            "Gini index of benefit/contribution ratios %(ratios)s (0 = proportional); "
            "of benefits %(benefits)s"
        )
        % {"ratios": g_ratio, "benefits": g_benefit}
    )
    core = report.core
    if core is None:
        lines.append(_("core: not checked (more than %(n)s partners)") % {"n": EXACT_PLAYER_LIMIT})
    elif core.in_core:
        lines.append(
            _(
                "core: the proposal is in the core (no coalition can do better alone; "
                "smallest margin %(margin)s)"
            )
            % {"margin": num(-core.max_excess, ",.2f")}
        )
    else:
        lines.append(_("core: the proposal is NOT in the core"))
        if not core.efficient:
            lines.append(
                "  "
                + _("it distributes %(gap)s more than the total benefit")
                % {"gap": num(core.surplus_gap, "+,.2f")}
            )
        if core.blocking is not None:
            b = core.blocking
            members = ", ".join(game.ids[i] for i in b.members)
            lines.append(
                "  "
                + _(
                    "blocking coalition {%(members)s}: worth %(worth)s on its own, "
                    "gets %(allocated)s (excess %(excess)s)"
                )
                % {
                    "members": members,
                    "worth": num(b.worth, ",.2f"),
                    "allocated": num(b.allocated, ",.2f"),
                    "excess": num(b.excess, ",.2f"),
                }
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
        message = _("not enough memory for %(n)s partners") % {"n": game.n}
        return fail([f"mitra share: {message}"])
    except ValueError as exc:  # a model that is valid but cannot be analysed
        return fail([f"mitra share: {options.game}: {exc}"])
    return emit(options, result.to_dict, lambda: format_table(result))
