"""Reading the audit trail kept by django-simple-history: who, when, old → new."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
_IGNORED = {"updated_at", "created_at", "version", "id"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    action_label: str
    object_type: str
    object_label: str
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)
    #: The user who made the change (None for the system), to name their organisation later.
    user_id: int | None = None


def person_name(user: Any) -> str:
    """How a person is named in the history: their full name; the login only when none is set."""
    if user is None:
        return str(_("system"))
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def with_organisations(
    entries: Iterable[HistoryEntry], organisations: Mapping[int, str]
) -> list[HistoryEntry]:
    """The entries with each person's organisation after their name (``organisations``: user id
    → organisation name, built by the caller, which knows which organisation matters here)."""
    return [
        replace(e, who=f"{e.who} ({organisations[e.user_id]})")
        if e.user_id is not None and e.user_id in organisations
        else e
        for e in entries
    ]


def _display(record: Any, model_field: models.Field[Any, Any]) -> str:
    value = getattr(record, model_field.attname, None)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return f"#{value}"
    return str(value)


def _tracked_fields(history_model: type[models.Model]) -> list[models.Field[Any, Any]]:
    instance_model = history_model.instance_type  # type: ignore[attr-defined]
    names = {f.name for f in instance_model._meta.concrete_fields} - _IGNORED
    # modeltranslation keeps the original column (title) beside title_ind/title_en and fills
    # it with whatever language was active at save time: diffing it would report false changes.
    names -= {n for n in names if f"{n}_ind" in names}
    return [f for f in history_model._meta.concrete_fields if f.name in names]


def entries_from_records(
    records: Iterable[Any],
    *,
    object_type: str,
    label: Callable[[Any], str] | None = None,
) -> list[HistoryEntry]:
    """Turn historical records of one model (any order) into entries with field diffs.

    Diffs are computed in Python against the previous record of the same object, so building the
    History tab costs one query per history table whatever the number of edits.
    """
    by_object: dict[Any, list[Any]] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    entries: list[HistoryEntry] = []
    for object_records in by_object.values():
        object_records.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in object_records:
            tracked = _tracked_fields(type(record))
            changes: list[FieldChange] = []
            for model_field in tracked:
                new = _display(record, model_field)
                old = _display(previous, model_field) if previous is not None else "—"
                if record.history_type == "-":
                    continue
                if previous is None and new == "—":
                    continue
                if old != new:
                    field_label = str(model_field.verbose_name)
                    changes.append(FieldChange(model_field.name, field_label, old, new))
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=person_name(user),
                    action=record.history_type,
                    action_label=str(_ACTIONS[record.history_type]),
                    object_type=object_type,
                    object_label=label(record) if label else f"#{record.id}",
                    version=getattr(record, "version", None),
                    changes=changes,
                    user_id=user.pk if user is not None else None,
                )
            )
            previous = record
    return entries


def changes_since(instance: models.Model, version: int) -> list[dict[str, Any]]:
    """What changed on `instance` after `version` (for a stale-edit message): plain dicts."""
    records = list(
        instance.history.select_related("history_user").order_by("history_date", "history_id")  # type: ignore[attr-defined]
    )
    entries = entries_from_records(records, object_type=str(type(instance)._meta.verbose_name))
    result: list[dict[str, Any]] = []
    for entry in entries:
        if entry.version is not None and entry.version > version:
            for change in entry.changes:
                result.append(
                    {
                        "who": entry.who,
                        "when": entry.when.isoformat(),
                        "version": entry.version,
                        "field": change.field,
                        "label": change.label,
                        "old": change.old,
                        "new": change.new,
                    }
                )
    return result
