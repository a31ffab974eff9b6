"""Mitra's pure computation core: NumPy/SciPy only, no Django, no other ``mitra`` package.

One subpackage per question, each with its JSON spec (schema in ``schemas/``), its
computation and its ``mitra`` sub-command (``cli.py``) side by side:

* ``risk``: the risk-model spec and the Monte Carlo engine (``mitra simulate``);
* ``finance``: time value of money, the project-finance model and its solvers
  (``mitra finance``);
* ``appraisal``: value for money, fiscal burden and stress tests (``mitra vfm``);
* ``sharing``: benefit sharing: valuation, Shapley, Nash, core, fairness (``mitra share``);
* ``alignment``: goal alignment: conflicts, ranges, maximin compromise (``mitra align``).

Imports go one way, ``risk`` <- ``finance`` <- ``appraisal``; ``sharing`` and
``alignment`` stand alone. All share the private ``_spec`` (spec loading and
validation), ``_cli`` (CLI plumbing) and ``_random`` (seeds and random streams).
Every public name is re-exported here.

>>> from mitra.analysis import simulate                      # doctest: +SKIP
>>> simulate("toll-road.json", iterations=100_000, seed=1).to_dict()  # doctest: +SKIP
"""

# Nothing is imported until it is used (PEP 562, through lazy-loader): ``mitra simulate`` does
# not pay for SciPy's optimiser, which only alignment, VfM and the solvers need. The names and
# where they come from are in ``__init__.pyi``, which type checkers read too.
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
