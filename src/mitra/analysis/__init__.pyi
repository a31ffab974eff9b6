"""Types of the names `mitra.analysis` loads on first use (see __init__.py)."""

from ._random import as_generator as as_generator
from ._random import resolve_seed as resolve_seed
from .alignment import (
    AlignmentResult as AlignmentResult,
)
from .alignment import (
    AlignmentSpec as AlignmentSpec,
)
from .alignment import (
    Compromise as Compromise,
)
from .alignment import (
    ConflictMatrix as ConflictMatrix,
)
from .alignment import (
    Lever as Lever,
)
from .alignment import (
    LeverRange as LeverRange,
)
from .alignment import (
    Objective as Objective,
)
from .alignment import (
    Partner as Partner,
)
from .alignment import (
    align as align,
)
from .alignment import (
    alignment_schema as alignment_schema,
)
from .alignment import (
    conflict_matrix as conflict_matrix,
)
from .alignment import (
    lever_ranges as lever_ranges,
)
from .alignment import (
    load_alignment_spec as load_alignment_spec,
)
from .alignment import (
    maximin_compromise as maximin_compromise,
)
from .alignment import (
    objective_score as objective_score,
)
from .alignment import (
    objectives_oppose as objectives_oppose,
)
from .alignment import (
    partner_satisfaction as partner_satisfaction,
)
from .alignment import (
    validate_alignment_spec as validate_alignment_spec,
)
from .appraisal import (
    Estimate as Estimate,
)
from .appraisal import (
    FiscalFlag as FiscalFlag,
)
from .appraisal import (
    FiscalResult as FiscalResult,
)
from .appraisal import (
    FiscalSpec as FiscalSpec,
)
from .appraisal import (
    GovernmentPayments as GovernmentPayments,
)
from .appraisal import (
    GuaranteeResult as GuaranteeResult,
)
from .appraisal import (
    Scenario as Scenario,
)
from .appraisal import (
    ScenarioResult as ScenarioResult,
)
from .appraisal import (
    Shock as Shock,
)
from .appraisal import (
    StressResult as StressResult,
)
from .appraisal import (
    VfmResult as VfmResult,
)
from .appraisal import (
    VfmSpec as VfmSpec,
)
from .appraisal import (
    fiscal_burden as fiscal_burden,
)
from .appraisal import (
    fiscal_schema as fiscal_schema,
)
from .appraisal import (
    load_fiscal as load_fiscal,
)
from .appraisal import (
    load_scenarios as load_scenarios,
)
from .appraisal import (
    load_vfm as load_vfm,
)
from .appraisal import (
    present_value as present_value,
)
from .appraisal import (
    stress_schema as stress_schema,
)
from .appraisal import (
    stress_test as stress_test,
)
from .appraisal import (
    validate_fiscal as validate_fiscal,
)
from .appraisal import (
    validate_scenarios as validate_scenarios,
)
from .appraisal import (
    validate_vfm as validate_vfm,
)
from .appraisal import (
    value_for_money as value_for_money,
)
from .appraisal import (
    vfm_schema as vfm_schema,
)
from .finance import (
    GOVERNMENT_FLOW_KEYS as GOVERNMENT_FLOW_KEYS,
)
from .finance import (
    FinanceModel as FinanceModel,
)
from .finance import (
    FinanceResult as FinanceResult,
)
from .finance import (
    IrrError as IrrError,
)
from .finance import (
    Solution as Solution,
)
from .finance import (
    SolveError as SolveError,
)
from .finance import (
    discounted_payback as discounted_payback,
)
from .finance import (
    finance_model_schema as finance_model_schema,
)
from .finance import (
    irr as irr,
)
from .finance import (
    irr_all as irr_all,
)
from .finance import (
    load_model as load_model,
)
from .finance import (
    mirr as mirr,
)
from .finance import (
    npv as npv,
)
from .finance import (
    payback as payback,
)
from .finance import (
    run_model as run_model,
)
from .finance import (
    solve as solve,
)
from .finance import (
    validate_model as validate_model,
)
from .finance import (
    with_adjustments as with_adjustments,
)
from .finance import (
    xirr as xirr,
)
from .risk import (
    BLOCK_SIZE as BLOCK_SIZE,
)
from .risk import (
    BaseCashFlows as BaseCashFlows,
)
from .risk import (
    ConvergencePoint as ConvergencePoint,
)
from .risk import (
    Correlation as Correlation,
)
from .risk import (
    CostSummary as CostSummary,
)
from .risk import (
    Distribution as Distribution,
)
from .risk import (
    Histogram as Histogram,
)
from .risk import (
    Lognormal as Lognormal,
)
from .risk import (
    Normal as Normal,
)
from .risk import (
    NpvSummary as NpvSummary,
)
from .risk import (
    Pert as Pert,
)
from .risk import (
    PertQuantileTable as PertQuantileTable,
)
from .risk import (
    Risk as Risk,
)
from .risk import (
    RiskModel as RiskModel,
)
from .risk import (
    RiskSummary as RiskSummary,
)
from .risk import (
    Samples as Samples,
)
from .risk import (
    SimulationResult as SimulationResult,
)
from .risk import (
    SimulationSettings as SimulationSettings,
)
from .risk import (
    SpecError as SpecError,
)
from .risk import (
    SpecIssue as SpecIssue,
)
from .risk import (
    Timing as Timing,
)
from .risk import (
    Triangular as Triangular,
)
from .risk import (
    Uniform as Uniform,
)
from .risk import (
    load_spec as load_spec,
)
from .risk import (
    percentile_key as percentile_key,
)
from .risk import (
    read_spec_file as read_spec_file,
)
from .risk import (
    sample as sample,
)
from .risk import (
    schema as schema,
)
from .risk import (
    simulate as simulate,
)
from .risk import (
    validate_spec as validate_spec,
)
from .sharing import (
    CONTRIBUTION_KINDS as CONTRIBUTION_KINDS,
)
from .sharing import (
    EXACT_PLAYER_LIMIT as EXACT_PLAYER_LIMIT,
)
from .sharing import (
    MAX_EXACT_PLAYERS as MAX_EXACT_PLAYERS,
)
from .sharing import (
    BlockingCoalition as BlockingCoalition,
)
from .sharing import (
    Contribution as Contribution,
)
from .sharing import (
    CoreCheck as CoreCheck,
)
from .sharing import (
    FairnessReport as FairnessReport,
)
from .sharing import (
    PartyFairness as PartyFairness,
)
from .sharing import (
    ShapleyEstimate as ShapleyEstimate,
)
from .sharing import (
    SharePlayer as SharePlayer,
)
from .sharing import (
    ShareResult as ShareResult,
)
from .sharing import (
    SharingGame as SharingGame,
)
from .sharing import (
    analyse_game as analyse_game,
)
from .sharing import (
    coalition_values as coalition_values,
)
from .sharing import (
    core_check as core_check,
)
from .sharing import (
    fairness_report as fairness_report,
)
from .sharing import (
    game_schema as game_schema,
)
from .sharing import (
    gini as gini,
)
from .sharing import (
    load_game as load_game,
)
from .sharing import (
    nash_bargaining as nash_bargaining,
)
from .sharing import (
    nash_bargaining_general as nash_bargaining_general,
)
from .sharing import (
    proportional_shares as proportional_shares,
)
from .sharing import (
    shapley as shapley,
)
from .sharing import (
    shapley_sample as shapley_sample,
)
from .sharing import (
    validate_game as validate_game,
)
from .sharing import (
    value_contribution as value_contribution,
)
