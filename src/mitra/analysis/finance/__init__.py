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

from mitra.analysis.finance.cashflows import (
    IrrError,
    discounted_payback,
    irr,
    irr_all,
    mirr,
    npv,
    payback,
    xirr,
)
from mitra.analysis.finance.model import (
    GOVERNMENT_FLOW_KEYS,
    PER_YEAR_FIELDS,
    FinanceResult,
    run_model,
    with_adjustments,
)
from mitra.analysis.finance.solvers import Solution, SolveError, solve
from mitra.analysis.finance.spec import (
    AvailabilityPayment,
    ConcessionFee,
    Debt,
    Deduction,
    DiscountRates,
    FinanceModel,
    Guarantee,
    Opex,
    Subsidy,
    Tax,
    UserPays,
    Vgf,
    finance_model_schema,
    load_model,
    validate_model,
)

__all__ = [
    "GOVERNMENT_FLOW_KEYS",
    "PER_YEAR_FIELDS",
    "AvailabilityPayment",
    "ConcessionFee",
    "Debt",
    "Deduction",
    "DiscountRates",
    "FinanceModel",
    "FinanceResult",
    "Guarantee",
    "IrrError",
    "Opex",
    "Solution",
    "SolveError",
    "Subsidy",
    "Tax",
    "UserPays",
    "Vgf",
    "discounted_payback",
    "finance_model_schema",
    "irr",
    "irr_all",
    "load_model",
    "mirr",
    "npv",
    "payback",
    "run_model",
    "solve",
    "validate_model",
    "with_adjustments",
    "xirr",
]
