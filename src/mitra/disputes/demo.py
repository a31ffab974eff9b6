"""Demo data of the disputes app, on the toll road KPBU (pu-admin's partnership): its ladder
(PPJT: musyawarah, steering committee, independent expert, BANI arbitration), a dispute between
the PJPK and the toll road company over late land, a grievance from a village on the route, the
Pilkada serentak 2029 linked to the road (with the tariff-freeze stress scenario it implies, run
on the road's finance model) and the PPJT addendum that followed. Illustrative, not real."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from mitra.core.errors import ApplicationError
from mitra.organisations.models import OrganisationRole
from mitra.partnerships.models import Partnership

from . import ladders, services
from .models import Dependence, Dispute, DisputeType, EventKind


def _admin(member: Any) -> Any:
    membership = member.organisation.memberships.filter(role=OrganisationRole.ADMIN).first()
    return membership.user if membership is not None else None


def load(created: dict[str, Any]) -> None:
    road = next((p for p in created["partnerships"] if p.development_sector == "toll_road"), None)
    if road is None:
        return
    road = Partnership.objects.get(pk=road.pk)
    members = {m.organisation.short_name: m for m in road.members.select_related("organisation")}
    lead = next((m for m in members.values() if m.is_lead), None)
    company = next((m for m in members.values() if "project_company" in m.roles), None)
    if lead is None or company is None:
        return
    pu, bujt = _admin(lead), _admin(company)
    if pu is None or bujt is None:
        return
    with translation.override("id"), transaction.atomic():
        services.settings_save(
            actor=pu,
            partnership=road,
            data={
                "ladder_template": "concession",
                "ladder": ladders.ladder_of("concession"),
                "designated_member": lead,
                "acknowledge_days": 7,
                "official_dependence": Dependence.SOME,
                "multi_year_budget": False,
                "dprd_approval": False,
                "change_in_law_clause": True,
            },
            expected_version=None,
        )
        dispute = services.dispute_create(
            actor=bujt,
            partnership=road,
            data={
                "title": "Keterlambatan penyerahan lahan Seksi 2 (Cileunyi–Nagreg)",
                "description": "BUJT menilai keterlambatan 9 bulan penyerahan lahan Seksi 2 "
                "menunda konstruksi dan meminta perpanjangan masa konsesi; PJPK menilai "
                "keterlambatan sebagian disebabkan revisi desain BUJT.",
                "dispute_type": DisputeType.RESOURCES,
                "parties": [lead.pk, company.pk],
                "other_parties": "Pemilik lahan di Desa Cibiru Hilir",
            },
        )
        # Raised twenty days ago: ten days are left on the negotiation step.
        started = timezone.now() - datetime.timedelta(days=20)
        Dispute.objects.filter(pk=dispute.pk).update(rung_started_at=started)
        services.grievance_file(
            partnership=road,
            data={
                "description": "Debu dari truk proyek menutupi sawah dan saluran irigasi "
                "tersumbat material urugan sejak dua minggu lalu.",
                "desa": "Cibiru Hilir",
                "name": "Kelompok Tani Sri Mukti",
                "contact": "0812-0000-0000",
            },
        )
        event = services.event_create(
            actor=pu,
            data={
                "kind": EventKind.ELECTION,
                "title": "Pilkada serentak 2029",
                "date": datetime.date(2029, 11, 28),
                "region": "Jawa Barat",
                "description": "Pemilihan gubernur, bupati dan wali kota serentak; penyesuaian "
                "tarif tol menjelang pemilihan secara politik sensitif.",
            },
            partnerships=[road],
        )
        services.amendment_create(
            actor=pu,
            partnership=road,
            data={
                "date": timezone.localdate() - datetime.timedelta(days=10),
                "amends": "PPJT Jalan Tol Bandung–Garut Selatan, Pasal 12 (masa konstruksi)",
                "rationale": "Penyerahan lahan Seksi 2 terlambat; hasil musyawarah PJPK dan BUJT.",
                "description": "Addendum I: masa konstruksi Seksi 2 diperpanjang 6 bulan tanpa "
                "perubahan masa konsesi.",
                "dispute": dispute,
                "public": True,
            },
        )
    link = event.links.get(partnership=road)
    try:
        with translation.override("id"):
            services.link_stress(actor=pu, link=link)
    except ApplicationError:  # no finance model: the link stays without a scenario
        pass
