"""contracts[].implementation.metrics and .performanceFailures of the OCDS for PPPs export, from
the agreement's KPIs: verified values only, valid against the PPP release package schema."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mitra.disclosure import jsonio
from mitra.disclosure import services as disclosure_services
from mitra.disclosure.validation import validate_package
from mitra.partnerships.models import Partnership, Stage, Visibility
from mitra.results.models import Indicator
from tests.conftest import World

from .conftest import approve, report

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ocds"


def _contract(package: dict) -> dict:
    return package["releases"][0]["contracts"][0]


def test_kpis_and_failures_are_exported_and_valid(world: World, kpi: Indicator) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(
        stage=Stage.CONSTRUCTION, visibility=Visibility.PUBLIC
    )
    q1, q2, _q3, _q4 = kpi.periods.order_by("start")
    approve(world, report(world, q1, "member", "9300", "10000"), reporter="member")
    report(world, q2, "member", "9900", "10000")  # a draft: never published
    package = jsonio.loads(jsonio.dumps(disclosure_services.ocds_release_package()))
    implementation = _contract(package)["implementation"]
    [metric] = implementation["metrics"]
    assert metric["title"] == "Lane availability"
    assert [o["measure"] for o in metric["observations"]] == [Decimal("93")]
    assert metric["observations"][0]["unit"]["id"] == "P1"
    failures = implementation["performanceFailures"]
    # q1 missed the threshold; q2-q4 have no verified value and their reports are overdue
    assert failures[0]["category"] == "Lane availability" and failures[0]["events"] == 1
    assert failures[0]["penaltyContracted"].startswith("4% of the period's availability payment")
    if SHARED.is_dir():
        result = validate_package(package, SHARED)
        assert result.errors == [], result.errors[:5]


def test_a_partnership_without_kpis_costs_no_query_when_prefetched(world: World) -> None:
    from django.db import connection
    from django.db.models import Prefetch
    from django.test.utils import CaptureQueriesContext

    from mitra.results.selectors import public_kpis

    p = Partnership.objects.prefetch_related(
        Prefetch(
            "result_indicators",
            queryset=Indicator.objects.filter(service_level__isnull=False),
            to_attr="kpis",
        )
    ).get(pk=world.partnership.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert public_kpis(p) == {}
    assert len(ctx.captured_queries) == 0


def test_a_partnership_with_kpis_costs_no_query_when_prefetched(
    world: World, kpi: Indicator
) -> None:
    """The failures come from the prefetched KPIs too: an export page of many contracts does not
    read each partnership's KPIs again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mitra.results.selectors import kpis_prefetch, public_kpis

    q1 = kpi.periods.order_by("start").first()
    approve(world, report(world, q1, "member", "9300", "10000"), reporter="member")
    p = Partnership.objects.prefetch_related(kpis_prefetch()).get(pk=world.partnership.pk)
    with CaptureQueriesContext(connection) as ctx:
        out = public_kpis(p)
    assert out["metrics"] and out["performanceFailures"]
    assert len(ctx.captured_queries) == 0
