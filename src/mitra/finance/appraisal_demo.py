"""Demo data of the appraisal (after the finance models of ``finance.demo``): the hospital KPBU's
VfM inputs and OBC checklist, Pemkab Sidoarjo's APBD, its PT PII guarantee and two stress
scenarios; the toll road's fiscal commitments with the PT PII guarantee of the Ministry's
obligations (calls drawn from the risk register's political and termination risks) against
Kementerian PU's APBN allocation. Illustrative figures, not real budgets or projects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.organisations.models import OrganisationRole
from mitra.partnerships.models import Partnership, PartnershipMember, Role

from . import appraisal_selectors as sel
from . import appraisal_services as services
from . import selectors as finance_selectors

T = Decimal(10) ** 12  # one trillion rupiah


def _admin(member: PartnershipMember) -> Any:
    membership = member.organisation.memberships.filter(role=OrganisationRole.ADMIN).first()
    return membership.user if membership is not None else None


def _pjpk(partnership: Partnership) -> PartnershipMember | None:
    return next(
        (
            m
            for m in partnership.members.all()
            if m.left_on is None and Role.CONTRACTING_AGENCY in (m.roles or [])
        ),
        None,
    )


def _budget(
    actor: Any,
    member: PartnershipMember,
    *,
    kind: str,
    label: str,
    source: str,
    first: int,
    amounts: list[Decimal],
    growth: str,
) -> None:
    services.budget_series_save(
        actor=actor,
        organisation=member.organisation,
        data={
            "kind": kind,
            "label": label,
            "currency": "IDR",
            "growth_rate": Decimal(growth),
            "source": source,
        },
        years={first + k: (a, "") for k, a in enumerate(amounts)},
    )


CHECKLIST = {
    "output_spec": (
        "yes",
        "Spesifikasi keluaran: ketersediaan ruang rawat, alat kesehatan dan pemeliharaan dengan KPI.",
    ),
    "risk_transfer": ("yes", "Risiko desain, konstruksi dan ketersediaan ditanggung BUP."),
    "whole_life": ("yes", "BUP membangun dan memelihara 15 tahun: biaya siklus hidup terkendali."),
    "innovation": ("partly", "Ruang inovasi pada desain hemat energi dan sistem informasi."),
    "market": ("partly", "Penjajakan pasar: tiga peminat, dua konsorsium layak."),
    "stable_need": ("yes", "Kebutuhan tempat tidur kelas C di Sidoarjo Barat stabil."),
    "size": ("yes", "Nilai proyek sekitar Rp 585 miliar: cukup untuk biaya transaksi KPBU."),
    "pjpk_capacity": ("partly", "Simpul KPBU Pemkab baru dibentuk; didampingi Badan Penyiapan."),
    "affordability": ("yes", "Persetujuan DPRD atas pembayaran ketersediaan layanan sudah ada."),
    "legal": ("yes", "Kewenangan Bupati sebagai PJPK; lahan milik Pemkab."),
    "monitoring": ("yes", "Pengurangan pembayaran atas ketidaktersediaan (faktor kinerja)."),
}


def _hospital(hospital: Partnership) -> None:
    hospital = Partnership.objects.get(pk=hospital.pk)
    pjpk = _pjpk(hospital)
    if pjpk is None or (actor := _admin(pjpk)) is None:
        return
    spec = finance_selectors.internal_spec(hospital) or {}
    start = int(spec.get("start_year") or 2026)
    services.vfm_inputs_save(
        actor=actor,
        partnership=hospital,
        data={
            "currency": "IDR",
            "amount_unit": Decimal(1_000_000_000),
            "discount_rate": Decimal("0.08"),
            "base_year": start - 1,
            "psc_start_year": start,
            # The Pemkab builds (capex and land, with the usual public-works overrun) and
            # maintains the same hospital itself for 17 years.
            "psc_capex": [290.0, 340.0] + [0.0] * 15,
            "psc_opex": [0.0, 0.0]
            + [round(19.3 * 1.035**k, 1) + (60.0 if k == 7 else 0.0) for k in range(15)],
            "competitive_neutrality": Decimal("14"),
            "transferable_risk": Decimal("150"),
            "retained_risk": Decimal("14.2"),
            "guarantee_calls": Decimal("4.9"),
            "other_costs": Decimal("16"),
            "payments_source": "finance_model",
            "payments": {},
        },
    )
    services.vfm_checklist_save(
        actor=actor,
        partnership=hospital,
        answers={k: {"answer": a, "note": n} for k, (a, n) in CHECKLIST.items()},
    )
    _budget(
        actor,
        pjpk,
        kind="APBD",
        label="APBD Kabupaten Sidoarjo, total belanja (ilustrasi)",
        source="Perda APBD Kabupaten Sidoarjo (angka ilustrasi, dibulatkan)",
        first=start - 1,
        amounts=[Decimal("5.4") * T, Decimal("5.7") * T, Decimal("6.0") * T],
        growth="0.045",
    )
    services.fiscal_inputs_save(
        actor=actor,
        partnership=hospital,
        data={
            "pjpk": pjpk,
            "currency": "IDR",
            "amount_unit": Decimal(1_000_000_000),
            "discount_rate": Decimal("0.08"),
            "base_year": start - 1,
            "commitments_source": "finance_model",
            "commitments": {},
            "limit_share": Decimal("0.02"),
            "limit_basis": "direct_plus_expected",
            "limit_source": "Batas kebijakan Pemkab untuk pembayaran ketersediaan layanan "
            "(ilustrasi; bukan batas hukum)",
            "construction_share": Decimal("0.1"),
            "availability_share": Decimal("0"),
            "demand_share": Decimal("1"),
            "control_services_and_prices": True,
            "control_residual_interest": True,
        },
    )
    cod = start + int(spec.get("construction_years") or 2)
    services.guarantee_create(
        actor=actor,
        partnership=hospital,
        data={
            "code": "PII-AP",
            "name": "Penjaminan PT PII atas kewajiban pembayaran ketersediaan layanan Pemkab",
            "provider": "PT PII",
            "kind": "political_risk",
            "covered_amount": Decimal("160"),
            "start_year": cod,
            "expected": [0.8] * 15,
            "p95": [6.0] * 15,
            "risk_codes": [],
            "recourse": True,
        },
    )
    templates = {t["key"]: t for t in sel.scenario_templates(hospital)}
    for key in ("ap_cut", "interest"):
        t = templates[key]
        services.scenario_create(
            actor=actor,
            partnership=hospital,
            data={
                "name": str(t["name"]),
                "description": str(t["description"]),
                "template": key,
                "shocks": t["shocks"],
            },
        )
    if spec:
        services.stress_run(actor=actor, partnership=hospital)


def _road(road: Partnership) -> None:
    road = Partnership.objects.get(pk=road.pk)
    pjpk = _pjpk(road)
    if pjpk is None or (actor := _admin(pjpk)) is None:
        return
    spec = finance_selectors.internal_spec(road) or {}
    start = int(spec.get("start_year") or 2026)
    _budget(
        actor,
        pjpk,
        kind="APBN",
        label="Pagu Kementerian PU dalam APBN (ilustrasi)",
        source="UU APBN dan Perpres rincian APBN (angka ilustrasi, dibulatkan)",
        first=start - 1,
        amounts=[Decimal("110") * T, Decimal("116") * T],
        growth="0.04",
    )
    services.fiscal_inputs_save(
        actor=actor,
        partnership=road,
        data={
            "pjpk": pjpk,
            "currency": "IDR",
            "amount_unit": Decimal(1_000_000_000),
            "discount_rate": Decimal("0.08"),
            "base_year": start - 1,
            "commitments_source": "finance_model",
            "commitments": {},
            "limit_share": Decimal("0.05"),
            "limit_basis": "direct_plus_p95",
            "limit_source": "Batas kebijakan untuk contoh ini (ilustrasi; bukan batas hukum)",
        },
    )
    codes = [
        r.code
        for r in road.risks.all()
        if r.category in ("political", "earlyTermination", "changeInLaw")
    ]
    data: dict[str, Any] = {
        "code": "PII",
        "name": "Penjaminan PT PII atas kewajiban Menteri PU dalam PPJT",
        "provider": "PT PII",
        "kind": "political_risk",
        "covered_amount": Decimal("3500"),
        "recourse": True,
    }
    if codes:
        data |= {"risk_codes": codes, "expected": [], "p95": [], "start_year": None}
    else:
        data |= {
            "risk_codes": [],
            "start_year": start + 3,
            "expected": [4.0] * 32,
            "p95": [40.0] * 32,
        }
    services.guarantee_create(actor=actor, partnership=road, data=data)


def load(created: dict[str, Any]) -> None:
    partnerships = created["partnerships"]
    hospital = next((p for p in partnerships if p.development_sector == "health"), None)
    road = next((p for p in partnerships if p.development_sector == "toll_road"), None)
    with translation.override("id"), transaction.atomic():
        if hospital is not None:
            _hospital(hospital)
        if road is not None:
            _road(road)
