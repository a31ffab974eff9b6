"""The columns of the partnership lists' CSV/XLSX downloads (headers in the reader's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mitra.core.choices import unit_label
from mitra.core.exports import Column
from mitra.core.history import HistoryEntry
from mitra.core.regions import subdivision_name

from .models import Partnership, PartnershipMember, Role


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
