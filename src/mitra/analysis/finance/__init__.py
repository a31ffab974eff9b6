"""Finance: the time value of money and the project-finance model of a PPP / KPBU deal.

* :mod:`~mitra.analysis.finance.cashflows`: NPV, IRR (every root), XIRR, MIRR, payback.
* :mod:`~mitra.analysis.finance.spec`: the finance-model spec (``finance-model.schema.json``)
  as frozen dataclasses, loaded and validated (:func:`load_model`).
* :mod:`~mitra.analysis.finance.model`: the yearly model (:func:`run_model`) and the
  stress-test knobs (:func:`with_adjustments`).
* :mod:`~mitra.analysis.finance.solvers`: the availability payment, VGF or tariff that
  gives a target equity IRR (:func:`solve`).
* :mod:`~mitra.analysis.finance.cli`: ``mitra finance``.

Imports no other subpackage of :mod:`mitra.analysis` (only the shared private helpers).
"""

# Loaded on first use (lazy-loader; names in __init__.pyi, which type checkers read too).
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
