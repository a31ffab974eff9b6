"""The anonymous page cache (mitra.core.pagecache): what is stored, for whom, and when it goes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import caches
from django.db import transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from mitra.core import pagecache
from mitra.partnerships import services
from mitra.partnerships.models import Partnership, Visibility


@pytest.fixture(autouse=True)
def page_cache(settings: Any) -> Any:
    settings.MITRA_PAGE_CACHE_SECONDS = 300
    caches["default"].clear()
    yield
    caches["default"].clear()


def get(client: Client, url: str, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response


def _rename_public(world: Any) -> None:
    with transaction.atomic():
        services.partnership_update(
            actor=world.users["lead_admin"],
            partnership=world.public,
            data={"title_ind": "Sekolah Bersama Baru"},
            expected_version=world.public.version,
        )


def test_an_anonymous_page_is_served_again_from_the_cache(world: Any) -> None:
    url = reverse("partnerships:list")
    first, second = get(Client(), url), get(Client(), url)
    assert first["X-Mitra-Page-Cache"] == "miss" and second["X-Mitra-Page-Cache"] == "hit"
    assert second.content.decode().count("Sekolah Bersama") == 1


def test_an_edit_is_seen_by_the_next_anonymous_visitor(world: Any) -> None:
    url = reverse("partnerships:detail", args=[world.public.pk])
    assert "Sekolah Bersama" in get(Client(), url).content.decode()
    _rename_public(world)
    again = get(Client(), url)
    assert again["X-Mitra-Page-Cache"] == "miss"
    assert "Sekolah Bersama Baru" in again.content.decode()


def test_a_partnership_made_private_leaves_the_cached_list_at_once(world: Any) -> None:
    url = reverse("partnerships:list")
    assert "Sekolah Bersama" in get(Client(), url).content.decode()
    public = Partnership.objects.get(pk=world.public.pk)
    public.visibility = Visibility.PARTNERS
    with transaction.atomic():  # as every service writes
        public.save()
    assert "Sekolah Bersama" not in get(Client(), url).content.decode()


def test_a_partner_never_gets_the_anonymous_page_nor_the_reverse(world: Any) -> None:
    url = reverse("partnerships:list")
    anonymous = get(Client(), url)
    partner = Client()
    partner.force_login(world.users["lead_admin"])
    seen = get(partner, url)
    assert "X-Mitra-Page-Cache" not in seen  # never read from, never written to the cache
    assert "Jalan Tol Contoh" in seen.content.decode()  # partners-only: the partner sees it
    assert "Jalan Tol Contoh" not in anonymous.content.decode()
    after = get(Client(), url)
    assert after["X-Mitra-Page-Cache"] == "hit"
    assert "Jalan Tol Contoh" not in after.content.decode()
    assert world.users["lead_admin"].username not in after.content.decode()


def test_each_visitor_gets_their_own_csrf_token(world: Any) -> None:
    url = reverse("partnerships:dashboard")
    pattern = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    tokens = []
    for _ in range(2):
        visitor = Client()
        response = get(visitor, url)
        token = pattern.search(response.content.decode()).group(1)
        cookie = visitor.cookies["csrftoken"].value
        assert _unmask_cipher_token(token) == cookie  # valid for this visitor's cookie
        assert pagecache.PLACEHOLDER.decode() not in response.content.decode()
        tokens.append(token)
    assert response["X-Mitra-Page-Cache"] == "hit"
    assert tokens[0] != tokens[1]


def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache(world: Any) -> None:
    url = reverse("partnerships:list")
    get(Client(), url)
    with_session = Client()
    with_session.cookies["sessionid"] = "abc"
    assert "X-Mitra-Page-Cache" not in get(with_session, url)
    with_messages = Client()
    with_messages.cookies["messages"] = "x"
    assert "X-Mitra-Page-Cache" not in get(with_messages, url)


def test_languages_htmx_partials_and_queries_are_kept_apart(world: Any) -> None:
    url = reverse("partnerships:list")
    indonesian = get(Client(), url).content.decode()
    english = get(Client(), "/en" + url).content.decode()
    assert "Kemitraan" in indonesian and "Partnerships" in english
    partial = get(Client(), url, headers={"HX-Request": "true"})
    assert partial["X-Mitra-Page-Cache"] == "miss" and "<html" not in partial.content.decode()
    assert get(Client(), url + "?form=psp")["X-Mitra-Page-Cache"] == "miss"


def test_downloads_and_errors_are_not_stored(world: Any) -> None:
    assert Client().get(reverse("partnerships:detail", args=[world.draft.pk])).status_code == 404
    assert Client().get(reverse("partnerships:detail", args=[world.draft.pk])).status_code == 404
    csv = Client().get(reverse("partnerships:list") + "?format=csv")
    assert "X-Mitra-Page-Cache" not in csv


def test_off_when_the_setting_is_zero(world: Any, settings: Any) -> None:
    settings.MITRA_PAGE_CACHE_SECONDS = 0
    url = reverse("partnerships:list")
    assert "X-Mitra-Page-Cache" not in get(Client(), url)
    assert "X-Mitra-Page-Cache" not in get(Client(), url)


def test_one_bump_per_atomic_block_and_another_at_commit(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = pagecache.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        pagecache.bump()
        inside = pagecache.current_version()
        pagecache.bump()
        assert pagecache.current_version() == inside != before
    assert len(callbacks) == 1
    assert pagecache.current_version() not in {before, inside}


def test_an_open_data_package_is_kept_until_the_next_change(world: Any) -> None:
    # the packages hold published data only: the same answer for every caller
    url = "/api/v1/ocds/release-package"
    first, second = get(Client(), url), get(Client(), url)
    assert first["X-Mitra-Page-Cache"] == "miss" and second["X-Mitra-Page-Cache"] == "hit"
    assert second.content == first.content and b"Sekolah Bersama" in second.content
    partner = Client()
    partner.force_login(world.users["lead_admin"])
    assert get(partner, url).content == first.content
    record = f"/api/v1/partnerships/{world.public.code}/ocds/record-package"
    assert get(Client(), record)["X-Mitra-Page-Cache"] == "miss"
    assert get(Client(), record)["X-Mitra-Page-Cache"] == "hit"
    _rename_public(world)
    for path in (url, record):
        again = get(Client(), path)
        assert again["X-Mitra-Page-Cache"] == "miss"
        assert "Sekolah Bersama Baru" in again.content.decode()


def test_an_unknown_package_is_not_kept(world: Any) -> None:
    url = "/api/v1/partnerships/NOPE-1/ocds/record-package"
    assert Client().get(url).status_code == 404
    assert "X-Mitra-Page-Cache" not in Client().get(url)


def test_releases_are_checked_once_per_change(
    world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from mitra.disclosure import services as disclosure

    built: list[int] = []
    original = disclosure.release_content

    def counting(bundle: Any) -> Any:
        built.append(bundle.partnership.pk)
        return original(bundle)

    def export() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return disclosure.ocds_release_package(paginate=True)

    monkeypatch.setattr(disclosure, "release_content", counting)
    first = export()
    assert world.public.pk in built, "the first export checks every partnership it covers"
    built.clear()
    assert export() == first
    assert built == [], "nothing changed: the releases are not checked again"
    _rename_public(world)
    renamed = export()
    assert world.public.pk in built
    assert len(renamed["releases"]) == len(first["releases"]) + 1
    assert "Sekolah Bersama Baru" in str(renamed["releases"])


def test_work_rolled_back_is_done_again(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    done: list[int] = []

    def once(name: str, n: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            pagecache.once_per_version(name, lambda: done.append(n))

    once("w", 1)
    once("w", 2)
    assert done == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.once_per_version("v", lambda: done.append(3))
        raise RuntimeError("rolled back")
    once("v", 4)
    pagecache.bump()
    once("w", 5)
    assert done == [1, 3, 4, 5]


def _answer_request() -> Any:
    from django.test import RequestFactory

    return RequestFactory().get("/api/v1/ocds/release-package")


def test_callers_at_once_wait_for_one_build(db: Any) -> None:
    import threading
    import time

    builds: list[int] = []
    answers: list[tuple[bytes, str | None]] = []
    start = threading.Barrier(4)

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.2)  # long enough for the other callers to arrive meanwhile
        return b'{"releases": []}'

    def call() -> None:
        start.wait()
        answers.append(pagecache.public_answer(_answer_request(), "v", build))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert sorted(kind for _, kind in answers) == ["hit", "hit", "hit", "miss"]
    assert {body for body, _ in answers} == {b'{"releases": []}'}


def test_an_answer_too_large_is_built_each_time_without_waiting(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(pagecache, "MAX_ANSWER_BYTES", 10)
    builds: list[int] = []

    def build() -> bytes:
        builds.append(1)
        return b"x" * 11

    for _ in range(3):
        assert pagecache.public_answer(_answer_request(), "big", build) == (b"x" * 11, None)
    assert len(builds) == 3


def test_answers_of_a_few_megabytes_are_kept_within_a_quarter_of_the_cache(
    db: Any, settings: Any
) -> None:
    """A page of 100 partnerships with their release histories is 1 to 3 MB: kept, since the
    per-process cache is bounded by bytes (core.caches); an answer over a quarter of that
    budget is built each time instead of pushing every page out."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "mitra.core.caches.BoundedLocMemCache",
            "LOCATION": "test-answers",
            "OPTIONS": {"MAX_BYTES": 16 * 2**20},
        },
    }
    builds: list[int] = []

    def build(size: int) -> Any:
        def make() -> bytes:
            builds.append(size)
            return b"x" * size

        return make

    for _ in range(3):
        pagecache.public_answer(_answer_request(), "two-mb", build(2_000_000))
    assert builds == [2_000_000]  # built once, then read from the cache
    for _ in range(2):
        body, kind = pagecache.public_answer(_answer_request(), "five-mb", build(5_000_000))
        assert kind is None and len(body) == 5_000_000
    assert builds == [2_000_000, 5_000_000, 5_000_000]  # over 4 MB: built each time
