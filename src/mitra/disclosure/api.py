"""Open-data API: OCDS for PPPs release and record packages, OC4IDS project packages.

Anonymous access is allowed (auth=PUBLIC); only published partnerships and their public parts are
exported (disclosure.selectors). An unknown or non-public code answers 404. The packages of many
partnerships are paginated (``page_size`` releases or projects, cursors in ``links.next`` /
``links.prev``, OCDS pagination); the full files are the bulk downloads of /open-data/ (`dumps`). Each call syncs the
stored releases first (services.release_sync), so a published change appears at once; answers are
the same for every caller, so they are kept in the page cache until the next change
(core.pagecache.public_answer).
Mounted at /api/v1 by config/api.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from mitra.accounts import ratelimits
from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ErrorOut
from mitra.core.pagecache import public_answer

from . import jsonio, services
from .ocds import absolute_url
from .schemas import OcdsPackageOut, ProjectPackageOut, ReleasePackageFilters

router = Router(tags=["open data"])

#: 429: too many full downloads from one client in a minute (accounts.ratelimits).
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
CODE = Path(..., max_length=30, description="Partnership code, e.g. KPBU-2026-0001.")


def _answer(body: bytes, cache: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    if cache:
        response["X-Mitra-Page-Cache"] = cache
    return response


def _cached(request: HttpRequest, view: str, build: Callable[[], dict[str, Any]]) -> HttpResponse:
    """The package, from the cache of answers that are the same for everyone (published data
    only) when nothing changed since it was built (core.pagecache.public_answer)."""
    return _answer(*public_answer(request, f"disclosure.api.{view}", lambda: jsonio.dumps(build())))


def _uri(request: HttpRequest) -> str:
    query = request.META.get("QUERY_STRING", "")
    return absolute_url(request.path + (f"?{query}" if query else ""))


@router.get(
    "/ocds/release-package",
    response={200: OcdsPackageOut, **ERRORS},
    auth=PUBLIC,
    summary="OCDS release package of published partnerships",
)
def ocds_release_package(request: HttpRequest, filters: Query[ReleasePackageFilters]) -> Any:
    ratelimits.check(request, "export")
    return _cached(
        request,
        "ocds_release_package",
        lambda: services.ocds_release_package(
            filters=filters.as_filters(), uri=_uri(request), paginate=True, stored_text=True
        ),
    )


@router.get(
    "/partnerships/{code}/ocds/record-package",
    response={200: OcdsPackageOut, **ERRORS},
    auth=PUBLIC,
    summary="OCDS record package of one published partnership",
)
def ocds_record_package(request: HttpRequest, code: str = CODE) -> Any:
    ratelimits.check(request, "export")
    return _cached(
        request,
        "ocds_record_package",
        lambda: services.ocds_record_package(code=code, uri=_uri(request)),
    )


@router.get(
    "/oc4ids/project-package",
    response={200: ProjectPackageOut, **ERRORS},
    auth=PUBLIC,
    summary="OC4IDS project package of published infrastructure partnerships",
)
def oc4ids_project_package(request: HttpRequest, filters: Query[ReleasePackageFilters]) -> Any:
    ratelimits.check(request, "export")
    return _cached(
        request,
        "oc4ids_project_package",
        lambda: services.oc4ids_project_package(
            filters=filters.as_filters(), uri=_uri(request), paginate=True
        ),
    )


@router.get(
    "/partnerships/{code}/oc4ids/project-package",
    response={200: ProjectPackageOut, **ERRORS},
    auth=PUBLIC,
    summary="OC4IDS project package of one published infrastructure partnership",
)
def oc4ids_project(request: HttpRequest, code: str = CODE) -> Any:
    ratelimits.check(request, "export")
    return _cached(
        request,
        "oc4ids_project",
        lambda: services.oc4ids_project_package(code=code, uri=_uri(request)),
    )
