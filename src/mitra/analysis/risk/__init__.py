"""Risk: what the project's risk register costs, and who bears it, by Monte Carlo.

* :mod:`~mitra.analysis.risk.spec`: the risk-model spec (``risk-model.schema.json``) as
  frozen dataclasses, loaded and validated (:func:`load_spec`).
* :mod:`~mitra.analysis.risk.distributions`: the impact distributions.
* :mod:`~mitra.analysis.risk.montecarlo`: the engine (:func:`sample`, :func:`simulate`).
* :mod:`~mitra.analysis.risk.cli`: ``mitra simulate``.

Imports no other subpackage of :mod:`mitra.analysis` (only the shared private helpers).
"""

from mitra.analysis.risk.distributions import (
    Distribution,
    Lognormal,
    Normal,
    Pert,
    PertQuantileTable,
    Triangular,
    Uniform,
)
from mitra.analysis.risk.montecarlo import (
    BLOCK_SIZE,
    ConvergencePoint,
    CostSummary,
    Histogram,
    NpvSummary,
    RiskSummary,
    Samples,
    SimulationResult,
    Timing,
    percentile_key,
    sample,
    simulate,
)
from mitra.analysis.risk.spec import (
    BaseCashFlows,
    Correlation,
    Risk,
    RiskModel,
    SimulationSettings,
    SpecError,
    SpecIssue,
    load_spec,
    read_spec_file,
    schema,
    validate_spec,
)

__all__ = [
    "BLOCK_SIZE",
    "BaseCashFlows",
    "ConvergencePoint",
    "Correlation",
    "CostSummary",
    "Distribution",
    "Histogram",
    "Lognormal",
    "Normal",
    "NpvSummary",
    "Pert",
    "PertQuantileTable",
    "Risk",
    "RiskModel",
    "RiskSummary",
    "Samples",
    "SimulationResult",
    "SimulationSettings",
    "SpecError",
    "SpecIssue",
    "Timing",
    "Triangular",
    "Uniform",
    "load_spec",
    "percentile_key",
    "read_spec_file",
    "sample",
    "schema",
    "simulate",
    "validate_spec",
]
