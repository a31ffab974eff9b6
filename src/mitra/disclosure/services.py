"""Writes of the open-data export: materialising OCDS releases.

When are releases made? `release_sync(partnership=...)` compares what the public may see of a
published partnership now with its latest stored release (by a content hash) and appends a new
release only when they differ. Every export (API endpoints, `mitra export`) calls it for the
partnerships it exports before reading the stored releases, so each published change yields a
new release the first time anyone exports after it, and an export with no change adds nothing.
Other callers (a publish action, a nightly job) may call it too; it is idempotent.

A release, once stored, is never changed: its id (`<ocid>-<sequence, 4 digits>`) and its date
(the moment it was made) stay stable. Unpublished partnerships are never synced.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from mitra.core.errors import NotFound
from mitra.partnerships.models import Partnership

from . import jsonio
from .codelists import INFRASTRUCTURE_SECTORS, STAGES
from .compile import record_package
from .models import Release
from .oc4ids import NOT_INFRASTRUCTURE, project, project_package
from .ocds import absolute_url, ocid_for, release_content, release_package, rfc3339
from .selectors import (
    infrastructure_partnerships,
    public_bundle,
    public_bundles,
    published_partnership_get,
    published_partnerships,
)


def content_hash(content: dict) -> str:
    return hashlib.sha256(jsonio.dumps(content, canonical=True).encode()).hexdigest()


def release_sync(*, partnership: Partnership) -> Release | None:
    """The partnership's latest release, after appending one if its public content changed.

    Returns None for a partnership that is not published (nothing is written).
    """
    if not Partnership.objects.published().filter(pk=partnership.pk).exists():
        return None
    for _attempt in range(3):
        try:
            return _sync(partnership)
        except IntegrityError:
            # Another export appended the same sequence number meanwhile: read it again.
            continue
    return Release.objects.filter(partnership=partnership).order_by("-sequence").first()


@transaction.atomic
def _sync(partnership: Partnership) -> Release:
    # Lock the partnership row (PostgreSQL) so concurrent exports append one release, not two.
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    bundle = public_bundle(locked)
    content = release_content(bundle)
    # The stage is hashed too: a stage change is news (its release carries the stage's tag) even
    # when no exported field changes with it.
    digest = content_hash({"release": content, "stage": locked.stage})
    latest = Release.objects.filter(partnership=locked).order_by("-sequence").first()
    if latest is not None and latest.content_hash == digest:
        return latest
    codes = STAGES[locked.stage]
    if latest is None:
        tag = codes.tag
    else:
        previous = latest.tags[0] if latest.tags else ""
        tag = codes.update_tag if previous in (codes.tag, codes.update_tag) else codes.tag
    sequence = (latest.sequence if latest else 0) + 1
    ocid = ocid_for(locked)
    now = timezone.now().replace(microsecond=0)
    if latest is not None and now <= latest.date:
        # Two releases must not share a date (records sort by it): one second later at least.
        now = latest.date + datetime.timedelta(seconds=1)
    release_id = f"{ocid}-{sequence:04d}"
    data = {
        "ocid": ocid,
        "id": release_id,
        "date": rfc3339(now),
        "tag": [tag],
        **{k: v for k, v in content.items() if k != "ocid"},
    }
    with transaction.atomic():
        return Release.objects.create(
            partnership=locked,
            sequence=sequence,
            ocid=ocid,
            release_id=release_id,
            date=now,
            tags=[tag],
            data_json=jsonio.dumps(data, canonical=True),
            content_hash=digest,
        )


def releases_sync(*, partnerships: Iterable[Partnership]) -> None:
    """`release_sync` for each published partnership whose public content changed.

    Every export calls this for all the partnerships it covers, so the check is batched: the
    public content of all of them is read in a fixed number of queries and compared with the hash
    of each one's latest release; only a partnership that changed goes through `release_sync`
    (which locks it and checks again). An export with nothing new costs the same few queries
    whatever the number of partnerships.
    """
    ids = [p.pk for p in partnerships]
    if not ids:
        return
    latest: dict[int, str] = {}
    for pid, digest in (
        Release.objects.filter(partnership_id__in=ids)
        .order_by("partnership_id", "sequence")
        .values_list("partnership_id", "content_hash")
    ):
        latest[pid] = digest  # the last one per partnership wins: the highest sequence
    for bundle in public_bundles(Partnership.objects.filter(pk__in=ids)):
        p = bundle.partnership
        if latest.get(p.pk) != content_hash({"release": release_content(bundle), "stage": p.stage}):
            release_sync(partnership=p)


# --- packages -----------------------------------------------------------------------------------
# Each export syncs the releases of the partnerships it covers, then reads the stored releases.
# publishedDate is the date of the newest release included ("the date of the last change to the
# underlying contents" for packages generated on demand), so an unchanged export is identical.


def _published(releases: list[Release]) -> datetime.datetime:
    return max((r.date for r in releases), default=None) or timezone.now()


def _since(filters: dict) -> datetime.datetime | None:
    """`updated_since` as an aware moment: one without an offset (or a plain date) is read in the
    server's time zone, since stored release dates are aware and cannot be compared otherwise."""
    since = filters.pop("updated_since", None)
    if isinstance(since, datetime.datetime) and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return since


def _stored(partnership_ids: list[int]) -> dict[int, list[Release]]:
    out: dict[int, list[Release]] = {pk: [] for pk in partnership_ids}
    for r in Release.objects.filter(partnership_id__in=partnership_ids).order_by(
        "partnership_id", "sequence"
    ):
        out[r.partnership_id].append(r)
    return out


def ocds_release_package(*, filters: dict | None = None, uri: str | None = None) -> dict:
    """Every release of every published partnership matching `filters` (selectors), synced.

    `updated_since` keeps the releases made at or after that moment (a published change of any
    part, documents and partners included, makes a release).
    """
    filters = dict(filters or {})
    since = _since(filters)
    partnerships = list(published_partnerships(filters=filters))
    releases_sync(partnerships=partnerships)
    stored = _stored([p.pk for p in partnerships])
    releases = [r for p in partnerships for r in stored[p.pk] if since is None or r.date >= since]
    return release_package(
        [r.data for r in releases],
        uri=uri or absolute_url("/api/v1/ocds/release-package"),
        published=_published(releases),
    )


def ocds_release_package_for(*, code: str, uri: str | None = None) -> dict:
    """The releases of one published partnership (NotFound otherwise) as a release package."""
    partnership = published_partnership_get(code=code)
    release_sync(partnership=partnership)
    releases = _stored([partnership.pk])[partnership.pk]
    return release_package(
        [r.data for r in releases],
        uri=uri or absolute_url(f"/api/v1/ocds/release-package?code={code}"),
        published=_published(releases),
    )


def ocds_record_package(
    *, code: str | None = None, filters: dict | None = None, uri: str | None = None
) -> dict:
    """The record of one published partnership (`code`; NotFound otherwise) or of all matching."""
    if code is not None:
        partnerships = [published_partnership_get(code=code)]
        uri = uri or absolute_url(f"/api/v1/partnerships/{code}/ocds/record-package")
    else:
        partnerships = list(published_partnerships(filters=filters))
    releases_sync(partnerships=partnerships)
    stored = _stored([p.pk for p in partnerships])
    records: dict[str, list[dict]] = {}
    everything: list[Release] = []
    for p in partnerships:
        for r in stored[p.pk]:
            records.setdefault(r.ocid, []).append(r.data)
            everything.append(r)
    return record_package(
        list(records.items()),
        uri=uri or absolute_url("/api/v1/ocds/record-package"),
        published=_published(everything),
    )


def oc4ids_project_package(
    *, code: str | None = None, filters: dict | None = None, uri: str | None = None
) -> dict:
    """OC4IDS projects of published infrastructure partnerships (one, by `code`, or all)."""
    if code is not None:
        partnership = published_partnership_get(code=code)
        if partnership.development_sector not in INFRASTRUCTURE_SECTORS:
            raise NotFound(NOT_INFRASTRUCTURE)
        qs = Partnership.objects.filter(pk=partnership.pk)
        uri = uri or absolute_url(f"/api/v1/partnerships/{code}/oc4ids/project-package")
    else:
        qs = infrastructure_partnerships(filters=filters)
    since = _since(dict(filters or {}))
    bundles = public_bundles(qs)
    releases_sync(partnerships=[b.partnership for b in bundles])
    stored = _stored([b.partnership.pk for b in bundles])
    if since is not None:  # projects with a release made at or after `since`
        bundles = [b for b in bundles if any(r.date >= since for r in stored[b.partnership.pk])]
        stored = {b.partnership.pk: stored[b.partnership.pk] for b in bundles}
    projects = [project(b, stored[b.partnership.pk]) for b in bundles]
    return project_package(
        projects,
        uri=uri or absolute_url("/api/v1/oc4ids/project-package"),
        published=_published([r for rs in stored.values() for r in rs]),
    )
