"""Demo data of the results app.

- The Sekolah Penggerak school PSP: the foundation (YCB, the implementer) reports, the provincial
  education office (the lead) verifies: teachers trained (by sex, disability and village), the
  share of classrooms observed using active learning (a ratio), and a qualitative outcome. The
  first semesters are approved, the last one submitted, one value was returned and corrected.
  Two rounds of the health survey, in which the foundation's trust falls while the company's rises.
- The hospital KPBU: three KPIs of the availability-payment agreement (bed availability, response
  time to equipment failures, cleanliness audit score) with thresholds and deductions, for the
  quarters of the first year of operation.

Illustrative numbers, not a real programme.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from mitra.partnerships.demo import month_from
from mitra.partnerships.models import Partnership, PartnershipMember, Role

from . import services
from .models import HealthItem

D = Decimal


def _admin(member: PartnershipMember) -> Any:
    membership = member.organisation.memberships.filter(role="admin").first()
    return membership.user if membership is not None else None


def _find(created: dict[str, Any], form: str, sector: str) -> Partnership | None:
    for p in created["partnerships"]:
        if p.form == form and p.development_sector == sector:
            return Partnership.objects.get(pk=p.pk)
    return None


def _role(p: Partnership, role: str) -> PartnershipMember | None:
    return next((m for m in p.members.all() if role in m.roles and m.left_on is None), None)


def load(created: dict[str, Any]) -> None:
    with translation.override("id"), transaction.atomic():
        school = _find(created, "psp", "education")
        if school is not None:
            _school(school)
        hospital = _find(created, "ppp", "health")
        if hospital is not None:
            _hospital(hospital)


def _day_before(d: datetime.date) -> datetime.date:
    return d - datetime.timedelta(days=1)


def _school(p: Partnership) -> None:
    lead, ngo = _role(p, Role.LEAD), _role(p, Role.IMPLEMENTER)
    company = next(
        (m for m in p.members.all() if Role.FUNDER in m.roles and Role.LEAD not in m.roles), None
    )
    if lead is None or ngo is None:
        return
    gov_user, ngo_user = _admin(lead), _admin(ngo)
    if gov_user is None or ngo_user is None:
        return
    today = timezone.localdate()

    def m(offset: int) -> datetime.date:
        return month_from(today, offset, 1)

    semesters = [(m(-18 + 6 * i), _day_before(m(-12 + 6 * i))) for i in range(4)]
    output = services.result_create(
        actor=gov_user,
        partnership=p,
        data={
            "title": "Guru menerapkan pembelajaran aktif",
            "level": "output",
            "description": "Pelatihan dan pendampingan guru SMP di 60 sekolah.",
        },
    )
    trained = services.indicator_create(
        actor=gov_user,
        result=output,
        data={
            "title": "Guru yang menyelesaikan pelatihan pembelajaran aktif",
            "unit": "people",
            "numerator_label": "guru lulus pelatihan",
            "direction": "increase",
            "cumulative": False,
            "baseline_value": D("0"),
            "baseline_date": semesters[0][0],
            "baseline_source": "Data Dapodik Disdik Jabar",
            "reporter": ngo,
            "verifier": lead,
        },
    )
    targets = [D("120"), D("120"), D("90"), D("90")]
    actuals = [("118", "70", "4"), ("96", "55", "3"), ("60", "33", "2")]
    villages = [("32.03.05.2001", "Desa Sukamaju"), ("32.03.11.2003", "Desa Cibeber")]
    for i, (start, end) in enumerate(semesters):
        period = services.period_create(
            actor=gov_user,
            indicator=trained,
            data={"start": start, "end": end, "target_value": targets[i]},
            targets=[
                {"dimension": "sex", "category": "female", "value": targets[i] / 2},
                {"dimension": "disability", "category": "with", "value": D("3")},
            ],
        )
        if i >= len(actuals):
            continue
        total, women, disabled = (D(v) for v in actuals[i])
        breakdown = [
            {"dimension": "sex", "category": "female", "numerator": women},
            {"dimension": "sex", "category": "male", "numerator": total - women},
            {"dimension": "disability", "category": "with", "numerator": disabled},
            {
                "dimension": "region",
                "category": villages[0][0],
                "label": villages[0][1],
                "numerator": (total * D("0.4")).quantize(D("1")),
            },
            {
                "dimension": "region",
                "category": villages[1][0],
                "label": villages[1][1],
                "numerator": (total * D("0.3")).quantize(D("1")),
            },
        ]
        update = services.update_create(
            actor=ngo_user,
            period=period,
            data={"numerator": total, "narrative": "Rekap daftar hadir dan post-test pelatihan."},
            disaggregations=breakdown,
        )
        update = services.update_submit(actor=ngo_user, update=update)
        if i == 1:
            update = services.update_return(
                actor=gov_user,
                update=update,
                comment="Lampirkan daftar hadir yang ditandatangani kepala sekolah.",
            )
            update = services.update_submit(
                actor=ngo_user, update=update, comment="Daftar hadir sudah dilampirkan."
            )
        if i < 2:
            services.update_approve(actor=gov_user, update=update)

    outcome = services.result_create(
        actor=gov_user,
        partnership=p,
        data={"title": "Pembelajaran di kelas berubah", "level": "outcome"},
    )
    observed = services.indicator_create(
        actor=gov_user,
        result=outcome,
        data={
            "title": "Kelas yang teramati menerapkan pembelajaran aktif",
            "unit": "percent",
            "numerator_label": "kelas teramati menerapkan pembelajaran aktif",
            "denominator_label": "kelas yang diobservasi",
            "factor": D("100"),
            "direction": "increase",
            "baseline_value": D("22"),
            "baseline_date": semesters[0][0],
            "baseline_source": "Observasi awal pengawas sekolah",
            "reporter": ngo,
            "verifier": lead,
        },
    )
    shares = [("61", "180"), ("79", "180"), ("88", "180")]
    for i, (start, end) in enumerate(semesters):
        period = services.period_create(
            actor=gov_user,
            indicator=observed,
            data={"start": start, "end": end, "target_value": D(30 + 10 * i)},
        )
        if i < len(shares):
            update = services.update_create(
                actor=ngo_user,
                period=period,
                data={"numerator": D(shares[i][0]), "denominator": D(shares[i][1])},
            )
            update = services.update_submit(actor=ngo_user, update=update)
            services.update_approve(actor=gov_user, update=update)

    impact = services.result_create(
        actor=gov_user,
        partnership=p,
        data={"title": "Mutu hasil belajar murid naik", "level": "impact"},
    )
    stories = services.indicator_create(
        actor=gov_user,
        result=impact,
        data={
            "title": "Cerita perubahan dari sekolah dampingan",
            "measure": "qualitative",
            "direction": "increase",
            "reporter": ngo,
            "verifier": lead,
        },
    )

    story_period = services.period_create(
        actor=gov_user,
        indicator=stories,
        data={
            "start": semesters[0][0],
            "end": semesters[1][1],
            "target_text": "Setiap sekolah dampingan mendokumentasikan satu praktik baik.",
        },
    )
    story = services.update_create(
        actor=ngo_user,
        period=story_period,
        data={
            "narrative": "Di SMPN 2 Cibeber guru IPA memakai proyek air bersih desa; kehadiran "
            "murid naik dan orang tua ikut menilai hasil proyek."
        },
    )
    services.update_approve(
        actor=gov_user, update=services.update_submit(actor=ngo_user, update=story)
    )

    # Two rounds of the health survey: the foundation's trust falls, the company's rises.
    members = [m for m in (lead, ngo, company) if m is not None]
    rounds = [m(-12), m(-6)]
    scores = {lead.pk: (4, 4), ngo.pk: (4, 2), company.pk if company else 0: (3, 5)}
    for member in members:
        user = _admin(member)
        if user is None:
            continue
        for n, round_date in enumerate(rounds):
            score = scores[member.pk][n]
            services.health_respond(
                actor=user,
                member=member,
                round=round_date,
                scores=dict.fromkeys(HealthItem.values, score),
            )


def _hospital(p: Partnership) -> None:
    pjpk, company = _role(p, Role.CONTRACTING_AGENCY), _role(p, Role.PROJECT_COMPANY)
    if pjpk is None or company is None:
        return
    gov_user = _admin(pjpk)
    if gov_user is None:
        return
    cod = (p.stage_since.year if p.stage_since else timezone.localdate().year) + 2
    result = services.result_create(
        actor=gov_user,
        partnership=p,
        data={
            "title": "Layanan tersedia sesuai Standar Kinerja (Lampiran Perjanjian KPBU)",
            "level": "output",
        },
    )
    kpis = [
        (
            "Ketersediaan tempat tidur siap pakai",
            "percent",
            "increase",
            "97",
            "95",
            "2",
            "Lampiran 5.1",
        ),
        (
            "Waktu tanggap kerusakan alat kesehatan kritis (jam)",
            "hours",
            "decrease",
            "4",
            "6",
            "1.5",
            "Lampiran 5.2",
        ),
        (
            "Skor audit kebersihan dan pengendalian infeksi",
            "units",
            "increase",
            "90",
            "85",
            "1",
            "Lampiran 5.3",
        ),
    ]
    for title, unit, direction, target, threshold, pct, clause in kpis:
        indicator = services.indicator_create(
            actor=gov_user,
            result=result,
            data={
                "title": title,
                "unit": unit,
                "direction": direction,
                "reporter": company,
                "verifier": pjpk,
            },
        )
        for q in range(4):
            start = datetime.date(cod, 3 * q + 1, 1)
            end = (
                _day_before(datetime.date(cod, 3 * q + 4, 1))
                if q < 3
                else datetime.date(cod, 12, 31)
            )
            services.period_create(
                actor=gov_user,
                indicator=indicator,
                data={"start": start, "end": end, "target_value": D(target)},
            )
        services.service_level_set(
            actor=gov_user,
            indicator=indicator,
            data={
                "threshold": D(threshold),
                "deduction_percent": D(pct),
                "cap_percent": D("10"),
                "clause": clause,
            },
        )
