"""API schemas of notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from .kinds import message


class NotificationOut(Schema):
    id: int = Field(..., description="Notification id.")
    kind: str = Field(..., description="What happened, as '<app>.<event>'.")
    message: str = Field(..., description="The sentence, in the request language.")
    url: str = Field("", description="The page it is about (a path on this site).")
    partnership_id: int | None = Field(None, description="The partnership it is about, if any.")
    actor: str | None = Field(None, description="Who did it (name), if a person did.")
    created_at: datetime = Field(..., description="When (ISO 8601).")
    read: bool = Field(..., description="Whether the caller has read it.")
    read_at: datetime | None = Field(None, description="When it was read.")

    @staticmethod
    def resolve_message(obj: Any) -> str:
        return message(obj.kind, obj.params)

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()
