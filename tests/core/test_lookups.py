"""A long ``__in`` list is one array on PostgreSQL (``= ANY(%s)``) and answers exactly what
Django's ``IN (…)`` answers: the same rows for numbers, text and related objects, NULLs in the
list ignored, ``exclude`` and an all-NULL list as before. Other databases keep ``IN``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.test.utils import CaptureQueriesContext

from mitra.core import lookups
from mitra.core.lookups import ARRAY_FROM

pytestmark = pytest.mark.django_db
ARRAY = connection.vendor == "postgresql"


def _sql_and_pks(qs: Any) -> tuple[str, list[int]]:
    with CaptureQueriesContext(connection) as ctx:
        pks = sorted(qs.values_list("pk", flat=True))
    return ctx.captured_queries[-1]["sql"], pks


def _django_in(qs_of: Any) -> list[int]:
    """The same query with Django's own ``in`` lookups."""
    Field.register_lookup(In)
    ForeignObject.register_lookup(RelatedIn)
    try:
        return sorted(qs_of().values_list("pk", flat=True))
    finally:
        lookups.register()


@pytest.mark.parametrize(
    "query",
    [
        # numbers
        lambda ids, _names, _types: Permission.objects.filter(pk__in=ids[::2]),
        # text
        lambda _ids, names, _types: Permission.objects.filter(codename__in=names[1::2]),
        # related objects (model instances, normalised to their keys)
        lambda _ids, _names, types: Permission.objects.filter(content_type__in=types[::2]),
        # NULLs and repeats in the list are ignored
        lambda ids, _names, _types: Permission.objects.filter(pk__in=[None, *ids[:60], *ids[:5]]),
        # the negation
        lambda ids, _names, _types: Permission.objects.exclude(pk__in=ids[:60]),
    ],
    ids=["numbers", "text", "related", "nulls", "exclude"],
)
def test_a_long_list_answers_what_in_answers(query: Any) -> None:
    ids = sorted(Permission.objects.values_list("pk", flat=True))
    names = sorted(Permission.objects.values_list("codename", flat=True))
    types = list(ContentType.objects.order_by("pk"))
    assert len(ids) > 2 * ARRAY_FROM and len(types) > 2 * ARRAY_FROM  # long lists indeed

    sql, pks = _sql_and_pks(query(ids, names, types))

    assert pks == _django_in(lambda: query(ids, names, types))
    assert pks  # (a test that matched nothing could not tell the two apart)
    assert ("= ANY(" in sql) is ARRAY
    assert (" IN (" in sql) is not ARRAY


def test_a_short_list_and_an_all_null_list_keep_djangos_sql() -> None:
    ids = sorted(Permission.objects.values_list("pk", flat=True))[: ARRAY_FROM - 1]
    sql, pks = _sql_and_pks(Permission.objects.filter(pk__in=ids))
    assert pks == ids and " IN (" in sql and "ANY(" not in sql
    assert Permission.objects.filter(pk__in=[None] * (2 * ARRAY_FROM)).count() == 0


def test_a_subquery_keeps_djangos_sql() -> None:
    inner = ContentType.objects.filter(app_label="auth").values("pk")
    sql, pks = _sql_and_pks(Permission.objects.filter(content_type__in=inner))
    assert pks and "ANY(" not in sql and " IN (SELECT" in sql
