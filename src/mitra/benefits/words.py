"""The analysis of a sharing game in plain words: what the split gives, whether any group would
leave and why, whether any partner is below its walk-away value, and how fair the split is."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from mitra.analysis import ShareResult
from mitra.core.templatetags.mitra import number

from .specs import Player

#: Gini index of the benefit/contribution ratios → verdict (upper bounds, then the rest).
FAIR_CLOSE = 0.05
FAIR_MODERATE = 0.2


@dataclass(frozen=True)
class Verdict:
    ok: bool
    text: str


def _names(players: dict[str, Player], ids: list[str]) -> str:
    names = [players[i].short_name if i in players else i for i in ids]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def summary(result: ShareResult, players: list[Player], unit: str) -> str:
    by_key = {p.key: p for p in players}
    parts = ", ".join(
        _("%(party)s %(amount)s (%(share)s%%)")
        % {
            "party": by_key[r.id].short_name if r.id in by_key else r.id,
            "amount": number(r.shapley, 1),
            "share": number(100 * r.shapley / result.report.total, 0)
            if result.report.total
            else "—",
        }
        for r in result.report.parties
    )
    return _(
        "Together the partners expect to create %(total)s %(unit)s. Shared by what each adds on "
        "average to every group it joins (the Shapley value): %(parts)s."
    ) % {"total": number(result.report.total, 1), "unit": unit, "parts": parts}


def core_verdict(result: ShareResult, players: list[Player], unit: str) -> Verdict | None:
    core = result.report.core
    if core is None:
        return None
    by_key = {p.key: p for p in players}
    if core.in_core:
        return Verdict(
            True,
            _(
                "The proposed split is in the core: no group of partners could do better on its "
                "own, so none has a reason to leave."
            ),
        )
    texts = []
    if not core.efficient:
        if core.surplus_gap > 0:
            texts.append(
                _("The proposal hands out %(gap)s %(unit)s more than the partners create.")
                % {"gap": number(core.surplus_gap, 1), "unit": unit}
            )
        else:
            texts.append(
                _("The proposal leaves %(gap)s %(unit)s of the total benefit unshared.")
                % {"gap": number(-core.surplus_gap, 1), "unit": unit}
            )
    blocking = core.blocking
    if blocking is not None and len(blocking.members) < result.game.n:
        ids = [result.game.ids[i] for i in blocking.members]
        texts.append(
            _(
                "The proposed split is not in the core: %(group)s could do better without the "
                "others. On their own they expect %(worth)s %(unit)s, but the proposal gives them "
                "only %(allocated)s, %(excess)s less, so they have a reason to leave."
            )
            % {
                "group": _names(by_key, ids),
                "worth": number(blocking.worth, 1),
                "allocated": number(blocking.allocated, 1),
                "excess": number(blocking.excess, 1),
                "unit": unit,
            }
        )
    return Verdict(False, " ".join(texts))


def walk_away_verdict(result: ShareResult, players: list[Player], unit: str) -> Verdict:
    by_key = {p.key: p for p in players}
    below = [r for r in result.report.parties if not r.above_walk_away]
    if not below:
        return Verdict(
            True,
            _("Every partner gets at least what it would get without the partnership."),
        )
    return Verdict(
        False,
        " ".join(
            _(
                "%(party)s would get %(proposed)s %(unit)s, less than the %(walk)s it can get "
                "without the partnership."
            )
            % {
                "party": by_key[r.id].short_name if r.id in by_key else r.id,
                "proposed": number(r.proposed, 1),
                "walk": number(r.walk_away, 1),
                "unit": unit,
            }
            for r in below
        ),
    )


def fairness_verdict(result: ShareResult) -> Verdict:
    g = result.report.gini_ratio
    if g is None:
        return Verdict(False, _("Fairness cannot be judged: no contribution has a value yet."))
    values = {"gini": number(g, 2)}
    if g <= FAIR_CLOSE:
        return Verdict(
            True,
            _(
                "The proposal rewards every unit of value contributed about equally (Gini index "
                "%(gini)s; 0 means exactly in proportion)."
            )
            % values,
        )
    if g <= FAIR_MODERATE:
        return Verdict(
            True,
            _(
                "The proposal rewards contributions somewhat unequally (Gini index %(gini)s; 0 "
                "means exactly in proportion): some partners get more per unit of value they bring, "
                "usually for what they add to the others."
            )
            % values,
        )
    return Verdict(
        False,
        _(
            "The proposal rewards contributions very unequally (Gini index %(gini)s; 0 means "
            "exactly in proportion): check that what some partners add to the others justifies it."
        )
        % values,
    )
