"""Which partnerships' public content may have changed since their releases were last compared.

An export compares what the public may see of each partnership it covers with the partnership's
latest release (``services.releases_sync``). Comparing means building the release again: about
a millisecond per partnership, a second for a page of 1,000. So an export compares only the
partnerships that carry a *mark*:

- **A write marks.** Every save or delete of a model a release reads (:data:`FEEDS`) adds a mark
  for the partnerships the row belongs to, in the same transaction as the change (a mark is an
  insert: two writers never wait for each other or deadlock over one). Bulk writes that send no
  signals mark explicitly (:func:`mark`; the table import does).
- **Time marks.** A KPI's missing report becomes a performance failure the day after its due date
  without any write; the comparison leaves a mark dated that day (:func:`mark_on`).
- **A comparison clears** the marks it read, and only those (by id): a mark added meanwhile stays
  for the next export. Marks are read before the content, so a change that commits during a
  comparison is either seen by it or still marked.

A partnership with no stored release at all is compared whatever its marks (rows written by
bulk inserts). What releases are built with besides the data (settings such as the public URL,
the release format's version) is kept as a fingerprint (:func:`check_basis`): when it changes,
or on the first export after marks were installed, every published partnership is marked. ``tests/disclosure/test_marks.py`` checks that every
table read to build a release or an OC4IDS project belongs to a model of :data:`FEEDS`, so a new
input of the releases cannot be forgotten here.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from .models import ReleaseBasis, ReleaseMark

logger = logging.getLogger(__name__)

#: Marks deleted per statement (SQLite's bound on parameters is far above it).
_CHUNK = 900


def _own(obj: Any) -> list[int]:
    return [obj.pk]


def _field(name: str) -> Callable[[Any], list[int]]:
    def resolve(obj: Any) -> list[int]:
        value = getattr(obj, name)
        return [value] if value is not None else []

    return resolve


def _through(fk: str, model: str, path: str) -> Callable[[Any], list[int]]:
    """The partnerships of the row ``obj.<fk>`` points to, read along ``path`` (the parent row
    still exists when a child's delete is signalled: Django deletes children first)."""

    def resolve(obj: Any) -> list[int]:
        value = getattr(obj, fk)
        if value is None:
            return []
        rows = apps.get_model(model).objects.filter(pk=value).values_list(path, flat=True)
        return [pk for pk in rows if pk is not None]

    return resolve


def _members_of(obj: Any) -> list[int]:
    member = apps.get_model("partnerships", "PartnershipMember")
    return list(
        member.objects.filter(organisation_id=obj.pk)
        .values_list("partnership_id", flat=True)
        .distinct()
    )


#: Every model a release or an OC4IDS project reads, with how to find the partnerships a row of
#: it belongs to. Rows of other models never change a release.
FEEDS: dict[str, Callable[[Any], list[int]]] = {
    "partnerships.Partnership": _own,
    "partnerships.PartnershipMember": _field("partnership_id"),
    "partnerships.Document": _field("partnership_id"),
    "partnerships.Need": _field("partnership_id"),
    "partnerships.Commitment": _through("need_id", "partnerships.Need", "partnership_id"),
    "organisations.Organisation": _members_of,
    "risks.Risk": _field("partnership_id"),
    "risks.RiskParty": _field("partnership_id"),
    "risks.RiskAllocation": _through("risk_id", "risks.Risk", "partnership_id"),
    "disputes.ContractAmendment": _field("partnership_id"),
    "results.Result": _field("partnership_id"),
    "results.Indicator": _field("partnership_id"),
    "results.ServiceLevel": _through("indicator_id", "results.Indicator", "partnership_id"),
    "results.Period": _through("indicator_id", "results.Indicator", "partnership_id"),
    "results.DisaggregationTarget": _through(
        "period_id", "results.Period", "indicator__partnership_id"
    ),
    "results.Update": _through("period_id", "results.Period", "indicator__partnership_id"),
}


def feeding_models() -> list[Any]:
    return [apps.get_model(label) for label in FEEDS]


#: Sent once marks for a change are written (not the dated ones): the bulk files listen to it
#: (``dumps.mark_dirty``), so whatever marks the releases marks the files out of date too.
changed = Signal()
#: Sent as a server process starts, after the release settings were checked
#: (:func:`check_basis_at_start`): the bulk files listen to it (``dumps.schedule_if_foreign``).
started = Signal()


def mark(partnership_ids: Iterable[int], *, notify: bool = True) -> None:
    """Mark these partnerships as changed: the next export compares them (``notify``: and send
    :data:`changed`)."""
    rows = [ReleaseMark(partnership_id=pk) for pk in sorted(set(partnership_ids))]
    if rows:
        ReleaseMark.objects.bulk_create(rows, batch_size=_CHUNK)
        if notify:
            changed.send(sender=ReleaseMark)


def mark_on(days: dict[int, datetime.date]) -> None:
    """Time marks: {partnership id: the day its content changes by itself}, each added once."""
    if not days:
        return
    have = set(
        ReleaseMark.objects.filter(partnership_id__in=list(days), on__isnull=False).values_list(
            "partnership_id", "on"
        )
    )
    rows = [
        ReleaseMark(partnership_id=pk, on=day)
        for pk, day in sorted(days.items())
        if (pk, day) not in have
    ]
    if rows:
        ReleaseMark.objects.bulk_create(rows, batch_size=_CHUNK)


def row_changed(sender: Any, instance: Any, raw: bool = False, **_: Any) -> None:
    """post_save / post_delete receiver of the models of :data:`FEEDS`. Not for raw saves
    (``loaddata``: a restore brings the marks back with the rest of the data)."""
    if raw:
        return
    resolve = FEEDS.get(sender._meta.label)
    if resolve is not None:
        mark(resolve(instance))


def due(partnership_ids: list[int], today: datetime.date | None = None) -> dict[int, list[int]]:
    """{partnership id: ids of its marks in force today}, for these partnerships (one query)."""
    today = today or timezone.localdate()
    out: dict[int, list[int]] = {}
    rows = ReleaseMark.objects.filter(partnership_id__in=partnership_ids).filter(
        Q(on__isnull=True) | Q(on__lte=today)
    )
    for pk, partnership_id in rows.values_list("pk", "partnership_id"):
        out.setdefault(partnership_id, []).append(pk)
    return out


def clear(mark_ids: Iterable[int]) -> None:
    """Delete these marks (read before a comparison that has now committed). A plain DELETE:
    marks are bookkeeping, no signal or history is wanted for them."""
    ids = sorted(mark_ids)
    for start in range(0, len(ids), _CHUNK):
        qs = ReleaseMark.objects.filter(pk__in=ids[start : start + _CHUNK])
        qs._raw_delete(qs.db)


def forget_unpublished() -> int:
    """Delete the marks of partnerships that are not published (one statement; returns how
    many). No export covers them, so their marks would pile up with each edit of a draft. Safe
    whenever it runs: publishing is itself a write that marks (a partnership saved, or the
    import's explicit marks), and a publication committing while this runs keeps its mark, which
    this statement cannot see."""
    from mitra.partnerships.models import Partnership

    qs = ReleaseMark.objects.exclude(
        partnership_id__in=Partnership.objects.published().values("pk")
    )
    return int(qs._raw_delete(qs.db))


#: The version of what ``ocds.release_content`` and ``oc4ids.project`` make of the data, and of
#: what a comparison stores: raise it with a change of their code that changes releases or
#: projects, so that every partnership is compared again (2: OC4IDS projects stored).
RELEASE_FORMAT = 2
#: Fingerprints this process found stored (settings do not change while a process runs).
_KNOWN: set[str] = set()


def fingerprint() -> str:
    """What every release is built with besides the data: the release format, the OCID and
    OC4IDS prefixes, the public URL (links), the publisher, the time zone and the language."""
    from django.conf import settings

    from . import conf

    parts = [
        str(RELEASE_FORMAT),
        conf.ocid_prefix(),
        conf.oc4ids_prefix(),
        conf.public_url(),
        conf.publisher_name(),
        settings.TIME_ZONE,
        settings.LANGUAGE_CODE,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def check_basis() -> None:
    """Mark every published partnership when the releases were built with another fingerprint
    (or none yet: the first export after installing marks). One query the first time in each
    process, none afterwards."""
    from mitra.partnerships.models import Partnership

    current = fingerprint()
    if current in _KNOWN:
        return
    with transaction.atomic():
        stored = ReleaseBasis.objects.select_for_update().first()
        if stored is None or stored.fingerprint != current:
            mark(Partnership.objects.published().values_list("pk", flat=True), notify=False)
            # Without signals, as marks: bookkeeping changes no page (pagecache.model_changed).
            if stored is None:
                ReleaseBasis.objects.bulk_create([ReleaseBasis(fingerprint=current)])
            else:
                ReleaseBasis.objects.filter(pk=stored.pk).update(fingerprint=current)
                # New settings change every release and the bulk files: the files are out of
                # date, and their regeneration, which compares every partnership, starts at once
                # (dumps.mark_dirty). The first check after installing marks changes nothing.
                changed.send(sender=ReleaseBasis)
    transaction.on_commit(lambda: _KNOWN.add(current))


def check_basis_at_start() -> None:
    """:func:`check_basis` as a server process starts (``mitra serve``'s workers): after a deploy
    that changed the release settings, the comparison of every partnership starts then, not when
    the first reader of the open data arrives. Bulk files another database wrote are queued for
    regeneration then too (:data:`started`: ``dumps.schedule_if_foreign``). A database that
    cannot be reached yet is left for the first export to check (logged)."""
    from django.db import DatabaseError, connections

    try:
        check_basis()
        started.send(sender=None)
    except DatabaseError:
        logger.warning("release settings not checked at start: database unavailable", exc_info=True)
    finally:
        connections.close_all()  # the worker's request threads open their own


def connect() -> None:
    """Wire the write marks (called once from the app's ``ready``)."""
    from django.db.models.signals import post_delete, post_save

    for model in feeding_models():
        for signal in (post_save, post_delete):
            signal.connect(row_changed, sender=model, dispatch_uid=f"release-mark-{model.__name__}")
