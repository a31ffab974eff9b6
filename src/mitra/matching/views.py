"""Pages of matching: the public needs board, a need with its funding sources, offers and
suggested partners, offering, accepting and declining, and the matching profile."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from mitra.core.charts import chart_download
from mitra.core.errors import PermissionDenied
from mitra.core.money import format_quantity
from mitra.core.views import handle_form, post_data, render_page, service_errors
from mitra.organisations import selectors as organisation_selectors
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.permissions import can_manage_partnership

from . import selectors, services
from .forms import (
    AcceptForm,
    BoardFilterForm,
    DeclineForm,
    OfferForm,
    ProfileForm,
    WithdrawForm,
)
from .models import Offer
from .permissions import (
    can_decide_offer,
    can_edit_profile,
    can_offer_for,
    offer_joins_by_invitation,
)

PAGE_SIZE = 20


def needs_board(request: HttpRequest) -> HttpResponse:
    filter_form = BoardFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    rows = selectors.open_needs(filters=filters)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "nav": "needs",
        "filter_form": filter_form,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "total": len(rows),
    }
    return render_page(
        request, "matching/board.html", context, partial="matching/partials/board_results.html"
    )


def _measure(need: Any) -> str:
    return need.currency or need.get_unit_display() or need.unit


@service_errors
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.need_page_get(user=request.user, pk=pk)
    need = row.need
    can_manage = can_manage_partnership(request.user, need.partnership)
    suggestions = selectors.need_matches(user=request.user, need=need) if can_manage else []
    chart = None
    if suggestions:
        from .charts import suggestion_chart

        chart = suggestion_chart(suggestions[:8])
        download = chart_download(request, [chart])
        if download is not None:
            return download  # type: ignore[no-any-return]
    offerers = (
        selectors.offerable_organisations(user=request.user, need=need)
        if request.user.is_authenticated
        else []
    )
    context = {
        "nav": "needs",
        "row": row,
        "need": need,
        "partnership": need.partnership,
        "funding": selectors.funding_for(need),
        "offers": selectors.offers_for_need(user=request.user, need=need),
        "can_manage": can_manage,
        "my_org_ids": user_organisation_ids(request.user),
        "can_offer": bool(offerers) and row.is_open and row.partnership.visibility == "public",
        "suggestions": suggestions,
        "chart": chart,
    }
    return render_page(request, "matching/need.html", context)


def _fields_or_form(form: Any, exc: ValidationError) -> ValidationError:
    """Errors on fields the form lacks (the need, the organisation) shown above the form."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, Any] = {}
    for name, items in exc.error_dict.items():
        key = name if name in form.fields else NON_FIELD_ERRORS
        errors.setdefault(key, []).extend(items)
    return ValidationError(errors)


@service_errors
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    row = selectors.need_page_get(user=request.user, pk=pk)
    need = row.need
    organisations = selectors.offerable_organisations(user=request.user, need=need)
    form = OfferForm(
        post_data(request),
        organisations=[(o.pk, o.name) for o in organisations],
        measure=_measure(need),
    )
    by_id = {o.pk: o for o in organisations}

    def save(data: dict[str, Any]) -> Offer:
        organisation = by_id.get(data.get("organisation")) if "organisation" in data else None
        if organisation is None and len(organisations) == 1:
            organisation = organisations[0]
        try:
            return services.offer_create(
                actor=request.user, need=need, organisation=organisation, data=data
            )
        except ValidationError as exc:
            raise _fields_or_form(form, exc) from None

    url = reverse("matching:need", args=[need.pk])
    return handle_form(
        request,
        form,
        save=save,
        success_url=url,
        success_message=_("Your offer was sent to the coordinator of the partnership."),
        context={
            "nav": "needs",
            "page_title": _("Offer to fill a need"),
            "intro": _(
                "%(need)s — %(partnership)s. Needed: %(quantity)s. Only the partnership's "
                "coordinator and your organisation see your offer."
            )
            % {
                "need": need.title,
                "partnership": need.partnership.title,
                "quantity": format_quantity(need.quantity, currency=need.currency, unit=need.unit),
            },
            "cancel_url": url,
            "submit_label": _("Send the offer"),
            "breadcrumbs": [
                (_("Needs board"), reverse("matching:board")),
                (need.title, url),
                (_("Offer"), None),
            ],
        },
    )


def _offer_intro(offer: Offer) -> str:
    need = offer.need
    return _(
        "%(organisation)s offers %(quantity)s for “%(need)s”. Terms: %(terms)s. Message: "
        "%(message)s"
    ) % {
        "organisation": offer.organisation.name,
        "quantity": format_quantity(offer.quantity, currency=offer.currency, unit=offer.unit),
        "need": need.title,
        "terms": offer.terms or "—",
        "message": offer.message or "—",
    }


def _decision(
    request: HttpRequest,
    pk: int,
    *,
    form_class: Any,
    action: Any,
    title: str,
    submit: str,
    done: str,
    submit_class: str = "btn-primary",
    by_offerer: bool = False,
    note: str = "",
) -> HttpResponse:
    offer = selectors.offer_get(user=request.user, pk=pk)
    allowed = (
        can_offer_for(request.user, offer.organisation)
        if by_offerer
        else can_decide_offer(request.user, offer.need.partnership)
    )
    if not allowed:
        raise PermissionDenied(_("You may not decide on this offer."))
    form = form_class(post_data(request), initial={"version": offer.version})
    url = reverse("matching:need", args=[offer.need_id])
    return handle_form(
        request,
        form,
        save=lambda data: action(offer, data),
        success_url=url,
        success_message=done,
        context={
            "nav": "needs",
            "page_title": title,
            "intro": f"{_offer_intro(offer)} {note}".strip(),
            "cancel_url": url,
            "submit_label": submit,
            "submit_class": submit_class,
            "breadcrumbs": [
                (_("Needs board"), reverse("matching:board")),
                (offer.need.title, url),
                (title, None),
            ],
        },
    )


@service_errors
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get(user=request.user, pk=pk)
    if offer_joins_by_invitation(offer):
        # Issue 14: not made by one of its administrators, so the organisation is only invited.
        name = offer.organisation.name
        note = _(
            "%(organisation)s is not a partner and this offer was not made by one of its "
            "administrators: accepting it invites %(organisation)s. It becomes a partner, and "
            "the offer its commitment, when its administrators accept the invitation."
        ) % {"organisation": name}
        submit = _("Accept and invite the organisation")
        done = _(
            "Offer accepted: %(organisation)s becomes a partner, and the offer its commitment, "
            "when its administrators accept the invitation."
        ) % {"organisation": name}
    else:
        note = ""
        submit = _("Accept: record it as a commitment")
        done = _("Offer accepted: it is now a commitment of the offering organisation.")
    return _decision(
        request,
        pk,
        note=note,
        form_class=AcceptForm,
        action=lambda offer, data: services.offer_accept(
            actor=request.user,
            offer=offer,
            expected_version=data.get("version"),
            confidentiality=data["confidentiality"],
        ),
        title=_("Accept the offer"),
        submit=submit,
        done=done,
    )


@service_errors
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        form_class=DeclineForm,
        action=lambda offer, data: services.offer_decline(
            actor=request.user,
            offer=offer,
            reason=data["decline_reason"],
            expected_version=data.get("version"),
        ),
        title=_("Decline the offer"),
        submit=_("Decline"),
        done=_("Offer declined; the offering organisation can read your reason."),
        submit_class="btn-danger",
    )


@service_errors
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        form_class=WithdrawForm,
        action=lambda offer, data: services.offer_withdraw(
            actor=request.user, offer=offer, expected_version=data.get("version")
        ),
        title=_("Withdraw the offer"),
        submit=_("Withdraw"),
        done=_("Offer withdrawn."),
        submit_class="btn-danger",
        by_offerer=True,
    )


@service_errors
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get(user=request.user, pk=pk)
    if not can_offer_for(request.user, offer.organisation):
        raise PermissionDenied(_("Only the offering organisation may change its offer."))
    need = offer.need
    form = OfferForm(
        post_data(request),
        initial={
            "quantity": offer.quantity,
            "terms": offer.terms,
            "message": offer.message,
            "version": offer.version,
        },
        measure=_measure(need),
    )
    url = reverse("matching:need", args=[need.pk])

    def save(data: dict[str, Any]) -> Offer:
        data = dict(data)
        version = data.pop("version", None)
        try:
            return services.offer_update(
                actor=request.user, offer=offer, data=data, expected_version=version
            )
        except ValidationError as exc:
            raise _fields_or_form(form, exc) from None

    return handle_form(
        request,
        form,
        save=save,
        success_url=url,
        context={
            "nav": "needs",
            "page_title": _("Change the offer"),
            "intro": _offer_intro(offer),
            "cancel_url": url,
            "breadcrumbs": [
                (_("Needs board"), reverse("matching:board")),
                (need.title, url),
                (_("Change the offer"), None),
            ],
        },
    )


def offer_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    lists = selectors.offer_lists(user=request.user)
    return render_page(
        request,
        "matching/offers.html",
        {
            "nav": "needs",
            "received": lists.received,
            "sent": lists.sent,
            "my_org_ids": user_organisation_ids(request.user),
            "managed_ids": selectors.managed_partnership_ids(request.user),
        },
    )


@service_errors
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_selectors.organisation_get(pk=pk)
    if not can_edit_profile(request.user, organisation):
        raise PermissionDenied(_("Only administrators of the organisation may change this."))
    profile = selectors.profile_get(organisation)
    initial: dict[str, Any] = {"open_to_offers": True}
    if profile is not None:
        initial = {
            "capabilities_ind": profile.capabilities_ind,
            "capabilities_en": profile.capabilities_en,
            "regions": profile.regions,
            "nationwide": profile.nationwide,
            "development_sectors": profile.development_sectors,
            "known_forms": profile.forms,
            "annual_capacity": profile.annual_capacity,
            "capacity_currency": profile.capacity_currency,
            "open_to_offers": profile.open_to_offers,
            "version": profile.version,
        }
    form = ProfileForm(post_data(request), initial=initial)
    url = reverse("organisations:detail", args=[organisation.pk])

    def save(data: dict[str, Any]) -> Any:
        data = dict(data)
        data["forms"] = data.pop("known_forms", [])
        return services.profile_update(
            actor=request.user,
            organisation=organisation,
            data=data,
            expected_version=data.pop("version", None),
        )

    return handle_form(
        request,
        form,
        save=save,
        success_url=url,
        context={
            "nav": "organisations",
            "page_title": _("Matching profile of %(name)s") % {"name": organisation.name},
            "intro": _(
                "Helps coordinators find your organisation for their open needs. Everything "
                "here is public except the yearly cash capacity."
            ),
            "cancel_url": url,
        },
    )
