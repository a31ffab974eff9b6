"""Contributions of every kind valued in one currency, and contribution-proportional shares.

* :func:`value_contribution` values one contribution in currency units
  (:data:`CONTRIBUTION_KINDS` states the value basis of each kind);
* :func:`proportional_shares` splits a total in proportion to the value of each
  party's contributions.

Decimal policy: ``decimal.Decimal`` is not supported; every amount is float64
in currency units (the caller's ``amount_unit`` of its currency).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CONTRIBUTION_KINDS",
    "Contribution",
    "proportional_shares",
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
