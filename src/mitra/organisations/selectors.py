"""Reads for organisations. The directory is public: organisations are not confidential."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound

from .models import Organisation


def organisation_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Organisation]:
    """Filters: sector, kind, country, province, resource_type, q (name, short name, tags)."""
    filters = filters or {}
    qs = Organisation.objects.all()
    for key in ("sector", "kind", "country", "province"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(description_ind__icontains=term)
            | Q(description_en__icontains=term)
        )
    # Only public partnerships are counted: the directory is public, and counting partners-only
    # or draft partnerships would reveal that they exist.
    qs = qs.annotate(
        partnership_count=Count(
            "partnership_memberships",
            filter=Q(partnership_memberships__partnership__visibility="public"),
            distinct=True,
        )
    )
    if filters.get("resource_type"):
        # JSON containment is not portable to SQLite, so filter the (small) directory in Python.
        wanted = filters["resource_type"]
        ids = [o.pk for o in qs if wanted in (o.resource_types or [])]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name")


def organisation_get(*, pk: Any) -> Organisation:
    try:
        return Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Organisation not found.")) from None
