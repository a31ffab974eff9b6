"""Reads for organisations. The directory is public: organisations are not confidential."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Count, F, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound
from mitra.core.search import (
    ILike,
    WordSimilar,
    folded_aliases,
    folded_contains,
    is_postgresql,
    query_words,
    sqlite_functions,
)

from .models import Organisation


def organisation_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Organisation]:
    """Filters: sector, kind, country, province, resource_type, q (name, short name, tags)."""
    filters = filters or {}
    qs = Organisation.objects.all()
    for key in ("sector", "kind", "country", "province"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    term = str(filters.get("q") or "").strip()
    if term:
        qs = _search(qs, term)
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
    if term and is_postgresql():
        return qs.order_by("-name_similarity", "name")
    return qs.order_by("name")


def _search(qs: QuerySet[Organisation], term: str) -> QuerySet[Organisation]:
    """Organisations by name.

    PostgreSQL: the name or short name holds `term` (``ILIKE``) or resembles it (trigram word
    similarity, ``'term' <% name``: "pertamna" still finds "PT Pertamina"), both answered from
    the names' ``gin_trgm_ops`` indexes; best resemblance first. SQLite: every word in the name,
    short name or description, accents and case ignored.
    """
    if is_postgresql():
        pattern = Value(
            "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        return qs.filter(
            WordSimilar(Value(term), F("name"))
            | WordSimilar(Value(term), F("short_name"))
            | ILike(F("name"), pattern)
            | ILike(F("short_name"), pattern)
        ).annotate(name_similarity=TrigramWordSimilarity(Value(term), "name"))
    sqlite_functions()
    columns = ["name", "short_name", "description_ind", "description_en"]
    if not query_words(term)[0]:
        return qs.none()
    return qs.alias(**folded_aliases(columns)).filter(folded_contains(columns, term))


def organisation_get(*, pk: Any) -> Organisation:
    try:
        return Organisation.objects.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Organisation not found.")) from None
