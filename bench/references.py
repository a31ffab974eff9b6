"""Two reference implementations of the same risk model, for the benchmark only.

* :func:`numpy_reference`: a straightforward vectorised NumPy/SciPy version
  (full-matrix copula, SciPy ``ppf`` for every risk, including ``betaincinv``
  for PERT).
* :func:`monaco_reference`: the same model with the ``monaco`` Monte Carlo
  library (one case per iteration; monaco has no copula, so the latent normals
  are monaco input variables and the Cholesky factor is applied in ``preprocess``).

Both return ``(mean NPV, {party: mean cost})`` so the bench can check that they
agree with the engine. :func:`numpy_reference_total` adds, straightforwardly, the summary the
engine's total includes (percentiles of NPV, total and party costs, VaR and CVaR per party, and
the Spearman tornado of every risk against NPV), so that totals are compared with totals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats
from scipy.special import ndtr

from mitra.analysis import Lognormal, Normal, Pert, RiskModel, Triangular, Uniform
from mitra.analysis.risk.distributions import Distribution


def frozen(dist: Distribution) -> Any:
    """The SciPy frozen distribution of an impact."""
    if isinstance(dist, Pert):
        return stats.beta(dist.alpha, dist.beta, loc=dist.min, scale=dist.max - dist.min)
    if isinstance(dist, Triangular):
        width = dist.max - dist.min
        return stats.triang((dist.mode - dist.min) / width, loc=dist.min, scale=width)
    if isinstance(dist, Lognormal):
        return stats.lognorm(dist.sigma, scale=np.exp(dist.mu))
    if isinstance(dist, Normal):
        return stats.norm(dist.mean, dist.sd)
    if isinstance(dist, Uniform):
        return stats.uniform(dist.min, dist.max - dist.min)
    raise TypeError(dist)


def numpy_reference(model: RiskModel, n: int, seed: int) -> tuple[float, dict[str, float]]:
    """Straightforward vectorised version: all risks through the copula and SciPy ppf."""
    rng = np.random.default_rng(seed)
    r = len(model.risks)
    occurs = rng.random((n, r)) < model.probabilities
    z = rng.standard_normal((n, r)) @ np.linalg.cholesky(model.correlation_matrix).T
    u = ndtr(z)
    x = np.empty((n, r))
    for i, risk in enumerate(model.risks):
        x[:, i] = frozen(risk.impact).ppf(u[:, i])
    costs = occurs * x * model.pv_factors
    npv = model.base_npv - costs.sum(axis=1)
    party = (costs @ model.allocation_matrix).mean(axis=0)
    return float(npv.mean()), dict(zip(model.party_ids, party.tolist(), strict=True))


PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)


def numpy_reference_total(
    model: RiskModel, n: int, seed: int, var_confidence: float = 0.95
) -> dict[str, Any]:
    """The straightforward version's sampling plus the same summary the engine reports."""
    rng = np.random.default_rng(seed)
    r = len(model.risks)
    occurs = rng.random((n, r)) < model.probabilities
    z = rng.standard_normal((n, r)) @ np.linalg.cholesky(model.correlation_matrix).T
    u = ndtr(z)
    x = np.empty((n, r))
    for i, risk in enumerate(model.risks):
        x[:, i] = frozen(risk.impact).ppf(u[:, i])
    costs = occurs * x * model.pv_factors
    total = costs.sum(axis=1)
    npv = model.base_npv - total
    parties = costs @ model.allocation_matrix

    def summary(values: np.ndarray) -> dict[str, Any]:
        var = float(np.percentile(values, 100 * var_confidence))
        tail = values[values >= var]
        return {
            "mean": float(values.mean()),
            "sd": float(values.std(ddof=1)),
            "percentiles": np.percentile(values, PERCENTILES).tolist(),
            "var": var,
            "cvar": float(tail.mean()),
        }

    npv_ranks = stats.rankdata(npv)
    tornado = [
        float(stats.pearsonr(stats.rankdata(costs[:, i]), npv_ranks)[0])
        if costs[:, i].std() > 0
        else 0.0
        for i in range(r)
    ]
    return {
        "npv": {**summary(npv), "histogram": np.histogram(npv, bins=40)[0].tolist()},
        "total": summary(total),
        "parties": [summary(parties[:, j]) for j in range(parties.shape[1])],
        "risks": [float(costs[:, i].mean()) for i in range(r)],
        "tornado": tornado,
    }


def monaco_reference(model: RiskModel, n: int, seed: int) -> tuple[float, dict[str, float]]:
    """The same model in monaco (single-threaded, random sampling)."""
    import monaco as mc  # bench-only extra: pip install -e '.[bench]'

    r = len(model.risks)
    chol = np.linalg.cholesky(model.correlation_matrix)
    ppfs = [frozen(risk.impact).ppf for risk in model.risks]
    prob, pv, alloc = model.probabilities, model.pv_factors, model.allocation_matrix

    def preprocess(case: Any) -> tuple[np.ndarray, np.ndarray]:
        occ = np.array([case.invals[f"occ{i}"].val for i in range(r)])
        latent = np.array([case.invals[f"z{i}"].val for i in range(r)])
        return occ, latent

    def run(occ: np.ndarray, latent: np.ndarray) -> tuple[float, np.ndarray]:
        u = ndtr(chol @ latent)
        x = np.array([ppfs[i](u[i]) for i in range(r)])
        costs = (occ < prob) * x * pv
        return model.base_npv - float(costs.sum()), costs @ alloc

    def postprocess(case: Any, npv: float, party: np.ndarray) -> None:
        case.addOutVal("npv", npv)
        for j, pid in enumerate(model.party_ids):
            case.addOutVal(pid, float(party[j]))

    sim = mc.Sim(
        name="toll_road",
        ndraws=n,
        fcns={"preprocess": preprocess, "run": run, "postprocess": postprocess},
        samplemethod=mc.SampleMethod.RANDOM,
        seed=seed,
        singlethreaded=True,
        verbose=False,
    )
    for i in range(r):
        sim.addInVar(name=f"occ{i}", dist=stats.uniform, distkwargs={"loc": 0, "scale": 1})
        sim.addInVar(name=f"z{i}", dist=stats.norm, distkwargs={"loc": 0, "scale": 1})
    sim.runSim()
    npv = float(np.mean(sim.outvars["npv"].nums))
    parties = {pid: float(np.mean(sim.outvars[pid].nums)) for pid in model.party_ids}
    return npv, parties
