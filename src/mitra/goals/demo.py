"""Demo data of the goals app: objectives of the school PSP's three partners on three levers
(with a conflict on the monthly contribution), the toll road's tariff (the project company's
objective a hidden constraint), and a few steps of their negotiation. Illustrative figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.core.choices import Confidentiality
from mitra.partnerships.models import Partnership, PartnershipMember

from . import services
from .catalogue import lever_entry
from .models import EntryKind

D = Decimal


def _user(member: PartnershipMember) -> Any:
    membership = member.organisation.memberships.order_by("pk").first()
    return membership.user if membership else None


def _lever(actor: Any, partnership: Partnership, key: str, **bounds: Any) -> Any:
    entry = lever_entry(key)
    lo, hi = entry["bounds"]
    return services.lever_create(
        actor=actor,
        partnership=partnership,
        catalogue_key=key,
        data={
            "name_ind": entry["name"]["id"],
            "name_en": entry["name"]["en"],
            "description_ind": entry["description"]["id"],
            "description_en": entry["description"]["en"],
            "unit": entry["unit"],
            "currency": entry.get("currency", ""),
            "min_value": bounds.get("lo", lo),
            "max_value": bounds.get("hi", hi),
            "direction": entry["direction"],
        },
    )


def _state(lever: Any, member: PartnershipMember, **data: Any) -> None:
    data.setdefault("weight", 50)
    data.setdefault("confidentiality", Confidentiality.PARTNERS)
    data.setdefault("walk_away", None)
    data.setdefault("note", "")
    for key in ("preferred", "acceptable_min", "acceptable_max", "walk_away"):
        if data[key] is not None:
            data[key] = D(str(data[key]))
    services.objective_set(actor=_user(member), lever=lever, member=member, data=data)


def _members(partnership: Partnership) -> dict[str, PartnershipMember]:
    return {
        m.organisation.short_name or m.organisation.name: m
        for m in partnership.members.select_related("organisation")
    }


def school(partnership: Partnership) -> None:
    m = _members(partnership)
    district, foundation, company = m["Disdik Jabar"], m["YCB"], m["Agrodina"]
    lead = _user(district)
    fee = _lever(lead, partnership, "school_fee", lo=0, hi=200000)
    size = _lever(lead, partnership, "class_size", lo=20, hi=40)
    scholarships = _lever(lead, partnership, "scholarship_share", lo=0, hi=50)
    _state(
        fee,
        district,
        direction="decrease",
        preferred=0,
        acceptable_min=0,
        acceptable_max=50000,
        walk_away=75000,
        weight=60,
        note="Sekolah negeri bebas pungutan; iuran komite sukarela dan kecil.",
    )
    _state(
        size,
        district,
        direction="decrease",
        preferred=28,
        acceptable_min=28,
        acceptable_max=32,
        weight=20,
    )
    _state(
        scholarships,
        district,
        direction="target",
        preferred=20,
        acceptable_min=10,
        acceptable_max=30,
        weight=20,
    )
    _state(
        fee,
        foundation,
        direction="target",
        preferred=100000,
        acceptable_min=75000,
        acceptable_max=150000,
        walk_away=60000,
        weight=50,
        note="Honor guru tambahan dan pelatihan perlu dibiayai.",
    )
    _state(
        size,
        foundation,
        direction="target",
        preferred=30,
        acceptable_min=26,
        acceptable_max=34,
        weight=30,
    )
    _state(
        scholarships,
        foundation,
        direction="decrease",
        preferred=10,
        acceptable_min=10,
        acceptable_max=25,
        weight=20,
    )
    _state(
        fee,
        company,
        direction="decrease",
        preferred=25000,
        acceptable_min=25000,
        acceptable_max=90000,
        weight=30,
    )
    _state(
        scholarships,
        company,
        direction="increase",
        preferred=40,
        acceptable_min=15,
        acceptable_max=40,
        walk_away=10,
        weight=70,
        note="TJSL menyasar murid dari keluarga miskin.",
    )
    services.proposal_create(
        actor=_user(foundation),
        partnership=partnership,
        lever=fee,
        kind=EntryKind.PROPOSAL,
        value=D("90000"),
        note="Iuran Rp 90.000, dengan 20% murid bebas iuran.",
    )
    services.proposal_create(
        actor=lead,
        partnership=partnership,
        lever=fee,
        kind=EntryKind.COUNTER,
        value=D("50000"),
        note="Selisihnya ditutup dana TJSL.",
    )
    services.lever_agreement_record(
        actor=lead,
        partnership=partnership,
        lever=size,
        value=D("30"),
        note="Disepakati dalam rapat koordinasi kedua.",
    )


def toll_road(partnership: Partnership) -> None:
    m = _members(partnership)
    pjpk, company, ngo = m["Kementerian PU"], m["MTP"], m["YPPA"]
    lead = _user(pjpk)
    tariff = _lever(lead, partnership, "tariff", lo=20000, hi=80000)
    years = _lever(lead, partnership, "concession_years", lo=20, hi=50)
    _state(
        tariff,
        pjpk,
        direction="target",
        preferred=44000,
        acceptable_min=40000,
        acceptable_max=47000,
        weight=60,
        note="Terjangkau bagi angkutan logistik.",
    )
    _state(
        years,
        pjpk,
        direction="target",
        preferred=40,
        acceptable_min=35,
        acceptable_max=45,
        weight=40,
    )
    _state(
        tariff,
        company,
        direction="increase",
        preferred=52000,
        acceptable_min=46200,
        acceptable_max=60000,
        walk_away=45500,
        weight=70,
        confidentiality=Confidentiality.OWNER,
        note="Equity IRR paling sedikit 12% pada proyeksi lalu lintas dasar.",
    )
    _state(
        years,
        company,
        direction="increase",
        preferred=45,
        acceptable_min=38,
        acceptable_max=45,
        weight=30,
    )
    _state(
        tariff,
        ngo,
        direction="decrease",
        preferred=35000,
        acceptable_min=35000,
        acceptable_max=45000,
        weight=100,
        note="Tarif per km tidak melampaui ruas tol sekitar.",
    )
    services.proposal_create(
        actor=lead,
        partnership=partnership,
        lever=tariff,
        kind=EntryKind.PROPOSAL,
        value=D("45000"),
    )
    services.proposal_create(
        actor=_user(company),
        partnership=partnership,
        lever=tariff,
        kind=EntryKind.COUNTER,
        value=D("52000"),
        note="Dengan penyesuaian tarif dua tahunan sesuai inflasi.",
    )


def load(created: dict[str, Any]) -> None:
    """Objectives and negotiation steps on the demo school PSP and the toll road."""
    found = {p.development_sector: p for p in created["partnerships"]}
    with translation.override("id"), transaction.atomic():
        if "education" in found:
            school(Partnership.objects.get(pk=found["education"].pk))
        if "toll_road" in found:
            toll_road(Partnership.objects.get(pk=found["toll_road"].pk))
