"""API schemas of the workplan: tasks, meetings and decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from mitra.accounts.schemas import InSchema
from mitra.partnerships.schemas import Id

from .models import DecisionRule, Outcome, Position, TaskKind, TaskStatus

KindCode = Literal[tuple(TaskKind.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(TaskStatus.values)]  # type: ignore[valid-type]
PositionCode = Literal[tuple(Position.values)]  # type: ignore[valid-type]
RuleCode = Literal[tuple(DecisionRule.values)]  # type: ignore[valid-type]
OutcomeCode = Literal[tuple(Outcome.values)]  # type: ignore[valid-type]


class TaskOut(Schema):
    id: int = Field(..., description="Task id.")
    kind: KindCode = Field(..., description="task, or milestone (one date).")
    title: str = Field(..., description="Title.")
    description: str = Field("", description="Description.")
    member_id: int | None = Field(None, description="The partner responsible (membership id).")
    partner: str | None = Field(None, description="The partner organisation's name.")
    assignee_id: int | None = Field(None, description="The person responsible (user id).")
    start_date: date = Field(..., description="Start date.")
    due_date: date = Field(..., description="Due date (a milestone: its start date).")
    status: StatusCode = Field(..., description="not_started, in_progress, done or blocked.")
    depends_on: list[int] = Field(..., description="Tasks that must end before this one starts.")
    lifecycle_step: str = Field("", description="The lifecycle step it serves (a step key).")
    decision_id: int | None = Field(None, description="The decision it is an action item of.")
    version: int = Field(..., description="Edit version, for the next update.")


class TaskIn(InSchema):
    kind: KindCode = Field("task", description="task, or milestone (one date).")
    title: str = Field(..., min_length=1, max_length=200, description="Title.")
    description: str = Field("", max_length=10000, description="Description.")
    member_id: Id | None = Field(None, description="The partner responsible (membership id).")
    assignee_id: Id | None = Field(
        None, description="The person responsible (user id, of a partner organisation)."
    )
    start_date: date = Field(..., description="Start date (YYYY-MM-DD).")
    due_date: date | None = Field(None, description="Due date; a milestone may leave it out.")
    status: StatusCode = Field("not_started", description="Status.")
    depends_on: list[Id] = Field(
        [], max_length=200, description="Ids of tasks that must end before this one starts."
    )
    lifecycle_step: str = Field("", max_length=80, description="The lifecycle step it serves.")


class TaskPatchIn(InSchema):
    version: int = Field(..., ge=1, description="The version you read; a stale one answers 409.")
    kind: KindCode | None = Field(None, description="task or milestone.")
    title: str | None = Field(None, min_length=1, max_length=200, description="Title.")
    description: str | None = Field(None, max_length=10000, description="Description.")
    member_id: Id | None = Field(None, description="The partner responsible.")
    assignee_id: Id | None = Field(None, description="The person responsible.")
    start_date: date | None = Field(None, description="Start date.")
    due_date: date | None = Field(None, description="Due date.")
    status: StatusCode | None = Field(None, description="Status.")
    depends_on: list[Id] | None = Field(
        None, max_length=200, description="Replaces the dependencies when given."
    )
    lifecycle_step: str | None = Field(None, max_length=80, description="Lifecycle step.")


class PositionOut(Schema):
    member_id: int = Field(..., description="The partner (membership id).")
    partner: str = Field(..., description="The partner organisation's name.")
    position: PositionCode = Field(..., description="agree, disagree or abstain.")
    equity_share: Decimal | None = Field(None, description="Its equity share (%), if recorded.")


class DecisionOut(Schema):
    id: int = Field(..., description="Decision id.")
    meeting_id: int = Field(..., description="The meeting.")
    title: str = Field(..., description="The decision.")
    description: str = Field("", description="Details.")
    rule: RuleCode = Field(..., description="The rule in force when it was taken.")
    outcome: OutcomeCode = Field(..., description="adopted or rejected.")
    sentence: str = Field(..., description="The outcome in plain words (request language).")
    positions: list[PositionOut] = Field(..., description="Each partner's recorded position.")
    action_items: list[TaskOut] = Field(..., description="Its action items (workplan tasks).")


class ActionItemIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200, description="What is to be done.")
    member_id: Id | None = Field(None, description="The partner responsible.")
    assignee_id: Id | None = Field(None, description="The person responsible.")
    start_date: date = Field(..., description="Start date.")
    due_date: date = Field(..., description="Due date.")


class PositionIn(InSchema):
    member_id: Id = Field(..., description="The partner (membership id).")
    position: PositionCode = Field(..., description="agree, disagree or abstain.")


class DecisionIn(InSchema):
    title: str = Field(..., min_length=1, max_length=300, description="The decision.")
    description: str = Field("", max_length=10000, description="Details.")
    positions: list[PositionIn] = Field(
        ..., min_length=1, max_length=200, description="The partners' positions."
    )
    action_items: list[ActionItemIn] = Field(
        [], max_length=50, description="Action items: they become workplan tasks."
    )


class MeetingOut(Schema):
    id: int = Field(..., description="Meeting id.")
    title: str = Field(..., description="Title.")
    starts_at: datetime = Field(..., description="Start (ISO 8601).")
    ends_at: datetime | None = Field(None, description="End.")
    place: str = Field("", description="Place.")
    online_url: str = Field("", description="Online meeting link.")
    agenda: str = Field("", description="Agenda.")
    minutes: str = Field("", description="Minutes (notulen).")
    berita_acara_id: int | None = Field(None, description="The berita acara (document id).")
    attending_member_ids: list[int] = Field(..., description="Attending partners.")
    attendee_ids: list[int] = Field(..., description="Attending people (user ids).")
    decisions: list[DecisionOut] = Field(..., description="Decisions taken at it.")
    version: int = Field(..., description="Edit version.")


class MeetingIn(InSchema):
    title: str = Field(..., min_length=1, max_length=200, description="Title.")
    starts_at: datetime = Field(..., description="Start (ISO 8601, with its time zone).")
    ends_at: datetime | None = Field(None, description="End.")
    place: str = Field("", max_length=200, description="Place.")
    online_url: str = Field("", max_length=500, description="Online meeting link (https://...).")
    agenda: str = Field("", max_length=20000, description="Agenda.")
    minutes: str = Field("", max_length=100000, description="Minutes (notulen).")
    berita_acara_id: Id | None = Field(None, description="A document of the partnership.")
    attending_member_ids: list[Id] = Field([], max_length=200, description="Attending partners.")
    attendee_ids: list[Id] = Field(
        [], max_length=500, description="Attending people (of the partner organisations)."
    )

    @field_validator("starts_at", "ends_at", mode="before")
    @classmethod
    def _moment_is_not_a_number(cls, value: object) -> object:
        # pydantic would read a bare number as a Unix time; the schema promises ISO 8601
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError("A moment is written in ISO 8601, e.g. 2026-12-31T09:00:00+07:00.")
        return value
