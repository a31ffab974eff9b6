"""Search, bounded counts and capped pages of the partnership list and the directory (issue 19).

Runs on SQLite (the fallback) and on PostgreSQL (full-text search, trigram similarity) alike;
assertions differ only where the databases must (``connection.vendor``).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core import pagination
from mitra.core.pagination import BoundedPaginator, about
from mitra.core.search import fold, query_words
from mitra.organisations import selectors as organisation_selectors
from mitra.organisations.models import Organisation
from mitra.partnerships import selectors
from mitra.partnerships import views as partnership_views
from mitra.partnerships.models import Partnership, Visibility

_codes = itertools.count(1)


def make(
    title_ind: str,
    *,
    title_en: str = "",
    summary_ind: str = "",
    summary_en: str = "",
    visibility: str = Visibility.PUBLIC,
    code: str | None = None,
) -> Partnership:
    return Partnership.objects.create(
        code=code or f"TS-2026-{next(_codes):04d}",
        title_ind=title_ind,
        title_en=title_en or None,
        summary_ind=summary_ind,
        summary_en=summary_en or None,
        form="ppp",
        development_sector="education",
        visibility=visibility,
    )


def search(term: str, user: Any = None) -> list[Partnership]:
    return list(selectors.partnership_list(user=user or AnonymousUser(), filters={"q": term}))


# --- the words of a query ---------------------------------------------------------------------


def test_fold_removes_accents_and_case() -> None:
    assert fold("Sulawési ÉCOLE Straße") == "sulawesi ecole strasse"


def test_query_words_reads_exclusions_and_drops_or() -> None:
    assert query_words('"air bersih" or sanitasi -tol') == (["air", "bersih", "sanitasi"], ["tol"])


# --- ranking, languages, accents ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_summary_match() -> None:
    # the summary-only match is the newer one: without ranking it would come first
    in_title = make("Penyediaan Air Minum Kota", title_en="City Drinking Water")
    in_summary = make("Program Sanitasi", summary_ind="Termasuk jaringan air minum desa")
    make("Jalan Tol Trans", summary_ind="Jalan tol baru")
    assert search("minum") == [in_title, in_summary]


@pytest.mark.django_db
def test_both_languages_are_searched() -> None:
    school = make("Sekolah Penggerak", title_en="Driving Schools", summary_en="Teacher training")
    make("Jalan Tol", title_en="Toll Road")
    assert search("sekolah") == [school]
    assert search("schools") == [school]
    assert search("teacher") == [school]


@pytest.mark.django_db
def test_accents_and_case_are_ignored_both_ways() -> None:
    accented = make("Pelabuhan Sulawési", summary_ind="Kerja sama pelabuhan")
    plain = make("Bandara Kendari", summary_en="Airport near SULAWESI coast")
    assert set(search("sulawesi")) == {accented, plain}
    assert set(search("SULAWÉSI")) == {accented, plain}


@pytest.mark.django_db
def test_every_word_must_match_and_minus_excludes() -> None:
    both = make("Air Bersih Desa", summary_ind="Sanitasi")
    only_air = make("Air Terjun Wisata")
    assert search("air sanitasi") == [both]
    assert search("air -sanitasi") == [only_air]


@pytest.mark.django_db
def test_a_code_prefix_finds_its_partnerships() -> None:
    wanted = make("Satu", code="KPSos-2031-0007")
    make("Dua", code="KPSos-2032-0001")
    assert search("KPSos-2031") == [wanted]
    assert search("kpsos-2031-0007") == [wanted]


@pytest.mark.django_db
def test_search_never_finds_what_the_visitor_may_not_see() -> None:
    make("Rahasia Sekolah", visibility=Visibility.DRAFT)
    visible = make("Sekolah Terbuka")
    assert search("sekolah") == [visible]


@pytest.mark.django_db
def test_whole_words_on_postgresql_substrings_on_sqlite() -> None:
    make("Pembangunan Jalan Tol")
    # PostgreSQL's full-text search matches words; the SQLite fallback matches substrings.
    expected = 0 if connection.vendor == "postgresql" else 1
    assert len(search("bangun")) == expected


@pytest.mark.django_db
def test_organisation_names_resemble_and_contain() -> None:
    pertamina = Organisation.objects.create(
        name="PT Pertamina Hulu Energi", short_name="PHE", sector="private", kind="soe"
    )
    Organisation.objects.create(name="Yayasan Air Bersih", sector="civil", kind="ngo")
    found = list(organisation_selectors.organisation_list(filters={"q": "pertamina"}))
    assert found == [pertamina]
    if connection.vendor == "postgresql":
        # a typo still finds the name (trigram word similarity)
        typo = list(organisation_selectors.organisation_list(filters={"q": "pertamna hulu"}))
        assert typo == [pertamina]


# --- counts and pages ---------------------------------------------------------------------------


def test_about_rounds_to_two_significant_digits() -> None:
    assert [about(n) for n in (7, 99, 1234, 22028, 101301)] == [7, 99, 1200, 22000, 100000]


@pytest.mark.django_db
def test_counts_are_exact_up_to_the_threshold_and_estimated_beyond_on_postgresql() -> None:
    for i in range(7):
        make(f"Proyek {i}")
    qs = selectors.partnership_list(user=AnonymousUser())
    exact = BoundedPaginator(qs, 2, exact_up_to=10)
    assert (exact.count, exact.count_is_estimate) == (7, False)
    bounded = BoundedPaginator(qs, 2, exact_up_to=3)
    if connection.vendor == "postgresql":
        assert bounded.count_is_estimate and bounded.count >= 4
    else:
        assert (bounded.count, bounded.count_is_estimate) == (7, False)


@pytest.mark.django_db
def test_pages_beyond_the_cap_are_not_served() -> None:
    for i in range(7):
        make(f"Proyek {i}")
    qs = selectors.partnership_list(user=AnonymousUser())
    paginator = BoundedPaginator(qs, 2, max_pages=2)
    assert (paginator.total_pages, paginator.num_pages, paginator.capped) == (4, 2, True)
    page = paginator.get_page(4)
    assert page.number == 2 and not page.has_next()
    assert [p.title for p in page] == ["Proyek 4", "Proyek 3"]
    assert paginator.get_page("x").number == 1


@pytest.mark.django_db
def test_a_search_page_counts_its_matches_in_the_same_query() -> None:
    for i in range(5):
        make(f"Sekolah {i}")
    make("Jalan Tol")
    qs = selectors.partnership_list(user=AnonymousUser(), filters={"q": "sekolah"})
    with CaptureQueriesContext(connection) as ctx:
        paginator = BoundedPaginator(qs, 2, ranked=True)
        page = paginator.get_page(2)
        rows = list(page)
        total = paginator.count
    assert total == 5 and len(rows) == 2 and paginator.num_pages == 3
    assert len(ctx.captured_queries) == 1
    # past the end: the last page, counted separately
    assert BoundedPaginator(qs, 2, ranked=True).get_page(9).number == 3


@pytest.mark.django_db
def test_the_list_page_says_about_and_why_pages_stop(client: Any, monkeypatch: Any) -> None:
    for i in range(5):
        make(f"Proyek {i}")
    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", 2)
    monkeypatch.setattr(pagination, "MAX_PAGES", 1)
    monkeypatch.setattr(partnership_views, "PAGE_SIZE", 2)
    body = client.get("/en" + reverse("partnerships:list")).content.decode()
    assert 'data-testid="pages-capped"' in body
    assert "Only the first 1 page is listed" in body
    if connection.vendor == "postgresql":
        assert "about " in body
    else:
        assert "5 partnerships" in body


@pytest.mark.django_db
def test_membership_filters_need_no_distinct(world: Any) -> None:
    qs = selectors.partnership_list(
        user=world.users["lead_admin"], filters={"mine": True, "organisation": world.pemda.pk}
    )
    assert not qs.query.distinct
    assert set(qs) == {world.partnership, world.public, world.draft}
