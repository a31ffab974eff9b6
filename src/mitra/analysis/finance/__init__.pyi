"""Types of the names `mitra.analysis.finance` loads on first use (see __init__.py)."""

from .cashflows import (
    IrrError as IrrError,
)
from .cashflows import (
    discounted_payback as discounted_payback,
)
from .cashflows import (
    irr as irr,
)
from .cashflows import (
    irr_all as irr_all,
)
from .cashflows import (
    mirr as mirr,
)
from .cashflows import (
    npv as npv,
)
from .cashflows import (
    payback as payback,
)
from .cashflows import (
    xirr as xirr,
)
from .model import (
    GOVERNMENT_FLOW_KEYS as GOVERNMENT_FLOW_KEYS,
)
from .model import (
    PER_YEAR_FIELDS as PER_YEAR_FIELDS,
)
from .model import (
    FinanceResult as FinanceResult,
)
from .model import (
    run_model as run_model,
)
from .model import (
    with_adjustments as with_adjustments,
)
from .solvers import Solution as Solution
from .solvers import SolveError as SolveError
from .solvers import solve as solve
from .spec import (
    AvailabilityPayment as AvailabilityPayment,
)
from .spec import (
    ConcessionFee as ConcessionFee,
)
from .spec import (
    Debt as Debt,
)
from .spec import (
    Deduction as Deduction,
)
from .spec import (
    DiscountRates as DiscountRates,
)
from .spec import (
    FinanceModel as FinanceModel,
)
from .spec import (
    Guarantee as Guarantee,
)
from .spec import (
    Opex as Opex,
)
from .spec import (
    Subsidy as Subsidy,
)
from .spec import (
    Tax as Tax,
)
from .spec import (
    UserPays as UserPays,
)
from .spec import (
    Vgf as Vgf,
)
from .spec import (
    finance_model_schema as finance_model_schema,
)
from .spec import (
    load_model as load_model,
)
from .spec import (
    validate_model as validate_model,
)
