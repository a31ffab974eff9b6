"""Benefit sharing and fairness: who brings what, who gets what, and whether it is fair.

* Contributions of every kind valued in one currency (:func:`value_contribution`,
  :data:`CONTRIBUTION_KINDS` states the value basis of each kind), and
  contribution-proportional shares (:func:`proportional_shares`).
* The Shapley value, exact (:func:`shapley`) or sampled (:func:`shapley_sample`),
  and the table builder :func:`coalition_values` (module ``sharing_shapley``).
* Nash bargaining with walk-away values, and the core check (module
  ``sharing_bargaining``).
* :func:`fairness_report` for a proposed sharing rule, with the Gini index
  :func:`gini`.

Decimal policy: ``decimal.Decimal`` is not supported; every amount is float64
in currency units (the caller's ``amount_unit`` of its currency).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mitra.analysis.sharing_bargaining import (
    BlockingCoalition,
    CoreCheck,
    core_check,
    nash_bargaining,
    nash_bargaining_general,
)
from mitra.analysis.sharing_shapley import (
    MAX_EXACT_PLAYERS,
    ShapleyEstimate,
    coalition_values,
    shapley,
    shapley_sample,
)

__all__ = [
    "CONTRIBUTION_KINDS",
    "MAX_EXACT_PLAYERS",
    "BlockingCoalition",
    "Contribution",
    "CoreCheck",
    "FairnessReport",
    "PartyFairness",
    "ShapleyEstimate",
    "coalition_values",
    "core_check",
    "fairness_report",
    "gini",
    "nash_bargaining",
    "nash_bargaining_general",
    "proportional_shares",
    "shapley",
    "shapley_sample",
    "value_contribution",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: The kinds of contribution and the value basis each is stated on (the basis
#: can be overridden per contribution, and must be stated for ``other``).
CONTRIBUTION_KINDS: Mapping[str, str] = {
    "cash": "face value of the money paid in",
    "in_kind": "market value of the goods or services supplied (arm's-length price)",
    "land": "appraised market value of the land or of its use for the partnership "
    "(or area_m2 x price_per_m2)",
    "expertise": "person-days x day rate (the cost of the staff time at market rates)",
    "data": "replacement cost or licence value of the data",
    "access": "market-equivalent fee for the access granted "
    "(networks, beneficiaries, sites, permits)",
    "other": "as stated in the contribution's basis",
}


@dataclass(frozen=True)
class Contribution:
    """One contribution valued in currency units.

    ``value`` is in currency units; ``basis`` says how it was valued; the
    quantities it came from are kept (``person_days`` and ``day_rate`` for
    expertise, ``area_m2`` and ``price_per_m2`` for land when given that way).
    """

    kind: str
    value: float
    basis: str
    description: str | None = None
    person_days: float | None = None
    day_rate: float | None = None
    area_m2: float | None = None
    price_per_m2: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (absent quantities left out)."""
        out: dict[str, Any] = {"kind": self.kind, "value": self.value, "basis": self.basis}
        for key in ("description", "person_days", "day_rate", "area_m2", "price_per_m2"):
            item = getattr(self, key)
            if item is not None:
                out[key] = item
        return out


def _finite_non_negative(name: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return number


def value_contribution(
    kind: str,
    *,
    amount: float | None = None,
    person_days: float | None = None,
    day_rate: float | None = None,
    area_m2: float | None = None,
    price_per_m2: float | None = None,
    basis: str | None = None,
    description: str | None = None,
) -> Contribution:
    """Value one contribution in currency units.

    Parameters
    ----------
    kind : {'cash', 'in_kind', 'land', 'expertise', 'data', 'access', 'other'}
        What is contributed (see :data:`CONTRIBUTION_KINDS`).
    amount : float, optional
        The value (currency units, >= 0). Required for every kind except
        ``expertise`` (never with it) and ``land`` given by area and price.
    person_days, day_rate : float, optional
        For ``expertise`` (both required): days of staff time and the cost of
        one day (currency units per person-day).
    area_m2, price_per_m2 : float, optional
        For ``land``, instead of ``amount``: area (square metres) and value per
        square metre (currency units per m2).
    basis : str, optional
        The value basis; defaults to the kind's basis in :data:`CONTRIBUTION_KINDS`.
        Required for ``other``.
    description : str, optional
        Free text.

    Returns
    -------
    Contribution
        ``value = amount``; ``person_days * day_rate`` for expertise;
        ``area_m2 * price_per_m2`` for land given by area.

    Raises
    ------
    ValueError
        Unknown kind, a missing or conflicting quantity, or a negative or
        non-finite number.

    Examples
    --------
    >>> value_contribution("expertise", person_days=120, day_rate=2.5).value
    300.0
    >>> value_contribution("land", area_m2=5000, price_per_m2=0.8).value
    4000.0
    """
    if kind not in CONTRIBUTION_KINDS:
        raise ValueError(
            f"unknown contribution kind {kind!r}; one of {', '.join(CONTRIBUTION_KINDS)}"
        )
    if kind == "other" and not basis:
        raise ValueError("a contribution of kind 'other' must state its value basis")
    stated = basis or CONTRIBUTION_KINDS[kind]
    if kind == "expertise":
        if amount is not None or person_days is None or day_rate is None:
            raise ValueError("expertise is valued as person_days x day_rate (both, and no amount)")
        days = _finite_non_negative("person_days", person_days)
        rate = _finite_non_negative("day_rate", day_rate)
        return Contribution(kind, days * rate, stated, description, days, rate)
    if person_days is not None or day_rate is not None:
        raise ValueError("person_days and day_rate apply only to expertise")
    if kind == "land" and (area_m2 is not None or price_per_m2 is not None):
        if amount is not None or area_m2 is None or price_per_m2 is None:
            raise ValueError("land is valued either by amount or by area_m2 x price_per_m2")
        area = _finite_non_negative("area_m2", area_m2)
        price = _finite_non_negative("price_per_m2", price_per_m2)
        return Contribution(
            kind, area * price, stated, description, area_m2=area, price_per_m2=price
        )
    if area_m2 is not None or price_per_m2 is not None:
        raise ValueError("area_m2 and price_per_m2 apply only to land")
    if amount is None:
        raise ValueError(f"a contribution of kind {kind!r} needs an amount")
    return Contribution(kind, _finite_non_negative("amount", amount), stated, description)


def proportional_shares(contributions: ArrayLike, total: float) -> FloatArray:
    """Split a total in proportion to the value of each party's contribution.

    Parameters
    ----------
    contributions : array_like of float, shape (n,)
        ``c_i >= 0``: the value of everything party ``i`` contributes (currency
        units), at least one positive.
    total : float
        The amount to share (currency units).

    Returns
    -------
    numpy.ndarray of float64, shape (n,)
        ``x_i = total * c_i / sum(c)`` (currency units).

    Examples
    --------
    >>> proportional_shares([100, 300], 80).tolist()
    [20.0, 60.0]
    """
    c = np.array(contributions, dtype=np.float64)
    if c.ndim != 1 or c.size == 0:
        raise ValueError("contributions must be a non-empty one-dimensional array")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("contributions must be finite and >= 0")
    if not math.isfinite(total):
        raise ValueError(f"total must be finite, got {total}")
    s = float(c.sum())
    if s <= 0:
        raise ValueError("at least one contribution must be positive to share in proportion")
    return np.asarray(total * c / s, dtype=np.float64)


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
