"""API schemas of coordination: the lifecycle checklist, the stage move, sign-offs and
invitations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from mitra.accounts.schemas import InSchema
from mitra.partnerships.models import Role, Stage
from mitra.partnerships.schemas import MAX_ID

StageCode = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
RoleCode = Literal[tuple(r for r in Role.values if r != Role.LEAD)]  # type: ignore[valid-type]


class OutputOut(Schema):
    kind: str = Field(..., description="document, document_any (one of the types) or check.")
    codes: list[str] = Field(..., description="Document type codes, or the check's key.")
    label: str = Field(..., description="What is required, in the reader's language.")
    present: bool = Field(..., description="Whether it exists.")
    verified: bool = Field(
        ..., description="False: a figure no installed app can check (it does not hold the gate)."
    )


class PartySignOffOut(Schema):
    organisation_id: int = Field(..., description="The partner organisation.")
    organisation: str = Field(..., description="Its name.")
    status: str = Field(..., description="signed, pending or rejected.")
    approvals: int = Field(..., description="Approvals that count so far.")
    required: int = Field(..., description="Approvals its internal chain requires.")
    notes: list[str] = Field(..., description="Notes of the rejections.")


class PartyOut(Schema):
    party: str = Field(..., description="role:<code> or sector:<code>.")
    label: str = Field(..., description="The party, in the reader's language.")
    satisfied: bool = Field(..., description="One of its partners' sign-off counts.")
    partners: list[PartySignOffOut] = Field(..., description="The current partners of the party.")


class DeadlineExtensionOut(Schema):
    from_date: date = Field(..., description="The due date before this extension.")
    to_date: date = Field(..., description="The due date it set.")
    reason: str = Field(..., description="Why it was extended.")
    by: str | None = Field(None, description="Who extended it (name).")
    at: datetime = Field(..., description="When (ISO 8601).")


class DeadlineOut(Schema):
    due: date | None = Field(None, description="Due date (null until its start is reached).")
    original_due: date | None = Field(
        None, description="The due date the lifecycle sets, before any extension."
    )
    extensions: list[DeadlineExtensionOut] = Field(
        [], description="Its extensions by the lead partner, oldest first."
    )
    days_left: int | None = Field(None, description="Days left (negative: overdue).")
    level: str = Field(..., description="met, waiting, ok, warning or overdue.")
    source: str = Field(..., description="Legal source of the deadline.")
    extendable: bool = Field(..., description="Whether it may be extended.")


class StepOut(Schema):
    key: str = Field(..., description="Step key (stable).")
    label: str = Field(..., description="Step, in the reader's language.")
    source: str = Field(..., description="Legal source of the step.")
    complete: bool = Field(..., description="Outputs present and every party signed off.")
    outputs: list[OutputOut] = Field(..., description="Required outputs.")
    sign_offs: list[PartyOut] = Field(..., description="Required sign-offs.")
    deadline: DeadlineOut | None = Field(None, description="Deadline, when the step has one.")
    missing: list[str] = Field(..., description="What keeps the step open, in plain words.")


class LifecycleStageOut(Schema):
    stage: str = Field(..., description="Stage code.")
    label: str = Field(..., description="The stage as this lifecycle calls it.")
    position: str = Field(..., description="done, current or future.")
    complete: bool = Field(..., description="Every step complete.")
    steps: list[StepOut] = Field(..., description="Its steps.")


class LifecycleOut(Schema):
    lifecycle: str = Field(..., description="Which lifecycle (ppp, ppp_unsolicited, csr, ...).")
    label: str = Field(..., description="Its name.")
    sources: list[str] = Field(..., description="Regulations it follows.")
    stage: str = Field(..., description="The partnership's current stage.")
    version: int = Field(..., description="The partnership's version, for POST .../stage.")
    next_stage: str | None = Field(None, description="The one stage it may move forward to.")
    previous_stage: str | None = Field(None, description="The stage before, to go back to.")
    gate_open: bool = Field(..., description="Whether it may move forward now.")
    missing: list[str] = Field(..., description="What keeps the gate closed.")
    stages: list[LifecycleStageOut] = Field(..., description="Stages in order.")


class StageIn(InSchema):
    stage: StageCode = Field(..., description="The stage to move to.")
    version: int = Field(..., ge=1, le=MAX_ID, description="The partnership version read.")
    reason: str = Field("", max_length=2000, description="Why: required to go back or to cancel.")


class StageOut(Schema):
    id: int = Field(..., description="Partnership id.")
    stage: str = Field(..., description="The stage now.")
    stage_since: date | None = Field(None, description="In this stage since.")
    version: int = Field(..., description="Edit version.")


class GateClosedOut(Schema):
    detail: str | list[dict[str, object]] = Field(..., description="Why, or field errors.")
    missing: list[str] = Field([], description="What keeps the gate closed.")


class SignOffIn(InSchema):
    step: str = Field(..., min_length=1, max_length=80, description="The step key.")
    decision: Literal["approve", "reject"] = Field(..., description="approve or reject.")
    note: str = Field("", max_length=2000, description="Note; required to reject.")
    organisation_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Which of your organisations signs (when several)."
    )


class SignOffOut(Schema):
    id: int = Field(..., description="Sign-off id.")
    step: str = Field(..., description="Step key.")
    organisation_id: int = Field(..., description="The partner organisation that signs.")
    decision: str = Field(..., description="approve or reject.")
    note: str = Field(..., description="Note.")
    created_at: datetime = Field(..., description="When.")
    step_complete: bool = Field(..., description="Whether the step is now complete.")


class InvitationIn(InSchema):
    partnership_id: int = Field(..., ge=1, le=MAX_ID, description="The partnership.")
    organisation_id: int = Field(..., ge=1, le=MAX_ID, description="The organisation invited.")
    roles: list[RoleCode] = Field(..., min_length=1, description="Its roles once a partner.")
    message: str = Field("", max_length=2000, description="A message to its administrators.")


class InvitationAnswerIn(InSchema):
    message: str = Field("", max_length=2000, description="A message to the lead partner.")


class InvitationOut(Schema):
    id: int = Field(..., description="Invitation id.")
    partnership_id: int = Field(..., description="The partnership.")
    partnership: str = Field(..., description="Its title.")
    organisation_id: int = Field(..., description="The organisation invited.")
    organisation: str = Field(..., description="Its name.")
    roles: list[str] = Field(..., description="Roles offered.")
    message: str = Field(..., description="The lead's message.")
    status: str = Field(..., description="pending, accepted, declined or withdrawn.")
    response: str = Field(..., description="The answer's message.")
    member_id: int | None = Field(None, description="The partner created on acceptance.")
    created_at: datetime = Field(..., description="When invited.")
    responded_at: datetime | None = Field(None, description="When answered.")


class ApprovalPolicyIn(InSchema):
    required_approvals: int = Field(
        ..., ge=1, le=10, description="How many of its approvers must approve a step (1-10)."
    )
    approver_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        [],
        max_length=200,
        description=(
            "User ids of its designated approvers (users of the organisation), at least as many "
            "as approvals required; empty: its administrators approve."
        ),
    )
    version: int = Field(
        ..., ge=0, le=MAX_ID, description="The policy version read (0: it had none yet)."
    )


class ApprovalPolicyOut(Schema):
    organisation_id: int = Field(..., description="The organisation.")
    required_approvals: int = Field(..., description="Approvals required for its sign-off.")
    approver_ids: list[int] = Field(
        ..., description="Who approves: its designated approvers, or its administrators."
    )
    admins_approve: bool = Field(
        ..., description="True when nobody is designated: its administrators approve."
    )
    version: int = Field(..., description="Edit version (0: never set, the defaults apply).")
