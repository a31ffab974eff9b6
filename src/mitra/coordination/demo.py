"""Lifecycle state for the demo partnerships (``mitra demo``): the steps of the stages each
partnership has passed are signed off by its partners' administrators, half of the current
stage's steps too, and the university is invited to the toll road KPBU (pending, for
``kampus`` to answer)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.organisations.models import OrganisationMembership, OrganisationRole
from mitra.partnerships.models import Partnership, Role

from . import selectors, services


def _admin(organisation_id: int) -> Any:
    row = (
        OrganisationMembership.objects.filter(
            organisation_id=organisation_id, role=OrganisationRole.ADMIN
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def sign_passed_steps(partnership: Partnership) -> int:
    """Sign off what a partnership that reached its stage must have agreed; returns how many."""
    state = selectors.lifecycle_state(partnership=partnership)
    count = 0
    for st in state.stages:
        if st.position == "future":
            continue
        steps = st.steps if st.position == "done" else st.steps[: len(st.steps) // 2]
        for step in steps:
            for party in step.parties:
                for m in party.members[:1]:
                    user = _admin(m.member.organisation_id)
                    if user is None:
                        continue
                    services.sign_off(
                        actor=user,
                        partnership=partnership,
                        step=step.step.key,
                        decision="approve",
                        note="",
                        organisation_id=m.member.organisation_id,
                    )
                    count += 1
    return count


def load(created: dict[str, Any]) -> None:
    organisations = created.get("organisations", {})
    with translation.override("id"), transaction.atomic():
        for p in created.get("partnerships", []):
            sign_passed_steps(Partnership.objects.get(pk=p.pk))
        university = organisations.get("unr")
        road = next(
            (p for p in created.get("partnerships", []) if p.development_sector == "toll_road"),
            None,
        )
        if university is None or road is None:
            return
        road = Partnership.objects.get(pk=road.pk)
        if road.members.filter(organisation=university).exists():
            return
        lead = road.members.filter(role_rows__role=Role.LEAD, left_on__isnull=True).first()
        actor = _admin(lead.organisation_id) if lead else None
        if actor is None:
            return
        services.invitation_create(
            actor=actor,
            partnership=road,
            organisation=university,
            roles=[Role.RESEARCH_PARTNER],
            message=(
                "Kami mengundang Universitas untuk mengkaji dampak lalu lintas dan sosial "
                "jalan tol ini bersama para mitra."
            ),
        )
