"""Goal alignment: partners' objectives over shared levers (``alignment.schema.json``).

Each partner of a partnership states objectives over shared *levers* (a toll
tariff, concession years, a service level, a cost share...): a direction
(``increase``, ``decrease`` or ``target``), a weight and an acceptable range.
This subpackage reports

1. the **weighted conflict matrix**: which pairs of partners pull the same lever
   in opposite directions, and how much it matters to them
   (:func:`conflict_matrix`);
2. per lever, the **intersection** of the acceptable ranges or, when it is
   empty, the **gap**, the tightest pair and the minimal total relaxation
   (:func:`lever_ranges`);
3. the **maximin compromise**: the lever values inside every acceptable range
   that maximise the least-satisfied partner's satisfaction, solved as a linear
   program with :func:`scipy.optimize.linprog` (:func:`maximin_compromise`).

:func:`align` runs all three. The schema's description is the normative
statement of every formula; the docstrings repeat them.

Modules: ``spec`` (the dataclasses, schema, validation and loading), ``scores``
(objective scores and partner satisfaction), ``conflicts`` (1 and 2),
``compromise`` (3 and :func:`align`) and ``cli`` (``mitra align``). Imports no
other subpackage of :mod:`mitra.analysis` (only the shared private helpers).

Definitions
-----------
Weights are normalised per partner: ``w_pj = omega_pj / sum_k omega_pk``.
Score of one objective at lever value ``x`` (defined on ``[lo, hi]`` only;
outside it the point is infeasible for that partner):

* increase: ``s = (x - lo) / (hi - lo)``
* decrease: ``s = (hi - x) / (hi - lo)``
* target ``tau``: ``s = (x - lo) / (tau - lo)`` for ``x <= tau`` and
  ``s = (hi - x) / (hi - tau)`` for ``x >= tau`` (1 at ``tau``, 0 at both ends).

Partner satisfaction ``S_p(x) = sum_j w_pj s_pj(x_j)`` in ``[0, 1]``.

Decimal policy: levers are plain float64 in their own unit (a label only);
``decimal.Decimal`` is not supported. Nothing here is money unless a lever's
unit says so, and then it is in that unit.
"""

# Loaded on first use (lazy-loader; names in __init__.pyi, which type checkers read too).
import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
