"""A large run's tornado is ranked on a sub-sample (analysis core): the Risks result page says so,
with the error, in the reader's language; an exact run's caption says nothing of it."""

from __future__ import annotations

import pytest
from django.utils import translation

from mitra.analysis import simulate
from mitra.risks.charts import result_charts
from tests.analysis.specs import make_spec, risk


def _tornado_caption(**kwargs: int) -> str:
    spec = make_spec([risk("R1"), risk("R2")])
    result = simulate(spec, iterations=3000, seed=3, **kwargs).to_dict()
    with translation.override("en"):
        [chart] = [c for c in result_charts(result, []) if c.key == "tornado"]
    return chart.caption


def test_a_sub_sampled_tornado_says_so_with_its_error() -> None:
    caption = _tornado_caption(tornado_threshold=1000, tornado_sample=500)
    assert "from the first 500 iterations" in caption
    assert "0.0449" in caption  # 1 / sqrt(497)
    assert "uses all 3,000" in caption


def test_an_exact_tornado_says_nothing_of_a_sample() -> None:
    assert "first" not in _tornado_caption()


pytestmark = pytest.mark.django_db
