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

# Loaded on first use (lazy-loader; names in __init__.pyi, which type checkers read too).
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
