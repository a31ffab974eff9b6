"""PostgreSQL only: the search and the list read their indexes (a query that drifted from the
index expression of migration 0007 would silently scan the whole table)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from mitra.organisations import selectors as organisation_selectors
from mitra.organisations.models import Organisation
from mitra.partnerships import selectors
from mitra.partnerships.models import Partnership

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes"),
]


@pytest.fixture
def many() -> None:
    """Enough rows, analysed, for the planner to prefer an index to a scan."""
    Partnership.objects.bulk_create(
        Partnership(
            code=f"QX-2020-{i:04d}",
            title=f"Proyek {i}",
            title_ind=f"Proyek nomor {i}",
            title_en=f"Project number {i}",
            summary_ind="Ringkasan",
            form="ppp",
            development_sector="water",
            visibility="public",
        )
        for i in range(600)
    )
    Partnership.objects.create(
        code="KPSos-2026-0001",
        title_ind="Air Minum Kota",
        form="ppp",
        development_sector="water",
        visibility="public",
    )
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisasi {i}", sector="public", kind="ministry") for i in range(600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_partnership")
        cursor.execute("ANALYZE organisations_organisation")


def test_full_text_search_uses_the_gin_index(many: None) -> None:
    qs = selectors.partnership_list(user=AnonymousUser(), filters={"q": "minum"})
    assert [p.code for p in qs] == ["KPSos-2026-0001"]
    assert "partnership_search" in qs.explain()


def test_a_code_prefix_uses_the_code_index(many: None) -> None:
    qs = selectors.partnership_list(user=AnonymousUser(), filters={"q": "KPSos-2026"})
    assert [p.code for p in qs] == ["KPSos-2026-0001"]
    text = qs.explain()
    assert "partnership_code_upper" in text and "partnership_search" in text


def test_organisation_names_use_the_trigram_index(many: None) -> None:
    qs = organisation_selectors.organisation_list(filters={"q": "pertamina"})
    with connection.cursor() as cursor:
        # 600 short names fit in a few pages: tell the planner a scan (or a walk of the primary key) is out, so the test
        # shows the index can answer (on the H2020 directory it is chosen by itself)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        text = qs.explain()
    assert "organisation_name_trgm" in text and "organisation_short_name_trgm" in text


def test_the_anonymous_list_reads_in_index_order(many: None) -> None:
    qs = selectors.partnership_list(user=AnonymousUser())[:20]
    text = qs.explain()
    assert "Index Scan" in text and "Seq Scan" not in text


def test_a_deep_count_is_an_estimate(many: None) -> None:
    from mitra.core.pagination import BoundedPaginator

    paginator = BoundedPaginator(
        selectors.partnership_list(user=AnonymousUser()), 20, exact_up_to=100
    )
    assert paginator.count_is_estimate
    assert 500 <= paginator.count <= 700


def test_many_fixture_is_not_left_behind(db: Any) -> None:
    assert not Partnership.objects.filter(code__startswith="QX-").exists()
