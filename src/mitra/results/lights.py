"""Each indicator's stored light (``IndicatorLight``): what the dashboard filters on, so that it
reads the periods and updates of the indicators it lists only, not of every indicator of 200
partnerships.

A write to an indicator, its service level, one of its periods or updates refreshes the light
in the same transaction (:func:`refresh`, from the signal receivers below), under the
indicator's row lock: two partners reporting at once on one indicator refresh it one after the
other, the second reading the first's committed update, so neither leaves a stale light. The
light depends on the day only through reports falling overdue, which the stored ``late_from``
covers (``Standing.on``). An indicator with no stored light (written in bulk, or from before
the lights existed) is computed and stored when the dashboard first reads it
(``selectors.ensure_lights``: it only inserts, so it never overwrites what a write stored).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Indicator, IndicatorLight, Period, ServiceLevel, Update
from .selectors import LIGHT_FIELDS, compute_lights


def _store(lights: list[IndicatorLight]) -> None:
    IndicatorLight.objects.bulk_create(
        lights,
        update_conflicts=True,
        unique_fields=["indicator"],
        update_fields=["light", "late_from"],
    )


@transaction.atomic
def refresh(indicator_ids: Iterable[int]) -> None:
    """Compute and store the lights of these indicators again, under their row locks (those
    deleted meanwhile are skipped)."""
    ids = sorted({pk for pk in indicator_ids if pk is not None})
    if not ids:
        return
    locked = list(
        Indicator.objects.select_for_update(of=("self",))
        .select_related("service_level")
        .only(*LIGHT_FIELDS)
        .filter(pk__in=ids)
        .order_by("pk")
    )
    _store(compute_lights(locked))


# --- receivers: every write to what a light reads ----------------------------------------------


def _indicator_saved(sender: Any, instance: Indicator, raw: bool = False, **kw: Any) -> None:
    if not raw:
        refresh([instance.pk])


def _indicator_deleted(sender: Any, instance: Indicator, **kw: Any) -> None:
    gone = IndicatorLight.objects.filter(indicator_id=instance.pk)
    gone._raw_delete(gone.db)


def _level_changed(sender: Any, instance: ServiceLevel, raw: bool = False, **kw: Any) -> None:
    if not raw:
        refresh([instance.indicator_id])


def _period_changed(sender: Any, instance: Period, raw: bool = False, **kw: Any) -> None:
    if not raw:
        refresh([instance.indicator_id])


def _update_changed(sender: Any, instance: Update, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    period = Update._meta.get_field("period").get_cached_value(instance, default=None)
    if period is not None:
        refresh([period.indicator_id])
    else:
        refresh(Period.objects.filter(pk=instance.period_id).values_list("indicator_id", flat=True))


def connect() -> None:
    post_save.connect(_indicator_saved, sender=Indicator, dispatch_uid="results.lights.indicator")
    post_delete.connect(
        _indicator_deleted, sender=Indicator, dispatch_uid="results.lights.indicator.delete"
    )
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(
            _level_changed, sender=ServiceLevel, dispatch_uid=f"results.lights.level.{name}"
        )
        signal.connect(_period_changed, sender=Period, dispatch_uid=f"results.lights.period.{name}")
        signal.connect(_update_changed, sender=Update, dispatch_uid=f"results.lights.update.{name}")
