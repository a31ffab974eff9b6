"""Demo data of the benefits app: the Sekolah Penggerak PSP's sharing game.

The partners agree a day rate for the foundation's teacher coaching (cash counts at face value)
and estimate, in IDR million, the social value of better learning each could create alone, in
pairs and all together over the programme. Illustrative numbers, not a real programme: with
them the page shows the Shapley value, Nash bargaining and the core check at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.partnerships.models import Partnership, Role

from . import selectors, services

MILLION = Decimal("1000000")
#: Walk-away values (IDR million) by organisation short name.
WALK_AWAY = {"Disdik Jabar": 2000, "YCB": 600, "Agrodina": 300}
#: Pairs (IDR million); the three together: TOTAL.
PAIRS = {
    ("Disdik Jabar", "YCB"): 6000,
    ("Disdik Jabar", "Agrodina"): 4500,
    ("YCB", "Agrodina"): 1200,
}
TOTAL = 12000


def school(created: dict[str, Any]) -> Partnership | None:
    return next(
        (
            p
            for p in created["partnerships"]
            if p.form == "psp" and p.development_sector == "education"
        ),
        None,
    )


def load(created: dict[str, Any]) -> None:
    """Give the school PSP agreed unit values, walk-away values and coalition estimates."""
    found = school(created)
    if found is None:
        return
    psp = Partnership.objects.get(pk=found.pk)
    lead = (
        next(m for m in psp.members.all() if Role.LEAD in m.roles)
        .organisation.memberships.first()
        .user
    )
    with translation.override("id"), transaction.atomic():
        settings = services.settings_get_or_create(psp, lead)
        services.settings_update(
            actor=lead,
            partnership=psp,
            data={
                "name": "Manfaat sosial Sekolah Penggerak 2025–2028",
                "currency": "IDR",
                "amount_unit": MILLION,
                "proposal_kind": "rule",
                "proposal_rule": "proportional",
                "proposal_name": "Sebanding kontribusi",
            },
            expected_version=settings.version,
        )
        services.unit_value_set(
            actor=lead,
            partnership=psp,
            resource_type="expertise",
            unit="person-days",
            value=Decimal("1500000.00"),
            basis="Tarif harian fasilitator guru bersertifikat (standar biaya masukan)",
        )
        services.unit_value_set(
            actor=lead,
            partnership=psp,
            resource_type="equipment",
            unit="units",
            value=Decimal("8000000.00"),
            basis="Harga pasar laptop siswa (e-katalog)",
        )
        players = {p.short_name: p.member_id for p in selectors.players_of(psp)}
        settings.refresh_from_db()
        services.coalitions_update(
            actor=lead,
            partnership=psp,
            total_benefit=TOTAL * MILLION,
            walk_away={players[name]: value * MILLION for name, value in WALK_AWAY.items()},
            worths={
                frozenset(players[n] for n in pair): value * MILLION
                for pair, value in PAIRS.items()
            },
            expected_version=settings.version,
        )
