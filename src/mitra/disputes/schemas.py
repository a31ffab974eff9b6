"""API schemas of disputes, grievances, political events and the exposure score."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from mitra.accounts.schemas import InSchema
from mitra.partnerships.schemas import Id, Version

from .models import DisputeType, EventKind

TypeCode = Literal[tuple(DisputeType.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(EventKind.values)]  # type: ignore[valid-type]


class DisputeStepOut(Schema):
    rung: str = Field(
        ..., description="negotiation, steering, expert, mediation, arbitration or court."
    )
    days: int = Field(..., description="Deadline of the step in days.")


class DisputeOut(Schema):
    id: int = Field(..., description="Dispute id.")
    partnership: int = Field(..., description="Partnership id.")
    title: str = Field(..., description="Title.")
    description: str = Field(..., description="What is disputed.")
    dispute_type: str = Field(
        ...,
        description="objectives, resources, procedure, performance, payment or grievance.",
    )
    parties: list[int] = Field(..., description="Partners involved (membership ids).")
    other_parties: str = Field(..., description="Communities or people who are not partners.")
    confidential: bool = Field(..., description="True: only the partners involved see it.")
    ladder: list[DisputeStepOut] = Field(..., description="The escalation ladder, in order.")
    rung: int = Field(..., description="Index of the current step in the ladder.")
    step: str = Field(..., description="The current step.")
    deadline: datetime.datetime | None = Field(
        None, description="Deadline of the current step (open disputes)."
    )
    overdue: bool = Field(..., description="The current step's deadline has passed.")
    status: str = Field(..., description="open or resolved.")
    outcome: str = Field(..., description="How it was settled (resolved disputes).")
    lessons: str = Field(..., description="Lessons learned.")
    documents: list[int] = Field(..., description="Linked partnership documents (ids).")
    grievance: str | None = Field(None, description="Reference of the grievance it handles.")
    version: int = Field(..., description="Edit version: send it back with an escalation.")


class DisputeIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200, description="Title.")
    dispute_type: TypeCode = Field(..., description="The type of dispute.")  # type: ignore[valid-type]
    description: str = Field("", max_length=20000, description="What is disputed.")
    parties: list[Id] = Field(
        default_factory=list, max_length=100, description="Partners involved (membership ids)."
    )
    other_parties: str = Field(
        "", max_length=5000, description="Communities or people who are not partners."
    )
    confidential: StrictBool = Field(False, description="Only the partners involved see it.")
    documents: list[Id] = Field(
        default_factory=list, max_length=100, description="Partnership documents (ids)."
    )


class DisputeUpdateIn(InSchema):
    """Only the fields sent change. `version` is the one you read (409 when stale). A resolved
    dispute changes only its lessons learned and documents (422 for any other change); an open
    one has no lessons learned yet (given when resolving)."""

    version: Version = Field(..., description="The version you read.")
    title: str = Field(None, min_length=1, max_length=200, description="Title.")
    dispute_type: TypeCode = Field(None, description="The type of dispute.")  # type: ignore[valid-type]
    description: str = Field(None, max_length=20000, description="What is disputed.")
    parties: list[Id] = Field(
        None,
        max_length=100,
        description="Partners involved (membership ids): the whole list, replacing the stored "
        "one. A confidential dispute keeps at least one.",
    )
    other_parties: str = Field(
        None, max_length=5000, description="Communities or people who are not partners."
    )
    confidential: StrictBool = Field(None, description="Only the partners involved see it.")
    documents: list[Id] = Field(
        None,
        max_length=100,
        description="Partnership documents (ids): the whole list, replacing the stored one "
        "(documents you may not see stay linked).",
    )
    lessons: str = Field(None, max_length=20000, description="Lessons learned (resolved only).")


class DisputeEscalateIn(InSchema):
    reason: str = Field("", max_length=5000, description="Why go up a step.")
    version: Version = Field(..., description="The version the escalation was made on.")


class DisputeResolveIn(InSchema):
    outcome: str = Field(..., min_length=1, max_length=20000, description="How it was settled.")
    lessons: str = Field("", max_length=20000, description="Lessons learned.")
    version: Version = Field(..., description="The version the resolution was made on.")


class GrievanceIn(InSchema):
    description: str = Field(..., min_length=1, max_length=5000, description="What happened.")
    name: str = Field("", max_length=120, description="Name (optional).")
    contact: str = Field(
        "", max_length=200, description="Phone or e-mail (optional); never shown publicly."
    )
    desa: str = Field("", max_length=120, description="Village (desa or kelurahan), optional.")


class GrievanceOut(Schema):
    reference: str = Field(..., description="Keep it to follow the grievance.")
    status: str = Field(..., description="received, acknowledged, in_progress or closed.")
    status_url: str = Field(..., description="The public status page.")
    acknowledge_by: datetime.datetime = Field(
        ..., description="The designated partner must acknowledge it by then."
    )


class PoliticalEventIn(InSchema):
    kind: KindCode = Field(..., description="The kind of event.")  # type: ignore[valid-type]
    title: str = Field(..., min_length=1, max_length=200, description="Title.")
    date: datetime.date = Field(..., description="Date of the event.")
    description: str = Field("", max_length=5000, description="Description.")
    region: str = Field("", max_length=120, description="Region; empty for a national event.")
    source: str = Field("", max_length=200, description="Source (URL).")
    partnerships: list[Id] = Field(
        default_factory=list,
        max_length=100,
        description="Partnerships it affects (the caller's, or any for platform staff).",
    )


class PoliticalEventOut(Schema):
    id: int = Field(..., description="Event id.")
    kind: str = Field(
        ..., description="election, head_change, regulation, budget_cut or change_in_law."
    )
    title: str = Field(..., description="Title.")
    date: datetime.date = Field(..., description="Date of the event.")
    description: str = Field(..., description="Description.")
    region: str = Field(..., description="Region; empty for a national event.")
    source: str = Field(..., description="Source (URL).")
    partnerships: list[int] = Field(..., description="Affected partnerships the caller may see.")


class ExposureReasonOut(Schema):
    key: str = Field(..., description="discretionary, elections, official or safeguards.")
    label: str = Field(..., description="The reason in words.")
    weight: int = Field(..., description="Points the reason adds at most.")
    value: float = Field(..., description="How much of the weight applies, 0–1.")
    points: float = Field(..., description="weight × value.")
    detail: str = Field(..., description="Where the value comes from.")


class ExposureOut(Schema):
    partnership: int = Field(..., description="Partnership id.")
    score: int = Field(..., description="0–100: the sum of the reasons' points.")
    level: str = Field(..., description="low, medium or high.")
    sentence: str = Field(..., description="The score in plain words.")
    election_years: list[int] = Field(..., description="Election years inside the contract.")
    reasons: list[ExposureReasonOut] = Field(..., description="The reasons of the score.")
