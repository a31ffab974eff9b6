"""Demo data of the workplan: the toll road's transaction workplan, a coordination meeting of its
partners with a decision taken by stake and its action items, and the hospital's decision rule.
Illustrative dates, relative to today."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from mitra.partnerships.models import Partnership, PartnershipMember

from . import services
from .models import DecisionRule, TaskKind, TaskStatus
from .selectors import step_choices


def _user(member: PartnershipMember) -> Any:
    membership = member.organisation.memberships.order_by("pk").first()
    return membership.user if membership else None


def _find(created: dict[str, Any], word: str) -> Partnership | None:
    partnerships = created.get("partnerships") or []
    if isinstance(partnerships, dict):
        partnerships = list(partnerships.values())
    for p in partnerships:
        if word in (p.title_en or p.title or "").lower():
            return p
    return Partnership.objects.filter(title_en__icontains=word).first()


def _with_role(members: list[PartnershipMember], role: str, default: PartnershipMember) -> Any:
    return next((m for m in members if role in m.roles), default)


def toll_road(partnership: Partnership) -> None:
    members = [m for m in partnership.members.select_related("organisation") if m.left_on is None]
    lead = next((m for m in members if m.is_lead), members[0])
    company = _with_role(members, "project_company", lead)
    liaison = _with_role(members, "community_liaison", lead)
    lender = _with_role(members, "financier", company)
    actor = _user(lead)
    if actor is None:
        return
    today = timezone.localdate()
    d = datetime.timedelta
    start = today - d(days=60)
    steps = dict(step_choices(partnership))

    def task(
        title: str,
        member: PartnershipMember,
        s: int,
        e: int,
        status: str,
        deps: tuple[Any, ...] = (),
        kind: str = TaskKind.TASK,
        step: str = "",
    ) -> Any:
        return services.task_create(
            actor=actor,
            partnership=partnership,
            data={
                "kind": kind,
                "title": title,
                "member": member,
                "start_date": start + d(days=s),
                "due_date": start + d(days=e),
                "status": status,
                "lifecycle_step": step if step in steps else "",
            },
            depends_on=deps,
        )

    amdal = task("Pemutakhiran LARAP seksi 1", lead, 0, 45, TaskStatus.DONE)
    task("Pembebasan lahan seksi 1", lead, 10, 75, TaskStatus.IN_PROGRESS)
    task("Konsultasi warga terdampak", liaison, 20, 50, TaskStatus.BLOCKED)
    design = task(
        "Desain teknis rinci seksi 1",
        company,
        46,
        120,
        TaskStatus.IN_PROGRESS,
        (amdal,),
        step="kpbu.construction",
    )
    drawdown = task("Penarikan pinjaman tahap 2", lender, 30, 110, TaskStatus.NOT_STARTED)
    task(
        "Mulai konstruksi seksi 1",
        company,
        121,
        121,
        TaskStatus.NOT_STARTED,
        (design, drawdown),
        TaskKind.MILESTONE,
        step="kpbu.construction",
    )
    services.rule_set(actor=actor, partnership=partnership, rule=DecisionRule.WEIGHTED)
    attending = [lead, company, liaison, *[m for m in members if m.equity_share]]
    attending = list({m.pk: m for m in attending}.values())
    held = timezone.now() - d(days=7)
    meeting = services.meeting_create(
        actor=actor,
        partnership=partnership,
        data={
            "title": "Rapat koordinasi para pihak: jadwal konstruksi seksi 1",
            "starts_at": held,
            "ends_at": held + d(hours=2),
            "place": "Kantor PJPK, Bandung",
            "agenda": "1. Kemajuan pembebasan lahan seksi 1\n2. Jadwal desain dan konstruksi\n"
            "3. Konsultasi warga terdampak",
            "minutes": (
                "Para pihak membahas keterlambatan pembebasan lahan seksi 1. BUJT mengusulkan "
                "percepatan desain teknis rinci agar konstruksi seksi 1 tetap sesuai jadwal. "
                "Pemantau meminta konsultasi warga dijadwalkan ulang sebelum konstruksi."
            ),
        },
        attending_members=[m.pk for m in attending],
    )
    sponsors = sorted((m for m in attending if m.equity_share), key=lambda m: m.equity_share)
    positions = {m.pk: "agree" for m in attending}
    if sponsors:
        positions[sponsors[0].pk] = "disagree"  # the smallest sponsor: outvoted by stake
    positions[liaison.pk] = "abstain"
    services.decision_record(
        actor=actor,
        meeting=meeting,
        title="Percepat desain teknis rinci seksi 1 dua minggu",
        description="Agar konstruksi seksi 1 tidak mundur meskipun pembebasan lahan terlambat.",
        positions=positions,
        action_items=[
            {
                "title": "Tambah tim desain untuk seksi 1",
                "member": company,
                "start_date": today,
                "due_date": today + d(days=14),
            }
        ],
    )


def hospital(partnership: Partnership) -> None:
    members = [m for m in partnership.members.all() if m.left_on is None and m.is_lead]
    if members and _user(members[0]):
        services.rule_set(
            actor=_user(members[0]), partnership=partnership, rule=DecisionRule.MAJORITY
        )


def load(created: dict[str, Any]) -> None:
    toll = _find(created, "toll")
    if toll is not None:
        toll_road(toll)
    hosp = _find(created, "hospital")
    if hosp is not None:
        hospital(hosp)
