"""Two reference implementations of the same risk model, for the benchmark only.

* :func:`numpy_reference`: a straightforward vectorised NumPy/SciPy version
  (full-matrix copula, SciPy ``ppf`` for every risk, including ``betaincinv``
  for PERT).
* :func:`monaco_reference`: the same model with the ``monaco`` Monte Carlo
  library (one case per iteration; monaco has no copula, so the latent normals
  are monaco input variables and the Cholesky factor is applied in ``preprocess``).

Both return ``(mean NPV, {party: mean cost})`` so the bench can check that they
agree with the engine.
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
