"""Fairness of a proposed sharing rule: the fairness report and the Gini index.

:func:`fairness_report` holds a proposed split of a partnership's benefit
against the contributions, the Shapley value, the proportional shares, the
Nash bargaining split, the walk-away values and the core; :func:`gini` is the
inequality index it reports. :func:`analyse_game` runs the whole analysis of a
sharing game (:mod:`~mitra.analysis.sharing.spec`): Shapley (exact or
sampled), proportional and Nash shares, and the fairness report of its proposal.

Decimal policy: ``decimal.Decimal`` is not supported; every amount is float64
in currency units (the caller's ``amount_unit`` of its currency).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mitra.analysis._random import SeedLike, resolve_seed
from mitra.analysis.sharing.bargaining import nash_bargaining
from mitra.analysis.sharing.core import CoreCheck, core_check
from mitra.analysis.sharing.shapley import ShapleyEstimate, shapley, shapley_sample
from mitra.analysis.sharing.spec import EXACT_PLAYER_LIMIT, SharingGame, load_game
from mitra.analysis.sharing.valuation import proportional_shares

__all__ = [
    "FairnessReport",
    "PartyFairness",
    "ShareResult",
    "analyse_game",
    "fairness_report",
    "gini",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: Permutations used when a game is too large for the exact value and none are given.
DEFAULT_PERMUTATIONS = 10_000


def gini(values: ArrayLike) -> float | None:
    """Gini index of non-negative amounts (0 = all equal, (n-1)/n = one has all).

    Parameters
    ----------
    values : array_like of float, shape (n,)
        Non-negative numbers (amounts or ratios; the index is scale-free).

    Returns
    -------
    float or None
        ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x))``; ``None`` when it is
        undefined: no values, a negative value, or a zero mean.

    Notes
    -----
    Computed from the sorted values ``x_(1) <= ... <= x_(n)`` as
    ``G = 2 sum_k k x_(k) / (n sum x) - (n + 1) / n``, which equals the mean
    absolute difference over twice the mean (population form, no ``n/(n-1)``
    correction).

    References
    ----------
    C. Gini, *Variabilità e mutabilità*, Bologna, 1912; A. Sen, *On Economic
    Inequality*, Oxford, 1973, ch. 2 (the mean-difference form).

    Examples
    --------
    >>> gini([1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 1])
    0.75
    """
    x = np.sort(np.array(values, dtype=np.float64))
    if x.ndim != 1 or x.size == 0 or not np.isfinite(x).all() or x[0] < 0:
        return None
    total = float(x.sum())
    if total <= 0:
        return None
    n = x.size
    k = np.arange(1, n + 1, dtype=np.float64)
    return max(0.0, float(2.0 * (k @ x) / (n * total) - (n + 1) / n))


@dataclass(frozen=True)
class PartyFairness:
    """One party's line of a :class:`FairnessReport` (amounts in currency units).

    ``ratio`` = proposed / contribution (``None`` for a zero contribution);
    ``deviation_shapley`` = proposed - shapley; ``deviation_proportional`` =
    proposed - proportional; ``gain`` = proposed - walk_away; ``nash`` is the
    weighted Nash bargaining amount (``None`` when the walk-away values exceed
    the total); ``shapley_se`` the standard error when Shapley was sampled.
    """

    id: str
    contribution: float
    proposed: float
    ratio: float | None
    shapley: float
    shapley_se: float | None
    proportional: float
    nash: float | None
    deviation_shapley: float
    deviation_proportional: float
    walk_away: float
    gain: float
    above_walk_away: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class FairnessReport:
    """A proposed sharing rule held against contributions, Shapley, Nash and the core.

    ``gini_ratio`` is the Gini index of the benefit/contribution ratios of the
    parties with a positive contribution (0: every unit contributed earns the
    same, i.e. the proposal is contribution-proportional); ``gini_benefit``
    the Gini index of the proposed amounts. Either is ``None`` when undefined
    (a negative value or a zero mean). ``core`` is ``None`` when the
    coalition table was not available.
    """

    total: float
    parties: tuple[PartyFairness, ...]
    gini_ratio: float | None
    gini_benefit: float | None
    all_above_walk_away: bool
    core: CoreCheck | None
    nash_feasible: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "total": self.total,
            "parties": [p.to_dict() for p in self.parties],
            "gini_ratio": self.gini_ratio,
            "gini_benefit": self.gini_benefit,
            "all_above_walk_away": self.all_above_walk_away,
            "nash_feasible": self.nash_feasible,
            "core": None if self.core is None else self.core.to_dict(),
        }


def fairness_report(
    *,
    players: Sequence[str],
    contributions: ArrayLike,
    proposal: ArrayLike,
    walk_away: ArrayLike,
    values: ArrayLike | None = None,
    shapley_values: ArrayLike | None = None,
    shapley_se: ArrayLike | None = None,
    total: float | None = None,
    weights: ArrayLike | None = None,
    tolerance: float = 1e-9,
) -> FairnessReport:
    """Judge a proposed split of a partnership's benefit.

    Parameters
    ----------
    players : sequence of str, length n
        Party ids (``players[i]`` is bit ``i`` of a coalition mask).
    contributions : array_like of float, shape (n,)
        Value of each party's contributions (currency units, >= 0, not all 0).
    proposal : array_like of float, shape (n,)
        The proposed benefit of each party (currency units).
    walk_away : array_like of float, shape (n,)
        What each party gets without the partnership (currency units).
    values : array_like of float, shape (2**n,), optional
        Coalition worths; gives the exact Shapley value and the core check.
    shapley_values, shapley_se : array_like of float, shape (n,), optional
        Precomputed (e.g. sampled) Shapley values and their standard errors,
        used instead of ``values`` for the Shapley column. One of ``values`` and
        ``shapley_values`` is required.
    total : float, optional
        The benefit shared (currency units); default ``values[-1]`` (``v(N)``),
        else the sum of the Shapley values.
    weights : array_like of float, shape (n,), optional
        Nash bargaining weights (symmetric by default).
    tolerance : float
        Relative tolerance of the core check and of the walk-away flags
        (``tolerance * max(1, |total|)``).

    Returns
    -------
    FairnessReport
        Per party: contribution, proposed benefit, benefit/contribution ratio,
        Shapley value, proportional share, Nash split, deviations from Shapley
        and proportional, gain over walk-away and the flag; plus the Gini
        indices, the all-above-walk-away flag and the core check.

    Notes
    -----
    Proportional share ``p_i = total * c_i / sum(c)``; Nash ``x_i = d_i + w_i /
    sum(w) (total - sum(d))``; ``above_walk_away`` is ``proposed_i >= d_i - atol``.
    Gini indices as in :func:`gini`. A proposal that does not add up to the
    total is reported as it is (the core check shows the gap).

    Examples
    --------
    >>> r = fairness_report(players=["L", "R1", "R2"], contributions=[1, 1, 1],
    ...                     proposal=[1, 0, 0], walk_away=[0, 0, 0],
    ...                     values=[0, 0, 0, 1, 0, 1, 0, 1])
    >>> r.core.in_core, round(r.parties[0].shapley, 4), r.gini_ratio
    (True, 0.6667, 0.6666666666666667)
    """
    ids = list(players)
    n = len(ids)
    c = np.array(contributions, dtype=np.float64)
    x = np.array(proposal, dtype=np.float64)
    d = np.array(walk_away, dtype=np.float64)
    for name, arr in (("contributions", c), ("proposal", x), ("walk_away", d)):
        if arr.shape != (n,):
            raise ValueError(f"{name} must have one entry per player ({n}), got shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite")
    core = None
    se: FloatArray | None = None
    if shapley_values is not None:
        phi = np.array(shapley_values, dtype=np.float64)
        if phi.shape != (n,):
            raise ValueError(f"shapley_values must have {n} entries, got shape {phi.shape}")
        if shapley_se is not None:
            se = np.array(shapley_se, dtype=np.float64)
    elif values is not None:
        phi = shapley(values)
        if phi.size != n:
            raise ValueError(f"values describe {phi.size} players, players lists {n}")
    else:
        raise ValueError("give values (the coalition table) or shapley_values")
    if values is not None:
        core = core_check(values, x, tolerance)
    if total is None:
        total = (
            float(np.asarray(values, dtype=np.float64)[-1])
            if values is not None
            else float(phi.sum())
        )
    prop = proportional_shares(c, total)
    try:
        nash: FloatArray | None = nash_bargaining(total, d, weights)
    except ValueError:
        nash = None
    atol = tolerance * max(1.0, abs(total))
    rows = []
    for i, pid in enumerate(ids):
        rows.append(
            PartyFairness(
                id=pid,
                contribution=float(c[i]),
                proposed=float(x[i]),
                ratio=float(x[i] / c[i]) if c[i] > 0 else None,
                shapley=float(phi[i]),
                shapley_se=None if se is None else float(se[i]),
                proportional=float(prop[i]),
                nash=None if nash is None else float(nash[i]),
                deviation_shapley=float(x[i] - phi[i]),
                deviation_proportional=float(x[i] - prop[i]),
                walk_away=float(d[i]),
                gain=float(x[i] - d[i]),
                above_walk_away=bool(x[i] >= d[i] - atol),
            )
        )
    positive = c > 0
    return FairnessReport(
        total=float(total),
        parties=tuple(rows),
        gini_ratio=gini(x[positive] / c[positive]),
        gini_benefit=gini(x),
        all_above_walk_away=all(r.above_walk_away for r in rows),
        core=core,
        nash_feasible=nash is not None,
    )


# --------------------------------------------------------------------------- analysis of a game


@dataclass(frozen=True)
class ShareResult:
    """The analysis of a sharing game (amounts in ``amount_unit`` of ``currency``).

    ``method`` is ``'exact'`` or ``'sampled'`` (then ``estimate`` holds the
    permutations, seed and standard errors); ``proposed`` the amounts of the
    proposal; ``report`` the :class:`~mitra.analysis.sharing.FairnessReport`.
    """

    game: SharingGame
    method: str
    proposed: FloatArray
    report: FairnessReport
    estimate: ShapleyEstimate | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the documented output of ``mitra share --format json``)."""
        game = self.game
        report = self.report.to_dict()
        for row, player in zip(report["parties"], game.players, strict=True):
            row["name"] = player.name
            row["sector"] = player.sector
            row["contributions"] = [c.to_dict() for c in player.contributions]
        blocking = (report["core"] or {}).get("blocking")
        if blocking is not None:  # player indices -> ids
            blocking["members"] = [game.ids[i] for i in blocking["members"]]
        kind, body = game.proposal
        out: dict[str, Any] = {
            "name": game.name,
            "currency": game.currency,
            "amount_unit": game.amount_unit,
            "players": game.n,
            "proposal": {"name": game.proposal_name, "kind": kind}
            | ({"rule": body} if kind == "rule" else {}),
            "shapley_method": self.method,
        }
        if self.estimate is not None:
            out["shapley_permutations"] = self.estimate.permutations
            out["shapley_seed"] = self.estimate.seed
        return out | report


def _proposed(game: SharingGame, phi: FloatArray) -> FloatArray:
    kind, body = game.proposal
    total = game.total_benefit
    if kind == "shares":
        return np.array([total * body.get(pid, 0.0) for pid in game.ids])
    if kind == "amounts":
        return np.array([body.get(pid, 0.0) for pid in game.ids])
    if body == "proportional":
        return proportional_shares(game.contributions(), total)
    if body == "shapley":
        return phi.copy()
    if body == "nash":
        return nash_bargaining(total, game.walk_away(), game.weights())
    return np.full(game.n, total / game.n)


def analyse_game(
    source: SharingGame | Mapping[str, Any] | str | os.PathLike[str],
    *,
    permutations: int | None = None,
    seed: SeedLike = None,
) -> ShareResult:
    """Shapley, proportional and Nash shares of a sharing game, and the fairness report.

    Parameters
    ----------
    source : SharingGame, Mapping or path
        The game (see :func:`load_game`).
    permutations : int, optional
        Estimate the Shapley value from this many random orders instead of
        exactly. Games with more than ``EXACT_PLAYER_LIMIT`` players are always
        sampled (``DEFAULT_PERMUTATIONS`` by default) and get no core check.
    seed : int, numpy.random.Generator or None
        Seed of the sampling (``None``: fresh, reported in the result).

    Returns
    -------
    ShareResult
        Amounts in ``amount_unit`` of the game's currency.

    Examples
    --------
    >>> game = {"spec_version": "1.0", "name": "gloves", "currency": "IDR",
    ...   "amount_unit": 1, "total_benefit": 1, "proposal": {"rule": "shapley"},
    ...   "players": [{"id": i, "name": i, "sector": "private", "walk_away": 0,
    ...                "contributions": [{"kind": "in_kind", "amount": 1}]}
    ...               for i in ("L", "R1", "R2")],
    ...   "characteristic_function": {"missing": "additive",
    ...       "synergies": [{"members": ["L", "R1"], "bonus": 1},
    ...                     {"members": ["L", "R2"], "bonus": 1}]}}
    >>> result = analyse_game(game)
    >>> [round(p.shapley, 4) for p in result.report.parties]
    [0.6667, 0.1667, 0.1667]
    """
    game = load_game(source)
    values = game.values() if game.n <= EXACT_PLAYER_LIMIT else None
    estimate = None
    if permutations is not None or values is None:
        p = permutations or DEFAULT_PERMUTATIONS
        root = seed if isinstance(seed, np.random.Generator) else resolve_seed(seed)
        if values is not None:
            estimate = shapley_sample(values, game.n, p, root)
        else:

            def worth(members: frozenset[int]) -> float:
                return game.worth(sum(1 << i for i in members))

            estimate = shapley_sample(worth, game.n, p, root)
        phi = estimate.values
    else:
        assert values is not None
        phi = shapley(values)
    proposed = _proposed(game, phi)
    report = fairness_report(
        players=game.ids,
        contributions=game.contributions(),
        proposal=proposed,
        walk_away=game.walk_away(),
        values=values,
        shapley_values=phi,
        shapley_se=None if estimate is None else estimate.standard_errors,
        total=game.total_benefit,
        weights=game.weights(),
    )
    return ShareResult(
        game=game,
        method="exact" if estimate is None else "sampled",
        proposed=proposed,
        report=report,
        estimate=estimate,
    )
