"""Mitra's pure computation core: NumPy/SciPy only, no Django, no other ``mitra`` package.

The risk engine quantifies a risk-model spec (``risk-model.schema.json``) by Monte
Carlo: the distribution of the project NPV and what each party stands to lose.

>>> from mitra.analysis import simulate                      # doctest: +SKIP
>>> simulate("toll-road.json", iterations=100_000, seed=1).to_dict()  # doctest: +SKIP
"""

from mitra.analysis._random import as_generator, resolve_seed
from mitra.analysis.distributions import (
    Distribution,
    Lognormal,
    Normal,
    Pert,
    PertQuantileTable,
    Triangular,
    Uniform,
)
from mitra.analysis.montecarlo import (
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
from mitra.analysis.risk_model import (
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
    "as_generator",
    "load_spec",
    "percentile_key",
    "read_spec_file",
    "resolve_seed",
    "sample",
    "schema",
    "simulate",
    "validate_spec",
]
