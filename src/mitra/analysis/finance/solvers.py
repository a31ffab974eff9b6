"""Solvers of the project-finance model: the support that gives a target equity IRR.

:func:`solve` finds the availability payment, VGF or tariff of a
:class:`~mitra.analysis.finance.spec.FinanceModel` that gives the private party a
target equity IRR, running :func:`~mitra.analysis.finance.model.run_model` inside
Brent's method. Every formula is in ``docs/finance.md``.

Decimal policy: float64 throughout; the Django layer converts to ``Decimal``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal, TypeAlias

from scipy.optimize import brentq

from mitra.analysis.finance.model import FinanceResult, _discount, run_model
from mitra.analysis.finance.spec import (
    VGF_USER_CHARGE_MESSAGE,
    FinanceModel,
    Vgf,
    construction_interest,
    has_user_charge,
)

__all__ = ["Solution", "SolveError", "solve"]

Unknown: TypeAlias = Literal["availability_payment", "vgf", "tariff"]


# --------------------------------------------------------------------------- result


class SolveError(ValueError):
    """No value of the unknown in its feasible bracket reaches the target equity IRR."""


@dataclass(frozen=True)
class Solution:
    """A solved model: ``value`` of the ``unknown`` (amount_unit, or currency per unit for
    a tariff), the solved ``model`` and its ``result``."""

    unknown: str
    value: float
    target_equity_irr: float
    model: FinanceModel
    result: FinanceResult


# --------------------------------------------------------------------------- solver


def vgf_ceiling(model: FinanceModel) -> float:
    """The largest VGF the regulation allows (amount_unit).

    ``V* = s (C + IDC(V*))`` with ``s`` = ``vgf.max_share`` (default 0.49) and ``C`` the
    construction capex plus the other costs of the construction years. IDC falls linearly
    as VGF replaces debt, ``IDC(V) = IDC(0) - k V``, so ``V* = s (C + IDC(0)) / (1 + s k)``
    (PMK 223/PMK.011/2012: the cap is on construction cost including IDC).
    """
    share = model.vgf.max_share if model.vgf is not None else Vgf(0.0).max_share
    c = model.construction_years
    other = [model.other_costs.get(model.start_year + j, 0.0) for j in range(c)]
    cost = math.fsum(model.capex) + math.fsum(other)
    if model.debt is None:
        return share * cost

    def idc(v: float) -> float:
        assert model.debt is not None
        return construction_interest(model.capex, other, v, model.debt.share, model.debt.rate)

    idc0 = idc(0.0)
    k = idc0 - idc(1.0)
    return share * (cost + idc0) / (1.0 + share * k)


def _set_unknown(model: FinanceModel, unknown: str, value: float) -> FinanceModel:
    if unknown == "availability_payment":
        assert model.availability_payment is not None
        return dataclasses.replace(
            model,
            availability_payment=dataclasses.replace(model.availability_payment, annual=value),
        )
    if unknown == "tariff":
        assert model.user_pays is not None
        return dataclasses.replace(
            model, user_pays=dataclasses.replace(model.user_pays, tariff=value)
        )
    vgf = model.vgf if model.vgf is not None else Vgf(0.0)
    return dataclasses.replace(model, vgf=dataclasses.replace(vgf, amount=value))


def solve(model: FinanceModel, *, unknown: Unknown, target_equity_irr: float) -> Solution:
    """The availability payment, VGF or tariff that gives a target equity IRR.

    Parameters
    ----------
    model : FinanceModel
        The model; the current value of the unknown is replaced.
    unknown : {"availability_payment", "vgf", "tariff"}
        What to solve for: ``availability_payment.annual`` (amount_unit per year
        at ``price_base_year`` prices), ``vgf.amount`` (amount_unit) or
        ``user_pays.tariff`` (currency units per demand unit).
    target_equity_irr : float
        The private party's target equity IRR (decimal per year, > -1).

    Returns
    -------
    Solution
        ``value``, the solved ``model`` and its ``result``.

    Raises
    ------
    SolveError
        When the model lacks the line to solve for, or no value in the feasible
        bracket reaches the target: ``[0, inf)`` for the availability payment
        and the tariff, ``[0, V*]`` for VGF with ``V*`` from :func:`vgf_ceiling` (the cap
        measured on construction cost including IDC); VGF is refused outright for a
        project without a user charge (PMK 223/PMK.011/2012).

    Notes
    -----
    Solves ``f(v) = NPV_target(equity_flows(v)) = 0`` (equity flows discounted
    at the target rate) with Brent's method; where the equity IRR is unique
    this is the same as ``equity_irr(v) = target``, and it stays well defined
    where the equity flows change sign more than once. The upper end of the
    bracket is found by doubling (at most 80 times). ``f`` rises with the
    unknown in every model this package builds (more revenue or support, more
    CFADS), so the root is unique.

    Examples
    --------
    >>> from mitra.analysis.finance import load_model
    >>> m = load_model({"spec_version": "1.0", "name": "x", "currency": "EUR",
    ...     "amount_unit": 1, "start_year": 2026, "construction_years": 1,
    ...     "handback_year": 2027, "discount_rates": {"public": 0.05, "equity": 0.1},
    ...     "capex": [100], "opex": {"annual": 0},
    ...     "availability_payment": {"annual": 1}})
    >>> round(solve(m, unknown="availability_payment", target_equity_irr=0.2).value, 9)
    120.0
    """
    if not target_equity_irr > -1.0 or not math.isfinite(target_equity_irr):
        raise SolveError(f"target_equity_irr must be a rate above -1, got {target_equity_irr}")
    if unknown == "availability_payment" and model.availability_payment is None:
        raise SolveError("the model has no availability_payment to solve for; add one")
    if unknown == "tariff" and model.user_pays is None:
        raise SolveError("the model has no user_pays tariff to solve for; add one")
    if unknown not in ("availability_payment", "vgf", "tariff"):
        raise SolveError(f"unknown must be availability_payment, vgf or tariff, got {unknown!r}")
    if unknown == "vgf" and not has_user_charge(model.user_pays):
        raise SolveError(VGF_USER_CHARGE_MESSAGE)

    def f(value: float) -> float:
        flows = run_model(_set_unknown(model, unknown, value)).equity_flows
        return _discount(target_equity_irr, flows)

    words = {"availability_payment": "availability payment", "vgf": "VGF", "tariff": "tariff"}
    lo = 0.0
    f_lo = f(lo)
    if f_lo >= 0:
        achieved = run_model(_set_unknown(model, unknown, lo)).equity_irr
        shown = "undefined" if achieved is None else f"{achieved:.4%}"
        raise SolveError(
            f"even with no {words[unknown]} (0) the equity return reaches the target "
            f"{target_equity_irr:.4%} (equity IRR {shown}); no support is needed"
        )
    capex_total = math.fsum(model.capex)
    if unknown == "vgf":
        share = model.vgf.max_share if model.vgf is not None else Vgf(0.0).max_share
        hi = vgf_ceiling(model)
        if f(hi) < 0:
            raise SolveError(
                f"even the maximum VGF ({share:.0%} of construction cost including interest "
                f"during construction = {hi:,.6g}) does not reach the target equity IRR "
                f"{target_equity_irr:.4%}"
            )
    else:
        current = (
            model.availability_payment.annual
            if unknown == "availability_payment" and model.availability_payment is not None
            else model.user_pays.tariff
            if model.user_pays is not None
            else 0.0
        )
        hi = current if current > 0 else max(capex_total / model.operating_years, 1.0)
        for _ in range(80):
            if f(hi) >= 0:
                break
            lo, hi = hi, hi * 2.0
        else:
            raise SolveError(
                f"no {words[unknown]} reaches the target equity IRR {target_equity_irr:.4%}"
            )
    value = float(brentq(f, lo, hi, xtol=1e-12 * max(hi, 1.0), rtol=1e-12, maxiter=200))
    solved = _set_unknown(model, unknown, value)
    return Solution(unknown, value, target_equity_irr, solved, run_model(solved))
