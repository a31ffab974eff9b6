"""The columns of the organisation directory's CSV/XLSX download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mitra.core.exports import Column
from mitra.core.regions import subdivision_name

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
