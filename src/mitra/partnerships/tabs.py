"""This app's own tabs of the partnership page, and its section of an organisation's profile.

Registered in ``PartnershipsConfig.ready()`` through the same points every capability app uses
(``workspace.register_tab``, ``organisations.profile.register_section``).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import SDG
from mitra.organisations.models import Sector
from mitra.organisations.profile import ProfileSection, register_section

from . import selectors, services
from .exports import (
    DOCUMENT_COLUMNS,
    HISTORY_COLUMNS,
    MEMBER_COLUMNS,
    NEED_COLUMNS,
    OBJECTIVE_COLUMNS,
)
from .models import GovernmentSupport, Partnership, Stage
from .permissions import can_view_internal
from .workspace import OVERVIEW, PLAN, Tab, TabExport, register_tab

#: Partnerships listed on an organisation's profile; the rest are one click away in the list.
PROFILE_PARTNERSHIPS = 50


def _overview(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    required = [
        (Sector(s).label, Stage(since).label, present)
        for s, since, present in services.sector_requirements(partnership)
    ]
    missing = services.missing_sectors(partnership)
    return {
        "required_sectors": required,
        "missing_sectors": missing,
        "stage_gate_message": (
            services.stage_gate_message(missing, partnership.stage) if missing else ""
        ),
        "sdg_labels": [str(SDG(g).label) for g in partnership.sdgs if g in SDG.values],
        "support_labels": [
            str(GovernmentSupport(g).label)
            for g in partnership.government_support or []
            if g in GovernmentSupport.values
        ],
    }


def _needs(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    return {"fulfilment": selectors.fulfilment(user=request.user, partnership=partnership)}


def _objectives(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    return {"objectives": selectors.objective_list(user=request.user, partnership=partnership)}


def _documents(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    return {"documents": selectors.document_list(user=request.user, partnership=partnership)}


#: Changes a page of the History tab shows (newest first; the downloads hold them all).
HISTORY_PAGE_SIZE = 50


def _history(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    entries = selectors.partnership_history(user=request.user, partnership=partnership)
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "history": entries,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
    }


def _internal(request: HttpRequest, partnership: Partnership) -> bool:
    return can_view_internal(request.user, partnership)


def _template(key: str) -> str:
    return f"partnerships/partials/tab_{key}.html"


TABS = [
    Tab(OVERVIEW, _("Overview"), 10, _template(OVERVIEW), _overview),
    Tab(
        "partners",
        _("Partners and roles"),
        20,
        _template("partners"),
        export=TabExport(lambda request, p: p.members.all(), MEMBER_COLUMNS),
    ),
    Tab(
        "needs",
        _("Needs and commitments"),
        30,
        _template("needs"),
        _needs,
        export=TabExport(lambda request, p: _needs(request, p)["fulfilment"].needs, NEED_COLUMNS),
        group=PLAN,
    ),
    Tab(
        "objectives",
        _("Objectives"),
        40,
        _template("objectives"),
        _objectives,
        export=TabExport(
            lambda request, p: _objectives(request, p)["objectives"], OBJECTIVE_COLUMNS
        ),
        group=PLAN,
    ),
    Tab(
        "documents",
        _("Documents"),
        50,
        _template("documents"),
        _documents,
        export=TabExport(lambda request, p: _documents(request, p)["documents"], DOCUMENT_COLUMNS),
    ),
    # History stays last whatever the capability apps add.
    Tab(
        "history",
        _("History"),
        1000,
        _template("history"),
        _history,
        shown=_internal,
        export=TabExport(lambda request, p: _history(request, p)["history"], HISTORY_COLUMNS),
    ),
]


def _organisation_partnerships(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    visible = selectors.partnership_list(
        user=request.user, filters={"organisation": organisation.pk}
    )
    partnerships = list(visible[:PROFILE_PARTNERSHIPS])
    return {
        "partnerships": partnerships,
        "partnership_count": (
            len(partnerships) if len(partnerships) < PROFILE_PARTNERSHIPS else visible.count()
        ),
    }


def register() -> None:
    for tab in TABS:
        register_tab(tab)
    register_section(
        ProfileSection(
            "partnerships",
            10,
            "partnerships/partials/organisation_partnerships.html",
            _organisation_partnerships,
        )
    )
