"""Benefit sharing and fairness: who brings what, who gets what, and whether it is fair.

* Contributions of every kind valued in one currency (:func:`value_contribution`,
  :data:`CONTRIBUTION_KINDS` states the value basis of each kind), and
  contribution-proportional shares (:func:`proportional_shares`): module ``valuation``.
* The Shapley value, exact (:func:`shapley`) or sampled (:func:`shapley_sample`),
  and the table builder :func:`coalition_values`: module ``shapley``.
* Nash bargaining with walk-away values: module ``bargaining``; the core check and
  the blocking coalition: module ``core``.
* :func:`fairness_report` for a proposed sharing rule, with the Gini index
  :func:`gini`, and :func:`analyse_game`, the whole analysis of a sharing game:
  module ``fairness``.
* The sharing-game spec (``sharing-game.schema.json``): module ``spec``; ``mitra share``:
  module ``cli``.

Imports no other subpackage of :mod:`mitra.analysis` (only the shared private helpers).

Decimal policy: ``decimal.Decimal`` is not supported; every amount is float64
in currency units (the caller's ``amount_unit`` of its currency).
"""

from mitra.analysis.sharing.bargaining import nash_bargaining, nash_bargaining_general
from mitra.analysis.sharing.core import BlockingCoalition, CoreCheck, core_check
from mitra.analysis.sharing.fairness import (
    FairnessReport,
    PartyFairness,
    ShareResult,
    analyse_game,
    fairness_report,
    gini,
)
from mitra.analysis.sharing.shapley import (
    MAX_EXACT_PLAYERS,
    ShapleyEstimate,
    coalition_values,
    shapley,
    shapley_sample,
)
from mitra.analysis.sharing.spec import (
    EXACT_PLAYER_LIMIT,
    SharePlayer,
    SharingGame,
    game_schema,
    load_game,
    validate_game,
)
from mitra.analysis.sharing.valuation import (
    CONTRIBUTION_KINDS,
    Contribution,
    proportional_shares,
    value_contribution,
)

__all__ = [
    "CONTRIBUTION_KINDS",
    "EXACT_PLAYER_LIMIT",
    "MAX_EXACT_PLAYERS",
    "BlockingCoalition",
    "Contribution",
    "CoreCheck",
    "FairnessReport",
    "PartyFairness",
    "ShapleyEstimate",
    "SharePlayer",
    "ShareResult",
    "SharingGame",
    "analyse_game",
    "coalition_values",
    "core_check",
    "fairness_report",
    "game_schema",
    "gini",
    "load_game",
    "nash_bargaining",
    "nash_bargaining_general",
    "proportional_shares",
    "shapley",
    "shapley_sample",
    "validate_game",
    "value_contribution",
]
