"""A risk register open on the world's PPP (5-year model) with a party per partner."""

from __future__ import annotations

from typing import Any

import pytest

from mitra.risks import services
from mitra.risks.models import RiskParty


@pytest.fixture
def register(world: Any) -> dict[int, RiskParty]:
    """The parties by organisation id: pemda (lead, PJPK), company (BUP), ngo."""
    lead = world.users["lead_admin"]
    services.register_start(actor=lead, partnership=world.partnership)
    settings = world.partnership.risk_settings
    services.settings_update(
        actor=lead,
        partnership=world.partnership,
        data={
            "horizon_years": 5,
            "cash_flows": {
                "capex": [100, 100, 0, 0, 0],
                "opex": [0, 0, 10, 10, 10],
                "revenue": [0, 0, 80, 80, 80],
            },
        },
        expected_version=settings.version,
    )
    parties = RiskParty.objects.filter(partnership=world.partnership, member__isnull=False)
    return {p.member.organisation_id: p for p in parties}
