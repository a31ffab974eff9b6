"""Invitations, sign-offs with internal chains, the gate, going back, leaving."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mitra.coordination import selectors, services
from mitra.coordination.models import ApprovalPolicy, InvitationStatus, SignOff, StageChange
from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.notifications.models import Notification
from mitra.partnerships.models import Partnership, PartnershipMember, Role
from tests.conftest import World, make_org, make_user
from tests.coordination.conftest import complete_planning, file_document, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    # the services' messages are checked in English (the platform's default is Indonesian)
    from django.utils import translation

    with translation.override("en"):
        yield


def state(world: World) -> selectors.LifecycleState:
    world.partnership.refresh_from_db()
    return selectors.lifecycle_state(partnership=world.partnership)


# --- invitations ----------------------------------------------------------------------------------


def test_an_invited_organisation_is_no_partner_until_its_admin_accepts(kpbu: World) -> None:
    lead, outsider = kpbu.users["lead_admin"], kpbu.users["outsider"]
    invitation = services.invitation_create(
        actor=lead,
        partnership=kpbu.partnership,
        organisation=kpbu.outsider_org,
        roles=[Role.RESEARCH_PARTNER],
        message="Join us for the traffic study",
    )
    # invited: not a member, sees nothing of the partners-only partnership
    assert not kpbu.partnership.members.filter(organisation=kpbu.outsider_org).exists()
    assert not Partnership.objects.visible_to(outsider).filter(pk=kpbu.partnership.pk).exists()
    assert Notification.objects.filter(recipient=outsider, kind="coordination.invited").exists()
    # a second invitation while one is pending is refused
    with pytest.raises(ApplicationError, match="already invited"):
        services.invitation_create(
            actor=lead,
            partnership=kpbu.partnership,
            organisation=kpbu.outsider_org,
            roles=[Role.RESEARCH_PARTNER],
        )
    # someone else may not answer for the organisation
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=lead, invitation=invitation)

    services.invitation_accept(actor=outsider, invitation=invitation, message="Gladly")

    invitation.refresh_from_db()
    member = PartnershipMember.objects.get(
        partnership=kpbu.partnership, organisation=kpbu.outsider_org
    )
    assert (invitation.status, invitation.member, invitation.response) == (
        InvitationStatus.ACCEPTED,
        member,
        "Gladly",
    )
    assert member.roles == [Role.RESEARCH_PARTNER]
    assert Partnership.objects.visible_to(outsider).filter(pk=kpbu.partnership.pk).exists()
    assert Notification.objects.filter(
        recipient=lead, kind="coordination.invitation_accepted"
    ).exists()
    with pytest.raises(ApplicationError, match="already been answered"):
        services.invitation_decline(actor=outsider, invitation=invitation)


def test_a_declined_invitation_adds_nobody_and_tells_the_lead(kpbu: World) -> None:
    invitation = services.invitation_create(
        actor=kpbu.users["lead_admin"],
        partnership=kpbu.partnership,
        organisation=kpbu.outsider_org,
        roles=[Role.RESEARCH_PARTNER],
    )
    services.invitation_decline(
        actor=kpbu.users["outsider"], invitation=invitation, message="No capacity this year"
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert invitation.response == "No capacity this year"
    assert not kpbu.partnership.members.filter(organisation=kpbu.outsider_org).exists()
    assert Notification.objects.filter(
        recipient=kpbu.users["lead_admin"], kind="coordination.invitation_declined"
    ).exists()


def test_only_the_lead_invites_and_never_a_current_partner(kpbu: World) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=kpbu.users["ngo_user"],
            partnership=kpbu.partnership,
            organisation=kpbu.outsider_org,
            roles=[Role.RESEARCH_PARTNER],
        )
    with pytest.raises(ApplicationError, match="already a partner"):
        services.invitation_create(
            actor=kpbu.users["lead_admin"],
            partnership=kpbu.partnership,
            organisation=kpbu.ngo,
            roles=[Role.IMPLEMENTER],
        )
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=kpbu.users["lead_admin"],
            partnership=kpbu.partnership,
            organisation=kpbu.outsider_org,
            roles=[],
        )


def test_a_partner_leaves_with_a_reason_and_missing_sectors_are_reported(kpbu: World) -> None:
    ngo_member = member_of(kpbu, kpbu.ngo, kpbu.public)
    with pytest.raises(ValidationError):
        services.member_leave(
            actor=kpbu.users["ngo_user"], member=ngo_member, reason=" ", expected_version=1
        )
    missing = services.member_leave(
        actor=kpbu.users["ngo_user"],
        member=ngo_member,
        reason="Our programme ended",
        expected_version=ngo_member.version,
    )
    ngo_member.refresh_from_db()
    assert ngo_member.left_on is not None
    assert missing == []  # the public PSP is in planning: no sector is required yet
    assert kpbu.public.departures.get().reason == "Our programme ended"
    assert Notification.objects.filter(
        recipient=kpbu.users["lead_admin"], kind="coordination.partner_left"
    ).exists()
    # an outsider cannot record someone else's leaving
    company = member_of(kpbu, kpbu.company)
    with pytest.raises(PermissionDenied):
        services.member_leave(
            actor=kpbu.users["outsider"], member=company, reason="x", expected_version=1
        )


# --- sign-offs and the gate -----------------------------------------------------------------------


def test_the_gate_opens_only_when_outputs_exist_and_every_party_signed_off(kpbu: World) -> None:
    lead, ngo = kpbu.users["lead_admin"], kpbu.users["ngo_user"]
    p = kpbu.partnership
    s = state(kpbu)
    assert (s.current.stage, s.next_stage, s.gate_open) == ("planning", "preparation", False)
    assert any("Preliminary study" in m or "Studi Pendahuluan" in m for m in s.missing())

    services.sign_off(actor=lead, partnership=p, step="kpbu.preliminary_study", decision="approve")
    assert not state(kpbu).step("kpbu.preliminary_study").complete  # the study is not filed
    file_document(kpbu, "preliminary_study")
    assert state(kpbu).step("kpbu.preliminary_study").complete

    file_document(kpbu, "public_consultation")
    services.sign_off(
        actor=lead, partnership=p, step="kpbu.public_consultation", decision="approve"
    )
    services.sign_off(actor=lead, partnership=p, step="kpbu.listing", decision="approve")
    s = state(kpbu)
    assert not s.gate_open
    assert [org.name for org, _steps in s.waiting_for()] == ["Yayasan Contoh"]

    services.sign_off(actor=ngo, partnership=p, step="kpbu.public_consultation", decision="approve")
    assert state(kpbu).gate_open
    assert Notification.objects.filter(recipient=lead, kind="coordination.gate_open").exists()


def test_an_owner_only_document_does_not_count_as_an_output(kpbu: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mitra.partnerships import services as partnership_services

    partnership_services.document_create(
        actor=kpbu.users["lead_admin"],
        member=member_of(kpbu, kpbu.pemda),
        data={"title": "study", "doc_type": "preliminary_study", "confidentiality": "owner"},
        file=SimpleUploadedFile("s.pdf", b"%PDF-1.4", "application/pdf"),
    )
    assert not state(kpbu).step("kpbu.preliminary_study").outputs[0].present


def test_an_organisation_can_require_two_approvers(kpbu: World) -> None:
    second = make_user("pemda_second")
    from mitra.organisations.services import organisation_add_user

    organisation_add_user(
        actor=None, organisation=kpbu.pemda, user=second, role="admin", system=True
    )
    ApprovalPolicy.objects.create(organisation=kpbu.pemda, required_approvals=2)
    file_document(kpbu, "preliminary_study")
    p = kpbu.partnership
    services.sign_off(
        actor=kpbu.users["lead_admin"],
        partnership=p,
        step="kpbu.preliminary_study",
        decision="approve",
    )
    step = state(kpbu).step("kpbu.preliminary_study")
    assert not step.complete
    assert step.parties[0].members[0].status == "pending"
    # the other approver of the organisation is asked
    assert Notification.objects.filter(
        recipient=second, kind="coordination.signoff_requested"
    ).exists()
    # approving twice does not count twice
    services.sign_off(
        actor=kpbu.users["lead_admin"],
        partnership=p,
        step="kpbu.preliminary_study",
        decision="approve",
    )
    assert not state(kpbu).step("kpbu.preliminary_study").complete
    services.sign_off(
        actor=second, partnership=p, step="kpbu.preliminary_study", decision="approve"
    )
    assert state(kpbu).step("kpbu.preliminary_study").complete


def test_designated_approvers_replace_the_admins(kpbu: World) -> None:
    policy = ApprovalPolicy.objects.create(organisation=kpbu.ngo, required_approvals=1)
    policy.approvers.add(kpbu.users["lead_admin"])  # an odd choice, but the NGO's own
    with pytest.raises(PermissionDenied):
        services.sign_off(
            actor=kpbu.users["ngo_user"],
            partnership=kpbu.partnership,
            step="kpbu.public_consultation",
            decision="approve",
            organisation_id=kpbu.ngo.pk,
        )


def test_a_rejection_needs_a_note_and_blocks_the_step(kpbu: World) -> None:
    p, ngo = kpbu.partnership, kpbu.users["ngo_user"]
    complete_planning(kpbu)
    with pytest.raises(ValidationError):
        services.sign_off(
            actor=ngo, partnership=p, step="kpbu.public_consultation", decision="reject"
        )
    services.sign_off(
        actor=ngo,
        partnership=p,
        step="kpbu.public_consultation",
        decision="reject",
        note="The minutes miss the fishermen's objections",
    )
    s = state(kpbu)
    assert not s.gate_open
    assert any("rejected" in m for m in s.missing())
    assert Notification.objects.filter(
        recipient=kpbu.users["lead_admin"], kind="coordination.signoff_rejected"
    ).exists()
    # their latest word counts: approving again reopens the gate
    services.sign_off(actor=ngo, partnership=p, step="kpbu.public_consultation", decision="approve")
    assert state(kpbu).gate_open


def test_nobody_signs_off_for_a_party_they_are_not_or_a_later_stage(kpbu: World) -> None:
    p = kpbu.partnership
    with pytest.raises(PermissionDenied):  # the NGO is not the PJPK
        services.sign_off(
            actor=kpbu.users["ngo_user"], partnership=p, step="kpbu.listing", decision="approve"
        )
    with pytest.raises(PermissionDenied):  # company staff, not an admin
        services.sign_off(
            actor=kpbu.users["member"], partnership=p, step="kpbu.signing", decision="approve"
        )
    with pytest.raises(ApplicationError, match="later stage"):
        services.sign_off(
            actor=kpbu.users["lead_admin"], partnership=p, step="kpbu.signing", decision="approve"
        )
    with pytest.raises(ValidationError):
        services.sign_off(
            actor=kpbu.users["lead_admin"], partnership=p, step="nowhere", decision="approve"
        )


def test_the_stage_moves_one_step_through_an_open_gate(kpbu: World) -> None:
    lead, p = kpbu.users["lead_admin"], kpbu.partnership
    with pytest.raises(services.GateClosed) as closed:
        services.stage_move(
            actor=lead, partnership=p, stage="preparation", expected_version=p.version
        )
    assert closed.value.status == 422
    assert closed.value.extra["missing"]
    complete_planning(kpbu)
    p.refresh_from_db()
    with pytest.raises(services.GateClosed, match="one stage at a time"):
        services.stage_move(
            actor=lead, partnership=p, stage="operation", expected_version=p.version
        )
    with pytest.raises(PermissionDenied):
        services.stage_move(
            actor=kpbu.users["ngo_user"],
            partnership=p,
            stage="preparation",
            expected_version=p.version,
        )
    with pytest.raises(StaleEdit):
        services.stage_move(
            actor=lead, partnership=p, stage="preparation", expected_version=p.version - 1
        )
    saved = services.stage_move(
        actor=lead, partnership=p, stage="preparation", expected_version=p.version
    )
    assert saved.stage == "preparation"
    assert StageChange.objects.get(partnership=p).to_stage == "preparation"
    assert Notification.objects.filter(
        recipient=kpbu.users["ngo_user"], kind="coordination.stage_changed"
    ).exists()
    # the PJPK is asked for the preparation steps
    assert state(kpbu).current.stage == "preparation"


def test_going_back_needs_a_reason_is_audited_and_withdraws_sign_offs(kpbu: World) -> None:
    lead, p = kpbu.users["lead_admin"], kpbu.partnership
    complete_planning(kpbu)
    p.refresh_from_db()
    services.stage_move(actor=lead, partnership=p, stage="preparation", expected_version=p.version)
    with pytest.raises(ValidationError):
        services.stage_move(actor=lead, partnership=p, stage="planning", expected_version=p.version)
    services.stage_move(
        actor=lead,
        partnership=p,
        stage="planning",
        expected_version=p.version,
        reason="The consultation must be held again",
    )
    p.refresh_from_db()
    assert p.stage == "planning"
    change = StageChange.objects.filter(partnership=p).first()
    assert (change.from_stage, change.to_stage, change.reason) == (
        "preparation",
        "planning",
        "The consultation must be held again",
    )
    assert p.history.first().history_change_reason == "The consultation must be held again"
    assert not state(kpbu).gate_open
    assert SignOff.objects.filter(partnership=p, withdrawn_at__isnull=False).count() == 4
    assert Notification.objects.filter(
        recipient=kpbu.users["ngo_user"], kind="coordination.stage_back"
    ).exists()


def test_cancelling_needs_a_reason(kpbu: World) -> None:
    lead, p = kpbu.users["lead_admin"], kpbu.partnership
    with pytest.raises(ValidationError):
        services.stage_move(
            actor=lead, partnership=p, stage="cancelled", expected_version=p.version
        )
    saved = services.stage_move(
        actor=lead, partnership=p, stage="cancelled", expected_version=p.version, reason="No budget"
    )
    assert saved.stage == "cancelled"


def test_the_financial_close_deadline_counts_twelve_months_from_signing(kpbu: World) -> None:
    import datetime

    p = kpbu.partnership
    Partnership.objects.filter(pk=p.pk).update(stage="transaction")
    p.refresh_from_db()
    file_document(kpbu, "kpbu_agreement")
    services.sign_off(
        actor=kpbu.users["lead_admin"], partnership=p, step="kpbu.signing", decision="approve"
    )
    s = selectors.lifecycle_state(partnership=p)
    close = s.step("kpbu.financial_close").deadline
    assert close.level == "waiting" and close.due is None
    services.sign_off(
        actor=kpbu.users["company_admin"], partnership=p, step="kpbu.signing", decision="approve"
    )
    signed = SignOff.objects.filter(step="kpbu.signing").order_by("-created_at").first()
    day = timezone.localdate(signed.created_at)
    s = selectors.lifecycle_state(partnership=p, today=day)
    close = s.step("kpbu.financial_close").deadline
    assert close.due == selectors.add_months(day, 12)
    assert close.level == "ok"
    later = selectors.lifecycle_state(partnership=p, today=close.due - datetime.timedelta(days=30))
    assert later.step("kpbu.financial_close").deadline.level == "warning"
    overdue = selectors.lifecycle_state(partnership=p, today=close.due + datetime.timedelta(days=3))
    d = overdue.step("kpbu.financial_close").deadline
    assert (d.level, d.overdue_days) == ("overdue", 3)


def test_add_months_keeps_the_end_of_month() -> None:
    import datetime

    assert selectors.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert selectors.add_months(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 15)


def test_step_choices_list_the_steps_in_the_active_language(kpbu: World) -> None:
    from django.utils import translation

    with translation.override("en"):
        choices = selectors.step_choices(kpbu.partnership)
    assert choices[0] == (
        "kpbu.preliminary_study",
        "Planning · Preliminary study (Studi Pendahuluan)",
    )
    with translation.override("id"):
        assert selectors.step_choices(kpbu.partnership)[0][1] == "Perencanaan · Studi Pendahuluan"


def test_a_csr_programme_needs_one_of_its_binding_agreements(kpbu: World) -> None:
    lead = kpbu.users["lead_admin"]
    csr = make_org("PT Peduli", "private", "company", users=[(lead, "admin")])
    from mitra.partnerships import services as partnership_services

    programme = partnership_services.partnership_create(
        actor=lead,
        lead_organisation=csr,
        data={"title_ind": "Program TJSL", "form": "csr", "development_sector": "education"},
    )
    s = selectors.lifecycle_state(partnership=programme)
    assert [st.stage for st in s.stages] == ["planning", "preparation", "operation", "closed"]
    agreement = s.step("csr.agreement").outputs[0]
    assert agreement.kind == "document_any" and not agreement.present
    assert any(p.party.sector == "social" and not p.members for p in s.step("csr.mou").parties)


def test_a_registered_check_holds_the_gate_and_an_unregistered_one_does_not(kpbu: World) -> None:
    from mitra.coordination import definitions

    p = kpbu.partnership
    Partnership.objects.filter(pk=p.pk).update(stage="preparation")
    p.refresh_from_db()
    vfm = lambda s: next(o for o in s.step("kpbu.fbc").outputs if o.kind == "check")  # noqa: E731
    # the finance app registers "finance.vfm" when it is installed: take it away for a while
    finance_check = definitions._CHECKS.pop("finance.vfm", None)
    try:
        unregistered = vfm(selectors.lifecycle_state(partnership=p))
        assert (unregistered.present, unregistered.verified) == (True, False)
        definitions.register_check(
            "finance.vfm", definitions.Text("VfM", "VfM"), lambda partnership: False
        )
        registered = vfm(selectors.lifecycle_state(partnership=p))
        assert (registered.present, registered.verified) == (False, True)
    finally:
        definitions._CHECKS.pop("finance.vfm", None)
        if finance_check is not None:
            definitions._CHECKS["finance.vfm"] = finance_check


def test_the_partnership_edit_service_refuses_a_stage_change(kpbu: World) -> None:
    from mitra.partnerships import services as partnership_services

    p = kpbu.partnership
    with pytest.raises(ValidationError) as refused:
        partnership_services.partnership_update(
            actor=kpbu.users["lead_admin"],
            partnership=p,
            data={"stage": "operation"},
            expected_version=p.version,
        )
    assert "stage" in refused.value.message_dict
    p.refresh_from_db()
    assert p.stage == "planning"


def test_invitations_and_sign_offs_are_in_the_history_for_partners_only(kpbu: World) -> None:
    from mitra.coordination.history import coordination_history

    services.invitation_create(
        actor=kpbu.users["lead_admin"],
        partnership=kpbu.partnership,
        organisation=kpbu.outsider_org,
        roles=[Role.RESEARCH_PARTNER],
    )
    services.sign_off(
        actor=kpbu.users["lead_admin"],
        partnership=kpbu.partnership,
        step="kpbu.listing",
        decision="approve",
    )
    entries = coordination_history(kpbu.users["ngo_user"], kpbu.partnership)
    assert len(entries) == 2
    assert {e.user_id for e in entries} == {kpbu.users["lead_admin"].pk}
    assert len({str(e.object_type) for e in entries}) == 2  # an invitation, a sign-off
    assert coordination_history(kpbu.users["outsider"], kpbu.partnership) == []
