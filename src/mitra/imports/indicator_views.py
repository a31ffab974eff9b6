"""The page of the indicator values import (``indicator_values``): upload a table, map its
columns, import; shown inside the partnership's Results tab."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.core.views import service_errors
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab, tab_get, tab_url
from mitra.results.selectors import require_results

from .indicator_values import FIELDS, guess, import_indicator_values
from .services import upload_dir
from .tables.reading import read_table

MAX_BYTES = 5 * 1024 * 1024


def _stored(token: str) -> tuple[Path, str] | None:
    if not token.isalnum():
        return None
    for fmt in ("csv", "xlsx"):
        path = upload_dir() / f"values-{token}.{fmt}"
        if path.exists():
            return path, fmt
    return None


@login_required
@service_errors
def indicator_values(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    require_results(request.user, partnership)
    tab = tab_get("indicators")
    context: dict[str, Any] = {
        "page_title": _("Import indicator values (CSV/XLSX)"),
        "fields": FIELDS,
    }
    status = 200
    token = request.POST.get("token", "")
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        fmt = Path(upload.name).suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx") or upload.size > MAX_BYTES:
            context["error"] = _("Choose a CSV or XLSX file of at most 5 MB.")
            status = 400
        else:
            token = secrets.token_hex(16)
            upload_dir().mkdir(parents=True, exist_ok=True)
            path = upload_dir() / f"values-{token}.{fmt}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                table = read_table(path, fmt)
            except ApplicationError as exc:
                path.unlink(missing_ok=True)
                context["error"] = str(exc.message)
                status = 400
            else:
                context |= {
                    "token": token,
                    "columns": [(h, guess(h)) for h in table.header],
                    "rows": len(table.rows),
                }
    elif request.method == "POST" and token:
        stored = _stored(token)
        if stored is None:
            context["error"] = _("The uploaded file is gone: upload it again.")
            status = 400
        else:
            path, fmt = stored
            mapping = {
                h: request.POST.get(f"col_{n}", "")
                for n, h in enumerate(read_table(path, fmt).header)
            }
            try:
                created = import_indicator_values(
                    actor=request.user, partnership=partnership, path=path, fmt=fmt, mapping=mapping
                )
            except PermissionDenied:
                raise
            except ApplicationError as exc:
                context |= {
                    "error": str(exc.message),
                    "row_errors": exc.extra.get("errors", []),
                    "token": token,
                    "columns": [(h, mapping.get(h, "")) for h in mapping],
                }
                status = 400
            else:
                path.unlink(missing_ok=True)
                messages.success(
                    request,
                    _(
                        "%(n)s value(s) imported as drafts: check them and submit them for verification."
                    )
                    % {"n": len(created)},
                )
                return redirect(tab_url(partnership, "indicators"))
    return render_tab(
        request,
        partnership,
        tab,
        context,
        template="imports/indicator_values.html",
        status=status,
    )
