"""The Lifecycle tab, its forms, the invitation pages and the partnership edit form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from mitra.coordination import services
from mitra.coordination.models import Invitation, InvitationStatus
from mitra.partnerships.models import Partnership, Role
from tests.conftest import PASSWORD, World
from tests.coordination.conftest import complete_planning, file_document

pytestmark = pytest.mark.django_db


def login(world: World, name: str) -> Client:
    client = Client()
    assert client.login(username=world.users[name].username, password=PASSWORD)
    return client


def tab(world: World) -> str:
    return reverse("partnerships:tab", args=[world.partnership.pk, "lifecycle"])


def test_the_tab_shows_the_checklist_in_both_languages(kpbu: World) -> None:
    file_document(kpbu, "preliminary_study")
    client = login(kpbu, "lead_admin")
    page = client.get(tab(kpbu)).content.decode()
    assert 'data-testid="gate"' in page and 'data-open="false"' in page
    assert "Studi Pendahuluan" in page and "Perpres 38/2015" in page
    assert 'data-step="kpbu.preliminary_study"' in page
    assert 'data-testid="sign-off-form"' in page  # the PJPK's admin may sign
    english = client.get("/en" + tab(kpbu)).content.decode()
    assert "Stage gate" in english and "Preliminary study (Studi Pendahuluan)" in english
    # an outsider does not see it
    assert login(kpbu, "outsider").get(tab(kpbu)).status_code == 404


def test_signing_off_and_moving_the_stage_on_the_page(kpbu: World) -> None:
    complete_planning(kpbu)
    lead = login(kpbu, "lead_admin")
    p = kpbu.partnership
    p.refresh_from_db()
    jump = lead.post(
        "/en" + reverse("coordination:stage", args=[p.pk]),
        {"stage": "operation", "version": p.version},
    )
    assert jump.status_code == 400
    assert "one stage at a time" in jump.content.decode()
    moved = lead.post(
        reverse("coordination:stage", args=[p.pk]), {"stage": "preparation", "version": p.version}
    )
    assert moved.status_code == 302
    p.refresh_from_db()
    assert p.stage == "preparation"


def test_a_rejection_without_a_note_is_refused_on_the_page(kpbu: World) -> None:
    ngo = login(kpbu, "ngo_user")
    answer = ngo.post(
        reverse("coordination:sign_off", args=[kpbu.partnership.pk]),
        {"step": "kpbu.public_consultation", "decision": "reject", "note": ""},
    )
    assert answer.status_code == 400
    assert 'data-testid="sign-off-errors"' in answer.content.decode()


def test_the_edit_form_no_longer_changes_the_stage(kpbu: World) -> None:
    p = kpbu.partnership
    lead = login(kpbu, "lead_admin")
    page = lead.get(reverse("partnerships:edit", args=[p.pk])).content.decode()
    assert "Tahapan" in page or "Lifecycle" in page


def test_inviting_accepting_and_leaving_on_the_pages(kpbu: World) -> None:
    p = kpbu.partnership
    lead = login(kpbu, "lead_admin")
    # the old "add a partner" address leads to the invitation form
    old = lead.get(reverse("partnerships:member_add", args=[p.pk]))
    assert old.status_code == 302 and old["Location"] == reverse("coordination:invite", args=[p.pk])
    sent = lead.post(
        reverse("coordination:invite", args=[p.pk]),
        {"organisation": kpbu.outsider_org.pk, "roles": [Role.RESEARCH_PARTNER], "message": "Hi"},
    )
    assert sent.status_code == 302
    invitation = Invitation.objects.get()
    partners = lead.get(reverse("partnerships:tab", args=[p.pk, "partners"])).content.decode()
    assert 'data-testid="pending-invitation"' in partners and "Universitas Luar" in partners

    outsider = login(kpbu, "outsider")
    listing = outsider.get(reverse("coordination:invitations")).content.decode()
    assert f'data-invitation="{invitation.pk}"' in listing
    accepted = outsider.post(
        reverse("coordination:answer", args=[invitation.pk, "accept"]), {"message": "Yes"}
    )
    assert accepted.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED

    member = p.members.get(organisation=kpbu.outsider_org)
    left = outsider.post(
        reverse("coordination:leave", args=[p.pk, member.pk]),
        {"reason": "Study finished", "version": member.version},
    )
    assert left.status_code == 302
    member.refresh_from_db()
    assert member.left_on is not None


def test_the_lead_may_withdraw_an_invitation(kpbu: World) -> None:
    invitation = services.invitation_create(
        actor=kpbu.users["lead_admin"],
        partnership=kpbu.partnership,
        organisation=kpbu.outsider_org,
        roles=[Role.RESEARCH_PARTNER],
    )
    login(kpbu, "lead_admin").post(reverse("coordination:answer", args=[invitation.pk, "withdraw"]))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN


def _folds(page: str) -> dict[str, str]:
    """Each stage of the tab: "current" (shown in full), "open" or "folded" (a closed details)."""
    out = {}
    for stage, position, rest in re.findall(
        r'data-testid="stage" data-stage="(\w+)" data-position="(\w+)">\s*(<details[^>]*>)?', page
    ):
        out[stage] = (
            "current" if position == "current" else ("open" if " open" in rest else "folded")
        )
    return out


def test_only_the_current_stage_is_unfolded(kpbu: World) -> None:
    lead = login(kpbu, "lead_admin")
    folds = _folds(lead.get(tab(kpbu)).content.decode())
    assert folds["planning"] == "current"
    assert folds["preparation"] == folds["transaction"] == "folded"
    complete_planning(kpbu)
    p = kpbu.partnership
    p.refresh_from_db()
    lead.post(
        reverse("coordination:stage", args=[p.pk]), {"stage": "preparation", "version": p.version}
    )
    page = lead.get("/en" + tab(kpbu)).content.decode()
    folds = _folds(page)
    assert folds["planning"] == "folded" and folds["preparation"] == "current"
    assert "3 of 3 steps complete" in page  # the folded planning stage says how far it got
    assert 'data-testid="awaits-me"' not in page


def test_a_passed_stage_waiting_for_the_readers_sign_off_stays_open(kpbu: World) -> None:
    """A partnership moved on before its partners signed (recorded in Mitra mid-life): the NGO
    whose sign-off is missing sees that stage open, with a badge; the lead, who signed, does not."""
    file_document(kpbu, "preliminary_study")
    file_document(kpbu, "public_consultation")
    p = kpbu.partnership
    for step in ("kpbu.preliminary_study", "kpbu.public_consultation", "kpbu.listing"):
        services.sign_off(
            actor=kpbu.users["lead_admin"], partnership=p, step=step, decision="approve"
        )
    Partnership.objects.filter(pk=p.pk).update(stage="preparation")
    ngo_page = login(kpbu, "ngo_user").get(tab(kpbu)).content.decode()
    assert _folds(ngo_page)["planning"] == "open"
    assert 'data-testid="awaits-me"' in ngo_page and "menunggu persetujuan Anda" in ngo_page
    lead_page = login(kpbu, "lead_admin").get(tab(kpbu)).content.decode()
    assert _folds(lead_page)["planning"] == "folded"


def test_a_step_i_approved_does_not_wait_for_me_while_a_colleague_must_still_approve(
    kpbu: World,
) -> None:
    """The company needs two approvals (its admin's and its staff member's): once the admin has
    approved its steps of the transaction stage, that passed stage waits for the staff member,
    not for the admin."""
    both = [kpbu.users["company_admin"].pk, kpbu.users["member"].pk]
    services.approval_policy_set(
        actor=kpbu.users["company_admin"],
        organisation=kpbu.company,
        required_approvals=2,
        approver_ids=both,
        expected_version=None,
    )
    p = kpbu.partnership
    Partnership.objects.filter(pk=p.pk).update(stage="construction")
    for step in ("kpbu.signing", "kpbu.financial_close"):  # the company's transaction steps
        services.sign_off(
            actor=kpbu.users["company_admin"], partnership=p, step=step, decision="approve"
        )
    assert _folds(login(kpbu, "member").get(tab(kpbu)).content.decode())["transaction"] == "open"
    admin_page = login(kpbu, "company_admin").get(tab(kpbu)).content.decode()
    assert _folds(admin_page)["transaction"] == "folded"


def test_a_cancelled_partnership_calls_no_stage_a_later_one(kpbu: World) -> None:
    Partnership.objects.filter(pk=kpbu.partnership.pk).update(stage="cancelled")
    page = login(kpbu, "lead_admin").get("/en" + tab(kpbu).removeprefix("/en")).content.decode()
    assert "This partnership is cancelled." in page
    assert set(_folds(page).values()) == {"folded"} and "later stage" not in page


def test_a_refused_sign_off_keeps_its_stage_unfolded(kpbu: World) -> None:
    """The NGO signed a passed stage's step and now rejects it without a note: the answer is the
    tab with the error, and that stage stays open so the form is in sight."""
    file_document(kpbu, "public_consultation")
    p = kpbu.partnership
    services.sign_off(
        actor=kpbu.users["ngo_user"],
        partnership=p,
        step="kpbu.public_consultation",
        decision="approve",
    )
    Partnership.objects.filter(pk=p.pk).update(stage="preparation")
    ngo = login(kpbu, "ngo_user")
    assert _folds(ngo.get(tab(kpbu)).content.decode())["planning"] == "folded"
    answer = ngo.post(
        reverse("coordination:sign_off", args=[p.pk]),
        {"step": "kpbu.public_consultation", "decision": "reject", "note": ""},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'data-testid="sign-off-errors"' in page
    assert _folds(page)["planning"] == "open"
