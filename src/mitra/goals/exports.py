"""Columns of the Goals tab's download (CSV/XLSX): every objective the reader may see; a hidden
constraint is a row that says so, with no figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.exports import Column

from .models import Direction
from .selectors import ObjectiveView


def _figure(name: str) -> Any:
    def value(row: tuple[Any, ObjectiveView]) -> Any:
        objective = row[1]
        return "" if objective.hidden else getattr(objective, name)

    return value


def _direction(row: tuple[Any, ObjectiveView]) -> str:
    objective = row[1]
    if objective.hidden:
        return str(_("hidden constraint"))
    return str(Direction(objective.direction).label) if objective.direction else ""


OBJECTIVE_COLUMNS = (
    Column(_("Lever"), lambda row: row[0].name),
    Column(_("Lever key"), lambda row: row[0].key),
    Column(_("Unit"), lambda row: row[0].currency or row[0].unit),
    Column(_("Partner"), lambda row: row[1].partner_name),
    Column(_("What the partner wants"), _direction),
    Column(_("Preferred value"), _figure("preferred")),
    Column(_("Acceptable from"), _figure("acceptable_min")),
    Column(_("Acceptable up to"), _figure("acceptable_max")),
    Column(_("Walk-away point"), _figure("walk_away")),
    Column(_("Weight (1–100)"), _figure("weight")),
    Column(_("Why"), _figure("note")),
)
