"""Types of the names `mitra.analysis.appraisal` loads on first use (see __init__.py)."""

from .fiscal import (
    DIRECT_KEYS as DIRECT_KEYS,
)
from .fiscal import (
    FiscalFlag as FiscalFlag,
)
from .fiscal import (
    FiscalResult as FiscalResult,
)
from .fiscal import (
    FiscalSpec as FiscalSpec,
)
from .fiscal import (
    GuaranteeResult as GuaranteeResult,
)
from .fiscal import (
    fiscal_burden as fiscal_burden,
)
from .fiscal import (
    fiscal_schema as fiscal_schema,
)
from .fiscal import (
    load_fiscal as load_fiscal,
)
from .fiscal import (
    validate_fiscal as validate_fiscal,
)
from .stress import (
    METRICS as METRICS,
)
from .stress import (
    Scenario as Scenario,
)
from .stress import (
    ScenarioResult as ScenarioResult,
)
from .stress import (
    Shock as Shock,
)
from .stress import (
    StressResult as StressResult,
)
from .stress import (
    load_scenarios as load_scenarios,
)
from .stress import (
    stress_schema as stress_schema,
)
from .stress import (
    stress_test as stress_test,
)
from .stress import (
    validate_scenarios as validate_scenarios,
)
from .vfm import (
    PAYMENT_KEYS as PAYMENT_KEYS,
)
from .vfm import (
    Estimate as Estimate,
)
from .vfm import (
    GovernmentPayments as GovernmentPayments,
)
from .vfm import (
    VfmResult as VfmResult,
)
from .vfm import (
    VfmSpec as VfmSpec,
)
from .vfm import (
    load_vfm as load_vfm,
)
from .vfm import (
    present_value as present_value,
)
from .vfm import (
    validate_vfm as validate_vfm,
)
from .vfm import (
    value_for_money as value_for_money,
)
from .vfm import (
    vfm_schema as vfm_schema,
)
