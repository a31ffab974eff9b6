"""Reads of the project-finance model, with who-sees-what applied once for every caller
(pages, the API, the appraisal and report parts, history). See :mod:`.permissions`.

The names other parts call (their signatures are an interface; see docs/finance.md):

- :func:`finance_model` — the model the user may see in full, or None;
- :func:`can_see_model` — whether the user may see it in full;
- :func:`finance_result` — the core's :class:`~mitra.analysis.FinanceResult` of that model
  (cached by spec hash), or None;
- :func:`government_payments` — the government-side figures by year, shown to every partner
  even when the model itself is not;
- :func:`internal_spec` — the stored spec with NO permission check, only for computations whose
  outputs are filtered afterwards.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from mitra.analysis import GOVERNMENT_FLOW_KEYS, FinanceResult, load_model, run_model
from mitra.partnerships.models import Partnership

from .models import FinanceModel
from .permissions import can_see_government_figures, can_see_whole_model

# --------------------------------------------------------------------------- the stored model


def _stored(partnership: Partnership) -> FinanceModel | None:
    """The partnership's model (cached on the partnership object for the request)."""
    cache = getattr(partnership, "_finance_model_cache", None)
    if cache is not None:
        return cache[0]
    model = (
        FinanceModel.objects.filter(partnership=partnership)
        .select_related("owner__organisation")
        .prefetch_related("shared_with__organisation")
        .first()
    )
    partnership._finance_model_cache = (model,)  # type: ignore[attr-defined]
    return model


def forget(partnership: Partnership) -> None:
    """Drop the per-request cache (after a service changed the model)."""
    if hasattr(partnership, "_finance_model_cache"):
        del partnership._finance_model_cache


def stored_model(partnership: Partnership) -> FinanceModel | None:
    """The model row with NO permission check (services, permissions, the tab); never show its
    spec without :func:`can_see_model`."""
    return _stored(partnership)


def finance_model(*, user: Any, partnership: Partnership) -> FinanceModel | None:
    """The partnership's finance model if the user may see it in full; None otherwise (or if
    there is none)."""
    model = _stored(partnership)
    if model is None or not can_see_whole_model(user, partnership, model):
        return None
    return model


def can_see_model(*, user: Any, partnership: Partnership) -> bool:
    """Whether a model exists and the user may see all of it (inputs, results, IRRs)."""
    return finance_model(user=user, partnership=partnership) is not None


def internal_spec(partnership: Partnership) -> dict[str, Any] | None:
    """The stored spec with NO permission check.

    Only for computations whose outputs are filtered afterwards (e.g. the fiscal commitments
    shown to every partner, which use the government-side flows alone); never hand the spec or
    per-year private figures to a reader without :func:`can_see_model`. A copy: changing it
    changes nothing stored.
    """
    model = _stored(partnership)
    return json.loads(json.dumps(model.spec)) if model is not None else None


# --------------------------------------------------------------------------- results

_RESULTS: OrderedDict[str, FinanceResult] = OrderedDict()
_RESULTS_LOCK = threading.Lock()
_RESULTS_MAX = 64


def spec_hash(spec: dict[str, Any]) -> str:
    """A stable hash of a spec (canonical JSON)."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def run_spec(spec: dict[str, Any]) -> FinanceResult:
    """``run_model`` on a (valid) spec, cached in memory by spec hash. The result is frozen;
    its arrays must not be changed by callers."""
    key = spec_hash(spec)
    with _RESULTS_LOCK:
        hit = _RESULTS.get(key)
        if hit is not None:
            _RESULTS.move_to_end(key)
            return hit
    result = run_model(load_model(spec))
    with _RESULTS_LOCK:
        _RESULTS[key] = result
        while len(_RESULTS) > _RESULTS_MAX:
            _RESULTS.popitem(last=False)
    return result


def finance_result(*, user: Any, partnership: Partnership) -> FinanceResult | None:
    """The core's result of the model the user may see in full; None otherwise."""
    model = finance_model(user=user, partnership=partnership)
    if model is None or not model.spec:
        return None
    return run_spec(model.spec)


def _clean(values: Any) -> list[float]:
    return [float(v) + 0.0 if math.isfinite(v) else 0.0 for v in values.tolist()]


def government_flows(result: FinanceResult) -> dict[str, list[float]]:
    """The result's government flows by key, in :data:`GOVERNMENT_FLOW_KEYS` order (a key the
    core does not give is all zeros; one it gives beyond them follows)."""
    flows = result.government_flows
    keys = [*GOVERNMENT_FLOW_KEYS, *(k for k in flows if k not in GOVERNMENT_FLOW_KEYS)]
    zeros = [0.0] * len(result.years)
    return {k: (_clean(flows[k]) if k in flows else list(zeros)) for k in keys}


def government_payments(*, user: Any, partnership: Partnership) -> dict[str, Any] | None:
    """The government-side figures of the model by year, for every partner (and the public
    once published), even when the model itself is confidential to a private party.

    None when there is no model or the user may not see them. Otherwise a dict::

        {
          "currency": "IDR", "amount_unit": 1e9,      # every amount below is in amount_unit
          "years": [2026, ...], "cod_year": 2028, "handback_year": 2042,
          "flows": {key: [per year] for key in GOVERNMENT_FLOW_KEYS},
              # availability_payment, vgf, land, subsidy, guarantee_fee_income,
              # tax_receipts, concession_fee; positive = paid BY government,
              # negative = received by it
          "net": [per year],                          # sum of the flows
          "public_discount_rate": 0.08,
          "government_npc": float,                    # NPC of "net" at the public rate
          "guarantee": {"provider", "obligation", "beneficiary", "cap", "fee_rate"} | None,
          "lender_min_dscr": Decimal,
        }

    Floats as the computation core gives them (convert to ``Decimal`` for display).
    """
    model = _stored(partnership)
    if model is None or not model.spec:
        return None
    if not can_see_government_figures(user, partnership, model):
        return None
    result = run_spec(model.spec)
    guarantee = model.spec.get("guarantee")
    return {
        "currency": result.currency,
        "amount_unit": result.amount_unit,
        "years": [int(y) for y in result.years.tolist()],
        "cod_year": int(result.cod_year),
        "handback_year": int(model.spec.get("handback_year", result.years[-1])),
        "flows": government_flows(result),
        "net": _clean(result.government_net),
        "public_discount_rate": result.discount_rates.public,
        "government_npc": result.government_npc,
        "guarantee": dict(guarantee) if isinstance(guarantee, dict) else None,
        "lender_min_dscr": Decimal(model.lender_min_dscr),
    }
