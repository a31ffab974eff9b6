"""Finding the organisation an imported party or table row names, or creating it.

Shared by every importer (OCDS, OC4IDS, CSV/XLSX tables). The rule, in order:

1. **Identifier**: an organisation with the same ``identifier_scheme`` + ``identifier``
   (org-id.guide style, e.g. ``ID-NIB`` / ``8120000000000``).
2. **Name**: an organisation whose ``name`` equals the name (ignoring case and runs of spaces),
   or one of whose ``aliases`` does.
3. Otherwise a new organisation is created with the ``sector`` / ``kind`` / ``country`` the caller
   inferred (importers document their inference rule) and the identifier, if any.

A match by name whose organisation has no identifier yet gets the imported one (unless another
organisation holds it); a match by identifier under another spelling records that spelling in
``aliases``. Both count as "updated". Nothing is counted twice within one import when the
caller passes the same ``cache`` dict for the whole import.

Writes are audited (``_history_user`` = the actor) and validated with ``full_clean()``; a
:class:`~django.core.exceptions.ValidationError` becomes an error of ``report`` at ``where`` and
``None`` is returned, so the importer can list every error and refuse the import whole.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mitra.organisations.models import KINDS_BY_SECTOR, Organisation

from .report import ImportReport

NAME_MAX = Organisation._meta.get_field("name").max_length or 200
SCHEME_MAX = Organisation._meta.get_field("identifier_scheme").max_length or 40
IDENTIFIER_MAX = Organisation._meta.get_field("identifier").max_length or 100


def normalise_name(name: str) -> str:
    """The form names are compared in: trimmed, single spaces, case-folded."""
    return re.sub(r"\s+", " ", name or "").strip().casefold()


def _audited(instance: Organisation, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def find_organisation(
    name: str, *, identifier_scheme: str = "", identifier: str = ""
) -> tuple[Organisation | None, str]:
    """The existing organisation these details name, and how it was found
    (``"identifier"``, ``"name"``, ``"alias"``), or ``(None, "")``. Reads only."""
    if identifier:
        org = Organisation.objects.filter(
            identifier_scheme=identifier_scheme, identifier=identifier
        ).first()
        if org is not None:
            return org, "identifier"
    wanted = normalise_name(name)
    if not wanted:
        return None, ""
    org = Organisation.objects.filter(name__iexact=re.sub(r"\s+", " ", name).strip()).first()
    if org is not None:
        return org, "name"
    # Aliases are a JSON list: JSON containment lookups differ between SQLite and PostgreSQL,
    # so the (few) organisations that have aliases are compared in Python.
    for candidate in Organisation.objects.exclude(aliases=[]).only("pk", "aliases", "name"):
        if any(normalise_name(a) == wanted for a in candidate.aliases or []):
            return Organisation.objects.get(pk=candidate.pk), "alias"
        if normalise_name(candidate.name) == wanted:
            return Organisation.objects.get(pk=candidate.pk), "name"
    return None, ""


def match_or_create_organisation(
    name: str,
    *,
    identifier_scheme: str = "",
    identifier: str = "",
    sector: str,
    kind: str,
    country: str = "ID",
    report: ImportReport,
    where: str = "",
    actor: Any = None,
    cache: dict[Any, Organisation] | None = None,
    extra: dict[str, Any] | None = None,
) -> Organisation | None:
    """The organisation for an imported party: matched (identifier, then name or alias) or
    created. Counts ``report.created/updated/unchanged["organisation"]`` once per organisation
    per ``cache``. ``extra`` holds more fields for a *new* organisation (``short_name``,
    ``website``, ``province``...). Returns ``None`` after recording an error in ``report``."""
    name = re.sub(r"\s+", " ", name or "").strip()
    identifier_scheme = (identifier_scheme or "").strip()
    identifier = (identifier or "").strip()
    if identifier and not identifier_scheme:
        report.warn(
            where,
            _("An identifier without a scheme cannot be matched; it was ignored."),
            identifier,
        )
        identifier = ""
    if len(identifier_scheme) > SCHEME_MAX or len(identifier) > IDENTIFIER_MAX:
        report.warn(
            where,
            _("The identifier is too long to keep; the organisation is matched by name."),
            f"{identifier_scheme}/{identifier}",
        )
        identifier_scheme, identifier = "", ""
    if not identifier:
        identifier_scheme = ""
    if not name:
        report.error(where, _("An organisation needs a name."))
        return None
    if len(name) > NAME_MAX:
        report.warn(
            where,
            _("The name is longer than %(n)d characters and was shortened.") % {"n": NAME_MAX},
            name,
        )
        name = name[: NAME_MAX - 1].rstrip() + "…"
    keys = [("id", identifier_scheme, identifier)] if identifier else []
    keys.append(("name", normalise_name(name)))
    if cache is not None:
        for key in keys:
            if key in cache:
                org = cache[key]
                for k in keys:
                    cache.setdefault(k, org)
                return org

    org, how = find_organisation(name, identifier_scheme=identifier_scheme, identifier=identifier)
    if org is None:
        if kind not in KINDS_BY_SECTOR.get(sector, set()):
            kind = "other"
        org = Organisation(
            name=name,
            sector=sector,
            kind=kind,
            country=country or "ID",
            identifier_scheme=identifier_scheme,
            identifier=identifier,
            **(extra or {}),
        )
        if not _save(org, actor, report, where):
            return None
        report.created["organisation"] += 1
    else:
        changed = False
        if how == "identifier" and normalise_name(org.name) != normalise_name(name):
            if all(normalise_name(a) != normalise_name(name) for a in org.aliases or []):
                org.aliases = [*(org.aliases or []), name]
                changed = True
        elif identifier and how in ("name", "alias"):
            if not org.identifier:
                taken = Organisation.objects.filter(
                    identifier_scheme=identifier_scheme, identifier=identifier
                ).exists()
                if not taken:
                    org.identifier_scheme, org.identifier = identifier_scheme, identifier
                    changed = True
            elif (org.identifier_scheme, org.identifier) != (identifier_scheme, identifier):
                report.warn(
                    where,
                    _(
                        "Matched by name to “%(name)s”, whose identifier differs (%(theirs)s); "
                        "check that they are the same organisation."
                    )
                    % {"name": org.name, "theirs": f"{org.identifier_scheme}/{org.identifier}"},
                    f"{identifier_scheme}/{identifier}",
                )
        if changed:
            org.version += 1
            if not _save(org, actor, report, where):
                return None
            report.updated["organisation"] += 1
        else:
            report.unchanged["organisation"] += 1
    if cache is not None:
        for key in keys:
            cache.setdefault(key, org)
    return org


def _save(org: Organisation, actor: Any, report: ImportReport, where: str) -> bool:
    try:
        org.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                report.error(f"{where} ({field})" if where else field, message, org.name)
        return False
    _audited(org, actor)
    org.save()
    return True
