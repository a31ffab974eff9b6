"""The columns of the partnership lists' CSV/XLSX downloads (headers in the reader's language).

The partnership list exports lean rows (:func:`partnership_rows`: ``values()`` dicts in chunks of
2,000, the current members of a chunk in one more query, labels looked up once per export), so
the full list of tens of thousands of partnerships streams in seconds; the export source
:func:`partnership_list_table` serves both the request and, above the stream limit, the
background job (``mitra.jobs.exports``). :data:`PARTNERSHIP_COLUMNS` reads one ``Partnership``
object the same way (same headers, same values).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import unit_label
from mitra.core.exports import Column, Table, choice_label, chunked, country_name
from mitra.core.history import HistoryEntry
from mitra.core.regions import subdivision_name

from . import selectors
from .models import (
    DevelopmentSector,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Role,
    Stage,
    Visibility,
)


def _lead(p: Partnership) -> str:
    return "; ".join(
        str(m.organisation) for m in p.members.all() if m.is_lead and m.left_on is None
    )


def _partners(p: Partnership) -> str:
    return "; ".join(str(m.organisation) for m in p.members.all() if m.left_on is None)


PARTNERSHIP_COLUMNS = (
    Column(_("Code"), lambda p: p.code),
    Column(_("Title"), lambda p: p.title),
    Column(_("Form"), lambda p: p.get_form_display()),
    Column(_("Stage"), lambda p: p.get_stage_display()),
    Column(
        pgettext_lazy("development sector", "Sector"), lambda p: p.get_development_sector_display()
    ),
    Column(_("Country"), lambda p: p.country.name),
    Column(_("Province"), lambda p: subdivision_name(p.province)),
    Column(_("Regency or city"), lambda p: p.regency),
    Column(_("Estimated value"), lambda p: p.estimated_value),
    Column(_("Currency"), lambda p: p.currency),
    Column(_("Start date"), lambda p: p.start_date),
    Column(_("End date"), lambda p: p.end_date),
    Column(_("Coordinator"), _lead),
    Column(_("Partners"), _partners),
    Column(_("Visibility"), lambda p: p.get_visibility_display()),
    Column(_("Last changed"), lambda p: p.updated_at),
)


#: The columns a lean row (:func:`partnership_rows`) fills.
_FIELDS = (
    "pk",
    "code",
    "title_ind",
    "title_en",
    "form",
    "stage",
    "development_sector",
    "country",
    "province",
    "regency",
    "estimated_value",
    "currency",
    "start_date",
    "end_date",
    "visibility",
    "updated_at",
)
#: Partnerships read per query, and whose members are read together.
CHUNK = 2000


def partnership_rows(qs: Any) -> Iterator[dict[str, Any]]:
    """Lean rows of the partnerships of ``qs``, in its order: a dict per partnership with the
    :data:`_FIELDS` and ``members`` (current members as (name, is lead), in joining order).
    Two queries per 2,000 partnerships; nothing is read before the first row is asked for."""
    for chunk in chunked(qs.values_list(*_FIELDS).iterator(chunk_size=CHUNK), CHUNK):
        members: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        for pid, short, name, roles in (
            PartnershipMember.objects.filter(
                partnership_id__in=[r[0] for r in chunk], left_on__isnull=True
            )
            .order_by("id")
            .values_list(
                "partnership_id", "organisation__short_name", "organisation__name", "roles"
            )
        ):
            members[pid].append((short or name, Role.LEAD in (roles or [])))
        for r in chunk:
            row = dict(zip(_FIELDS, r, strict=True))
            row["members"] = members.get(r[0], [])
            yield row


def _title(row: dict[str, Any]) -> str:
    # As modeltranslation reads `title`: the active language's, else the other one.
    if (get_language() or "id")[:2] == "en":
        return row["title_en"] or row["title_ind"] or ""
    return row["title_ind"] or row["title_en"] or ""


#: The same columns as PARTNERSHIP_COLUMNS, over lean rows.
PARTNERSHIP_ROW_COLUMNS = (
    Column(_("Code"), lambda r: r["code"]),
    Column(_("Title"), _title),
    Column(_("Form"), lambda r: choice_label(PartnershipForm, r["form"])),
    Column(_("Stage"), lambda r: choice_label(Stage, r["stage"])),
    Column(
        pgettext_lazy("development sector", "Sector"),
        lambda r: choice_label(DevelopmentSector, r["development_sector"]),
    ),
    Column(_("Country"), lambda r: country_name(r["country"])),
    Column(_("Province"), lambda r: subdivision_name(r["province"])),
    Column(_("Regency or city"), lambda r: r["regency"]),
    Column(_("Estimated value"), lambda r: r["estimated_value"]),
    Column(_("Currency"), lambda r: r["currency"]),
    Column(_("Start date"), lambda r: r["start_date"]),
    Column(_("End date"), lambda r: r["end_date"]),
    Column(_("Coordinator"), lambda r: "; ".join(n for n, lead in r["members"] if lead)),
    Column(_("Partners"), lambda r: "; ".join(n for n, _lead in r["members"])),
    Column(_("Visibility"), lambda r: choice_label(Visibility, r["visibility"])),
    Column(_("Last changed"), lambda r: r["updated_at"]),
)


def query_dict(query: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in query.items():
        data.setlist(key, list(values))
    return data


def partnership_list_table(*, user: Any, query: dict[str, list[str]]) -> Table:
    """The export source of the partnership list: what ``user`` sees, filtered as ``query``
    (the list's query string) filters the page."""
    from .forms import PartnershipFilterForm  # the list's own filters, read the same way

    data = query_dict({k: v for k, v in query.items() if k not in ("export", "page")})
    form = PartnershipFilterForm(
        data or None, authenticated=getattr(user, "is_authenticated", False)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.partnership_list(user=user, filters=filters)
    return Table(
        rows=partnership_rows(qs),
        columns=PARTNERSHIP_ROW_COLUMNS,
        filename=str(_("partnerships")),
        size=lambda limit: qs.values("pk")[: limit + 1].count(),
    )


def _roles(member: PartnershipMember) -> str:
    labels = dict(Role.choices)
    return "; ".join(str(labels.get(r, r)) for r in member.roles)


MEMBER_COLUMNS = (
    Column(_("Organisation"), lambda m: m.organisation.name),
    Column(_("Sector"), lambda m: m.organisation.get_sector_display()),
    Column(_("Roles"), _roles),
    Column(_("Equity share (%)"), lambda m: m.equity_share),
    Column(_("Joined on"), lambda m: m.joined_on),
    Column(_("Left on"), lambda m: m.left_on),
)

NEED_COLUMNS = (
    Column(_("Need"), lambda r: r.need.title),
    Column(_("Resource type"), lambda r: r.need.get_resource_type_display()),
    Column(_("Quantity"), lambda r: r.need.quantity),
    Column(_("Unit or currency"), lambda r: r.need.currency or unit_label(r.need.unit)),
    Column(_("Pledged"), lambda r: r.pledged),
    Column(_("Delivered"), lambda r: r.delivered),
    Column(_("Gap"), lambda r: r.gap),
    Column(_("Needed by"), lambda r: r.need.due_date),
)

OBJECTIVE_COLUMNS = (
    Column(_("Partner"), lambda o: str(o.member.organisation)),
    Column(_("Objective"), lambda o: o.text),
    Column(_("SDG"), lambda o: o.get_sdg_display() if o.sdg else ""),
    Column(_("Weight"), lambda o: o.weight),
    Column(_("Confidentiality"), lambda o: o.get_confidentiality_display()),
)

DOCUMENT_COLUMNS = (
    Column(_("Title"), lambda d: d.title),
    Column(_("Document type"), lambda d: d.get_doc_type_display()),
    Column(_("Document version"), lambda d: d.revision),
    Column(_("Owner"), lambda d: str(d.owner) if d.owner_id else ""),
    Column(_("Confidentiality"), lambda d: d.get_confidentiality_display()),
    Column(_("Size in bytes"), lambda d: d.size),
    Column(_("Uploaded"), lambda d: d.created_at),
)


def _changes(entry: HistoryEntry) -> str:
    return "; ".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)


HISTORY_COLUMNS = (
    Column(_("When"), lambda e: e.when),
    Column(_("Who"), lambda e: e.who),
    Column(_("Action"), lambda e: e.action_label),
    Column(_("Item"), lambda e: f"{e.object_type}: {e.object_label}"),
    Column(_("Version"), lambda e: e.version),
    Column(_("Changes"), _changes),
)
