"""The outcome of a decision from the partners' positions, by the partnership's decision rule.

- **Consensus**: adopted when at least one partner agrees and no partner disagrees. A partner
  that abstains stands aside and does not block; a partner without a recorded position is absent.
- **Simple majority**: adopted when more partners agree than disagree. Abstentions are not
  counted; a tie is not a majority.
- **Weighted by stake**: each partner weighs its *stake*, its equity share in the project company
  (``PartnershipMember.equity_share``, in percent) when at least one partner that took a position
  has one recorded; a partner without a recorded equity share then weighs nothing (its position is
  recorded but does not count). When no partner that took a position has an equity share, every
  partner weighs the same, and the rule is the simple majority. Adopted when the stake that agrees
  is larger than the stake that disagrees (abstaining stake is not counted).

Pure Python on plain values, so the rule is tested with known answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mitra.core.money import format_number

from .models import DecisionRule, Outcome, Position


@dataclass(frozen=True)
class Vote:
    name: str
    position: str
    stake: Decimal | None = None


@dataclass(frozen=True)
class Result:
    outcome: str
    agree: int
    disagree: int
    abstain: int
    #: Weighted rule only: the stake for and against, in percent of the stake that voted.
    agree_weight: Decimal | None = None
    disagree_weight: Decimal | None = None
    equal_weights: bool = False

    @property
    def adopted(self) -> bool:
        return self.outcome == Outcome.ADOPTED


def _count(votes: Sequence[Vote], position: str) -> int:
    return sum(1 for v in votes if v.position == position)


def outcome(rule: str, votes: Sequence[Vote]) -> Result:
    agree, disagree = _count(votes, Position.AGREE), _count(votes, Position.DISAGREE)
    abstain = _count(votes, Position.ABSTAIN)
    if rule == DecisionRule.CONSENSUS:
        adopted = agree > 0 and disagree == 0
        return Result(_o(adopted), agree, disagree, abstain)
    if rule == DecisionRule.MAJORITY:
        return Result(_o(agree > disagree), agree, disagree, abstain)
    staked = [v for v in votes if v.stake is not None and v.stake > 0]
    equal = not staked

    def weight(v: Vote) -> Decimal:
        if equal:
            return Decimal(1)
        return v.stake if v.stake is not None else Decimal(0)

    w_for = sum((weight(v) for v in votes if v.position == Position.AGREE), Decimal(0))
    w_against = sum((weight(v) for v in votes if v.position == Position.DISAGREE), Decimal(0))
    cast = w_for + w_against
    pct_for = (w_for * 100 / cast).quantize(Decimal("0.1")) if cast else Decimal(0)
    pct_against = (Decimal(100) - pct_for) if cast else Decimal(0)
    return Result(
        _o(w_for > w_against), agree, disagree, abstain, pct_for, pct_against, equal_weights=equal
    )


def _o(adopted: bool) -> str:
    return Outcome.ADOPTED if adopted else Outcome.REJECTED


def _counts(result: Result) -> str:
    return _("%(agree)s agreed, %(disagree)s disagreed, %(abstain)s abstained") % {
        "agree": result.agree,
        "disagree": result.disagree,
        "abstain": result.abstain,
    }


def sentence(rule: str, result: Result) -> str:
    """The outcome in plain words, in the active language."""
    counts = _counts(result)
    if rule == DecisionRule.CONSENSUS:
        if result.adopted:
            return _("Adopted by consensus: no partner disagreed (%(counts)s).") % {
                "counts": counts
            }
        if result.disagree:
            return ngettext(
                "Not adopted: the rule is consensus and %(n)s partner disagreed (%(counts)s).",
                "Not adopted: the rule is consensus and %(n)s partners disagreed (%(counts)s).",
                result.disagree,
            ) % {"n": result.disagree, "counts": counts}
        return _("Not adopted: no partner agreed (%(counts)s).") % {"counts": counts}
    if rule == DecisionRule.MAJORITY or result.equal_weights:
        extra = (
            " " + _("No partner has an equity share recorded, so every partner weighed the same.")
            if rule == DecisionRule.WEIGHTED
            else ""
        )
        if result.adopted:
            return (
                _("Adopted by a majority of the partners who voted (%(counts)s).")
                % {"counts": counts}
                + extra
            )
        return (
            _("Not adopted: no majority of the partners who voted agreed (%(counts)s).")
            % {"counts": counts}
            + extra
        )
    params = {
        "for": _num(result.agree_weight),
        "against": _num(result.disagree_weight),
        "counts": counts,
    }
    if result.adopted:
        return (
            _(
                "Adopted by stake: partners holding %(for)s%% of the stake that voted agreed, "
                "%(against)s%% disagreed (%(counts)s)."
            )
            % params
        )
    return (
        _(
            "Not adopted by stake: partners holding %(for)s%% of the stake that voted agreed, "
            "%(against)s%% disagreed (%(counts)s)."
        )
        % params
    )


def _num(value: Decimal | None) -> str:
    value = value or Decimal(0)
    places = 0 if value == value.to_integral_value() else 1
    return format_number(value, places)
