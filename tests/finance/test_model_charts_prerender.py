"""Saving a finance model draws its result charts at once, in every language, and stores them, so
that no reader waits for Vega after an edit or a restart (issue 12: the results page under
300 ms)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from mitra.core import charts as core_charts
from mitra.finance import charts, selectors, services
from mitra.finance.models import ResultChartSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_chart_caches():
    charts._CACHE.clear()
    cache.clear()
    yield
    charts._CACHE.clear()
    cache.clear()


def _save(fw, spec, django_capture_on_commit_callbacks, version=None):
    with django_capture_on_commit_callbacks(execute=True):
        return services.model_save(
            actor=fw.user("lead_admin"),
            partnership=fw.partnership,
            spec=spec,
            expected_version=version,
        )


def _no_drawing(*args, **kwargs):
    raise AssertionError("a chart was drawn while the page was shown")


@pytest.mark.parametrize("lang", ["", "/en"])
def test_the_results_page_after_a_save_draws_no_chart(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch, lang
):
    _save(fw, hospital, django_capture_on_commit_callbacks)
    _page_draws_nothing(fw, monkeypatch, lang)


def _page_draws_nothing(fw, monkeypatch, lang=""):
    monkeypatch.setattr(core_charts, "render_svg", _no_drawing)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    response = client.get(f"{lang}/partnerships/{fw.partnership.pk}/finance/model/results/")
    assert response.status_code == 200
    assert response.content.decode().count("<svg") >= 3


def test_an_edit_draws_the_new_figures_and_drops_the_old(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch
):
    model = _save(fw, hospital, django_capture_on_commit_callbacks)
    old = selectors.spec_hash(hospital)
    assert set(ResultChartSet.objects.values_list("spec_hash", flat=True)) == {old}
    changed = {**hospital, "name": str(hospital.get("name", "")) + " (revised)"}
    _save(fw, changed, django_capture_on_commit_callbacks, version=model.version)
    # one set of charts per language for the new spec; the old spec's are gone
    stored = list(ResultChartSet.objects.values_list("spec_hash", "key"))
    assert {h for h, _k in stored} == {selectors.spec_hash(changed)}
    assert sorted(k.split(":")[2] for _h, k in stored) == ["en", "id"]
    assert not any(k[0] == old for k in charts._CACHE)
    _page_draws_nothing(fw, monkeypatch)


@pytest.mark.parametrize("lang", ["", "/en"])
def test_after_a_restart_the_page_reads_the_stored_charts(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch, lang
):
    _save(fw, hospital, django_capture_on_commit_callbacks)
    charts._CACHE.clear()  # a new process: nothing in memory
    cache.clear()
    _page_draws_nothing(fw, monkeypatch, lang)


def test_without_stored_charts_the_page_draws_and_stores_them(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch
):
    _save(fw, hospital, django_capture_on_commit_callbacks)
    ResultChartSet.objects.all().delete()  # e.g. a model saved before the charts changed
    charts._CACHE.clear()
    drawn = []
    real = core_charts.render_svg

    def counting(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(core_charts, "render_svg", counting)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    url = f"/partnerships/{fw.partnership.pk}/finance/model/results/"
    assert client.get(url).status_code == 200
    assert len(drawn) >= 3
    assert ResultChartSet.objects.count() == 1  # the reader's language
    charts._CACHE.clear()
    _page_draws_nothing(fw, monkeypatch)


def test_charts_of_an_older_drawing_version_are_drawn_again(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch
):
    _save(fw, hospital, django_capture_on_commit_callbacks)
    charts._CACHE.clear()
    monkeypatch.setattr(charts, "CHART_VERSION", charts.CHART_VERSION + 1)
    monkeypatch.setattr(core_charts, "render_svg", _no_drawing)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    with pytest.raises(AssertionError, match="a chart was drawn"):
        client.get(f"/partnerships/{fw.partnership.pk}/finance/model/results/")


def test_deleting_the_model_drops_its_stored_charts(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks
):
    model = _save(fw, hospital, django_capture_on_commit_callbacks)
    assert ResultChartSet.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.model_delete(
            actor=fw.user("lead_admin"), partnership=fw.partnership, expected_version=model.version
        )
    assert not ResultChartSet.objects.exists()
    assert not charts._CACHE
