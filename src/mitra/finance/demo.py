"""Demo data of the finance app: the project-finance models of the hospital KPBU (West Sidoarjo
Regional Hospital PPP, availability payments) and the toll road KPBU (user-pays with VGF and a
PT PII guarantee), adapted from ``examples/finance/hospital.json`` and ``toll-road.json`` to the
demo partnerships' size and dates. Each is the project company's (BUP's) model, shared with the
PJPK and the lenders. Illustrative, not real projects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.organisations.models import OrganisationRole
from mitra.partnerships.models import Partnership, PartnershipMember, Role

from . import services

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "finance"


def _example(name: str) -> dict[str, Any]:
    path = EXAMPLES / name
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    return {}


def hospital_spec(start_year: int) -> dict[str, Any]:
    """The hospital: 200 beds, about Rp 585 billion with the land, 17-year concession."""
    spec = _example("hospital.json") or _HOSPITAL_FALLBACK
    spec = json.loads(json.dumps(spec))
    spec |= {
        "name": "KPBU RSUD Sidoarjo Barat",
        "description": "ILUSTRASI, BUKAN PROYEK NYATA. Model keuangan BUP (PT Layanan Sehat "
        "Sidoarjo Barat): RSUD kelas C 200 tempat tidur dibangun, dilengkapi dan dipelihara "
        "oleh BUP, dibayar Pemkab Sidoarjo melalui pembayaran ketersediaan layanan (APBD). "
        "Angka dalam miliar rupiah.",
        "start_year": start_year,
        "price_base_year": start_year,
        "handback_year": start_year + 16,
        "capex": [260, 300],
        "land_acquisition": [25, 0],
        "other_costs": {str(start_year + 9): 30},
    }
    spec["availability_payment"] = {"annual": 95, "indexation": 0.03, "performance_factor": 0.98}
    return spec


def toll_road_spec(start_year: int) -> dict[str, Any]:
    """The toll road: 48 km, Rp 10,8 T of construction, user-pays with VGF and a guarantee."""
    spec = _example("toll-road.json") or {}
    spec = json.loads(json.dumps(spec))
    spec |= {
        "name": "KPBU Jalan Tol Bandung–Garut Selatan",
        "description": "ILUSTRASI, BUKAN PROYEK NYATA. Model keuangan BUJT (PT Margatama Tol "
        "Priangan): tarif tol, Dukungan Kelayakan dari Kementerian Keuangan, tanah disediakan "
        "pemerintah, penjaminan PT PII. Angka dalam miliar rupiah; tarif dalam rupiah per "
        "perjalanan.",
        "start_year": start_year,
        "price_base_year": start_year,
        "handback_year": start_year + 34,
        "capex": [3600, 4300, 2900],
        "land_acquisition": [1500, 500, 0],
        "other_costs": {str(start_year + 14): 600, str(start_year + 24): 750},
    }
    spec["user_pays"] = dict(spec.get("user_pays", {})) | {"tariff": 46000, "demand": 12500000}
    spec["vgf"] = {"amount": 2500, "max_share": 0.49}
    spec["guarantee"] = dict(spec.get("guarantee", {})) | {"cap": 3500}
    return spec


_HOSPITAL_FALLBACK: dict[str, Any] = {
    "spec_version": "1.0",
    "name": "",
    "currency": "IDR",
    "amount_unit": 1000000000,
    "start_year": 2026,
    "construction_years": 2,
    "handback_year": 2042,
    "discount_rates": {"public": 0.08, "equity": 0.14, "project": 0.105},
    "capex": [200, 250],
    "opex": {"annual": 18, "indexation": 0.035},
    "availability_payment": {"annual": 80},
    "debt": {"share": 0.7, "rate": 0.1, "tenor_years": 12, "grace_years": 1},
    "tax": {"rate": 0.22, "depreciation_years": 15},
}


def _admin_user(member: PartnershipMember) -> Any:
    membership = member.organisation.memberships.filter(role=OrganisationRole.ADMIN).first()
    return membership.user if membership is not None else None


def _members(partnership: Partnership, role: str) -> list[PartnershipMember]:
    return [m for m in partnership.members.all() if m.left_on is None and role in m.roles]


def _load_one(partnership: Partnership, spec: dict[str, Any]) -> None:
    partnership = Partnership.objects.get(pk=partnership.pk)
    company = next(iter(_members(partnership, Role.PROJECT_COMPANY)), None)
    pjpk = _members(partnership, Role.CONTRACTING_AGENCY) + _members(partnership, Role.LEAD)
    lenders = _members(partnership, Role.FINANCIER)
    owner = company
    actor = _admin_user(company) if company is not None else None
    if actor is None:  # no project company: the government's own model, entered by the lead
        owner = None
        actor = _admin_user(pjpk[0]) if pjpk else None
    if actor is None:
        return
    shared = list({m.pk: m for m in [*pjpk, *lenders] if m != owner}.values())
    services.model_save(
        actor=actor,
        partnership=partnership,
        spec=spec,
        expected_version=None,
        owner=owner,
        shared_with=shared,
    )


def load(created: dict[str, Any]) -> None:
    """Give the hospital and the toll road KPBU their project company's finance model."""
    partnerships = created["partnerships"]
    hospital = next((p for p in partnerships if p.development_sector == "health"), None)
    road = next((p for p in partnerships if p.development_sector == "toll_road"), None)
    with translation.override("id"), transaction.atomic():
        if hospital is not None:
            year = hospital.stage_since.year if hospital.stage_since else 2026
            _load_one(hospital, hospital_spec(year))
        if road is not None:
            year = road.stage_since.year if road.stage_since else 2026
            _load_one(road, toll_road_spec(year))
