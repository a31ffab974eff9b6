"""Time value of money: NPV, IRR (every root), XIRR, MIRR, payback and discounted payback.

Conventions (read these before anything else)
---------------------------------------------
* Rates are decimals per year (``0.07`` = 7 % a year), annual effective.
* Cash flows are money amounts in any one unit (currency units or ``amount_unit``
  multiples); the results are in the same unit. A negative flow is money paid
  out (an investment), a positive flow money received.
* **Timing.** Every flow happens at the *end* of its year. By default ``flows[0]``
  is the flow of year 1, discounted by ``(1 + r)^-1``: ``npv(r, flows)`` is
  ``sum_k flows[k] / (1 + r)^(k + 1)``, like Excel's ``NPV``. Pass ``t0=True`` when
  ``flows[0]`` is a flow at time 0 (today, not discounted); then ``npv`` is
  ``sum_k flows[k] / (1 + r)^k``, which is what ``numpy_financial.npv`` computes.
  ``irr`` does not depend on the convention (shifting every flow by one year
  multiplies the NPV by ``(1 + r)``, which does not move its roots).
* ``mirr`` follows Excel and numpy-financial: ``flows[0]`` is at time 0.

Decimal policy: ``decimal.Decimal`` inputs are converted to float64; results are
floats. The Django layer quantizes money on the way back.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from typing import Any, TypeAlias, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

__all__ = [
    "IrrError",
    "discounted_payback",
    "irr",
    "irr_all",
    "mirr",
    "npv",
    "payback",
    "xirr",
]

FloatArray: TypeAlias = NDArray[np.float64]

#: Days per year of the XIRR day count (Actual/365, as Excel's ``XIRR``).
XIRR_DAYS_PER_YEAR = 365.0


class IrrError(ValueError):
    """No unique internal rate of return.

    Attributes
    ----------
    roots : tuple of float
        Every IRR found in ``(-1, inf)`` (decimals per year): empty when there
        is none, two or more when the IRR is not unique.
    """

    def __init__(self, message: str, roots: Sequence[float] = ()) -> None:
        self.roots: tuple[float, ...] = tuple(roots)
        super().__init__(message)


def _as_flows(flows: ArrayLike) -> FloatArray:
    values = np.asarray(flows, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"flows must be a one-dimensional sequence, got shape {values.shape}")
    if values.size == 0:
        raise ValueError("flows must not be empty")
    if not np.all(np.isfinite(values)):
        raise ValueError("flows must be finite numbers")
    return values


@overload
def npv(rate: float, flows: ArrayLike, *, t0: bool = False) -> float: ...
@overload
def npv(
    rate: Sequence[float] | FloatArray, flows: ArrayLike, *, t0: bool = False
) -> FloatArray: ...
def npv(rate: Any, flows: ArrayLike, *, t0: bool = False) -> float | FloatArray:
    """Net present value of yearly end-of-year cash flows.

    Parameters
    ----------
    rate : float or array_like
        Discount rate, a decimal per year (> -1). An array gives one NPV per rate.
    flows : array_like
        Cash flows (any money unit); ``flows[k]`` is the flow of year ``k + 1``
        (end of year) unless ``t0`` is true.
    t0 : bool, default False
        When true, ``flows[0]`` happens at time 0 and ``flows[k]`` at the end of
        year ``k``.

    Returns
    -------
    float or ndarray
        The NPV at time 0, in the unit of ``flows``.

    Notes
    -----
    ``NPV = sum_k flows[k] (1 + rate)^-(k + s)`` with ``s = 1`` by default
    (Excel's ``NPV`` convention) and ``s = 0`` when ``t0=True``
    (``numpy_financial.npv``'s convention). So
    ``npv(r, f) == npf.npv(r, [0, *f])`` and ``npv(r, f, t0=True) == npf.npv(r, f)``.

    References
    ----------
    R. A. Brealey, S. C. Myers, F. Allen, *Principles of Corporate Finance*,
    ch. 2 (present value); Microsoft, "NPV function" (Excel help).

    Examples
    --------
    >>> round(npv(0.10, [110.0]), 10)  # 110 at the end of year 1
    100.0
    >>> round(npv(0.10, [-100.0, 121.0], t0=True), 10)
    10.0
    """
    values = _as_flows(flows)
    shift = 0 if t0 else 1
    rates = np.asarray(rate, dtype=np.float64)
    if np.any(rates <= -1.0):
        raise ValueError("rate must be greater than -1")
    t = np.arange(values.size, dtype=np.float64) + shift
    factors = np.power(1.0 + rates[..., np.newaxis], -t)
    result = factors @ values
    if rates.ndim == 0:
        return float(result)
    return np.asarray(result, dtype=np.float64)


def _npv_x(coefficients: FloatArray, x: float) -> float:
    """``sum_k c_k x^k / max(1, x)^n`` (x = 1 / (1 + r), n = degree), without overflow.

    The division by ``max(1, x)^n`` keeps the sign and the roots and lets a large
    ``x`` (a rate close to -100 %) be evaluated as a polynomial in ``1 / x``.
    """
    if x <= 1.0:
        total = 0.0
        for c in coefficients[::-1]:
            total = total * x + float(c)
        return total
    y, total = 1.0 / x, 0.0
    for c in coefficients:
        total = total * y + float(c)
    return total


def _relative_residual(coefficients: FloatArray, x: float) -> float:
    """``|sum_k c_k x^k| / sum_k |c_k| x^k``: 0 at an exact root, at most 1."""
    size = _npv_x(np.abs(coefficients), x)
    return abs(_npv_x(coefficients, x)) / size if size > 0 else 0.0


def irr_all(flows: ArrayLike) -> tuple[float, ...]:
    """Every internal rate of return in ``(-1, inf)``, ascending.

    Parameters
    ----------
    flows : array_like
        Yearly cash flows (any money unit), one year apart.

    Returns
    -------
    tuple of float
        Each real ``r > -1`` (decimal per year) with ``NPV(r) = 0``; empty when
        there is none (e.g. all flows of one sign).

    Notes
    -----
    With ``x = 1 / (1 + r)`` the NPV is the polynomial ``sum_k c_k x^k``. Two
    searches are combined: (1) every sign change of the NPV on a grid of
    ``ln x`` (rates from about -100 % to ``e^700``), each refined with Brent's
    method; (2) the real positive companion-matrix eigenvalues
    (:func:`numpy.polynomial.polynomial.polyroots`), which also catch double
    roots where the NPV touches zero without changing sign, kept only if
    ``|sum c_k x^k| <= 1e-9 sum |c_k| x^k`` there. Each root maps to
    ``r = 1/x - 1``. By Descartes' rule of signs
    there are at most as many roots as sign changes in the flows, so a
    conventional flow (one sign change) has at most one IRR.

    References
    ----------
    numpy-financial ``irr`` (the same polynomial in ``x``); Brealey, Myers,
    Allen, *Principles of Corporate Finance*, ch. 5 (multiple rates of return).

    Examples
    --------
    >>> [round(r, 6) for r in irr_all([-100.0, 230.0, -132.0])]  # 10 % and 20 %
    [0.1, 0.2]
    >>> irr_all([100.0, 50.0])
    ()
    """
    c = _as_flows(flows)
    if not (np.any(c > 0) and np.any(c < 0)):
        return ()  # no sign change: no positive root (Descartes' rule of signs)
    c = c / np.abs(c).max()
    nonzero = np.flatnonzero(c)
    c = c[nonzero[0] : nonzero[-1] + 1]  # leading zeros: roots x = 0 (r = inf); trailing: shift
    if not (np.any(c > 0) and np.any(c < 0)):
        return ()
    found = [float(np.expm1(-u)) for u in _scan_roots(c)]
    for x in _eigen_roots(c):
        x = _refine(c, x)
        if _relative_residual(c, x) > 1e-9:
            continue
        r = 1.0 / x - 1.0
        if r <= -1.0 or not math.isfinite(r):
            continue
        if all(abs(r - other) > 1e-8 * max(1.0, abs(r)) for other in found):
            found.append(r)
    return tuple(sorted(r for r in found if r > -1.0 and math.isfinite(r)))


#: Grid of ``u = ln x = -ln(1 + r)`` scanned for sign changes of the NPV:
#: rates from about ``-1 + e^-700`` to ``e^700 - 1``, densest near ``r = 0``.
_SCAN_U = np.unique(
    np.concatenate(
        [
            [-700.0, -400.0, -200.0, -100.0, 100.0, 200.0, 400.0, 700.0],
            np.linspace(-60.0, 60.0, 241),
            np.linspace(-3.0, 3.0, 1201),
        ]
    )
)


def _npv_grid(c: FloatArray, u: FloatArray) -> FloatArray:
    """``sum_k c_k x^k / max(1, x)^n`` at ``x = e^u`` (vectorised :func:`_npv_x`)."""
    n = c.size - 1
    out = np.empty_like(u)
    low = u <= 0
    x = np.exp(u[low])
    out[low] = np.polynomial.polynomial.polyval(x, c)
    y = np.exp(-u[~low])
    out[~low] = np.polynomial.polynomial.polyval(y, c[::-1]) if n >= 0 else 0.0
    return out


def _scan_roots(c: FloatArray) -> list[float]:
    """Roots ``u`` where the NPV changes sign between grid points, refined by Brent."""
    values = _npv_grid(c, _SCAN_U)
    roots: list[float] = []
    for k in np.flatnonzero(values == 0.0):
        roots.append(float(_SCAN_U[k]))
    for k in np.flatnonzero(values[:-1] * values[1:] < 0):
        lo, hi = float(_SCAN_U[k]), float(_SCAN_U[k + 1])
        roots.append(
            float(brentq(lambda u: _npv_x(c, math.exp(u)), lo, hi, xtol=1e-15, rtol=1e-15))
        )
    return roots


def _eigen_roots(c: FloatArray) -> list[float]:
    """Real positive roots ``x`` of ``sum c_k x^k`` among the companion-matrix eigenvalues."""
    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            roots = np.polynomial.polynomial.polyroots(c)
    except np.linalg.LinAlgError:
        return []
    return [
        float(z.real)
        for z in roots
        if np.isfinite(z) and abs(z.imag) <= 1e-6 * abs(z) and z.real > 0
    ]


def _refine(c: FloatArray, x: float) -> float:
    """Polish a root ``x`` of ``sum c_k x^k`` by Brent's method in a small bracket."""
    for width in (1e-10, 1e-8, 1e-6, 1e-4):
        lo, hi = x * (1.0 - width), x * (1.0 + width)
        f_lo, f_hi = _npv_x(c, lo), _npv_x(c, hi)
        if f_lo == 0.0:
            return lo
        if f_hi == 0.0:
            return hi
        if f_lo * f_hi < 0:
            return float(brentq(lambda v: _npv_x(c, v), lo, hi, xtol=1e-15, rtol=1e-15))
    return x  # a double root (the NPV touches zero): keep the eigenvalue


def irr(flows: ArrayLike) -> float:
    """The internal rate of return, when it exists and is unique.

    Parameters
    ----------
    flows : array_like
        Yearly cash flows (any money unit), one year apart.

    Returns
    -------
    float
        The unique ``r > -1`` (decimal per year) with ``NPV(r) = 0``.

    Raises
    ------
    IrrError
        When there is no real IRR (``.roots`` is empty) or several
        (``.roots`` lists them all); the message says which.

    Notes
    -----
    Uses :func:`irr_all`. Unlike ``numpy_financial.irr``, which returns one
    root (or NaN) without saying that there are others, this raises so that a
    misleading number is never reported. Where ``npf.irr`` finds the unique
    root, both agree.

    References
    ----------
    numpy-financial ``irr``; Brealey, Myers, Allen, *Principles of Corporate
    Finance*, ch. 5 ("Pitfall 2: multiple rates of return").

    Examples
    --------
    >>> round(irr([-100.0, 110.0]), 12)
    0.1
    """
    roots = irr_all(flows)
    if len(roots) == 1:
        return roots[0]
    values = _as_flows(flows)
    if not roots:
        if np.all(values >= 0) or np.all(values <= 0):
            why = "the flows never change sign"
        else:
            why = "the NPV is never zero for a rate above -100%"
        raise IrrError(f"no internal rate of return: {why}")
    listed = ", ".join(f"{r:.6%}" for r in roots)
    raise IrrError(
        f"{len(roots)} internal rates of return ({listed}): the flows change sign "
        "more than once, so the IRR is not a meaningful single number; use NPV or MIRR",
        roots,
    )


def _year_fractions(dates: Sequence[Any]) -> FloatArray:
    days = np.array(
        [np.datetime64(_as_date(d), "D").astype(np.int64) for d in dates], dtype=np.float64
    )
    fractions: FloatArray = (days - days[0]) / XIRR_DAYS_PER_YEAR
    return fractions


def _as_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, np.datetime64):
        return _dt.date.fromisoformat(str(value.astype("datetime64[D]")))
    if isinstance(value, str):
        return _dt.date.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


def xirr(dates: Sequence[Any], flows: ArrayLike) -> float:
    """Internal rate of return of dated cash flows (Excel's ``XIRR``).

    Parameters
    ----------
    dates : sequence of date, datetime, numpy.datetime64 or ISO 'YYYY-MM-DD' str
        The date of each flow. The first date is the valuation date; later
        dates may come in any order but none may precede the first.
    flows : array_like
        The cash flows (any money unit), one per date.

    Returns
    -------
    float
        The annual effective rate ``r > -1`` (decimal per year) with
        ``sum_i P_i (1 + r)^-((d_i - d_0) / 365) = 0``.

    Raises
    ------
    IrrError
        When no rate or more than one rate solves the equation.

    Notes
    -----
    Day count Actual/365 from the first date, as Excel. The root is searched
    by scanning ``ln(1 + r)`` on a grid from -20 to 709 (rates from about
    ``-1 + 2e-9`` to ``8e307``) for sign changes and refining each with
    Brent's method.

    References
    ----------
    Microsoft, "XIRR function", Excel help
    (https://support.microsoft.com/en-us/office/xirr-function-de1242ec-6477-445b-b11b-a303ad9adc9d):
    ``XIRR = r`` such that ``0 = sum P_i / (1 + r)^((d_i - d_1)/365)``.

    Examples
    --------
    >>> round(xirr(["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"],
    ...            [-10000, 2750, 4250, 3250, 2750]), 8)  # Excel: 37.34 %
    0.37336253
    """
    values = _as_flows(flows)
    if len(dates) != values.size:
        raise ValueError(f"{len(dates)} dates for {values.size} flows")
    t = _year_fractions(dates)
    if np.any(t < 0):
        raise ValueError("no date may come before the first date")

    def f(log1r: float) -> float:
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.dot(values, np.exp(-log1r * t)))

    # ln(1 + r) up to 709 (r about 8e307): flows a few days apart can have an
    # annual rate far above 1e6, and "no rate" must not be claimed for them
    grid = np.concatenate(
        [
            np.linspace(-20.0, -0.5, 40),
            np.linspace(-0.5, 14.0, 400),
            np.geomspace(14.0, 709.0, 120)[1:],
        ]
    )
    fv = np.array([f(g) for g in grid])
    roots: list[float] = []
    for k in range(grid.size - 1):
        if fv[k] == 0.0:
            roots.append(float(np.expm1(grid[k])))
        elif np.sign(fv[k]) * np.sign(fv[k + 1]) < 0:
            root = brentq(f, grid[k], grid[k + 1], xtol=1e-14, rtol=1e-15)
            roots.append(float(np.expm1(root)))
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise IrrError("no XIRR: the NPV of the dated flows is never zero for a rate above -100%")
    listed = ", ".join(f"{r:.6%}" for r in roots)
    raise IrrError(f"{len(roots)} rates solve XIRR ({listed}); it is not unique", roots)


def mirr(flows: ArrayLike, finance_rate: float, reinvest_rate: float) -> float:
    """Modified internal rate of return (Excel's ``MIRR``).

    Parameters
    ----------
    flows : array_like
        Yearly cash flows (any money unit); ``flows[0]`` at time 0 and
        ``flows[k]`` at the end of year ``k`` (as Excel and numpy-financial).
    finance_rate : float
        Rate paid on the money invested (negative flows), decimal per year.
    reinvest_rate : float
        Rate earned on reinvested positive flows, decimal per year.

    Returns
    -------
    float
        MIRR, decimal per year.

    Raises
    ------
    ValueError
        When the flows have no negative or no positive value (numpy-financial
        returns NaN there), or a rate is not above -1.

    Notes
    -----
    With ``n = len(flows)``:
    ``MIRR = (FV_reinvest(positives) / -PV_finance(negatives))^(1/(n-1)) - 1``,
    where ``FV`` compounds each positive flow to year ``n - 1`` at
    ``reinvest_rate`` and ``PV`` discounts each negative flow to time 0 at
    ``finance_rate``.

    References
    ----------
    Microsoft, "MIRR function", Excel help
    (https://support.microsoft.com/en-us/office/mirr-function-b020f038-7492-4fb4-93c1-35c345b53524);
    numpy-financial ``mirr``.

    Examples
    --------
    >>> round(mirr([-120000, 39000, 30000, 21000, 37000, 46000], 0.10, 0.12), 6)
    0.126094
    """
    values = _as_flows(flows)
    for name, rate in (("finance_rate", finance_rate), ("reinvest_rate", reinvest_rate)):
        if not (math.isfinite(rate) and rate > -1.0):
            raise ValueError(f"{name} must be a finite rate above -1, got {rate}")
    n = values.size
    positive, negative = values > 0, values < 0
    if not positive.any() or not negative.any():
        raise ValueError("MIRR needs at least one positive and one negative flow")
    t = np.arange(n, dtype=np.float64)
    fv_pos = float(np.sum(values[positive] * (1.0 + reinvest_rate) ** (n - 1 - t[positive])))
    pv_neg = float(np.sum(values[negative] * (1.0 + finance_rate) ** (-t[negative])))
    return float((fv_pos / -pv_neg) ** (1.0 / (n - 1)) - 1.0)


def _payback_time(amounts: FloatArray, shift: int) -> float | None:
    cumulative = np.cumsum(amounts)
    if not np.any(cumulative < 0):
        return 0.0
    first_negative = int(np.argmax(cumulative < 0))
    later = np.flatnonzero(cumulative[first_negative:] >= 0)
    if later.size == 0:
        return None
    k = first_negative + int(later[0])
    before = cumulative[k - 1]  # < 0 by construction
    fraction = float(-before / amounts[k])
    # flows[k] accrues evenly over its year, the interval (k + shift - 1, k + shift]
    return float(k + shift - 1 + fraction)


def payback(flows: ArrayLike, *, t0: bool = False) -> float | None:
    """Payback period in years: when the cumulative cash flow turns non-negative.

    Parameters
    ----------
    flows : array_like
        Yearly cash flows (any money unit); ``flows[k]`` is the flow of year
        ``k + 1`` unless ``t0`` is true (then ``flows[0]`` is at time 0 and
        ``flows[k]`` belongs to year ``k``).
    t0 : bool, default False
        The same convention as :func:`npv`.

    Returns
    -------
    float or None
        Years from time 0 (fractional), ``0.0`` if the cumulative flow is never
        negative, ``None`` if it never gets back to zero.

    Notes
    -----
    Let ``C_k = sum_{j<=k} flows[j]`` and ``k*`` the first index after the
    cumulative flow has gone negative with ``C_k* >= 0``. The flow of a year is
    taken to accrue evenly over that year, so by linear interpolation
    ``payback = (end of the year before k*) + (-C_{k*-1}) / flows[k*]``. A flow at
    time 0 (``t0=True``) is instantaneous.

    References
    ----------
    Brealey, Myers, Allen, *Principles of Corporate Finance*, ch. 5 ("The
    payback rule").

    Examples
    --------
    >>> payback([-100.0, 40.0, 40.0, 40.0], t0=True)  # 100 = 40 + 40 + 0.5 x 40
    2.5
    """
    values = _as_flows(flows)
    return _payback_time(values, 0 if t0 else 1)


def discounted_payback(rate: float, flows: ArrayLike, *, t0: bool = False) -> float | None:
    """Discounted payback period: payback of the discounted flows.

    Parameters
    ----------
    rate : float
        Discount rate, decimal per year (> -1).
    flows : array_like
        Yearly cash flows; the timing convention of :func:`npv` (``t0``).
    t0 : bool, default False
        When true, ``flows[0]`` is at time 0.

    Returns
    -------
    float or None
        Years from time 0 (fractional), ``None`` if never paid back.

    Notes
    -----
    ``d_k = flows[k] (1 + rate)^-(k + s)`` (``s = 0`` with ``t0``, else 1), then
    :func:`payback` of ``d`` with the same linear interpolation within the year.

    References
    ----------
    Brealey, Myers, Allen, *Principles of Corporate Finance*, ch. 5
    ("discounted payback").

    Examples
    --------
    >>> round(discounted_payback(0.10, [-100.0, 55.0, 66.55], t0=True), 6)  # -100, 50, 55
    1.909091
    """
    values = _as_flows(flows)
    if rate <= -1.0:
        raise ValueError("rate must be greater than -1")
    shift = 0 if t0 else 1
    t = np.arange(values.size, dtype=np.float64) + shift
    return _payback_time(values * (1.0 + rate) ** (-t), shift)
