"""The pinned coordination API: lifecycle, stage, sign-offs, invitations; PATCH cannot jump."""

from __future__ import annotations

import pytest

from mitra.notifications.models import Notification
from tests.api.conftest import API, client_for
from tests.conftest import World
from tests.coordination.conftest import complete_planning, file_document

pytestmark = pytest.mark.django_db


def test_the_lifecycle_lists_stages_steps_and_what_is_missing(kpbu: World) -> None:
    file_document(kpbu, "preliminary_study")
    body = (
        client_for(kpbu, "lead_admin")
        .get_json(f"{API}/partnerships/{kpbu.partnership.pk}/lifecycle", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert (body["lifecycle"], body["stage"], body["next_stage"], body["gate_open"]) == (
        "ppp",
        "planning",
        "preparation",
        False,
    )
    assert [s["stage"] for s in body["stages"]] == [
        "planning",
        "preparation",
        "transaction",
        "construction",
        "operation",
        "closed",
    ]
    first = body["stages"][0]["steps"][0]
    assert first["key"] == "kpbu.preliminary_study"
    assert first["outputs"] == [
        {
            "kind": "document",
            "codes": ["preliminary_study"],
            "label": first["outputs"][0]["label"],
            "present": True,
            "verified": True,
        }
    ]
    assert first["sign_offs"][0]["party"] == "role:contracting_agency"
    assert first["sign_offs"][0]["partners"][0]["status"] == "pending"
    assert body["missing"]
    close = body["stages"][2]["steps"][-1]
    assert close["key"] == "kpbu.financial_close"
    assert close["deadline"]["level"] == "waiting"
    # an outsider does not see it
    outsider = client_for(kpbu, "outsider").get_json(
        f"{API}/partnerships/{kpbu.partnership.pk}/lifecycle"
    )
    assert outsider.status_code == 404


def test_a_jump_from_planning_to_operation_is_refused(kpbu: World) -> None:
    client = client_for(kpbu, "lead_admin")
    p = kpbu.partnership
    url = f"{API}/partnerships/{p.pk}/stage"
    jump = client.post_json(url, {"stage": "operation", "version": p.version})
    assert jump.status_code == 422
    assert jump.json()["missing"]
    assert jump.json()["errors"][0]["loc"] == ["body", "payload", "stage"]
    # nor through the partnership's own PATCH
    patched = client.patch_json(
        f"{API}/partnerships/{p.pk}", {"stage": "operation", "version": p.version}
    )
    assert patched.status_code == 422
    assert patched.json()["detail"][0]["loc"] == ["body", "payload", "stage"]
    p.refresh_from_db()
    assert p.stage == "planning"


def test_sign_offs_open_the_gate_and_the_stage_moves(kpbu: World) -> None:
    p = kpbu.partnership
    file_document(kpbu, "preliminary_study")
    file_document(kpbu, "public_consultation")
    lead = client_for(kpbu, "lead_admin")
    ngo = client_for(kpbu, "ngo_user")
    url = f"{API}/partnerships/{p.pk}/sign-offs"
    for step in ("kpbu.preliminary_study", "kpbu.public_consultation", "kpbu.listing"):
        answer = lead.post_json(url, {"step": step, "decision": "approve"})
        assert answer.status_code == 201, answer.content
    refused = ngo.post_json(url, {"step": "kpbu.public_consultation", "decision": "reject"})
    assert refused.status_code == 422  # a rejection says why
    signed = ngo.post_json(url, {"step": "kpbu.public_consultation", "decision": "approve"})
    assert signed.json()["step_complete"] is True
    p.refresh_from_db()
    stale = lead.post_json(
        f"{API}/partnerships/{p.pk}/stage", {"stage": "preparation", "version": p.version + 1}
    )
    assert stale.status_code == 409
    moved = lead.post_json(
        f"{API}/partnerships/{p.pk}/stage", {"stage": "preparation", "version": p.version}
    )
    assert moved.status_code == 200
    assert moved.json()["stage"] == "preparation"
    back = lead.post_json(
        f"{API}/partnerships/{p.pk}/stage",
        {"stage": "planning", "version": moved.json()["version"]},
    )
    assert back.status_code == 422
    assert back.json()["detail"][0]["loc"] == ["body", "payload", "reason"]


def test_invitations_through_the_api(kpbu: World) -> None:
    lead = client_for(kpbu, "lead_admin")
    outsider = client_for(kpbu, "outsider")
    sent = lead.post_json(
        f"{API}/invitations",
        {
            "partnership_id": kpbu.partnership.pk,
            "organisation_id": kpbu.outsider_org.pk,
            "roles": ["research_partner"],
            "message": "Join the traffic study",
        },
    )
    assert sent.status_code == 202
    invitation = sent.json()
    assert (invitation["status"], invitation["member_id"]) == ("pending", None)
    listed = outsider.get_json(f"{API}/invitations").json()
    assert [i["id"] for i in listed] == [invitation["id"]]
    # the invited organisation is no partner yet: the partnership is hidden from it
    assert outsider.get_json(f"{API}/partnerships/{kpbu.partnership.pk}").status_code == 404
    assert lead.post_json(f"{API}/invitations/{invitation['id']}/accept", {}).status_code == 403
    declined = outsider.post_json(
        f"{API}/invitations/{invitation['id']}/decline", {"message": "Not this year"}
    )
    assert declined.json()["status"] == "declined"
    assert Notification.objects.filter(kind="coordination.invitation_declined").exists()
    again = outsider.post_json(f"{API}/invitations/{invitation['id']}/accept", {})
    assert again.status_code == 400


def test_complete_planning_helper_opens_the_gate(kpbu: World) -> None:
    complete_planning(kpbu)
    body = (
        client_for(kpbu, "lead_admin")
        .get_json(f"{API}/partnerships/{kpbu.partnership.pk}/lifecycle")
        .json()
    )
    assert body["gate_open"] is True and body["missing"] == []
