"""Risk: what the project's risk register costs, and who bears it, by Monte Carlo.

* :mod:`~mitra.analysis.risk.spec`: the risk-model spec (``risk-model.schema.json``) as
  frozen dataclasses, loaded and validated (:func:`load_spec`).
* :mod:`~mitra.analysis.risk.distributions`: the impact distributions.
* :mod:`~mitra.analysis.risk.montecarlo`: the engine (:func:`sample`, :func:`simulate`).
* :mod:`~mitra.analysis.risk.cli`: ``mitra simulate``.

Imports no other subpackage of :mod:`mitra.analysis` (only the shared private helpers).
"""

# Loaded on first use (lazy-loader; names in __init__.pyi, which type checkers read too).
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
