"""Reading the audit trail kept by django-simple-history: who, when, old → new."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .money import format_number

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


def short_date(value: date) -> str:
    """A date as pages write it in the active language (07-12-2026 / 07/12/2026), for labels."""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


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


def _display(
    record: Any,
    model_field: models.Field[Any, Any],
    people: Mapping[int, str],
    related: Mapping[str, Mapping[Any, str]] | None = None,
) -> str:
    """A field's value as the reader reads it elsewhere in the product: in their language and
    time zone (dates day first, amounts grouped), a person by name (``people``: user id → name),
    JSON as JSON. Another related object is named only where the caller, which knows what the
    reader may see, names it (``related``: field name → {id: name}); else it stays ``#id``."""
    value = getattr(record, model_field.attname, None)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        if _is_user_field(model_field) and value in people:
            return people[value]
        names = (related or {}).get(model_field.name, {})
        return names.get(value, f"#{value}")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, Decimal) and value.is_finite():
        if isinstance(model_field, models.DecimalField):
            places = model_field.decimal_places or 0
        else:  # core.fields.FixedDecimalField: the places it holds (two)
            places = max(0, -int(value.as_tuple().exponent))
        return format_number(value, places=places)
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _raw(record: Any, model_field: models.Field[Any, Any]) -> Any:
    """A field's stored value, with empty text as no value (both are shown as "—")."""
    value = getattr(record, model_field.attname, None)
    return None if value == "" else value


def _is_user_field(model_field: models.Field[Any, Any]) -> bool:
    return model_field.related_model is get_user_model()


def _people(records: list[Any], tracked: list[models.Field[Any, Any]]) -> dict[int, str]:
    """The names of the people the records point to (one query, none when there are none)."""
    user_fields = [
        f.attname for f in tracked if isinstance(f, models.ForeignKey) and _is_user_field(f)
    ]
    ids = {getattr(r, name) for r in records for name in user_fields} - {None}
    if not ids:
        return {}
    return {u.pk: person_name(u) for u in get_user_model().objects.filter(pk__in=ids)}


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
    related: Mapping[str, Mapping[Any, str]] | None = None,
) -> list[HistoryEntry]:
    """Turn historical records of one model (any order) into entries with field diffs.

    Diffs are computed in Python against the previous record of the same object, so building the
    History tab costs one query per history table whatever the number of edits (and one more for
    the names of the people its fields point to, when they point to any). Values are compared as
    stored and written as the reader reads them (:func:`_display`); ``related`` names the other
    related items the reader may see (field name → {id: name}).
    """
    records = list(records)
    if not records:
        return []
    tracked = _tracked_fields(type(records[0]))
    people = _people(records, tracked)
    by_object: dict[Any, list[Any]] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    entries: list[HistoryEntry] = []
    for object_records in by_object.values():
        object_records.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in object_records:
            changes: list[FieldChange] = []
            for model_field in tracked:
                if record.history_type == "-":
                    continue
                # compared as stored (a display may round: minutes, decimals), shown as read
                value = _raw(record, model_field)
                if previous is None and value is None:
                    continue
                if previous is not None and _raw(previous, model_field) == value:
                    continue
                new = _display(record, model_field, people, related)
                old = (
                    _display(previous, model_field, people, related)
                    if previous is not None
                    else "—"
                )
                changes.append(
                    FieldChange(model_field.name, str(model_field.verbose_name), old, new)
                )
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
