"""API of the finance tab's report part (added to finance/api.py's router).

``GET /api/v1/partnerships/{partnership_id}/report.pdf`` and ``.../report.xlsx``: the partnership
report as the caller may see it, in the language the client asks for (``Accept-Language`` or the
language cookie, negotiated in config/api.py). The API builds it in the request whatever its size
(a client waits for the file); the pages queue large ones as a background job. Anonymous callers
get 401 and whoever may not see the partnership 404, as everywhere in the API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Path, Router

from mitra.accounts.schemas import ERRORS
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import report

router = Router(tags=["Finance"])

STALE_RENDERERS: dict = {}


def _file(request: HttpRequest, partnership_id: int, fmt: str) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=partnership_id)
    data, filename = report.report_file(user=request.user, partnership=partnership, fmt=fmt)
    response = HttpResponse(data, content_type=report.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = "en" if (get_language() or "id").startswith("en") else "id"
    return response


@router.get(
    "/partnerships/{partnership_id}/report.pdf",
    response={200: Any, **ERRORS},
    summary="The partnership report as PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report (A4 PDF) as the caller may see it.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf(
    request: HttpRequest,
    partnership_id: int = Path(..., ge=1, le=MAX_ID, description="Partnership id."),
) -> HttpResponse:
    """Overview, partners, needs and commitments, risk allocation and simulation charts,
    project-finance results, value for money and fiscal figures, in the client's language
    (Indonesian or English). Only what the caller may see on the pages: figures confidential to
    another partner are left out."""
    return _file(request, partnership_id, "pdf")


@router.get(
    "/partnerships/{partnership_id}/report.xlsx",
    response={200: Any, **ERRORS},
    summary="The partnership report as XLSX",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a workbook: one sheet per section, typed numbers.",
                "content": {
                    report.CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def report_xlsx(
    request: HttpRequest,
    partnership_id: int = Path(..., ge=1, le=MAX_ID, description="Partnership id."),
) -> HttpResponse:
    """The same report as a workbook: a cover sheet and one sheet per section, with every
    chart's numbers. Only what the caller may see."""
    return _file(request, partnership_id, "xlsx")
