"""Spec builders and paths shared by the analysis tests (no Django)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SHARED = CHECKOUT / ".." / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside ``shared/`` beside the checkout, or skip the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared/ folder sits beside the checkout in CI only")
    return path


def risk(rid: str = "R1", **overrides: Any) -> dict[str, Any]:
    """A risk that always occurs in year 1 with a Uniform(0, 10) absolute impact, all public."""
    base: dict[str, Any] = {
        "id": rid,
        "name": f"risk {rid}",
        "probability": 1.0,
        "impact": {"type": "uniform", "min": 0, "max": 10},
        "applies_to": "opex",
        "years": [1],
        "allocation": {"public": 1.0},
    }
    base.update(overrides)
    return base


def make_spec(risks: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A small valid spec: 2 years, no discounting, base NPV = 100, parties public/private."""
    spec: dict[str, Any] = {
        "spec_version": "1.0",
        "name": "Test project",
        "currency": "EUR",
        "amount_unit": 1,
        "discount_rate": 0.0,
        "horizon_years": 2,
        "base_cash_flows": {
            "mode": "by_year",
            "capex": [50, 0],
            "opex": [0, 10],
            "revenue": [0, 160],
        },
        "parties": {"public": "Authority", "private": "Operator"},
        "risks": [risk()] if risks is None else risks,
    }
    spec.update(overrides)
    return copy.deepcopy(spec)
