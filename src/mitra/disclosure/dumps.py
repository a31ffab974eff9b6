"""Bulk downloads: the full open-data files, regenerated in the background, served as files.

The API answers one page of partnerships at a time (``links.next``); whoever wants everything
downloads the files of the open-data page instead, which are never built inside a request:

- ``ocds-release-package.json``: every release of every published partnership (OCDS for PPPs);
- ``oc4ids-project-package.json``: every published infrastructure project (OC4IDS);
- ``partnerships-id.csv`` and ``partnerships-en.csv``: the public partnership list, as an
  anonymous reader downloads it, in Indonesian and in English.

When are they made? A change to what the public may see (a row of a model the releases read,
``marks.FEEDS``, or a table import) marks the files out of date (:func:`mark_dirty`, from the
signals of ``apps.ready``) and, at most once per ``MITRA_OPEN_DATA_REFRESH_MINUTES`` (15 by
default), schedules a background job (kind ``disclosure.dumps``) that many minutes later; the job
regenerates the files if they are still out of date. ``mitra publish_dumps`` regenerates them at
once (from cron, or by hand). Each file is written to a temporary name beside it and
renamed, so a download never reads half a file; ``index.json`` lists their dates and sizes,
and names the database they came from (:func:`database_label`): files another database wrote in
the same folder (a benchmark's, or another deployment's) are neither listed nor served, and count
as out of date.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mitra.core.exports import csv_style, write_csv
from mitra.jobs.models import Job, JobStatus
from mitra.partnerships.models import Partnership

from . import jsonio, marks
from .models import Release, ReleaseBasis
from .oc4ids import project_package
from .ocds import absolute_url, release_package
from .selectors import infrastructure_partnerships, published_partnerships
from .services import page_of, releases_sync, stored_projects, stored_releases

KIND = "disclosure.dumps"
#: Partnerships read and synced together while a file is written.
BATCH = 500
_SCHEDULED = "disclosure.dumps.scheduled"


@dataclass(frozen=True)
class Dump:
    name: str
    title: Any  # lazy translation
    media_type: str


DUMPS = (
    Dump(
        "ocds-release-package.json",
        _("OCDS for PPPs release package: every release of every published partnership"),
        "application/json",
    ),
    Dump(
        "oc4ids-project-package.json",
        _("OC4IDS project package: every published infrastructure project"),
        "application/json",
    ),
    Dump(
        "partnerships-id.csv",
        _("Published partnerships as a table (CSV, Indonesian)"),
        "text/csv; charset=utf-8",
    ),
    Dump(
        "partnerships-en.csv",
        _("Published partnerships as a table (CSV, English)"),
        "text/csv; charset=utf-8",
    ),
)
BY_NAME = {d.name: d for d in DUMPS}


def directory() -> Path:
    """Where the files are kept (``MITRA_OPEN_DATA_DIR``, default MEDIA_ROOT/open-data)."""
    configured = getattr(settings, "MITRA_OPEN_DATA_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "open-data"


#: Minutes between a change and the regeneration of the files (``MITRA_OPEN_DATA_REFRESH_MINUTES``).
REFRESH_MINUTES = 15


def refresh_minutes() -> int:
    return int(getattr(settings, "MITRA_OPEN_DATA_REFRESH_MINUTES", REFRESH_MINUTES))


def _dirty_flag() -> Path:
    return directory() / ".dirty"


def database_label() -> str:
    """Which database the files come from: a digest of its engine and name (not the name itself:
    the label lies beside public files). Not its host or port, which a move of the server or a
    connection pooler changes for the same data."""
    db = connection.settings_dict
    named = "|".join(str(db.get(k) or "") for k in ("ENGINE", "NAME"))
    return hashlib.sha256(named.encode()).hexdigest()[:16]


def _read_index() -> dict[str, Any] | None:
    try:
        index = json.loads((directory() / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return index if isinstance(index, dict) else None


def _ours(index: dict[str, Any] | None) -> dict[str, Any] | None:
    """``index`` when it describes this database's files (one written before the files named
    their database counts as this one's); None when absent, unreadable or another's."""
    if index is None or index.get("database", database_label()) != database_label():
        return None
    return index


def _index() -> dict[str, Any] | None:
    return _ours(_read_index())


def schedule_if_foreign(sender: Any = None, **_signal: Any) -> Job | None:
    """As a server process starts (``marks.started``): when the files were written
    from another database (the database was renamed, or the folder is shared), queue their
    regeneration at once, so the open-data page lists this database's files again within
    minutes instead of none until the next change."""
    index = _read_index()
    return schedule(0) if index is not None and _ours(index) is None else None


def is_dirty() -> bool:
    return _dirty_flag().exists() or _index() is None


def mark_dirty(sender: Any = None, **_signal: Any) -> None:
    """The public data changed: the files are out of date. Schedules their regeneration, at
    most once per refresh interval (a signal receiver: cheap, no query when already scheduled).

    When the release settings changed (``sender`` is ``ReleaseBasis``: ``marks.check_basis``),
    every partnership is to be compared again, and a reader of a page of 1,000 would wait for
    it: the regeneration, which compares them all, is queued to start at once."""
    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _dirty_flag().touch()
    except OSError:
        return
    minutes = refresh_minutes()
    if minutes <= 0:  # scheduling is off: only `mitra publish_dumps` regenerates them
        return
    if sender is ReleaseBasis:
        transaction.on_commit(lambda: schedule(0))
        return
    if not cache.add(_SCHEDULED, 1, timeout=minutes * 60):
        return
    transaction.on_commit(lambda: schedule(minutes))


def schedule(minutes: int) -> Job | None:
    """Queue a regeneration ``minutes`` from now (0: at once); None when one is queued already,
    or when the queue cannot defer a task (no worker process: then ``mitra publish_dumps``
    regenerates them).

    One regeneration queued at a time, except that one to run at once is queued even beside a
    later one (which then finds the files up to date and does nothing)."""
    from django_tasks import default_task_backend

    from mitra.jobs.tasks import job_run

    if not getattr(default_task_backend, "supports_defer", False):
        return None
    queued = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED)
    if minutes <= 0:
        queued = queued.filter(params__at_once=True)
    if queued.exists():
        return None
    params = {"at_once": True} if minutes <= 0 else {}
    job = Job.objects.create(kind=KIND, title=str(_("Open-data files")), params=params)
    if minutes <= 0:
        job_run.enqueue(str(job.pk))
    else:
        run_after = timezone.now() + datetime.timedelta(minutes=minutes)
        job_run.using(run_after=run_after).enqueue(str(job.pk))
    return job


def dumps_job(job: Job, progress: Any) -> dict[str, Any]:
    """The handler of ``disclosure.dumps``: regenerate the files when they are out of date."""
    cache.delete(_SCHEDULED)
    if not is_dirty():
        return {"summary": {str(_("Files")): str(_("already up to date"))}}
    files = publish(progress=progress)
    return {"summary": {f["name"]: f["size"] for f in files}}


# --- writing ------------------------------------------------------------------------------------


def _pages(qs: Any) -> Iterator[list[Partnership]]:
    after = None
    while True:
        page = page_of(qs, size=BATCH, after=after)
        if page.partnerships:
            yield page.partnerships
        if not page.next:
            return
        after = page.next


def _published_date(qs: Any) -> datetime.datetime:
    moment = Release.objects.filter(partnership__in=qs.values("pk")).aggregate(m=Max("date"))["m"]
    return moment or timezone.now()


def _json_package(out: IO[bytes], head: dict[str, Any], key: str, items: Iterator[str]) -> int:
    """Write ``head`` with ``key`` holding ``items`` (JSON texts) without holding them all."""
    text = jsonio.dumps({**head, key: []})
    opening = text[: text.rindex("[")] + "["
    out.write(opening.encode())
    count = 0
    for item in items:
        out.write(((",\n" if count else "\n") + item).encode())
        count += 1
    out.write(("\n" + text[text.rindex("]") :]).encode())
    return count


def write_ocds(out: IO[bytes], step: Callable[[int], None]) -> int:
    qs = published_partnerships()
    package = release_package(
        [], uri=absolute_url(dump_url(DUMPS[0].name)), published=_published_date(qs)
    )

    def items() -> Iterator[str]:
        done = 0
        for partnerships in _pages(qs):
            stored = stored_releases([p.pk for p in partnerships])
            for p in partnerships:
                for r in stored[p.pk]:
                    yield r.data_json  # canonical JSON as stored: exact amounts
            done += len(partnerships)
            step(done)

    return _json_package(out, package, "releases", items())


def write_oc4ids(out: IO[bytes], step: Callable[[int], None]) -> int:
    qs = infrastructure_partnerships()
    package = project_package(
        [], uri=absolute_url(dump_url(DUMPS[1].name)), published=_published_date(qs)
    )

    def items() -> Iterator[str]:
        done = 0
        for partnerships in _pages(qs):
            # sync_all ran first: the projects are those stored with each comparison
            for data in stored_projects([p.pk for p in partnerships]):
                yield jsonio.dumps(data)
            done += len(partnerships)
            step(done)

    return _json_package(out, package, "projects", items())


def write_csv_dump(language: str) -> Callable[[IO[bytes], Callable[[int], None]], int]:
    def write(out: IO[bytes], step: Callable[[int], None]) -> int:
        from mitra.partnerships.exports import partnership_list_table

        with translation.override(language):
            table = partnership_list_table(user=AnonymousUser(), query={})
            return write_csv(out, table.rows, table.columns, csv_style(language), step)

    return write


WRITERS: dict[str, Callable[[IO[bytes], Callable[[int], None]], int]] = {
    "ocds-release-package.json": write_ocds,
    "oc4ids-project-package.json": write_oc4ids,
    "partnerships-id.csv": write_csv_dump("id"),
    "partnerships-en.csv": write_csv_dump("en"),
}


def sync_all(step: Callable[[int], None] | None = None) -> int:
    """Bring the stored releases of every published partnership up to date, page by page, and
    drop the marks of partnerships that are not published (marks.forget_unpublished)."""
    marks.forget_unpublished()
    done = 0
    for partnerships in _pages(published_partnerships()):
        releases_sync(partnerships=partnerships)
        done += len(partnerships)
        if step is not None:
            step(done)
    return done


def publish(progress: Any = None) -> list[dict[str, Any]]:
    """Regenerate every file now; returns what ``index.json`` lists."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    # New release settings found now mark the files out of date before this run starts, not
    # half-way through it (the regeneration they queue then finds the files up to date).
    marks.check_basis()
    _dirty_flag().unlink(missing_ok=True)  # a change from now on marks them out of date again
    total = published_partnerships().count()
    steps = total * (len(DUMPS) + 1) or 1
    state = {"base": 0}

    def step(done: int) -> None:
        if progress is not None:
            progress(min(state["base"] + done, steps), steps)

    sync_all(step)
    state["base"] += total
    files = []
    for dump in DUMPS:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{dump.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                count = WRITERS[dump.name](out, step)
            os.chmod(tmp, 0o644)  # public files
            os.replace(tmp, folder / dump.name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        state["base"] += total
        stat = (folder / dump.name).stat()
        files.append(
            {
                "name": dump.name,
                "size": stat.st_size,
                "items": count,
                "generated": timezone.now().replace(microsecond=0).isoformat(),
            }
        )
    index = {"database": database_label(), "files": files}
    (folder / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return files


def published_files() -> list[dict[str, Any]]:
    """The files as the open-data page lists them: each dump with its date, size, item count
    (None for one never generated)."""
    index = _index()
    listed = index.get("files", []) if index is not None else []
    found = {f["name"]: f for f in listed if (directory() / f.get("name", "")).is_file()}
    out = []
    for dump in DUMPS:
        info = found.get(dump.name)
        out.append(
            {
                "dump": dump,
                "url": dump_url(dump.name),
                "size": info["size"] if info else None,
                "items": info["items"] if info else None,
                "generated": datetime.datetime.fromisoformat(info["generated"]) if info else None,
            }
        )
    return out


def dump_path(name: str) -> Path | None:
    """The file of a dump by name, None for an unknown name, one not generated yet, or one
    another database wrote."""
    if name not in BY_NAME or _index() is None:
        return None
    path = directory() / name
    return path if path.is_file() else None


def dump_url(name: str) -> str:
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        return reverse("disclosure:dump", args=[name])
