"""A fast bulk factory of partnerships for the export tests and bench/exports.py: rows written
with bulk_create (no services, no history), each partnership with two current members."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mitra.disclosure import marks
from mitra.partnerships.models import Partnership, PartnershipMember, Role, Visibility

SECTORS = ("toll_road", "education", "water", "health")
FORMS = ("ppp", "psp", "pentahelix")


def bulk_partnerships(
    n: int,
    *,
    organisations: list[Any],
    prefix: str = "BLK",
    visibility: str = Visibility.PUBLIC,
    sector: str | None = None,
    stage: str = "operation",
    batch: int = 2000,
) -> list[int]:
    """Create ``n`` partnerships coded ``<prefix>-000001``...; returns their ids in code order.
    The first organisation leads; the others are project companies."""
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            rows.append(
                Partnership(
                    code=f"{prefix}-{i + 1:06d}",
                    title_ind=f"Kemitraan uji {i + 1}",
                    title_en=f"Test partnership {i + 1}" if i % 2 else "",
                    summary_ind="Ringkasan",
                    form=FORMS[i % len(FORMS)],
                    development_sector=sector or SECTORS[i % len(SECTORS)],
                    province="ID-JB",
                    regency="Kota Bandung",
                    stage=stage,
                    visibility=visibility,
                    estimated_value=Decimal(1_000_000 + i) / 100,
                    currency="IDR",
                )
            )
        Partnership.objects.bulk_create(rows)
    ids = list(
        Partnership.objects.filter(code__startswith=f"{prefix}-")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    members = []
    for pk in ids:
        for j, org in enumerate(organisations):
            roles = [Role.LEAD, Role.CONTRACTING_AGENCY] if j == 0 else [Role.PROJECT_COMPANY]
            members.append(PartnershipMember(partnership_id=pk, organisation=org, roles=roles))
    PartnershipMember.objects.bulk_create(members, batch_size=batch)
    marks.mark(ids)  # as the table import does: bulk writes send no signals
    return ids
