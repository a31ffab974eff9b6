"""The entry point, :func:`import_table`: read, plan, resolve, then compare with the partnerships
that exist and write the difference in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from mitra.disclosure import marks as release_marks
from mitra.disclosure.models import Release, StoredProject
from mitra.disclosure.services import releases_build
from mitra.organisations.models import Organisation, Sector
from mitra.partnerships.models import (
    CODE_PREFIX,
    REQUIRED_SECTORS,
    MemberRole,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Visibility,
)

from ..bulk import insert_with_history, reserve_ids
from ..report import ALL_OR_NOTHING, MODES, VALID_ROWS, ImportRefused, ImportReport, RejectedRow
from .cells import normalise_name
from .mapping import TableMapping
from .planning import PartnershipWant, Planner, Progress
from .reading import read_table
from .resolving import Resolved, chunks, resolve_organisations

#: Rows per INSERT/UPDATE batch.
BATCH_SIZE = 1000
#: Partnership fields an import sets; compared on re-import to tell "updated" from "unchanged".
PARTNERSHIP_FIELDS = (
    "title_ind",
    "title_en",
    "summary_ind",
    "summary_en",
    "form",
    "development_sector",
    "country",
    "province",
    "regency",
    "stage",
    "start_date",
    "end_date",
    "estimated_value",
    "currency",
    "other_data",
)


# --------------------------------------------------------------------------------------------
# Forms from sectors


def form_from_sectors(sectors: set[str], fallback: str) -> tuple[str, bool]:
    """The partnership form the members' sectors describe, and whether the form's required
    sectors are all present (docs/imports.md, "Form from sectors")."""
    has = sectors.__contains__
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.PENTAHELIX])):
        return PartnershipForm.PENTAHELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.QUADRUPLE_HELIX])):
        return PartnershipForm.QUADRUPLE_HELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.TRIPLE_HELIX])):
        return PartnershipForm.TRIPLE_HELIX, True
    if all(map(has, REQUIRED_SECTORS[PartnershipForm.PSPP])):
        return PartnershipForm.PSPP, True
    if has(Sector.ACADEMIA):
        return PartnershipForm.TRIPLE_HELIX, False
    for form in (PartnershipForm.PPP, PartnershipForm.PSP, PartnershipForm.CSR):
        if all(map(has, REQUIRED_SECTORS[form])):
            return form, True
    return fallback, False


# --------------------------------------------------------------------------------------------
# The entry point


def import_table(
    path: str | Path,
    *,
    fmt: str,
    mapping: TableMapping,
    actor: Any,
    dry_run: bool = False,
    progress: Progress | None = None,
    mode: str = ALL_OR_NOTHING,
) -> ImportReport:
    """Import a CSV/XLSX table through ``mapping``: all or nothing by default.

    Returns the report; raises :class:`ImportRefused` (nothing written) when any row has an
    error. With ``dry_run`` nothing is written and the report (errors included) is returned.

    ``mode=VALID_ROWS``: rows with errors are left out (with every other row of the same
    partnership, and the organisations only they name) and listed in ``report.rejected`` with
    their reasons; the rest is written. A rejected row writes nothing. Errors of the file as a
    whole (a missing column, an unreadable file) still refuse it."""
    if mode not in MODES:
        raise ValueError(mode)
    path = Path(path)
    report = ImportReport(format=fmt, source=mapping.name, dry_run=dry_run, mode=mode)
    table = read_table(path, fmt, report)
    missing = [c for c in mapping.columns() if c not in table.header]
    # Two columns with one name: the mapping would silently read only the last one.
    duplicated = [c for c in mapping.columns() if table.header.count(c) > 1]
    if missing or duplicated:
        for column in missing:
            report.error(
                _("column %(column)s") % {"column": column},
                _("The file has no column %(column)s, which the mapping %(mapping)s needs.")
                % {"column": column, "mapping": mapping.name},
            )
        for column in duplicated:
            report.error(
                _("column %(column)s") % {"column": column},
                _("The file has several columns named %(column)s; rename all but one.")
                % {"column": column},
            )
        return _refuse_or_return(report)
    report.rows = len(table.rows)
    total = 2 * max(1, report.rows)
    planner = Planner(mapping, table, report)
    planner.build(progress, total)
    if report.errors and mode == VALID_ROWS:
        _reject_rows(planner, report)
    if report.errors:
        return _refuse_or_return(report)
    resolved = resolve_organisations(planner, report)
    plan = _plan_partnerships(planner, resolved, report)
    if report.errors:
        return _refuse_or_return(report)
    if dry_run:
        _count_plan(plan, resolved, report)
        if progress:
            progress(total, total)
        return report
    _write(plan, resolved, planner, actor, report, progress, total)
    if progress:
        progress(total, total)
    return report


def _reject_rows(planner: Planner, report: ImportReport) -> None:
    """Leave out every row with an error, and the other rows of its partnership (a partnership
    is written whole or not at all); move their errors to ``report.rejected``."""
    by_id: dict[str, list[int]] = defaultdict(list)
    for rownum, source_id in planner.row_ids.items():
        by_id[source_id].append(rownum)
    issues = {id(issue) for found in planner.row_errors.values() for issue in found}
    rejected: list[RejectedRow] = []
    left_out: set[int] = set()
    for rownum in sorted(planner.row_errors):
        source_id = planner.row_ids.get(rownum, "")
        for issue in planner.row_errors[rownum]:
            rejected.append(RejectedRow(rownum, source_id, issue.where, issue.message, issue.value))
        left_out.add(rownum)
        if not source_id:
            continue
        planner.partnerships.pop(source_id, None)
        for other in by_id[source_id]:
            if other in planner.row_errors or other in left_out:
                continue
            left_out.add(other)
            rejected.append(
                RejectedRow(
                    other,
                    source_id,
                    _("row %(row)d") % {"row": other},
                    _("Another row of the same partnership (row %(row)d) has an error.")
                    % {"row": rownum},
                )
            )
    report.rejected = sorted(rejected, key=lambda r: r.row)
    report.errors = [e for e in report.errors if id(e) not in issues]
    # Organisations named only by rejected rows are not created either.
    wanted = {key for want in planner.partnerships.values() for key in want.members}
    planner.orgs = {key: org for key, org in planner.orgs.items() if key in wanted}


def _refuse_or_return(report: ImportReport) -> ImportReport:
    if report.dry_run:
        return report
    raise ImportRefused(report)


@dataclass
class Plan:
    create: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)
    update: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)
    unchanged: list[tuple[PartnershipWant, Partnership]] = field(default_factory=list)


def _plan_partnerships(planner: Planner, resolved: Resolved, report: ImportReport) -> Plan:
    source = planner.mapping.name
    form_spec = planner.spec["partnership"].get("form", {})
    fallback = form_spec.get("fallback", PartnershipForm.PPP)
    wants = list(planner.partnerships.values())
    for want in wants:
        if form_spec.get("rule") == "sectors":
            sectors = {resolved.sectors[k] for k in want.members}
            form, complete = form_from_sectors(sectors, fallback)
            want.fields["form"] = str(form)
            want.fields["other_data"]["sectors"] = sorted(sectors)
            want.fields["other_data"]["form_sectors_complete"] = complete
        if want.member_data:
            want.fields["other_data"]["member_data"] = dict(sorted(want.member_data.items()))
        if want.fields["form"] not in CODE_PREFIX:
            planner.err(want.row, "form", _("Unknown partnership form."), want.fields["form"])
    existing: dict[str, Partnership] = {}
    ids = [w.source_id for w in wants]
    for chunk in chunks(ids, 900):
        for p in Partnership.objects.filter(source=source, source_id__in=chunk):
            existing[p.source_id] = p
    plan = Plan()
    for want in wants:
        current = existing.get(want.source_id)
        if current is None:
            plan.create.append((want, Partnership()))
            continue
        changed = False
        for name in PARTNERSHIP_FIELDS:
            new = want.fields[name]
            old = getattr(current, name)
            if name == "country":
                old = str(old or "")
            if name == "other_data":
                new = json.loads(json.dumps(new, default=str))
            if old != new and not (old in (None, "") and new in (None, "")):
                changed = True
                break
        (plan.update if changed else plan.unchanged).append((want, current))
    return plan


def _count_plan(plan: Plan, resolved: Resolved, report: ImportReport) -> None:
    _count(report.created, "partnership", len(plan.create))
    _count(report.updated, "partnership", len(plan.update))
    _count(report.unchanged, "partnership", len(plan.unchanged))
    _count(report.created, "organisation", len(resolved.new_orgs))
    members = sum(len(w.members) for w, _p in plan.create)
    if members:
        report.created["member"] += members
    if resolved.reviews:
        _count(report.created, "review", len(resolved.reviews))
    existing_members = [p.pk for _w, p in [*plan.update, *plan.unchanged]]
    if existing_members:
        report.unchanged["member"] += PartnershipMember.objects.filter(
            partnership_id__in=existing_members
        ).count()


def _count(counter: Any, key: str, n: int) -> None:
    if n:
        counter[key] += n


def _history_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _allocate_codes(items: list[tuple[PartnershipWant, Partnership]]) -> None:
    """KPBU-style codes (PREFIX-YEAR-NNNN) per form and year, continuing after the highest
    code in use; allocated in bulk, so no two new partnerships collide."""
    by_prefix: dict[str, list[Partnership]] = defaultdict(list)
    for want, p in items:
        by_prefix[f"{CODE_PREFIX[p.form]}-{want.code_year}-"].append(p)
    for prefix, partnerships in by_prefix.items():
        highest = 0
        for code in Partnership.objects.filter(code__startswith=prefix).values_list(
            "code", flat=True
        ):
            tail = code[len(prefix) :]
            if tail.isdigit():
                highest = max(highest, int(tail))
        for i, p in enumerate(partnerships, start=highest + 1):
            p.code = f"{prefix}{i:04d}"


@transaction.atomic
def _write(
    plan: Plan,
    resolved: Resolved,
    planner: Planner,
    actor: Any,
    report: ImportReport,
    progress: Progress | None,
    total: int,
) -> None:
    from ..models import OrganisationMatchReview

    user = _history_user(actor)
    nrows = max(1, report.rows)
    now = timezone.now()
    today = timezone.localdate()
    source = planner.mapping.name

    def step(fraction: float) -> None:
        if progress:
            progress(nrows + int(nrows * fraction), total)

    # Organisations
    user_id = getattr(user, "pk", None)
    new_orgs = [o for _w, o in resolved.new_orgs]
    for o, pk in zip(new_orgs, reserve_ids(Organisation, len(new_orgs)), strict=True):
        o["id"] = pk
    insert_with_history(Organisation, new_orgs, now=now, user_id=user_id)
    _count(report.created, "organisation", len(new_orgs))
    for w, o in resolved.new_orgs:
        resolved.org_ids[w.key] = o["id"]
    if resolved.alias_updates:
        for org in resolved.alias_updates:
            org.version += 1
        bulk_update_with_history(
            resolved.alias_updates,
            Organisation,
            ["aliases", "version"],
            batch_size=BATCH_SIZE,
            default_user=user,
        )
    # Review queue: one entry per (spelling, candidate), never twice.
    if resolved.reviews:
        names_to_pk = {o["name"]: o["id"] for _w, o in resolved.new_orgs}
        for w, candidate, score in resolved.reviews:
            candidate_id = (
                candidate
                or names_to_pk.get(w.candidate_name)
                or resolved.org_ids.get(("name", normalise_name(w.candidate_name), ""))
            )
            _obj, created = OrganisationMatchReview.objects.get_or_create(
                imported_name=w.name,
                candidate_id=candidate_id,
                defaults={
                    "organisation_id": resolved.org_ids[w.key],
                    "score": score,
                    "source": source,
                },
            )
            if created:
                report.created["review"] += 1
    step(0.1)

    # Partnerships
    for want, p in plan.create:
        _apply(p, want.fields)
        p.form = want.fields["form"]
    _allocate_codes(plan.create)
    rows = []
    ids = reserve_ids(Partnership, len(plan.create))
    for (want, p), pk in zip(plan.create, ids, strict=True):
        p.pk = p.id = pk
        rows.append(
            {
                **{name: want.fields[name] for name in PARTNERSHIP_FIELDS},
                "id": pk,
                "code": p.code,
                "title": want.fields["title_ind"],
                "summary": want.fields["summary_ind"],
                "source": source,
                "source_id": want.source_id,
                "visibility": Visibility.PUBLIC,
                "published_at": now,
                "created_by_id": user_id,
                "stage_since": want.fields.get("start_date") or today,
                "ocid": None,
                # One microsecond apart, in file order: lists ordered by creation time then
                # use their created_at index instead of sorting thousands of equal stamps.
                "created_at": now + dt.timedelta(microseconds=len(rows)),
            }
        )
    insert_with_history(Partnership, rows, now=now, user_id=user_id)
    _count(report.created, "partnership", len(rows))
    step(0.3)
    updated = []
    for want, p in plan.update:
        old_stage = p.stage
        _apply(p, want.fields)
        if p.stage != old_stage:
            p.stage_since = today
        p.version += 1
        updated.append(p)
    if updated:
        _update_with_history(
            Partnership,
            updated,
            [*PARTNERSHIP_FIELDS, "stage_since", "version"],
            user,
        )
    _count(report.updated, "partnership", len(updated))
    _count(report.unchanged, "partnership", len(plan.unchanged))
    step(0.35)

    # Members
    existing_members: dict[tuple[int, int], PartnershipMember] = {}
    old_ids = [p.pk for _w, p in [*plan.update, *plan.unchanged]]
    for chunk in chunks(old_ids, 900):
        for m in PartnershipMember.objects.filter(partnership_id__in=chunk):
            existing_members[(m.partnership_id, m.organisation_id)] = m
    new_members: list[dict[str, Any]] = []
    changed_members: list[PartnershipMember] = []
    for want, p in [*plan.create, *plan.update, *plan.unchanged]:
        for mw in want.members.values():
            org_id = resolved.org_ids[mw.org]
            current = existing_members.get((p.pk, org_id))
            if current is None:
                new_members.append(
                    {
                        "partnership_id": p.pk,
                        "organisation_id": org_id,
                        "roles": mw.roles,
                        "equity_share": mw.equity_share,
                    }
                )
            elif current.roles != mw.roles or current.equity_share != mw.equity_share:
                current.roles, current.equity_share = mw.roles, mw.equity_share
                current.version += 1
                changed_members.append(current)
            else:
                report.unchanged["member"] += 1
    ids = reserve_ids(PartnershipMember, len(new_members))
    for m, pk in zip(new_members, ids, strict=True):
        m["id"] = pk
    step(0.45)
    insert_with_history(PartnershipMember, new_members, now=now, user_id=user_id)
    step(0.8)
    roles = [{"member_id": m["id"], "role": r} for m in new_members for r in m["roles"]]
    for r, pk in zip(roles, reserve_ids(MemberRole, len(roles)), strict=True):
        r["id"] = pk
    insert_with_history(MemberRole, roles, now=now, user_id=user_id, history=False)
    if new_members:
        _count(report.created, "member", len(new_members))
    if changed_members:
        _update_with_history(
            PartnershipMember, changed_members, ["roles", "equity_share", "version"], user
        )
        ids = [m.pk for m in changed_members]
        for chunk in chunks(ids, 900):
            MemberRole.objects.filter(member_id__in=chunk).delete()
        MemberRole.objects.bulk_create(
            [MemberRole(member_id=m.pk, role=r) for m in changed_members for r in m.roles],
            batch_size=BATCH_SIZE * 2,
        )
        _count(report.updated, "member", len(changed_members))
    written = [
        *(r["id"] for r in rows),
        *(p.pk for p in updated),
        *(m["partnership_id"] for m in new_members),
        *(m.partnership_id for m in changed_members),
    ]
    # Bulk writes send no signals: mark what the releases read of these partnerships as changed
    # (the open-data export compares only marked partnerships; disclosure.marks). That marks the
    # bulk files out of date too, which schedules their regeneration.
    release_marks.mark(written)
    large = len(new_members) + len(rows) >= 1000
    if large:
        _analyze(Organisation, Partnership, PartnershipMember, MemberRole)
    # Their open-data releases, in this transaction: when the rows become visible the release
    # package pages find them made, rather than one reader's request making a page of 1,000.
    step(0.85)
    releases_build(written, lambda share: step(0.85 + 0.15 * share))
    if large:
        _analyze(Release, StoredProject)


def _analyze(*models: type[Any]) -> None:
    """Fresh planner statistics after a large import: without them PostgreSQL plans the first
    pages as if the tables were empty (a 40 ms scan instead of a 1 ms index look-up)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _update_with_history(model: type[Any], objs: list[Any], fields: list[str], user: Any) -> None:
    """One UPDATE per changed row, then its "changed" history records in bulk.

    (``bulk_update_with_history`` would do it in fewer statements, but Django's bulk_update
    wraps values in CASE expressions that FixedDecimalField cannot prepare.)"""
    now = timezone.now()
    for obj in objs:
        obj.updated_at = now
        model.objects.filter(pk=obj.pk).update(
            updated_at=now, **{f: getattr(obj, f) for f in fields}
        )
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_date=now, batch_size=BATCH_SIZE
    )


def _apply(p: Partnership, fields: dict[str, Any]) -> None:
    for name in PARTNERSHIP_FIELDS:
        setattr(p, name, fields[name])
    # modeltranslation keeps the original columns too: they hold the default language.
    p.__dict__["title"] = fields["title_ind"]
    p.__dict__["summary"] = fields["summary_ind"]
