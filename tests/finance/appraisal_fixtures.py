"""Fixtures of the appraisal's tests (imported by the test_appraisal_* modules): the finance
world (``fw``, tests/finance/conftest.py) with the project company's hospital model shared with
the PJPK (pemda) only, so that the NGO partner sees the government side and not the model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mitra.finance import appraisal_services as services
from mitra.finance import services as finance_services

from .conftest import example


def private_model(fw: Any) -> Any:
    return finance_services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=example("hospital"),
        expected_version=None,
        owner=fw.company_member,
        shared_with=[fw.pemda_member],
    )


#: Inputs with a known answer at a 0% rate: PSC = 100 + 10 + 20 + 5 = 135; KPBU = AP 100 + retained
#: 5 + guarantee calls 2 + other 3 = 110; VfM = 25 (18.5% of the PSC).
SIMPLE_VFM: dict[str, Any] = {
    "currency": "IDR",
    "amount_unit": Decimal(1_000_000_000),
    "discount_rate": Decimal("0"),
    "base_year": 2025,
    "psc_start_year": 2026,
    "psc_capex": [100.0],
    "psc_opex": [],
    "psc_revenue": [],
    "competitive_neutrality": Decimal("10"),
    "transferable_risk": Decimal("20"),
    "retained_risk": Decimal("5"),
    "guarantee_calls": Decimal("2"),
    "other_costs": Decimal("3"),
    "payments_source": "entered",
    "payments": {"start_year": 2026, "availability_payment": [50.0, 50.0]},
}

SIMPLE_FISCAL: dict[str, Any] = {
    "currency": "IDR",
    "amount_unit": Decimal(1_000_000_000),
    "discount_rate": Decimal("0"),
    "base_year": 2025,
    "commitments_source": "entered",
    "commitments": {"start_year": 2026, "availability_payment": [10.0, 10.0, 10.0]},
    "limit_share": Decimal("0.005"),
    "limit_basis": "direct_plus_expected",
    "limit_source": "test threshold",
}


def budget(fw: Any, amounts: dict[int, str], growth: str = "0.10") -> Any:
    return services.budget_series_save(
        actor=fw.user("lead_admin"),
        organisation=fw.world.pemda,
        data={
            "kind": "APBD",
            "label": "APBD Provinsi (test)",
            "currency": "IDR",
            "growth_rate": Decimal(growth),
            "source": "Perda APBD (test)",
        },
        years={y: (Decimal(a), "") for y, a in amounts.items()},
    )


@pytest.fixture
def simple_vfm(fw: Any) -> Any:
    return services.vfm_inputs_save(
        actor=fw.user("lead_admin"), partnership=fw.partnership, data=dict(SIMPLE_VFM)
    )


@pytest.fixture
def simple_fiscal(fw: Any) -> Any:
    budget(fw, {2026: "1000000000000"})  # Rp 1 T in 2026, growing 10% a year
    return services.fiscal_inputs_save(
        actor=fw.user("lead_admin"), partnership=fw.partnership, data=dict(SIMPLE_FISCAL)
    )
