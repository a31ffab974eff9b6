"""The coordination API, mounted under /api/v1/ in config/api.py (pinned paths, issue 14).

- ``GET /partnerships/{id}/lifecycle``: stages, steps, outputs, sign-offs and what is missing
  (partners and platform staff).
- ``POST /partnerships/{id}/stage`` ``{"stage", "version", "reason"}``: one stage forward when
  the gate is open (422 with ``missing`` otherwise), back or to cancelled with a reason; 409 on
  a stale version. The lead partner's administrators.
- ``POST /partnerships/{id}/sign-offs`` ``{"step", "decision", "note"}``: a designated approver
  of a required partner.
- ``GET|POST /invitations``, ``POST /invitations/{id}/accept|decline``: the lead invites (202:
  the organisation is not a partner until its administrators accept).
- ``GET|PUT /organisations/{id}/approval-policy``: how an organisation signs off (approvals
  required, designated approvers); its administrators (and platform staff) set it, 409 on a
  stale version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Path, Router, Status

from mitra.accounts.schemas import ERRORS, StaleOut
from mitra.core.errors import NotFound
from mitra.organisations import selectors as organisation_selectors
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import selectors, services
from .models import ApprovalPolicy, Invitation
from .schemas import (
    ApprovalPolicyIn,
    ApprovalPolicyOut,
    GateClosedOut,
    InvitationAnswerIn,
    InvitationIn,
    InvitationOut,
    LifecycleOut,
    SignOffIn,
    SignOffOut,
    StageIn,
    StageOut,
)

router = Router(tags=["Coordination"])

#: Render `StaleEdit.current` of this app's models as their GET shows them.
STALE_RENDERERS: dict[type, Any] = {}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _field_lookup(field: str, lookup: Any, **kwargs: Any) -> Any:
    """An id in the body that points nowhere (or somewhere invisible) is a field error (422)."""
    try:
        return lookup(**kwargs)
    except NotFound as exc:
        raise ValidationError({field: exc.message}) from None


def lifecycle_out(state: selectors.LifecycleState) -> dict[str, Any]:
    p = state.partnership
    return {
        "lifecycle": state.lifecycle.key,
        "label": str(state.lifecycle.label),
        "sources": list(state.lifecycle.sources),
        "stage": p.stage,
        "version": p.version,
        "next_stage": state.next_stage,
        "previous_stage": state.previous_stage,
        "gate_open": state.gate_open,
        "missing": state.missing(),
        "stages": [
            {
                "stage": st.stage,
                "label": str(st.lstage.label),
                "position": st.position,
                "complete": st.complete,
                "steps": [
                    {
                        "key": s.step.key,
                        "label": str(s.step.label),
                        "source": s.step.source,
                        "complete": s.complete,
                        "outputs": [
                            {
                                "kind": o.kind,
                                "codes": list(o.codes),
                                "label": o.label,
                                "present": o.present,
                                "verified": o.verified,
                            }
                            for o in s.outputs
                        ],
                        "sign_offs": [
                            {
                                "party": party.party.key,
                                "label": party.party.label,
                                "satisfied": party.satisfied,
                                "partners": [
                                    {
                                        "organisation_id": m.member.organisation_id,
                                        "organisation": m.member.organisation.name,
                                        "status": m.status,
                                        "approvals": len(m.approvals),
                                        "required": m.required,
                                        "notes": [r.note for r in m.rejections],
                                    }
                                    for m in party.members
                                ],
                            }
                            for party in s.parties
                        ],
                        "deadline": (
                            {
                                "due": s.deadline.due,
                                "days_left": s.deadline.days_left,
                                "level": s.deadline.level,
                                "source": s.deadline.source,
                                "extendable": s.deadline.extendable,
                                "original_due": s.deadline.original_due,
                                "extensions": [
                                    {
                                        "from_date": e.from_date,
                                        "to_date": e.to_date,
                                        "reason": e.reason,
                                        "by": (
                                            e.actor.get_full_name() or e.actor.get_username()
                                            if e.actor
                                            else None
                                        ),
                                        "at": e.created_at,
                                    }
                                    for e in s.deadline.extensions
                                ],
                            }
                            if s.deadline
                            else None
                        ),
                        "missing": s.missing(),
                    }
                    for s in st.steps
                ],
            }
            for st in state.stages
        ],
    }


def _invitation_out(i: Invitation) -> dict[str, Any]:
    return {
        "id": i.pk,
        "partnership_id": i.partnership_id,
        "partnership": i.partnership.title,
        "organisation_id": i.organisation_id,
        "organisation": i.organisation.name,
        "roles": list(i.roles),
        "message": i.message,
        "status": i.status,
        "response": i.response,
        "member_id": i.member_id,
        "created_at": i.created_at,
        "responded_at": i.responded_at,
    }


@router.get(
    "/partnerships/{partnership_id}/lifecycle",
    response={200: LifecycleOut, **ERRORS},
    summary="The lifecycle checklist and gate of a partnership",
)
def lifecycle_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Partners and platform staff: stages, steps, required outputs and sign-offs, what is
    missing, deadlines."""
    partnership = partnership_get(user=request.user, pk=partnership_id)
    return lifecycle_out(selectors.lifecycle_get(user=request.user, partnership=partnership))


@router.post(
    "/partnerships/{partnership_id}/stage",
    response={200: StageOut, 409: StaleOut, **ERRORS, 422: GateClosedOut},
    summary="Move the stage through the gate",
)
def stage_move(
    request: HttpRequest, payload: StageIn, partnership_id: int = _id("Partnership")
) -> Any:
    """The lead partner's administrators: one stage forward when the gate is open (422 with
    `missing` when it is closed or the jump is longer); back, or to cancelled, with a `reason`.
    A stale `version` answers 409."""
    partnership: Partnership = partnership_get(user=request.user, pk=partnership_id)
    saved = services.stage_move(
        actor=request.user,
        partnership=partnership,
        stage=payload.stage,
        expected_version=payload.version,
        reason=payload.reason,
    )
    return {
        "id": saved.pk,
        "stage": saved.stage,
        "stage_since": saved.stage_since,
        "version": saved.version,
    }


@router.post(
    "/partnerships/{partnership_id}/sign-offs",
    response={201: SignOffOut, **ERRORS},
    summary="Approve or reject a step",
)
def sign_off_create(
    request: HttpRequest, payload: SignOffIn, partnership_id: int = _id("Partnership")
) -> Any:
    """A designated approver (an administrator by default) of a partner that must sign the
    step off. A rejection needs a `note`."""
    partnership = partnership_get(user=request.user, pk=partnership_id)
    record = services.sign_off(
        actor=request.user,
        partnership=partnership,
        step=payload.step,
        decision=payload.decision,
        note=payload.note,
        organisation_id=payload.organisation_id,
    )
    state = selectors.lifecycle_state(partnership=partnership)
    step = state.step(record.step)
    return Status(
        201,
        {
            "id": record.pk,
            "step": record.step,
            "organisation_id": record.member.organisation_id,
            "decision": record.decision,
            "note": record.note,
            "created_at": record.created_at,
            "step_complete": bool(step and step.complete),
        },
    )


@router.get(
    "/invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="Invitations to your organisations and from partnerships you lead",
)
def invitation_list(request: HttpRequest) -> Any:
    return [_invitation_out(i) for i in selectors.invitations_for_user(user=request.user)]


@router.post(
    "/invitations",
    response={202: InvitationOut, **ERRORS},
    summary="Invite an organisation to a partnership",
)
def invitation_create(request: HttpRequest, payload: InvitationIn) -> Any:
    """The lead partner's administrators. Answers 202: the organisation becomes a partner only
    when one of its administrators accepts."""
    partnership = _field_lookup(
        "partnership_id", partnership_get, user=request.user, pk=payload.partnership_id
    )
    organisation = _field_lookup(
        "organisation_id", organisation_selectors.organisation_get, pk=payload.organisation_id
    )
    invitation = services.invitation_create(
        actor=request.user,
        partnership=partnership,
        organisation=organisation,
        roles=list(payload.roles),
        message=payload.message,
    )
    return Status(202, _invitation_out(invitation))


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: InvitationOut, **ERRORS},
    summary="Accept an invitation",
)
def invitation_accept(
    request: HttpRequest,
    payload: InvitationAnswerIn | None = None,
    invitation_id: int = _id("Invitation"),
) -> Any:
    """An administrator of the invited organisation: it becomes a partner."""
    invitation = selectors.invitation_get(user=request.user, pk=invitation_id)
    saved = services.invitation_accept(
        actor=request.user, invitation=invitation, message=payload.message if payload else ""
    )
    return _invitation_out(saved)


@router.post(
    "/invitations/{invitation_id}/decline",
    response={200: InvitationOut, **ERRORS},
    summary="Decline an invitation",
)
def invitation_decline(
    request: HttpRequest,
    payload: InvitationAnswerIn | None = None,
    invitation_id: int = _id("Invitation"),
) -> Any:
    """An administrator of the invited organisation, with an optional message."""
    invitation = selectors.invitation_get(user=request.user, pk=invitation_id)
    saved = services.invitation_decline(
        actor=request.user, invitation=invitation, message=payload.message if payload else ""
    )
    return _invitation_out(saved)


def _policy_out(view: selectors.PolicyView) -> dict[str, Any]:
    return {
        "organisation_id": view.organisation.pk,
        "required_approvals": view.required_approvals,
        "approver_ids": [u.pk for u in view.approvers],
        "admins_approve": view.admins_approve,
        "version": view.version,
    }


@router.get(
    "/organisations/{organisation_id}/approval-policy",
    response={200: ApprovalPolicyOut, **ERRORS},
    summary="How an organisation signs lifecycle steps off",
)
def approval_policy_get(request: HttpRequest, organisation_id: int = _id("Organisation")) -> Any:
    """The organisation's users and platform staff."""
    organisation = organisation_selectors.organisation_get(pk=organisation_id)
    return _policy_out(selectors.approval_policy_get(user=request.user, organisation=organisation))


@router.put(
    "/organisations/{organisation_id}/approval-policy",
    response={200: ApprovalPolicyOut, 409: StaleOut, **ERRORS},
    summary="Set how an organisation signs lifecycle steps off",
)
def approval_policy_set(
    request: HttpRequest, payload: ApprovalPolicyIn, organisation_id: int = _id("Organisation")
) -> Any:
    """Its administrators and platform staff. Fewer designated approvers than approvals
    required, or (nobody designated) more approvals than it has administrators, is a 422 field
    error; a stale `version` answers 409."""
    organisation = organisation_selectors.organisation_get(pk=organisation_id)
    services.approval_policy_set(
        actor=request.user,
        organisation=organisation,
        required_approvals=payload.required_approvals,
        approver_ids=list(payload.approver_ids),
        expected_version=payload.version,
    )
    return _policy_out(selectors.approval_policy_get(user=request.user, organisation=organisation))


STALE_RENDERERS[ApprovalPolicy] = lambda request, policy: _policy_out(
    selectors.approval_policy_get(user=request.user, organisation=policy.organisation)
)
