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

from mitra.analysis.appraisal.fiscal import (
    DIRECT_KEYS,
    FiscalFlag,
    FiscalResult,
    FiscalSpec,
    GuaranteeResult,
    fiscal_burden,
    fiscal_schema,
    load_fiscal,
    validate_fiscal,
)
from mitra.analysis.appraisal.stress import (
    METRICS,
    Scenario,
    ScenarioResult,
    Shock,
    StressResult,
    load_scenarios,
    stress_schema,
    stress_test,
    validate_scenarios,
)
from mitra.analysis.appraisal.vfm import (
    PAYMENT_KEYS,
    Estimate,
    GovernmentPayments,
    VfmResult,
    VfmSpec,
    load_vfm,
    present_value,
    validate_vfm,
    value_for_money,
    vfm_schema,
)

__all__ = [
    "DIRECT_KEYS",
    "METRICS",
    "PAYMENT_KEYS",
    "Estimate",
    "FiscalFlag",
    "FiscalResult",
    "FiscalSpec",
    "GovernmentPayments",
    "GuaranteeResult",
    "Scenario",
    "ScenarioResult",
    "Shock",
    "StressResult",
    "VfmResult",
    "VfmSpec",
    "fiscal_burden",
    "fiscal_schema",
    "load_fiscal",
    "load_scenarios",
    "load_vfm",
    "present_value",
    "stress_schema",
    "stress_test",
    "validate_fiscal",
    "validate_scenarios",
    "validate_vfm",
    "value_for_money",
    "vfm_schema",
]
