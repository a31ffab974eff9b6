"""The partnership page's tabs: one registration point for every capability (issue 9).

The partnership page is the workspace of a partnership: overview, partners, needs, objectives,
documents and history come from this app; risks, finance, goals, results, coordination, disputes
and matching each add their own tab from their own app, in its ``AppConfig.ready()``, without
editing the partnership's views or templates::

    from mitra.partnerships.workspace import Tab, register_tab

    register_tab(Tab(key="risks", label=_("Risks"), order=60,
                     template="risks/tab.html", context=risk_tab_context))

Every tab answers at ``/partnerships/<pk>/<key>/`` (the overview at ``/partnerships/<pk>/``),
as a whole page or, for htmx, as the tab panel alone. ``context(request, partnership)`` adds what
the tab's template needs and must read through the app's selectors, which enforce who may see
what (a tab hidden from the tab bar is not a permission: its selectors refuse). ``shown(request,
partnership)`` says whether the tab appears in the tab bar. A tab with ``export`` downloads its
rows as CSV/XLSX (``?export=csv|xlsx``) with the same selectors, so the same confidentiality.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import SDG, Confidentiality
from mitra.core.registry import Registry
from mitra.core.views import handle_form, render_page
from mitra.organisations.models import ResourceType, Sector
from mitra.organisations.permissions import user_organisation_ids

from .models import DevelopmentSector, DocumentType, PartnershipForm, Role, Stage, Visibility
from .permissions import can_manage_partnership, can_view_internal

TabContext = Callable[[HttpRequest, Any], dict[str, Any]]


def _always(request: HttpRequest, partnership: Any) -> bool:
    return True


def _nothing(request: HttpRequest, partnership: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class TabExport:
    """What a tab downloads: its rows for this viewer, and the columns (``core.exports``)."""

    rows: Callable[[HttpRequest, Any], Iterable[Any]]
    columns: Sequence[Any]


#: The groups of the tab bar, in order: a row of groups above the tabs of the current one, so a
#: partnership's seventeen sections read as four (the words of docs/glossary.md).
PARTNERSHIP, PLAN, MONEY, DELIVERY = "partnership", "plan", "money", "delivery"
GROUPS: dict[str, Any] = {
    PARTNERSHIP: _("The partnership"),
    PLAN: _("Needs and goals"),
    MONEY: _("Money and risk"),
    DELIVERY: _("Implementation"),
}


@dataclass(frozen=True)
class Tab:
    key: str  # the URL segment, unique
    label: Any  # a lazy translation
    order: int  # place in the tab bar: this app's tabs use 10..50 and 1000 (history)
    template: str  # the tab panel's template
    context: TabContext = _nothing
    shown: Callable[[HttpRequest, Any], bool] = _always
    export: TabExport | None = None
    group: str = PARTNERSHIP  # one of GROUPS


#: Code lists every page of the partnership may show (labels of forms, stages, roles, ...).
CHOICES: dict[str, Any] = {
    "forms": PartnershipForm,
    "stages": Stage,
    "sectors": DevelopmentSector,
    "roles": Role,
    "org_sectors": Sector,
    "sdg_choices": SDG,
    "resource_types": ResourceType,
    "confidentiality": Confidentiality,
    "doc_types": DocumentType,
    "visibilities": Visibility,
}


TABS: Registry[Tab] = Registry("partnership tab", order=lambda tab: tab.order)
OVERVIEW = "overview"


def register_tab(tab: Tab) -> Tab:
    if tab.group not in GROUPS:
        raise ValueError(f"tab {tab.key!r}: unknown group {tab.group!r} (one of {list(GROUPS)})")
    return TABS.register(tab.key, tab)


def tab_get(key: str) -> Tab:
    """The registered tab (``LookupError`` if there is none)."""
    return TABS.get(key)


def tab_url(partnership: Any, key: str) -> str:
    if key == OVERVIEW:
        return reverse("partnerships:detail", args=[partnership.pk])
    return reverse("partnerships:tab", args=[partnership.pk, key])


@dataclass(frozen=True)
class TabGroup:
    key: str
    label: Any
    url: str  # its first tab this viewer sees
    active: bool  # the current tab is one of its tabs
    tabs: list[tuple[str, Any, str]]  # (key, label, url) of its tabs this viewer sees


def tab_groups(request: HttpRequest, partnership: Any, current: str) -> list[TabGroup]:
    """The groups with a tab this viewer sees, in order, each with those tabs."""
    found: dict[str, list[tuple[str, Any, str]]] = {}
    for tab in TABS:
        if tab.shown(request, partnership):
            found.setdefault(tab.group, []).append(
                (tab.key, tab.label, tab_url(partnership, tab.key))
            )
    return [
        TabGroup(key, label, tabs[0][2], any(k == current for k, _, _ in tabs), tabs)
        for key, label in GROUPS.items()
        if (tabs := found.get(key))
    ]


def my_members(user: Any, partnership: Any) -> list[Any]:
    """Current members of the partnership that belong to the user's organisations."""
    orgs = user_organisation_ids(user)
    return [m for m in partnership.members.all() if m.left_on is None and m.organisation_id in orgs]


def page_context(request: HttpRequest, partnership: Any, tab: Tab) -> dict[str, Any]:
    """What every tab's template may use, whichever app registered the tab."""
    mine = my_members(request.user, partnership)
    groups = tab_groups(request, partnership, tab.key)
    return {
        **CHOICES,
        "nav": "partnerships",
        "partnership": partnership,
        "members": list(partnership.members.all()),
        "tab": tab.key,
        "tab_label": tab.label,
        "tab_template": tab.template,
        "tab_groups": groups,
        "can_manage": can_manage_partnership(request.user, partnership),
        "is_internal": can_view_internal(request.user, partnership),
        "my_members": mine,
        "my_member_ids": {m.pk for m in mine},
    }


def render_tab(
    request: HttpRequest,
    partnership: Any,
    tab: Tab,
    context: dict[str, Any],
    *,
    template: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The partnership page with ``tab`` active; ``template`` replaces the tab's panel (a
    capability's sub-page, e.g. one simulation's results, stays inside its tab)."""
    page = page_context(request, partnership, tab)
    if template:
        page["tab_template"] = template
    return render_page(
        request,
        "partnerships/detail.html",
        {**page, **context},
        partial="partnerships/partials/tabs.html",
        status=status,
    )


def tab_form(
    request: HttpRequest,
    partnership: Any,
    tab: Tab,
    form: Any,
    *,
    save: Callable[[Any], Any],
    success_url: Any,
    title: Any,
    template: str,
    intro: Any = "",
    submit_label: Any = None,
    success_message: Any = None,
    cancel_url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A capability's form inside its tab on the partnership page (``core.views.handle_form``):
    ``template`` is the tab panel showing the form (with ``page_title``, ``intro``,
    ``cancel_url`` and ``submit_label``); invalid input answers 400 with the page, a stale edit
    409, a saved one redirects to ``success_url``."""
    return handle_form(
        request,
        form,
        save=save,
        success_url=success_url,
        success_message=success_message,
        context={
            **page_context(request, partnership, tab),
            "tab_template": template,
            "page_title": title,
            "intro": intro,
            "cancel_url": cancel_url or tab_url(partnership, tab.key),
            "submit_label": submit_label,
            # an invalid form answers with the whole tab area (the partial below): the form
            # card swaps that area, not itself (it would nest the tabs inside the form)
            "form_hx_target": "#partnership-tabs",
            **(extra or {}),
        },
        template="partnerships/detail.html",
        partial="partnerships/partials/tabs.html",
    )
