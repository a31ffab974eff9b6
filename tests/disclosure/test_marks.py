"""Release marks (disclosure.marks): an export compares only the partnerships whose public content
may have changed since their releases were last compared, and misses none that did: a write to
anything a release reads, an organisation renamed, a KPI report fallen overdue with no write."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mitra.disclosure import marks, services
from mitra.disclosure.models import Release, ReleaseMark, StoredProject
from mitra.disclosure.oc4ids import project
from mitra.disclosure.ocds import release_content
from mitra.disclosure.selectors import public_bundles
from mitra.partnerships.models import Partnership, Stage, Visibility
from mitra.results.models import Indicator, ServiceLevel, Status
from tests.results.conftest import kpi  # noqa: F401  (a fixture)

from .bulk import bulk_partnerships

pytestmark = pytest.mark.django_db

#: How each model of marks.FEEDS reaches its partnership, written independently of FEEDS (an
#: ORM path from the row to the partnership's id).
PATHS = {
    "partnerships.Partnership": "pk",
    "partnerships.PartnershipMember": "partnership_id",
    "partnerships.Document": "partnership_id",
    "partnerships.Need": "partnership_id",
    "partnerships.Commitment": "need__partnership_id",
    "organisations.Organisation": "partnership_memberships__partnership_id",
    "risks.Risk": "partnership_id",
    "risks.RiskParty": "partnership_id",
    "risks.RiskAllocation": "risk__partnership_id",
    "disputes.ContractAmendment": "partnership_id",
    "results.Result": "partnership_id",
    "results.Indicator": "partnership_id",
    "results.ServiceLevel": "indicator__partnership_id",
    "results.Period": "indicator__partnership_id",
    "results.DisaggregationTarget": "period__indicator__partnership_id",
    "results.Update": "period__indicator__partnership_id",
}


def _tables(queries: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for q in queries:
        found |= set(re.findall(r'(?:FROM|JOIN) "(\w+)"', q["sql"]))
    return found


def _marked(*, published: bool = False) -> set[int]:
    """The partnerships marked (of the published ones: those an export covers)."""
    rows = ReleaseMark.objects.filter(on__isnull=True)
    if published:
        rows = rows.filter(partnership_id__in=Partnership.objects.published().values("pk"))
    return set(rows.values_list("partnership_id", flat=True))


@pytest.fixture
def everything_public(demo: None) -> list[Partnership]:
    """The demo, every partnership of it public: risks with shares, KPIs with periods, targets
    and verified values, public documents, cash commitments, a public amendment."""
    Partnership.objects.update(visibility=Visibility.PUBLIC)
    # The demo's KPIs have no values yet: make an indicator with verified values a KPI too.
    reported = Indicator.objects.filter(periods__updates__status=Status.APPROVED).first()
    ServiceLevel.objects.create(
        indicator=reported,
        threshold=Decimal("50"),
        deduction_percent=Decimal("1"),
        cap_percent=Decimal("5"),
    )
    return list(Partnership.objects.all())


def test_every_table_a_release_reads_is_one_whose_writes_mark(everything_public):
    with CaptureQueriesContext(connection) as ctx:
        bundles = public_bundles(Partnership.objects.all())
        for b in bundles:
            release_content(b)
            project(b, [])
    # Every builder ran on rows (an empty prefetch reads nothing and would prove nothing).
    assert any(r.shares for b in bundles for r in b.risks)
    kpis = [k for b in bundles for k in b.partnership.kpis]  # type: ignore[attr-defined]
    assert any(u for k in kpis for p in k.periods.all() for u in p.updates.all())
    assert any(b.documents for b in bundles) and any(b.cash_commitments for b in bundles)
    assert any(b.partnership.contract_amendments.all() for b in bundles)
    fed = {apps.get_model(label)._meta.db_table for label in marks.FEEDS}
    read = _tables(ctx.captured_queries)
    assert read <= fed, f"read by a release but not marked by its writes: {read - fed}"
    assert fed <= read, f"marked by writes but read by no release: {fed - read}"


@pytest.mark.parametrize("label", sorted(marks.FEEDS))
def test_saving_or_deleting_a_row_marks_its_partnerships(everything_public, label):
    model = apps.get_model(label)
    obj = model.objects.order_by("pk").first()
    if obj is None:
        pytest.skip(f"the demo has no {label}")  # pragma: no cover - the demo has all of them
    expected = set(
        model.objects.filter(pk=obj.pk)
        .exclude(**{f"{PATHS[label]}__isnull": True})
        .values_list(PATHS[label], flat=True)
    )
    assert expected
    ReleaseMark.objects.all().delete()
    obj.save()
    assert _marked() == expected
    if label == "organisations.Organisation":
        return  # an organisation with partnerships cannot be deleted (PROTECT)
    ReleaseMark.objects.all().delete()
    with transaction.atomic():
        try:
            obj.delete()
        except ProtectedError:
            return  # (rows that others refer to are deleted through their services, children first)
        assert expected <= _marked()
        transaction.set_rollback(True)


def test_a_write_that_no_release_reads_marks_nothing(world):
    ReleaseMark.objects.all().delete()
    world.objective.text = "Lebih banyak guru terlatih"
    world.objective.save()
    world.delivery.save()
    assert not ReleaseMark.objects.exists()


@pytest.fixture
def many(world) -> list[int]:
    ids = bulk_partnerships(12, organisations=[world.pemda, world.company])
    services.ocds_release_package()  # the first export compares them all
    return ids


def _built(monkeypatch) -> list[str]:
    built: list[str] = []
    real = services.release_content

    def spy(bundle: Any) -> dict:
        built.append(bundle.partnership.code)
        return real(bundle)

    monkeypatch.setattr(services, "release_content", spy)
    return built


def test_an_export_compares_only_what_changed_since(many, monkeypatch):
    assert not _marked(published=True)  # the first export cleared the marks it read
    before = Release.objects.count()
    built = _built(monkeypatch)
    services.ocds_release_package()
    assert built == [] and Release.objects.count() == before
    p = Partnership.objects.get(pk=many[4])
    p.title_ind = "Jalan tol baru"
    p.save()
    services.ocds_release_package()
    assert set(built) == {p.code}  # one partnership compared, not thirteen
    latest = Release.objects.filter(partnership=p).order_by("-sequence").first()
    assert latest.sequence == 2 and latest.data["planning"]["project"]["title"] == "Jalan tol baru"
    assert Release.objects.count() == before + 1
    assert not _marked(published=True)


def test_renaming_an_organisation_makes_a_release_for_each_of_its_partnerships(many, world):
    world.company.name = "PT Jalan Baru Nusantara"
    world.company.save()
    package = services.ocds_release_package()
    names = {
        r["ocid"]: {party["name"] for party in r["parties"]}
        for r in package["releases"]
        if r["id"].endswith("-0002")
    }
    assert len(names) == len(many)
    assert all("PT Jalan Baru Nusantara" in found for found in names.values())


def test_a_partnership_without_a_release_is_compared_unmarked(many, world):
    [pk] = bulk_partnerships(1, organisations=[world.pemda], prefix="NEW")
    ReleaseMark.objects.all().delete()  # as if written before marks existed
    services.ocds_release_package()
    assert Release.objects.filter(partnership_id=pk).count() == 1


def test_a_change_made_while_an_export_compares_stays_marked(many, monkeypatch):
    p = Partnership.objects.get(pk=many[0])
    p.save()
    real = services._compare

    def compare_while_someone_writes(ids: list[int], today: datetime.date) -> None:
        real(ids, today)
        marks.mark([p.pk])  # a writer that commits after the comparison read the content

    monkeypatch.setattr(services, "_compare", compare_while_someone_writes)
    services.ocds_release_package()
    assert _marked(published=True) == {p.pk}  # the mark read was cleared, the new one is kept


def test_a_kpi_report_that_falls_overdue_makes_a_release_with_no_write(
    world,
    kpi,  # noqa: F811  (the fixture imported above)
    monkeypatch,
):
    Partnership.objects.filter(pk=world.partnership.pk).update(
        stage=Stage.CONSTRUCTION, visibility=Visibility.PUBLIC
    )
    q1 = kpi.periods.order_by("start").first()
    assert q1.due_date == datetime.date(2025, 4, 30)

    def export_on(day: datetime.date) -> dict:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
        package = services.ocds_release_package(filters={"code": world.partnership.code})
        return package["releases"][-1]["contracts"][0].get("implementation", {})

    # The quarter has ended, its report is not yet due: no failure.
    assert "performanceFailures" not in export_on(datetime.date(2025, 4, 15))
    assert ReleaseMark.objects.filter(
        partnership_id=world.partnership.pk, on=datetime.date(2025, 5, 1)
    ).exists()
    assert "performanceFailures" not in export_on(datetime.date(2025, 4, 30))
    # The day after the due date, with nothing written since: the missing report fails.
    failures = export_on(datetime.date(2025, 5, 1))["performanceFailures"]
    assert [f["id"] for f in failures] == [f"kpi-{kpi.pk}-2025-01-01"]
    assert (
        failures[0]["penaltyImposed"] == f"{Decimal('0.99'):f}% of the year's availability payment"
    )
    # and the next day ahead is marked: the end of the second quarter
    assert ReleaseMark.objects.filter(
        partnership_id=world.partnership.pk, on=datetime.date(2025, 6, 30)
    ).exists()


def test_new_settings_make_every_partnership_compared_again(
    many, world, settings, monkeypatch, tmp_path
):
    """What releases are built with besides the data (here the public URL of their links)."""
    from mitra.disclosure import dumps

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    dumps.publish()
    built = _built(monkeypatch)
    services.ocds_release_package()
    assert built == [] and not dumps.is_dirty()
    settings.MITRA_PUBLIC_URL = "https://mitra.example.go.id"
    services.ocds_release_package()
    assert dumps.is_dirty()  # the bulk files hold the old links
    assert set(built) == set(Partnership.objects.published().values_list("code", flat=True))
    # The public partnership's document links to the new address: a new release says so.
    latest = Release.objects.filter(partnership=world.public).order_by("-sequence").first()
    assert latest.sequence == 2 and "https://mitra.example.go.id/" in latest.data_json


def test_new_settings_start_the_regeneration_at_once(
    many, world, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    """After a deploy that changed the release settings, every partnership is compared again in
    the background from the first check (a server process starting, or the first export), not
    15 minutes later, which a regeneration queued before would have made it wait for."""
    from django_tasks import default_task_backend

    from mitra.disclosure import dumps
    from mitra.jobs.models import Job, JobStatus

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    dumps.publish()
    # a queue with a worker (the test settings run tasks at once, as that worker would)
    monkeypatch.setattr(default_task_backend, "supports_defer", True, raising=False)
    # a starting worker closes its connection after the check; the test's one must stay open
    monkeypatch.setattr(connections, "close_all", lambda: None)
    later = Job.objects.create(kind=dumps.KIND, title="later", params={})  # due in 15 minutes
    marks._KNOWN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        marks.check_basis_at_start()  # unchanged settings: nothing queued
    assert list(Job.objects.filter(kind=dumps.KIND)) == [later] and not dumps.is_dirty()

    settings.MITRA_PUBLIC_URL = "https://mitra.example.go.id"
    built = _built(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        marks.check_basis_at_start()
    now = Job.objects.get(kind=dumps.KIND, params__at_once=True)
    assert now.status == JobStatus.SUCCEEDED, now.error
    assert "ocds-release-package.json" in now.result["summary"]
    assert set(built) == set(Partnership.objects.published().values_list("code", flat=True))
    assert not _marked(published=True) and not dumps.is_dirty()
    files = (tmp_path / "open-data" / "ocds-release-package.json").read_text(encoding="utf-8")
    assert "https://mitra.example.go.id/" in files
    later.refresh_from_db()
    assert later.status == JobStatus.QUEUED  # left to find the files up to date


def test_a_regeneration_to_run_at_once_is_queued_once(world, settings, monkeypatch, tmp_path):
    from django_tasks import default_task_backend

    from mitra.disclosure import dumps
    from mitra.jobs.models import Job

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    monkeypatch.setattr(default_task_backend, "supports_defer", True, raising=False)
    queue = SimpleNamespace(enqueue=lambda job_id: None)  # a worker that runs nothing yet
    monkeypatch.setattr(
        "mitra.jobs.tasks.job_run", SimpleNamespace(**vars(queue), using=lambda **_: queue)
    )
    Job.objects.create(kind=dumps.KIND, title="later", params={})
    first = dumps.schedule(0)
    assert first is not None and first.params == {"at_once": True}
    assert dumps.schedule(0) is None  # one at once is queued already
    assert dumps.schedule(15) is None  # and so is one later
    assert Job.objects.filter(kind=dumps.KIND).count() == 2


def test_publish_dumps_checks_the_settings_before_it_starts(
    many, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Run at a deploy that changed the settings, ``publish_dumps`` compares everything in its own
    run and leaves the files up to date (not out of date from a check half-way through it)."""
    from mitra.disclosure import dumps

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    dumps.publish()
    settings.MITRA_PUBLIC_URL = "https://mitra.example.go.id"
    marks._KNOWN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dumps.publish()
    assert not dumps.is_dirty() and not _marked(published=True)
    latest = Release.objects.filter(partnership=world.public).order_by("-sequence").first()
    assert "https://mitra.example.go.id/" in latest.data_json


def test_the_bulk_files_forget_the_marks_of_unpublished_partnerships(
    many, world, settings, tmp_path
):
    from mitra.disclosure import dumps

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    world.draft.save()
    world.public.save()
    assert {world.draft.pk, world.public.pk} <= _marked()
    dumps.sync_all()
    # the draft's mark is gone (no export covers it); the public one's was read and cleared
    assert not _marked()
    world.draft.visibility = Visibility.PUBLIC
    world.draft.save()  # publishing marks it again
    assert _marked() == {world.draft.pk}


def test_an_oc4ids_page_reads_the_projects_stored_when_compared(world, monkeypatch):
    ids = bulk_partnerships(6, organisations=[world.pemda, world.company], sector="toll_road")
    first = services.oc4ids_project_package(paginate=True)
    assert len(first["projects"]) == 6
    assert StoredProject.objects.filter(partnership_id__in=ids).count() == 6
    built: list[str] = []
    real = services.project

    def spy(bundle: Any, releases: Any) -> dict:
        built.append(bundle.partnership.code)
        return real(bundle, releases)

    monkeypatch.setattr(services, "project", spy)
    assert services.oc4ids_project_package(paginate=True) == first
    assert built == []  # nothing changed: every project read as stored
    p = Partnership.objects.get(pk=ids[2])
    p.title_ind = "Jalan Tol Cisumdawu"
    p.save()
    package = services.oc4ids_project_package(paginate=True)
    assert built == [p.code]  # rebuilt with its comparison, the others read
    [changed] = [x for x in package["projects"] if x["id"].endswith(p.code)]
    assert changed["title"] == "Jalan Tol Cisumdawu"
    # its new release is listed, and dates the project
    releases = changed["contractingProcesses"][0]["releases"]
    assert [r["id"][-4:] for r in releases] == ["0001", "0002"]
    assert changed["updated"] == releases[-1]["date"]
    # A partnership that stops being infrastructure leaves the projects and its stored one goes.
    p.development_sector = "education"
    p.save()
    package = services.oc4ids_project_package(paginate=True)
    assert len(package["projects"]) == 5
    services.ocds_release_package()  # an export that covers it compares it
    assert not StoredProject.objects.filter(partnership_id=p.pk).exists()


def test_a_release_made_for_one_code_leaves_no_stale_project(world):
    """The per-code release package appends a release on its own (release_sync): the stored
    OC4IDS project, which lists the releases, goes with it and is built when asked."""
    [pk] = bulk_partnerships(1, organisations=[world.pemda], sector="toll_road")
    p = Partnership.objects.get(pk=pk)
    services.oc4ids_project_package(paginate=True)
    assert StoredProject.objects.filter(partnership_id=pk).exists()
    p.title_ind = "Jalan Tol Cisumdawu"
    p.save()
    services.ocds_release_package_for(code=p.code)
    assert not StoredProject.objects.filter(partnership_id=pk).exists()
    [project] = services.stored_projects([pk])
    releases = project["contractingProcesses"][0]["releases"]
    assert [r["id"][-4:] for r in releases] == ["0001", "0002"]


def test_a_project_not_stored_yet_is_built_when_asked(world):
    ids = bulk_partnerships(3, organisations=[world.pemda], sector="toll_road")
    first = services.oc4ids_project_package(paginate=True)
    StoredProject.objects.all().delete()  # as if compared before projects were stored
    assert services.oc4ids_project_package(paginate=True) == first
    assert not StoredProject.objects.filter(partnership_id__in=ids).exists()


def test_new_settings_queue_nothing_when_scheduling_is_off(
    many, world, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    """MITRA_OPEN_DATA_REFRESH_MINUTES = 0: only `mitra publish_dumps` regenerates the files, so
    new settings mark them out of date and queue nothing."""
    from django_tasks import default_task_backend

    from mitra.disclosure import dumps
    from mitra.jobs.models import Job

    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    dumps.publish()
    monkeypatch.setattr(default_task_backend, "supports_defer", True, raising=False)
    settings.MITRA_OPEN_DATA_REFRESH_MINUTES = 0
    settings.MITRA_PUBLIC_URL = "https://mitra.example.go.id"
    marks._KNOWN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        marks.check_basis()
    assert dumps.is_dirty() and not Job.objects.filter(kind=dumps.KIND).exists()
