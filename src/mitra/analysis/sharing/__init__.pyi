"""Types of the names `mitra.analysis.sharing` loads on first use (see __init__.py)."""

from .bargaining import (
    nash_bargaining as nash_bargaining,
)
from .bargaining import (
    nash_bargaining_general as nash_bargaining_general,
)
from .core import (
    BlockingCoalition as BlockingCoalition,
)
from .core import (
    CoreCheck as CoreCheck,
)
from .core import (
    core_check as core_check,
)
from .fairness import (
    FairnessReport as FairnessReport,
)
from .fairness import (
    PartyFairness as PartyFairness,
)
from .fairness import (
    ShareResult as ShareResult,
)
from .fairness import (
    analyse_game as analyse_game,
)
from .fairness import (
    fairness_report as fairness_report,
)
from .fairness import (
    gini as gini,
)
from .shapley import (
    MAX_EXACT_PLAYERS as MAX_EXACT_PLAYERS,
)
from .shapley import (
    ShapleyEstimate as ShapleyEstimate,
)
from .shapley import (
    coalition_values as coalition_values,
)
from .shapley import (
    shapley as shapley,
)
from .shapley import (
    shapley_sample as shapley_sample,
)
from .spec import (
    EXACT_PLAYER_LIMIT as EXACT_PLAYER_LIMIT,
)
from .spec import (
    SharePlayer as SharePlayer,
)
from .spec import (
    SharingGame as SharingGame,
)
from .spec import (
    game_schema as game_schema,
)
from .spec import (
    load_game as load_game,
)
from .spec import (
    validate_game as validate_game,
)
from .valuation import (
    CONTRIBUTION_KINDS as CONTRIBUTION_KINDS,
)
from .valuation import (
    Contribution as Contribution,
)
from .valuation import (
    proportional_shares as proportional_shares,
)
from .valuation import (
    value_contribution as value_contribution,
)
