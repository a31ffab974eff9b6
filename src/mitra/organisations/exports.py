"""The columns of the organisation directory's CSV/XLSX download."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.exports import Column, Table, choice_label, country_name
from mitra.core.regions import subdivision_name

from . import selectors
from .models import OrganisationKind, Sector

ORGANISATION_COLUMNS = (
    Column(_("Name"), lambda o: o.name),
    Column(_("Short name"), lambda o: o.short_name),
    Column(_("Sector"), lambda o: o.get_sector_display()),
    Column(_("Kind"), lambda o: o.get_kind_display()),
    Column(_("Country"), lambda o: o.country.name),
    Column(_("Province"), lambda o: subdivision_name(o.province)),
    Column(_("Website"), lambda o: o.website),
    Column(
        _("Identifier"), lambda o: f"{o.identifier_scheme}:{o.identifier}" if o.identifier else ""
    ),
    Column(_("Published partnerships"), lambda o: getattr(o, "partnership_count", None)),
)


# --- lean rows for the directory's download (values dicts, labels looked up once) -------------

_FIELDS = (
    "name",
    "short_name",
    "sector",
    "kind",
    "country",
    "province",
    "website",
    "identifier_scheme",
    "identifier",
    "partnership_count",
)

ORGANISATION_ROW_COLUMNS = (
    Column(_("Name"), lambda r: r["name"]),
    Column(_("Short name"), lambda r: r["short_name"]),
    Column(_("Sector"), lambda r: choice_label(Sector, r["sector"])),
    Column(_("Kind"), lambda r: choice_label(OrganisationKind, r["kind"])),
    Column(_("Country"), lambda r: country_name(r["country"])),
    Column(_("Province"), lambda r: subdivision_name(r["province"])),
    Column(_("Website"), lambda r: r["website"]),
    Column(
        _("Identifier"),
        lambda r: f"{r['identifier_scheme']}:{r['identifier']}" if r["identifier"] else "",
    ),
    Column(_("Published partnerships"), lambda r: r["partnership_count"]),
)


def organisation_list_table(*, user: Any, query: dict[str, list[str]]) -> Table:
    """The export source of the organisation directory, filtered as the page is."""
    from django.http import QueryDict

    from .forms import OrganisationFilterForm

    data = QueryDict(mutable=True)
    for key, values in query.items():
        if key not in ("export", "page"):
            data.setlist(key, list(values))
    form = OrganisationFilterForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organisation_list(filters=filters)
    return Table(
        rows=qs.values(*_FIELDS).iterator(chunk_size=2000),
        columns=ORGANISATION_ROW_COLUMNS,
        filename=str(_("organisations")),
        size=lambda limit: qs.values("pk")[: limit + 1].count(),
    )
