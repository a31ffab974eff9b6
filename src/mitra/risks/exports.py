"""Columns of the register's downloads (CSV/XLSX, headers in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.exports import Column
from mitra.core.fields import plain_number_text

from .models import Risk


def _allocation(risk: Risk) -> str:
    return "; ".join(
        f"{a.party.name} {plain_number_text(f'{a.share * 100:.4g}')}%"
        for a in risk.allocations.all()
    )


def _quantity(key: str) -> Any:
    def value(risk: Risk) -> Any:
        if getattr(risk, "cost_hidden", False) and key in ("impact", "unit_value"):
            return str(_("confidential"))
        found = risk.quantity.get(key)
        if isinstance(found, dict):  # a distribution
            return ", ".join(f"{k}={v}" for k, v in found.items())
        if isinstance(found, list):
            return ", ".join(str(v) for v in found)
        return found

    return value


RISK_COLUMNS = (
    Column(_("Id"), lambda r: r.code),
    Column(_("Risk"), lambda r: r.title),
    Column(_("Category"), lambda r: r.get_category_display()),
    Column(_("Phase"), lambda r: r.get_phase_display()),
    Column(_("Likelihood (1–5)"), lambda r: r.likelihood),
    Column(_("Impact (1–5)"), lambda r: r.impact_level),
    Column(_("Status"), lambda r: r.get_status_display()),
    Column(_("Probability"), _quantity("probability")),
    Column(_("Impact distribution"), _quantity("impact")),
    Column(_("Applies to"), _quantity("applies_to")),
    Column(_("Years"), _quantity("years")),
    Column(_("Allocation"), _allocation),
    Column(_("Best able to manage it"), lambda r: r.controlled_by.name if r.controlled_by else ""),
)
