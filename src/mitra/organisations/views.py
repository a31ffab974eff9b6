"""Organisation directory, profile, registration and edit. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from mitra.core.errors import PermissionDenied
from mitra.core.exports import export_format
from mitra.core.pagecache import cache_public_page
from mitra.core.views import handle_form, post_data, render_page, service_errors
from mitra.jobs.exports import list_export

from . import selectors, services
from .forms import OrganisationFilterForm, OrganisationForm
from .models import Organisation, ResourceType
from .permissions import can_manage_organisation, user_organisation_ids
from .profile import render_sections

PAGE_SIZE = 20


@cache_public_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    filter_form = OrganisationFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    fmt = export_format(request)
    if fmt:
        # Lean rows streamed, or a background job above the stream limit (jobs.exports).
        return list_export(
            request, source_path="mitra.organisations.exports.organisation_list_table", fmt=fmt
        )
    organisations = selectors.organisation_list(filters=filters)
    paginator = Paginator(organisations, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "nav": "organisations",
        "filter_form": filter_form,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "my_org_ids": user_organisation_ids(request.user),
    }
    return render_page(
        request, "organisations/list.html", context, partial="organisations/partials/results.html"
    )


@cache_public_page
@service_errors
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(pk=pk)
    context = {
        "nav": "organisations",
        "organisation": organisation,
        "sections": render_sections(request, organisation),
        "can_manage": can_manage_organisation(request.user, organisation),
        "resource_types": ResourceType,
    }
    return render_page(request, "organisations/detail.html", context)


@login_required
@service_errors
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(post_data(request), initial={"province": ""})
    return handle_form(
        request,
        form,
        save=lambda data: services.organisation_create(actor=request.user, data=_data(data)),
        success_url=lambda org: reverse("organisations:detail", args=[org.pk]),
        context={
            "nav": "organisations",
            "page_title": _("Register an organisation"),
            "intro": _("You will become the administrator of the organisation you register."),
            "cancel_url": reverse("organisations:list"),
            "submit_label": _("Register"),
        },
        success_message=_("The organisation is registered."),
    )


@login_required
@service_errors
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get(pk=pk)
    if not can_manage_organisation(request.user, organisation):
        raise PermissionDenied(_("Only administrators of this organisation may edit it."))
    form = OrganisationForm(post_data(request), initial=_initial(organisation))
    detail_url = reverse("organisations:detail", args=[organisation.pk])
    return handle_form(
        request,
        form,
        save=lambda data: services.organisation_update(
            actor=request.user,
            organisation=organisation,
            data=_data(data),
            expected_version=data.get("version"),
        ),
        success_url=detail_url,
        context={
            "nav": "organisations",
            "page_title": _("Edit %(name)s") % {"name": organisation.name},
            "cancel_url": detail_url,
            "breadcrumbs": [
                (_("Organisations"), reverse("organisations:list")),
                (organisation.name, detail_url),
                (_("Edit"), None),
            ],
        },
    )


def _data(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cleaned.items() if k != "version"}


def _initial(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "sector": organisation.sector,
        "kind": organisation.kind,
        "province": organisation.province,
        "website": organisation.website,
        "description_ind": organisation.description_ind,
        "description_en": organisation.description_en,
        "expertise": organisation.expertise,
        "resource_types": organisation.resource_types,
        "version": organisation.version,
    }
