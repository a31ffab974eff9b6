"""Saving a finance model draws its result charts at once, in every language, so that the first
reader after an edit does not wait for Vega (issue 12: the results page under 300 ms)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from mitra.core import charts as core_charts
from mitra.finance import charts, services

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
    monkeypatch.setattr(core_charts, "render_svg", _no_drawing)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    response = client.get(f"{lang}/partnerships/{fw.partnership.pk}/finance/model/results/")
    assert response.status_code == 200
    assert response.content.decode().count("<svg") >= 3


def test_an_edit_draws_the_new_figures_not_the_old(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch
):
    model = _save(fw, hospital, django_capture_on_commit_callbacks)
    changed = {**hospital, "name": str(hospital.get("name", "")) + " (revised)"}
    before = len(charts._CACHE)
    _save(fw, changed, django_capture_on_commit_callbacks, version=model.version)
    # one set of charts per language for the new spec, beside the old ones
    assert len(charts._CACHE) == before + 2
    monkeypatch.setattr(core_charts, "render_svg", _no_drawing)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    response = client.get(f"/partnerships/{fw.partnership.pk}/finance/model/results/")
    assert response.status_code == 200


def test_without_a_save_the_page_draws_its_charts(
    fw, hospital, empty_chart_caches, django_capture_on_commit_callbacks, monkeypatch
):
    _save(fw, hospital, django_capture_on_commit_callbacks)
    charts._CACHE.clear()
    cache.clear()
    monkeypatch.setattr(core_charts, "render_svg", _no_drawing)
    client = Client()
    client.force_login(fw.user("lead_admin"))
    with pytest.raises(AssertionError, match="a chart was drawn"):
        client.get(f"/partnerships/{fw.partnership.pk}/finance/model/results/")
