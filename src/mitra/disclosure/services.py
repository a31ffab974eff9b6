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

import base64
import binascii
import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core import pagecache
from mitra.core.errors import NotFound
from mitra.partnerships.models import Partnership

from . import jsonio, marks
from .codelists import INFRASTRUCTURE_SECTORS, STAGES
from .compile import record_package
from .models import Release, StoredProject
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
    release = _new_release(locked, content, digest, latest, timezone.now())
    with transaction.atomic():
        release.save(force_insert=True)
    # Its stored OC4IDS project lists the releases before this one: built when asked until the
    # partnership's next comparison stores it again (its mark stays until then).
    _forget_projects([locked.pk])
    return release


def _new_release(
    partnership: Partnership,
    content: dict,
    digest: str,
    latest: Release | None,
    moment: datetime.datetime,
) -> Release:
    """The release that follows ``latest`` (None: the first) with this content (unsaved)."""
    codes = STAGES[partnership.stage]
    if latest is None:
        tag = codes.tag
    else:
        previous = latest.tags[0] if latest.tags else ""
        tag = codes.update_tag if previous in (codes.tag, codes.update_tag) else codes.tag
    sequence = (latest.sequence if latest else 0) + 1
    ocid = ocid_for(partnership)
    now = moment.replace(microsecond=0)
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
    return Release(
        partnership=partnership,
        sequence=sequence,
        ocid=ocid,
        release_id=release_id,
        date=now,
        tags=[tag],
        data_json=jsonio.dumps(data, canonical=True),
        content_hash=digest,
    )


def _latest_releases(ids: list[int]) -> dict[int, Release]:
    """The latest stored release of each partnership (one query; only what a new one needs)."""
    latest: dict[int, Release] = {}
    for r in (
        Release.objects.filter(partnership_id__in=ids)
        .only("partnership", "sequence", "date", "tags", "content_hash")
        .order_by("partnership_id", "sequence")
    ):
        latest[r.partnership_id] = r  # the last one per partnership wins: the highest sequence
    return latest


@transaction.atomic
def _sync_batch(ids: list[int], today: datetime.date | None = None) -> None:
    """``_sync`` for many partnerships at once, in a fixed number of queries: lock them, read
    their public content and latest releases, append the releases of those that changed, store
    the OC4IDS projects of the infrastructure ones (built with their releases as now stored) and
    mark each for the day its KPIs' failures change by themselves (marks.mark_on)."""
    from mitra.results.selectors import failures_change_on

    today = today or timezone.localdate()
    locked = list(Partnership.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not locked:
        return
    latest = _latest_releases([p.pk for p in locked])
    now = timezone.now()
    new = []
    days = {}
    bundles = public_bundles(Partnership.objects.filter(pk__in=[p.pk for p in locked]))
    for bundle in bundles:
        p = bundle.partnership
        content = release_content(bundle)
        digest = content_hash({"release": content, "stage": p.stage})
        previous = latest.get(p.pk)
        if previous is None or previous.content_hash != digest:
            new.append(_new_release(p, content, digest, previous, now))
        day = failures_change_on(p.kpis, today)  # type: ignore[attr-defined]
        if day is not None:
            days[p.pk] = day
    with transaction.atomic():
        Release.objects.bulk_create(new)
    _store_projects(bundles, [p.pk for p in locked])
    marks.mark_on(days)


def _forget_projects(ids: list[int]) -> None:
    """Delete the stored OC4IDS projects of ``ids`` (a plain DELETE: derived data, no signal)."""
    gone = StoredProject.objects.filter(partnership_id__in=ids)
    gone._raw_delete(gone.db)


def _store_projects(bundles: list[Any], ids: list[int]) -> None:
    """Replace the stored OC4IDS projects of ``ids`` by those of the infrastructure partnerships
    among ``bundles`` (the others have none)."""
    infrastructure = [
        b for b in bundles if b.partnership.development_sector in INFRASTRUCTURE_SECTORS
    ]
    heads = stored_releases([b.partnership.pk for b in infrastructure])
    _forget_projects(ids)
    StoredProject.objects.bulk_create(
        StoredProject(
            partnership_id=b.partnership.pk,
            data_json=jsonio.dumps(project(b, heads[b.partnership.pk])),
        )
        for b in infrastructure
    )


def releases_sync(*, partnerships: Iterable[Partnership]) -> None:
    """`release_sync` for each published partnership whose public content changed.

    Every export calls this for all the partnerships it covers, so the check is batched and
    narrowed: only the partnerships that carry a mark (a write to what their releases read, or a
    KPI report fallen overdue: see marks.py) or have no release yet are compared. Their public
    content is read in a fixed number of queries and compared with the hash of each one's latest
    release; those that changed get their new releases together (``_sync_batch``: locked, read
    again and appended in a fixed number of queries too). An export costs the same few queries
    whatever the number of partnerships, changed or not, and builds only the changed ones.
    """
    ids = [p.pk for p in partnerships]
    if not ids:
        return
    # Once per data version (in this process): with nothing changed since, nothing to append.
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    pagecache.once_per_version(f"releases-sync:{digest}", lambda: _releases_sync(ids))


def releases_build(ids: Iterable[int], step: Callable[[float], None] | None = None) -> int:
    """Compare now the published partnerships among ``ids`` (and append the releases of those
    that changed), ``MAX_PAGE_SIZE`` at a time; returns how many were compared. ``step`` is told
    the share done (0 to 1) after each batch.

    For writers in bulk (the table import), inside their transaction: when their rows become
    visible, the open-data pages find the releases already made, instead of a reader's request
    building a whole page of them (about a second for a page of 1,000)."""
    wanted = sorted(set(ids))
    done = 0
    for start in range(0, len(wanted), MAX_PAGE_SIZE):
        chunk = list(
            Partnership.objects.published()
            .filter(pk__in=wanted[start : start + MAX_PAGE_SIZE])
            .values_list("pk", flat=True)
        )
        if chunk:
            _releases_sync(chunk)
        done += len(chunk)
        if step is not None:
            step(min(1.0, (start + MAX_PAGE_SIZE) / len(wanted)))
    return done


def _releases_sync(ids: list[int]) -> None:
    marks.check_basis()
    today = timezone.localdate()
    due = marks.due(ids, today)  # read before the content: a later change stays marked
    have = set(
        Release.objects.filter(partnership_id__in=ids, sequence=1).values_list(
            "partnership_id", flat=True
        )
    )
    todo = sorted(set(due) | (set(ids) - have))
    if todo:
        _compare(todo, today)
    marks.clear(pk for found in due.values() for pk in found)


def _compare(ids: list[int], today: datetime.date) -> None:
    """Compare these partnerships' public content with their latest releases and rebuild what
    derives from it (``_sync_batch``, under their lock)."""
    try:
        _sync_batch(ids, today)
    except IntegrityError:
        # Another export appended some of these meanwhile: one by one, each read again (their
        # OC4IDS projects are then built when asked for, and their marks stay until compared).
        for p in Partnership.objects.filter(pk__in=ids):
            release_sync(partnership=p)
        _forget_projects(ids)  # built when asked for until compared again


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


def stored_releases(partnership_ids: list[int]) -> dict[int, list[Release]]:
    """The stored releases of each partnership, in sequence order (one query)."""
    out: dict[int, list[Release]] = {pk: [] for pk in partnership_ids}
    for r in Release.objects.filter(partnership_id__in=partnership_ids).order_by(
        "partnership_id", "sequence"
    ):
        out[r.partnership_id].append(r)
    return out


#: Items (releases, projects) per page of the paginated packages when the reader asks for no size,
#: and at most.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Page:
    """One page of partnerships in package order, with the cursors of its neighbours."""

    partnerships: list[Partnership]
    #: Cursor of the next page (``after``), None on the last page.
    next: str | None
    #: Cursor of the previous page (``before``), None on the first page.
    prev: str | None


def encode_cursor(partnership: Partnership, sequence: int | None = None) -> str:
    """An opaque cursor: where a partnership sits in package order (created, id), and for the
    release package a release of it (its sequence number; none: after all its releases)."""
    return _position_cursor(partnership.created_at, partnership.pk, sequence)


def decode_position(cursor: str) -> tuple[datetime.datetime, int, int | None]:
    """The (created, id, sequence or None) of a cursor; ``NotFound`` (404: no such page) when it
    is not one of ours. Not a 422: any string of the documented cursor alphabet is a well-formed
    request for a page, and one we never handed out names none."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = text.split("|")
        if len(parts) not in (2, 3):
            raise ValueError(text)
        created = datetime.datetime.fromisoformat(parts[0])
        sequence = int(parts[2]) if len(parts) == 3 else None
        if sequence is not None and sequence < 0:
            raise ValueError(text)
        return created, int(parts[1]), sequence
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise NotFound(_("No such page: follow links.next or links.prev.")) from None


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    """The (created, id) of a partnership cursor (see `decode_position`)."""
    created, pk, _sequence = decode_position(cursor)
    return created, pk


def page_of(
    qs: QuerySet[Partnership],
    *,
    size: int = PAGE_SIZE,
    after: str | None = None,
    before: str | None = None,
) -> Page:
    """A keyset page of ``qs`` in package order (oldest first): the ``size`` partnerships after
    the cursor ``after`` (or before ``before``), two indexed comparisons whatever the depth."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    if before:
        created, pk = decode_cursor(before)
        rows = list(
            qs.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk)).order_by(
                "-created_at", "-id"
            )[: size + 1]
        )
        more = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows,
            next=encode_cursor(rows[-1]) if rows else None,
            prev=encode_cursor(rows[0]) if rows and more else None,
        )
    if after:
        created, pk = decode_cursor(after)
        qs = qs.filter(Q(created_at__gt=created) | Q(created_at=created, pk__gt=pk))
    rows = list(qs.order_by("created_at", "id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows,
        next=encode_cursor(rows[-1]) if rows and more else None,
        prev=encode_cursor(rows[0]) if rows and after else None,
    )


@dataclass(frozen=True)
class ReleasePage:
    """One page of the release package: at most ``size`` releases in package order (their
    partnerships oldest first, then sequence), with the cursors of its neighbours."""

    releases: list[Release]
    next: str | None
    prev: str | None


def _order_key(partnership: Partnership) -> tuple[datetime.datetime, int]:
    return partnership.created_at, partnership.pk


def _span(qs: QuerySet[Partnership], ends: list[Partnership]) -> QuerySet[Partnership]:
    """The partnerships of ``qs`` from one end of ``ends`` to the other in package order, as a
    subquery: ``IN`` a list of a thousand ids cost psycopg ~10 ms a query to write out."""
    low, high = min(ends, key=_order_key), max(ends, key=_order_key)
    return qs.filter(
        Q(created_at__gt=low.created_at) | Q(created_at=low.created_at, pk__gte=low.pk),
        Q(created_at__lt=high.created_at) | Q(created_at=high.created_at, pk__lte=high.pk),
    ).values("id")


def _first_releases(
    qs: QuerySet[Partnership],
    rows: QuerySet[Release],
    candidates: list[Partnership],
    size: int,
    *,
    backward: bool,
) -> list[Release]:
    """The first ``size`` of ``rows`` of the ``candidates`` (consecutive partnerships of ``qs``)
    in reading order (the candidates' order, then sequence; both reversed when reading
    ``backward``), in three queries whatever the size.

    Not one ORDER BY over a join with the partnerships: PostgreSQL walked every partnership in
    package order to find the page's (190 ms on 22,000). The releases are counted per candidate;
    those of the candidates before the one that completes the page are all on it and read whole,
    and that one's only as far as needed, so a long history is never read whole."""
    if not candidates:
        return []
    counts = dict(
        rows.filter(partnership_id__in=_span(qs, [candidates[0], candidates[-1]]))
        .order_by()
        .values("partnership_id")
        .annotate(n=Count("id"))
        .values_list("partnership_id", "n")
    )
    # the candidate that completes the page (or the last), and the releases of those before it
    last, taken = len(candidates) - 1, 0
    for index, partnership in enumerate(candidates):
        if index == last or taken + counts.get(partnership.pk, 0) >= size:
            last = index
            break
        taken += counts.get(partnership.pk, 0)
    rank = {p.pk: index for index, p in enumerate(candidates[: last + 1])}
    whole: list[Release] = []
    if last > 0:
        span = _span(qs, [candidates[0], candidates[last - 1]])
        whole = list(rows.filter(partnership_id__in=span))
    tail = rows.filter(partnership_id=candidates[last].pk).order_by(
        "-sequence" if backward else "sequence"
    )[: max(0, size - taken)]
    sign = -1 if backward else 1
    # fewer than `size` in `whole`, the rest from `tail`: at most `size` in all
    return sorted([*whole, *tail], key=lambda r: (rank[r.partnership_id], sign * r.sequence))


def release_page(
    qs: QuerySet[Partnership],
    *,
    size: int = PAGE_SIZE,
    after: str | None = None,
    before: str | None = None,
    since: datetime.datetime | None = None,
) -> ReleasePage:
    """A keyset page of the releases of the partnerships of ``qs``: the ``size`` releases after
    the cursor ``after`` (or before ``before``), made at or after ``since`` when given.

    A page is bounded by releases, not partnerships, so it stays small however long the
    partnerships' histories grow (a release is made per published change, and a change of the
    release settings makes one for every partnership); a partnership's releases may run over two
    pages. A cursor names a position: a release (partnership created, id, sequence), or the end of
    a partnership's releases (no sequence; the cursors of partnership pages are such). The page is
    read from at most ``size`` partnerships from the cursor on (and the cursor's own), which are
    compared first (each has a release once compared), so a page costs a fixed number of
    queries. With ``since`` a page may hold fewer releases, even none, and still link to the
    next."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    backward = before is not None
    cursor = before if backward else after
    position = decode_position(cursor) if cursor else None
    candidates_qs, reads = qs, size
    if position is not None:
        created, pk, sequence = position
        # The cursor's own partnership is read again unless the cursor is past all its releases
        # (after it, no sequence). It may have no release left for the page (a cursor at its
        # start or end), so one more partnership is read, and the page moves on.
        again = backward or sequence is not None
        lookup = "pk__lte" if backward else ("pk__gte" if again else "pk__gt")
        beyond = Q(created_at__lt=created) if backward else Q(created_at__gt=created)
        candidates_qs = qs.filter(beyond | Q(created_at=created, **{lookup: pk}))
        reads = size + 1 if again else size
    order = ("-created_at", "-id") if backward else ("created_at", "id")
    candidates = list(candidates_qs.order_by(*order)[: reads + 1])
    more_partnerships = len(candidates) > reads
    candidates = candidates[:reads]
    releases_sync(partnerships=candidates)
    rows = Release.objects.all()
    if position is not None and position[2] is not None:
        _created, pk, sequence = position
        if backward:
            rows = rows.exclude(partnership_id=pk, sequence__gte=sequence)
        else:
            rows = rows.exclude(partnership_id=pk, sequence__lte=sequence)
    if since is not None:
        rows = rows.filter(date__gte=since)
    releases = _first_releases(qs, rows, candidates, size + 1, backward=backward)
    more_releases = len(releases) > size
    releases = releases[:size]
    if backward:
        releases.reverse()
    created_of = {p.pk: p for p in candidates}

    def at(release: Release) -> str:
        return encode_cursor(created_of[release.partnership_id], release.sequence)

    far: str | None = None  # the cursor of the page beyond this one in the direction read
    if more_releases:
        far = at(releases[0] if backward else releases[-1])
    elif more_partnerships:
        last = candidates[-1]  # the last candidate read: the page ends with its releases
        far = encode_cursor(last, 0) if backward else encode_cursor(last)
    near: str | None = None  # the cursor back towards where the reader came from
    if releases and position is not None:
        near = at(releases[-1] if backward else releases[0])
    elif position is not None:  # an empty page (since): back to where the cursor pointed
        created, pk, sequence = position
        if sequence is not None:
            sequence = max(0, sequence - 1) if backward else sequence + 1
        near = _position_cursor(created, pk, sequence)
    if backward:
        return ReleasePage(releases, next=near, prev=far)
    return ReleasePage(releases, next=far, prev=near)


def _position_cursor(created: datetime.datetime, pk: int, sequence: int | None) -> str:
    text = f"{created.isoformat()}|{pk}" + ("" if sequence is None else f"|{sequence}")
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _links(page: Page | ReleasePage, uri: str) -> dict[str, str]:
    """``links.next`` and ``links.prev`` of a page (OCDS pagination), from the package's URI
    with its cursor replaced; none on a page that is the whole list."""
    parts = urlsplit(uri)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("after", "before")]
    links = {}
    if page.next:
        links["next"] = urlunsplit(parts._replace(query=urlencode([*query, ("after", page.next)])))
    if page.prev:
        links["prev"] = urlunsplit(parts._replace(query=urlencode([*query, ("before", page.prev)])))
    return links


def _paging(filters: dict) -> dict[str, Any]:
    return {k: filters.pop(k) for k in ("page_size", "after", "before") if k in filters}


def _partnerships(
    qs: QuerySet[Partnership], paging: dict[str, Any] | None
) -> tuple[list[Partnership], Page | None]:
    if paging is None:
        return list(qs), None
    page = page_of(
        qs,
        size=paging.get("page_size") or PAGE_SIZE,
        after=paging.get("after"),
        before=paging.get("before"),
    )
    return page.partnerships, page


def ocds_release_package(
    *,
    filters: dict | None = None,
    uri: str | None = None,
    paginate: bool = False,
    stored_text: bool = False,
) -> dict:
    """Every release of every published partnership matching `filters` (selectors), synced.

    `updated_since` keeps the releases made at or after that moment (a published change of any
    part, documents and partners included, makes a release). With ``paginate`` (the API), one
    page of ``page_size`` releases (`release_page`; cursors ``after``/``before`` in `filters`)
    and ``links`` to the next and previous pages; built in a fixed number of queries whatever the
    page size. With ``stored_text`` the releases are their stored canonical JSON texts
    (``jsonio.Raw``), for ``jsonio.dumps`` to splice in as they are: a page is then not parsed
    and written again (about half of its cost), and its releases read exactly as in the bulk
    file.
    """
    filters = dict(filters or {})
    since = _since(filters)
    paging = _paging(filters)
    # Only what paging and the releases need: the partnerships' own fields are in the releases.
    partnerships = published_partnerships(filters=filters).only("id", "created_at")
    page: ReleasePage | None = None
    if paginate:
        page = release_page(
            partnerships,
            size=paging.get("page_size") or PAGE_SIZE,
            after=paging.get("after"),
            before=paging.get("before"),
            since=since,
        )
        releases = page.releases
    else:
        everyone = list(partnerships)
        releases_sync(partnerships=everyone)
        stored = stored_releases([p.pk for p in everyone])
        releases = [r for p in everyone for r in stored[p.pk] if since is None or r.date >= since]
    uri = uri or absolute_url("/api/v1/ocds/release-package")
    package = release_package(
        [jsonio.Raw(r.data_json) if stored_text else r.data for r in releases],
        uri=uri,
        published=_published(releases),
    )
    links = _links(page, uri) if page is not None else {}
    if links:
        package["links"] = links
    return package


def ocds_release_package_for(*, code: str, uri: str | None = None) -> dict:
    """The releases of one published partnership (NotFound otherwise) as a release package."""
    partnership = published_partnership_get(code=code)
    release_sync(partnership=partnership)
    releases = stored_releases([partnership.pk])[partnership.pk]
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
    stored = stored_releases([p.pk for p in partnerships])
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


def stored_projects(partnership_ids: list[int]) -> list[dict]:
    """The OC4IDS projects of these published infrastructure partnerships, in this order, as
    stored when their releases were last compared; one not stored yet (compared before projects
    were stored, or by ``release_sync`` alone) is built now."""
    stored = {
        row.partnership_id: row.data
        for row in StoredProject.objects.filter(partnership_id__in=partnership_ids)
    }
    missing = [pk for pk in partnership_ids if pk not in stored]
    if missing:
        heads = stored_releases(missing)
        for b in public_bundles(Partnership.objects.filter(pk__in=missing)):
            stored[b.partnership.pk] = project(b, heads[b.partnership.pk])
    return [stored[pk] for pk in partnership_ids if pk in stored]


def oc4ids_project_package(
    *,
    code: str | None = None,
    filters: dict | None = None,
    uri: str | None = None,
    paginate: bool = False,
) -> dict:
    """OC4IDS projects of published infrastructure partnerships (one, by `code`, or all; with
    ``paginate``, one page and its ``links``, as `ocds_release_package`)."""
    filters = dict(filters or {})
    paging = _paging(filters)
    page: Page | None = None
    if code is not None:
        partnership = published_partnership_get(code=code)
        if partnership.development_sector not in INFRASTRUCTURE_SECTORS:
            raise NotFound(NOT_INFRASTRUCTURE)
        qs = Partnership.objects.filter(pk=partnership.pk)
        uri = uri or absolute_url(f"/api/v1/partnerships/{code}/oc4ids/project-package")
    else:
        qs = infrastructure_partnerships(filters=filters)
        if paginate:
            found, page = _partnerships(qs, paging)
    since = _since(dict(filters))
    partnerships = found if page is not None else list(qs.only("id", "created_at"))
    releases_sync(partnerships=partnerships)
    ids = [p.pk for p in partnerships]
    dates: dict[int, list[datetime.datetime]] = {pk: [] for pk in ids}
    for pk, date in Release.objects.filter(partnership_id__in=ids).values_list(
        "partnership_id", "date"
    ):
        dates[pk].append(date)
    if since is not None:  # projects with a release made at or after `since`
        ids = [pk for pk in ids if any(d >= since for d in dates[pk])]
    uri = uri or absolute_url("/api/v1/oc4ids/project-package")
    package = project_package(
        stored_projects(ids),
        uri=uri,
        published=max((d for pk in ids for d in dates[pk]), default=None) or timezone.now(),
    )
    links = _links(page, uri) if page is not None else {}
    if links:
        package["links"] = links
    return package
