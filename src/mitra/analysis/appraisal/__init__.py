"""Appraisal: is the PPP worth it for government, what does it commit to, and how robust is it?

* :mod:`~mitra.analysis.appraisal.vfm`: value for money, the risk-adjusted Public Sector
  Comparator against the PPP option (:func:`value_for_money`).
* :mod:`~mitra.analysis.appraisal.fiscal`: the fiscal burden, direct and contingent, against
  the budget, with the balance-sheet flags (:func:`fiscal_burden`).
* :mod:`~mitra.analysis.appraisal.stress`: named shocks applied to a project-finance model
  (:func:`stress_test`).
* :mod:`~mitra.analysis.appraisal.cli`: ``mitra vfm``, ``mitra vfm fiscal`` and
  ``mitra vfm stress``.

Builds on :mod:`mitra.analysis.risk` (risk draws) and :mod:`mitra.analysis.finance` (the
project-finance model); neither imports this subpackage.
"""

# Loaded on first use (lazy-loader; names in __init__.pyi, which type checkers read too).
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
