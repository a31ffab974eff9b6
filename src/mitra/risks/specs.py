"""The register as a risk-model spec, and a spec as a register.

``register_spec`` builds the very file ``mitra simulate`` reads from a partnership's settings,
parties, risks, allocations and correlations; ``spec_rows`` splits a spec into the rows that
``spec_files.register_replace`` writes. Importing a spec and exporting it again gives the same
JSON (keys the spec left out stay out), so a file can travel between the web app, the API and the
command line without changing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .models import (
    FROM_SPEC_CATEGORY,
    SPEC_CATEGORY,
    CashFlowMode,
    Risk,
    RiskCorrelation,
    RiskParty,
    RiskSettings,
)

SPEC_VERSION = "1.0"
#: The quantitative keys of a spec risk that live in ``Risk.quantity``, in the spec's order.
QUANTITY_KEYS = (
    "probability",
    "impact",
    "unit_value",
    "basis",
    "applies_to",
    "years",
    "year_weights",
)


def number(value: Decimal | int | float) -> float | int:
    """A stored decimal as the JSON number of the spec (equal as JSON to what was imported)."""
    return value if isinstance(value, int) else float(value)


def decimal(value: float | int) -> Decimal:
    """A JSON number as an exact decimal of what was written (``0.1`` → ``Decimal('0.1')``)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def register_spec(
    partnership: Any,
    settings: RiskSettings,
    parties: Sequence[RiskParty],
    risks: Sequence[Risk],
    correlations: Iterable[RiskCorrelation] = (),
) -> dict[str, Any]:
    """The risk-model spec of the register (confidential figures included: for the simulation
    and for readers who may see every input)."""
    spec: dict[str, Any] = {
        "spec_version": SPEC_VERSION,
        "name": settings.name or str(partnership.title),
    }
    if settings.description:
        spec["description"] = settings.description
    spec |= {
        "currency": settings.currency,
        "amount_unit": number(settings.amount_unit),
        "discount_rate": number(settings.discount_rate),
        "horizon_years": settings.horizon_years,
    }
    if settings.start_year:
        spec["start_year"] = settings.start_year
    spec["base_cash_flows"] = {"mode": settings.cash_flow_mode, **settings.cash_flows}
    spec["parties"] = {party.key: party.name for party in parties}
    keys = {party.pk: party.key for party in parties}
    spec["risks"] = [risk_item(risk, keys) for risk in risks]
    codes = {risk.pk: risk.code for risk in risks}
    pairs = [
        {"risks": [codes[c.first_id], codes[c.second_id]], "rho": number(c.rho)}
        for c in correlations
    ]
    if pairs:
        spec["correlations"] = pairs
    if settings.simulation:
        spec["simulation"] = settings.simulation
    return spec


def risk_item(
    risk: Risk, party_keys: Mapping[int, str], shares: Mapping[str, Decimal] | None = None
) -> dict[str, Any]:
    """One risk of the spec; ``shares`` (party key → share) replaces the stored allocation."""
    item: dict[str, Any] = {"id": risk.code, "name": risk.title}
    item["category"] = risk.spec_category or SPEC_CATEGORY[risk.category]
    item |= {key: risk.quantity[key] for key in QUANTITY_KEYS if key in risk.quantity}
    if shares is None:
        shares = {party_keys[a.party_id]: a.share for a in risk.allocations.all()}
    # a party with no share bears nothing: the spec leaves it out
    item["allocation"] = {key: number(share) for key, share in shares.items() if share}
    if risk.notes:
        item["notes"] = risk.notes
    order = ["id", "name", "category", *QUANTITY_KEYS, "allocation", "notes"]
    return {key: item[key] for key in order if key in item}


#: Words of a spec that change no number: a new title or note does not make a result stale.
WORDS = ("name", "description", "notes", "category")


def inputs_hash(spec: Mapping[str, Any]) -> str:
    """A fingerprint of the numbers of a spec (not its words, which depend on the reader's
    language): equal for equal inputs, whatever the key order."""
    numbers = {k: v for k, v in spec.items() if k not in WORDS}
    numbers["parties"] = sorted(spec.get("parties", {}))
    numbers["risks"] = [
        {k: v for k, v in risk.items() if k not in WORDS} for risk in spec.get("risks", [])
    ]
    text = json.dumps(numbers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- spec → rows


@dataclass
class RiskRow:
    code: str
    title: str
    category: str
    spec_category: str
    quantity: dict[str, Any]
    allocation: dict[str, Decimal]
    notes: str


@dataclass
class SpecRows:
    """A valid spec, split into what the register stores."""

    settings: dict[str, Any]
    parties: list[tuple[str, str]]  # (key, name) in the spec's order
    risks: list[RiskRow] = field(default_factory=list)
    correlations: list[tuple[str, str, Decimal]] = field(default_factory=list)


def spec_rows(spec: Mapping[str, Any]) -> SpecRows:
    """Split a spec that ``mitra.analysis.validate_spec`` accepted into register rows."""
    flows = dict(spec["base_cash_flows"])
    mode = flows.pop("mode", CashFlowMode.BY_YEAR)
    settings = {
        "name": spec["name"],
        "description": spec.get("description", ""),
        "currency": spec["currency"],
        "amount_unit": decimal(spec["amount_unit"]),
        "discount_rate": decimal(spec["discount_rate"]),
        "horizon_years": spec["horizon_years"],
        "start_year": spec.get("start_year"),
        "cash_flow_mode": mode,
        "cash_flows": flows,
        "simulation": dict(spec.get("simulation", {})),
    }
    rows = SpecRows(settings=settings, parties=list(spec["parties"].items()))
    for item in spec["risks"]:
        spec_category = item.get("category", "")
        rows.risks.append(
            RiskRow(
                code=item["id"],
                title=item["name"],
                category=FROM_SPEC_CATEGORY.get(spec_category, "other"),
                spec_category=spec_category,
                quantity={key: item[key] for key in QUANTITY_KEYS if key in item},
                allocation={key: decimal(share) for key, share in item["allocation"].items()},
                notes=item.get("notes", ""),
            )
        )
    for pair in spec.get("correlations", []):
        first, second = pair["risks"]
        rows.correlations.append((first, second, decimal(pair["rho"])))
    return rows
