"""Types of the names `mitra.analysis.risk` loads on first use (see __init__.py)."""

from .distributions import (
    Distribution as Distribution,
)
from .distributions import (
    Lognormal as Lognormal,
)
from .distributions import (
    Normal as Normal,
)
from .distributions import (
    Pert as Pert,
)
from .distributions import (
    PertQuantileTable as PertQuantileTable,
)
from .distributions import (
    Triangular as Triangular,
)
from .distributions import (
    Uniform as Uniform,
)
from .montecarlo import (
    BLOCK_SIZE as BLOCK_SIZE,
)
from .montecarlo import (
    ConvergencePoint as ConvergencePoint,
)
from .montecarlo import (
    CostSummary as CostSummary,
)
from .montecarlo import (
    Histogram as Histogram,
)
from .montecarlo import (
    NpvSummary as NpvSummary,
)
from .montecarlo import (
    RiskSummary as RiskSummary,
)
from .montecarlo import (
    Samples as Samples,
)
from .montecarlo import (
    SimulationResult as SimulationResult,
)
from .montecarlo import (
    Timing as Timing,
)
from .montecarlo import (
    percentile_key as percentile_key,
)
from .montecarlo import (
    sample as sample,
)
from .montecarlo import (
    simulate as simulate,
)
from .spec import (
    BaseCashFlows as BaseCashFlows,
)
from .spec import (
    Correlation as Correlation,
)
from .spec import (
    Risk as Risk,
)
from .spec import (
    RiskModel as RiskModel,
)
from .spec import (
    SimulationSettings as SimulationSettings,
)
from .spec import (
    SpecError as SpecError,
)
from .spec import (
    SpecIssue as SpecIssue,
)
from .spec import (
    load_spec as load_spec,
)
from .spec import (
    read_spec_file as read_spec_file,
)
from .spec import (
    schema as schema,
)
from .spec import (
    validate_spec as validate_spec,
)
