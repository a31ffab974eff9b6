"""The decision rules on known answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from mitra.workplan.rules import Vote, outcome, sentence

D = Decimal


def votes(*pairs: tuple[str, Decimal | None]) -> list[Vote]:
    return [Vote(f"P{i}", pos, stake) for i, (pos, stake) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("positions", "adopted"),
    [
        (["agree", "agree", "abstain"], True),
        (["agree", "disagree", "agree"], False),
        (["abstain", "abstain"], False),
        (["agree"], True),
    ],
)
def test_consensus_is_blocked_by_any_disagreement(positions: list[str], adopted: bool) -> None:
    result = outcome("consensus", votes(*[(p, None) for p in positions]))
    assert result.adopted is adopted


@pytest.mark.parametrize(
    ("positions", "adopted"),
    [
        (["agree", "agree", "disagree"], True),
        (["agree", "disagree"], False),  # a tie is no majority
        (["agree", "abstain", "abstain", "disagree", "agree"], True),
        (["disagree", "disagree", "agree"], False),
    ],
)
def test_simple_majority_counts_votes_cast(positions: list[str], adopted: bool) -> None:
    assert outcome("majority", votes(*[(p, None) for p in positions])).adopted is adopted


def test_weighted_by_stake_uses_equity_shares() -> None:
    # 40 % and 35 % agree, 25 % disagrees: 75 % of the stake that voted agrees.
    result = outcome("weighted", votes(("agree", D(40)), ("agree", D(35)), ("disagree", D(25))))
    assert result.adopted
    assert result.agree_weight == D("75.0") and result.disagree_weight == D("25.0")
    # Two partners of three agree, but they hold only 40 % of the stake: not adopted.
    result = outcome("weighted", votes(("agree", D(20)), ("agree", D(20)), ("disagree", D(60))))
    assert not result.adopted
    assert result.agree_weight == D("40.0")


def test_weighted_partner_without_stake_weighs_nothing_and_abstentions_do_not_count() -> None:
    result = outcome("weighted", votes(("agree", D(30)), ("disagree", None), ("abstain", D(70))))
    assert result.adopted and result.agree_weight == D("100.0")


def test_weighted_without_any_stake_is_equal_weights() -> None:
    result = outcome("weighted", votes(("agree", None), ("disagree", None), ("agree", None)))
    assert result.adopted and result.equal_weights
    assert result.agree_weight == D("66.7")


def test_sentences_in_both_languages() -> None:
    result = outcome("weighted", votes(("agree", D(40)), ("agree", D(35)), ("disagree", D(25))))
    with translation.override("en"):
        text = sentence("weighted", result)
    assert text == (
        "Adopted by stake: partners holding 75% of the stake that voted agreed, 25% disagreed "
        "(2 agreed, 1 disagreed, 0 abstained)."
    )
    with translation.override("en"):
        assert sentence("consensus", outcome("consensus", votes(("disagree", None)))).startswith(
            "Not adopted: the rule is consensus and 1 partner disagreed"
        )
