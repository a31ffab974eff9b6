"""Partnership pages: thin views that read through selectors and write through services.

Each view returns the full page, or the partial when htmx asks for it (tabs, list results, forms).
Service errors become pages through `service_errors` (NotFound → 404, PermissionDenied → 403)
and field-level messages through `handle_form`.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.accounts.ratelimits import limited, too_many
from mitra.core.charts import Chart, chart_download
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.exports import export_format, table_response
from mitra.core.pagecache import cache_public_page
from mitra.core.pagination import BoundedPaginator
from mitra.core.templatetags.mitra import quantity
from mitra.core.views import handle_form, post_data, render_page, service_errors
from mitra.jobs.exports import list_export
from mitra.organisations import selectors as organisation_selectors
from mitra.organisations.permissions import user_admin_organisation_ids

from . import selectors, services
from .forms import (
    CommitmentForm,
    ConfirmForm,
    DeliveryForm,
    DocumentForm,
    MemberEditForm,
    NeedForm,
    ObjectiveForm,
    PartnershipCreateForm,
    PartnershipEditForm,
    PartnershipFilterForm,
)
from .models import (
    Commitment,
    DevelopmentSector,
    Need,
    Partnership,
    PartnershipForm,
    PartnershipMember,
    Stage,
)
from .permissions import (
    can_create_partnership,
    can_edit_member_items,
    can_manage_partnership,
)
from .workspace import CHOICES, OVERVIEW, my_members, render_tab, tab_get, tab_url

PAGE_SIZE = 20


# --- dashboard and list -------------------------------------------------------------------------


@cache_public_page
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(user=request.user)
    context = {
        **CHOICES,
        "dashboard": data,
        "count_groups": [
            (heading, key, [(row[key], row["n"]) for row in data["counts"][key]], choices)
            for heading, key, choices in (
                (_("By form"), "form", PartnershipForm),
                (_("By stage"), "stage", Stage),
                (_("By sector"), "development_sector", DevelopmentSector),
            )
        ],
        "can_create": can_create_partnership(request.user),
    }
    return render_page(request, "partnerships/dashboard.html", context)


def _filter_organisation(pk: int | None) -> Any:
    """The organisation the list is filtered on, for its heading (None if none or unknown)."""
    if not pk:
        return None
    try:
        return organisation_selectors.organisation_get(pk=pk)
    except NotFound:
        return None


@cache_public_page
def partnership_list(request: HttpRequest) -> HttpResponse:
    filter_form = PartnershipFilterForm(
        request.GET or None, authenticated=request.user.is_authenticated
    )
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    fmt = export_format(request)
    if (fmt or filters.get("q")) and limited(request, "export" if fmt else "search"):
        return too_many()
    if fmt:
        # Lean rows streamed, or a background job above the stream limit (jobs.exports).
        return list_export(
            request, source_path="mitra.partnerships.exports.partnership_list_table", fmt=fmt
        )
    qs = selectors.with_members(selectors.partnership_list(user=request.user, filters=filters))
    paginator = BoundedPaginator(qs, PAGE_SIZE, ranked=bool(filters.get("q")))
    page = paginator.get_page(request.GET.get("page"))
    context = {
        **CHOICES,
        "nav": "partnerships",
        "filter_form": filter_form,
        "filter_organisation": _filter_organisation(filters.get("organisation")),
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "can_create": can_create_partnership(request.user),
    }
    return render_page(
        request, "partnerships/list.html", context, partial="partnerships/partials/results.html"
    )


# --- partnership page and its tabs ----------------------------------------------------------------


@cache_public_page
@service_errors
def partnership_detail(request: HttpRequest, pk: int, tab: str = OVERVIEW) -> HttpResponse:
    """The partnership page with one of its registered tabs (``workspace``)."""
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    try:
        current = tab_get(tab)
    except LookupError:
        raise NotFound(_("A partnership has no such section.")) from None
    fmt = export_format(request)
    if fmt and request.GET.get("chart"):
        # A chart's own numbers (core/chart.html links them relative to the page it is on).
        download = chart_download(request, _charts_in(current.context(request, partnership)))
        if download is None:
            raise NotFound(_("This section has no such chart."))
        return download
    if fmt and current.export is not None:
        return table_response(
            rows=list(current.export.rows(request, partnership)),
            columns=current.export.columns,
            fmt=fmt,
            filename=f"{partnership.code}-{current.label}",
        )
    return render_tab(request, partnership, current, current.context(request, partnership))


def _charts_in(context: dict[str, Any]) -> list[Chart]:
    """The charts a tab's context holds, as values or inside lists, tuples and dicts."""
    found: list[Chart] = []
    for value in context.values():
        items = value.values() if isinstance(value, dict) else value
        if isinstance(value, Chart):
            found.append(value)
        elif isinstance(value, list | tuple | dict):
            found.extend(item for item in items if isinstance(item, Chart))
    return found


# --- create and edit a partnership ---------------------------------------------------------------


def _form_context(
    partnership: Partnership | None, title: str, tab: str = "overview", **extra: Any
) -> dict[str, Any]:
    crumbs: list[tuple[Any, str | None]] = [(_("Partnerships"), reverse("partnerships:list"))]
    cancel = reverse("partnerships:list")
    if partnership is not None:
        cancel = tab_url(partnership, tab)
        crumbs.append((partnership.title, cancel))
    crumbs.append((title, None))
    return {
        "nav": "partnerships",
        "page_title": title,
        "breadcrumbs": crumbs,
        "cancel_url": cancel,
        **extra,
    }


@login_required
@service_errors
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not can_create_partnership(request.user):
        raise PermissionDenied(
            _(
                "Only an administrator of an organisation may start a partnership. "
                "Register your organisation first."
            )
        )
    admin_orgs = organisation_selectors.organisation_list().filter(
        pk__in=user_admin_organisation_ids(request.user)
    )
    organisations = [(o.pk, o.name) for o in admin_orgs]
    form = PartnershipCreateForm(post_data(request), organisations=organisations)

    def save(data: dict[str, Any]) -> Partnership:
        lead = organisation_selectors.organisation_get(pk=data["lead_organisation"])
        fields = {k: v for k, v in data.items() if k not in {"lead_organisation", "lead_roles"}}
        return services.partnership_create(
            actor=request.user, lead_organisation=lead, data=fields, lead_roles=data["lead_roles"]
        )

    return handle_form(
        request,
        form,
        save=save,
        success_url=lambda p: reverse("partnerships:detail", args=[p.pk]),
        context=_form_context(None, _("New partnership"), submit_label=_("Create")),
        success_message=_("The partnership is created. Add its partners next."),
    )


def _partnership_initial(p: Partnership) -> dict[str, Any]:
    # every field the service writes (the form shows those it has), and the version read
    names = (*services.PARTNERSHIP_FIELDS, "version")
    return {name: getattr(p, name) for name in names}


@login_required
@service_errors
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    form = PartnershipEditForm(post_data(request), initial=_partnership_initial(partnership))
    return handle_form(
        request,
        form,
        save=lambda data: services.partnership_update(
            actor=request.user,
            partnership=partnership,
            data=_without_version(data),
            expected_version=data.get("version"),
        ),
        success_url=tab_url(partnership, "overview"),
        context=_form_context(partnership, _("Edit partnership")),
    )


def _require_manage(request: HttpRequest, partnership: Partnership) -> None:
    if not can_manage_partnership(request.user, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may do this."))


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"version", "organisation"}}


# --- partners -------------------------------------------------------------------------------------


def _member(partnership: Partnership, member_pk: int) -> PartnershipMember:
    for member in partnership.members.all():
        if member.pk == member_pk:
            member.partnership = partnership
            return member
    raise NotFound(_("Partner not found."))


@login_required
@service_errors
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Partners join by invitation (coordination): this old address leads there."""
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    return redirect("coordination:invite", pk=partnership.pk)


@login_required
@service_errors
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    member = _member(partnership, member_pk)
    initial = {
        "roles": member.roles,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "version": member.version,
    }
    form = MemberEditForm(post_data(request), initial=initial)
    return handle_form(
        request,
        form,
        save=lambda data: services.member_update(
            actor=request.user,
            member=member,
            data=_without_version(data),
            expected_version=data.get("version"),
        ),
        success_url=tab_url(partnership, "partners"),
        context=_form_context(
            partnership,
            _("Edit partner %(name)s") % {"name": member.organisation.name},
            "partners",
        ),
    )


@login_required
@service_errors
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    member = _member(partnership, member_pk)
    form = ConfirmForm(post_data(request))
    return handle_form(
        request,
        form,
        save=lambda data: services.member_delete(actor=request.user, member=member),
        success_url=tab_url(partnership, "partners"),
        context=_form_context(
            partnership,
            _("Remove partner %(name)s") % {"name": member.organisation.name},
            "partners",
            confirm_text=_(
                "Remove this organisation from the partnership? A partner with "
                "commitments or documents cannot be removed: record the date it "
                "left instead."
            ),
            submit_label=_("Remove"),
            submit_class="btn-danger",
        ),
        success_message=_("The partner is removed."),
    )


# --- needs, commitments and deliveries -------------------------------------------------------------


def _need(request: HttpRequest, partnership: Partnership, need_pk: int) -> Need:
    return selectors.need_get(user=request.user, pk=need_pk, partnership=partnership)


def _acting_choices(request: HttpRequest, partnership: Partnership) -> list[tuple[int, str]]:
    members = my_members(request.user, partnership)
    if not members:
        raise PermissionDenied(_("Your organisation is not a current partner of this partnership."))
    return [(m.organisation_id, m.organisation.name) for m in members]


def _acting(
    request: HttpRequest, partnership: Partnership, data: dict[str, Any]
) -> PartnershipMember:
    return services.acting_member(request.user, partnership, data.get("organisation"))


@login_required
@service_errors
def need_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    form = NeedForm(post_data(request))
    return handle_form(
        request,
        form,
        save=lambda data: services.need_create(
            actor=request.user, partnership=partnership, data=_without_version(data)
        ),
        success_url=tab_url(partnership, "needs"),
        context=_form_context(partnership, _("Record a need"), "needs"),
        success_message=_("The need is recorded."),
    )


@login_required
@service_errors
def need_edit(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    _require_manage(request, partnership)
    need = _need(request, partnership, need_pk)
    names = (
        "title_ind",
        "title_en",
        "resource_type",
        "quantity",
        "currency",
        "unit",
        "due_date",
        "description_ind",
        "description_en",
        "version",
    )
    form = NeedForm(post_data(request), initial={n: getattr(need, n) for n in names})
    return handle_form(
        request,
        form,
        save=lambda data: services.need_update(
            actor=request.user,
            need=need,
            data=_without_version(data),
            expected_version=data.get("version"),
        ),
        success_url=tab_url(partnership, "needs"),
        context=_form_context(
            partnership, _("Edit need %(title)s") % {"title": need.title}, "needs"
        ),
    )


def _commitment(request: HttpRequest, partnership: Partnership, commitment_pk: int) -> Commitment:
    commitment = selectors.commitment_get(
        user=request.user, pk=commitment_pk, partnership=partnership
    )
    if not can_edit_member_items(request.user, commitment.member):
        raise PermissionDenied(_("You may only change your own organisation's commitments."))
    return commitment


@login_required
@service_errors
def commitment_create(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    need = _need(request, partnership, need_pk)
    form = CommitmentForm(post_data(request), organisations=_acting_choices(request, partnership))
    return handle_form(
        request,
        form,
        save=lambda data: services.commitment_create(
            actor=request.user,
            need=need,
            member=_acting(request, partnership, data),
            data=_without_version(data),
            confirm_over_pledge=bool(data.get("confirm_over_pledge")),
        ),
        success_url=tab_url(partnership, "needs"),
        context=_form_context(
            partnership,
            _("Pledge to %(need)s") % {"need": need.title},
            "needs",
            intro=_("Needed: %(quantity)s") % {"quantity": quantity(need.quantity, need)},
            submit_label=_("Pledge"),
        ),
        success_message=_("The commitment is recorded."),
    )


@login_required
@service_errors
def commitment_edit(request: HttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    commitment = _commitment(request, partnership, commitment_pk)
    names = ("quantity", "due_date", "confidentiality", "notes", "version")
    form = CommitmentForm(post_data(request), initial={n: getattr(commitment, n) for n in names})
    return handle_form(
        request,
        form,
        save=lambda data: services.commitment_update(
            actor=request.user,
            commitment=commitment,
            data=_without_version(data),
            expected_version=data.get("version"),
            confirm_over_pledge=bool(data.get("confirm_over_pledge")),
        ),
        success_url=tab_url(partnership, "needs"),
        context=_form_context(
            partnership,
            _("Edit the commitment of %(org)s to %(need)s")
            % {"org": commitment.member.organisation.name, "need": commitment.need.title},
            "needs",
        ),
    )


@login_required
@service_errors
def delivery_create(request: HttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    commitment = _commitment(request, partnership, commitment_pk)
    documents = selectors.document_list(user=request.user, partnership=partnership)
    by_pk = {d.pk: d for d in documents}
    form = DeliveryForm(post_data(request), documents=[(d.pk, str(d)) for d in documents])

    def save(data: dict[str, Any]) -> Any:
        fields = dict(data, evidence=by_pk.get(data["evidence"]) if data["evidence"] else None)
        return services.delivery_create(actor=request.user, commitment=commitment, data=fields)

    return handle_form(
        request,
        form,
        save=save,
        success_url=tab_url(partnership, "needs"),
        context=_form_context(
            partnership,
            _("Record a delivery for %(need)s") % {"need": commitment.need.title},
            "needs",
        ),
        success_message=_("The delivery is recorded."),
    )


# --- objectives ------------------------------------------------------------------------------------


@login_required
@service_errors
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    form = ObjectiveForm(post_data(request), organisations=_acting_choices(request, partnership))
    return handle_form(
        request,
        form,
        save=lambda data: services.objective_create(
            actor=request.user,
            member=_acting(request, partnership, data),
            data=_without_version(data),
        ),
        success_url=tab_url(partnership, "objectives"),
        context=_form_context(partnership, _("Add an objective"), "objectives"),
        success_message=_("The objective is recorded."),
    )


@login_required
@service_errors
def objective_edit(request: HttpRequest, pk: int, objective_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    objective = selectors.objective_get(user=request.user, pk=objective_pk, partnership=partnership)
    if not can_edit_member_items(request.user, objective.member):
        raise PermissionDenied(_("You may only change your own organisation's objectives."))
    names = ("text", "sdg", "weight", "confidentiality", "version")
    form = ObjectiveForm(post_data(request), initial={n: getattr(objective, n) for n in names})
    return handle_form(
        request,
        form,
        save=lambda data: services.objective_update(
            actor=request.user,
            objective=objective,
            data=_without_version(data),
            expected_version=data.get("version"),
        ),
        success_url=tab_url(partnership, "objectives"),
        context=_form_context(partnership, _("Edit objective"), "objectives"),
    )


# --- documents -------------------------------------------------------------------------------------


@login_required
@service_errors
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    form = DocumentForm(
        post_data(request),
        request.FILES or None,
        organisations=_acting_choices(request, partnership),
    )

    def save(data: dict[str, Any]) -> Any:
        fields = {k: v for k, v in _without_version(data).items() if k != "file"}
        return services.document_create(
            actor=request.user,
            member=_acting(request, partnership, data),
            data=fields,
            file=data["file"],
        )

    return handle_form(
        request,
        form,
        save=save,
        success_url=tab_url(partnership, "documents"),
        context=_form_context(
            partnership, _("Upload a document"), "documents", submit_label=_("Upload")
        ),
        success_message=_("The document is uploaded."),
    )


@service_errors
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """Streams the file to users allowed to see the document; 404 for everyone else."""
    document = selectors.document_get(user=request.user, pk=document_pk)
    if document.partnership_id != pk:
        raise NotFound(_("Document not found."))
    filename = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    try:
        handle = document.file.open("rb")
    except OSError:
        # The record exists but its file is gone (restored database, cleaned disk): not a 500.
        raise NotFound(_("The file of this document is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- deletions --------------------------------------------------------------------------------------
# One confirm page per kind of item. The selectors answer 404 for an item the user may not see;
# the services check the right to delete (403) and refuse what would break a rule (400).


def _delete_need(request: HttpRequest, partnership: Partnership, pk: int) -> tuple[Any, Any]:
    need = selectors.need_get(user=request.user, pk=pk, partnership=partnership)
    _require_manage(request, partnership)
    return need.title, lambda: services.need_delete(actor=request.user, need=need)


def _delete_commitment(request: HttpRequest, partnership: Partnership, pk: int) -> tuple[Any, Any]:
    c = selectors.commitment_get(user=request.user, pk=pk, partnership=partnership)
    _require_own(request, c.member)
    label = f"{c.member.organisation} → {c.need.title}"
    return label, lambda: services.commitment_delete(actor=request.user, commitment=c)


def _delete_delivery(request: HttpRequest, partnership: Partnership, pk: int) -> tuple[Any, Any]:
    d = selectors.delivery_get(user=request.user, pk=pk, partnership=partnership)
    _require_own(request, d.commitment.member)
    delivered = formats.date_format(d.delivered_on, "SHORT_DATE_FORMAT")
    label = f"{d.commitment.member.organisation} → {d.commitment.need.title}, {delivered}"
    return label, lambda: services.delivery_delete(actor=request.user, delivery=d)


def _delete_objective(request: HttpRequest, partnership: Partnership, pk: int) -> tuple[Any, Any]:
    o = selectors.objective_get(user=request.user, pk=pk, partnership=partnership)
    _require_own(request, o.member)
    return o.text, lambda: services.objective_delete(actor=request.user, objective=o)


def _delete_document(request: HttpRequest, partnership: Partnership, pk: int) -> tuple[Any, Any]:
    document = selectors.document_get(user=request.user, pk=pk)
    if document.partnership_id != partnership.pk:
        raise NotFound(_("Document not found."))
    _require_own(request, document.owner)
    return document.title, lambda: services.document_delete(actor=request.user, document=document)


def _require_own(request: HttpRequest, member: PartnershipMember) -> None:
    if not can_edit_member_items(request.user, member):
        raise PermissionDenied(_("Only the organisation that recorded this may delete it."))


#: kind → (look up the item and its delete action, tab to return to, page title, message).
DELETIONS: dict[str, tuple[Any, str, Any, Any]] = {
    "need": (
        _delete_need,
        "needs",
        gettext_lazy("Delete need %(label)s"),
        gettext_lazy("The need is deleted."),
    ),
    "commitment": (
        _delete_commitment,
        "needs",
        gettext_lazy("Delete commitment %(label)s"),
        gettext_lazy("The commitment is deleted."),
    ),
    "delivery": (
        _delete_delivery,
        "needs",
        gettext_lazy("Delete delivery %(label)s"),
        gettext_lazy("The delivery is deleted."),
    ),
    "objective": (
        _delete_objective,
        "objectives",
        gettext_lazy("Delete objective %(label)s"),
        gettext_lazy("The objective is deleted."),
    ),
    "document": (
        _delete_document,
        "documents",
        gettext_lazy("Delete document %(label)s"),
        gettext_lazy("The document is deleted."),
    ),
}


@login_required
@service_errors
def item_delete(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Confirm (GET) and delete (POST) a need, commitment, delivery, objective or document."""
    if kind not in DELETIONS:
        raise NotFound(_("Not found."))
    lookup, tab, title, done = DELETIONS[kind]
    partnership = selectors.partnership_get(user=request.user, pk=pk)
    label, delete = lookup(request, partnership, item_pk)
    form = ConfirmForm(post_data(request))
    return handle_form(
        request,
        form,
        save=lambda data: delete(),
        success_url=tab_url(partnership, tab),
        context=_form_context(
            partnership,
            str(title) % {"label": label},
            tab,
            confirm_text=_(
                "Delete this record? The deletion is kept in the history, but the record "
                "itself cannot be restored from the page."
            ),
            submit_label=_("Delete"),
            submit_class="btn-danger",
        ),
        success_message=done,
    )
