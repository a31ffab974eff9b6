"""Wiring shared by the HTML views: full page or htmx partial, service errors → responses/forms.

- `render_page` returns the full page, or the partial when htmx asks for a fragment (not for a
  boosted request or a history restore, which need the whole page).
- `service_errors` maps the services' errors to pages: NotFound → 404, PermissionDenied → 403
  (or the sign-in page for anonymous visitors), any other ApplicationError → 400.
- `add_service_errors` puts a service's ValidationError / ApplicationError on the form fields.
- `handle_form` runs the usual POST flow of an edit page, including stale edits (409).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .errors import ApplicationError, NotFound, PermissionDenied, StaleEdit


def wants_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    is_partial = bool(partial) and wants_partial(request)
    name = partial if is_partial and partial else template
    response = render(request, name, {**context, "is_partial": is_partial}, status=status)
    # The same URL answers with a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def redirect_after_save(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a client-side redirect for htmx, a 302 otherwise."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def service_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDenied as exc:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise DjangoPermissionDenied(str(exc.message)) from exc
        except StaleEdit:
            raise
        except ApplicationError as exc:
            return render(request, "400.html", {"exception": str(exc.message)}, status=400)

    return wrapper


def add_service_errors(form: forms.Form, exc: Exception) -> None:
    """Field-level errors from a service: ValidationError.message_dict or ApplicationError."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    _add(form, field, error)
        else:
            for error in exc.messages:
                form.add_error(None, error)
    elif isinstance(exc, ApplicationError):
        _add(form, exc.extra.get("field"), str(exc.message))


def _add(form: forms.Form, field: str | None, message: str) -> None:
    if field and field != NON_FIELD_ERRORS and field in form.fields:
        form.add_error(field, message)
    elif field and field != NON_FIELD_ERRORS:
        form.add_error(None, f"{field}: {message}")
    else:
        form.add_error(None, message)


def stale_changes(exc: StaleEdit) -> list[dict[str, Any]]:
    """The other users' changes with `when` as a datetime (the service gives ISO strings)."""
    rows = []
    for change in exc.changes:
        row = dict(change)
        with contextlib.suppress(TypeError, ValueError):
            row["when"] = datetime.fromisoformat(change["when"])
        rows.append(row)
    return rows


def mark_stale(form: forms.Form, exc: StaleEdit) -> list[dict[str, Any]]:
    """Keep the user's input, carry the stored version so that a re-submit applies it.

    The page shows the others' changes in a warning above the form (components/stale.html).
    """
    data = form.data.copy()
    data[form.add_prefix("version")] = str(exc.current.version)
    form.data = data
    return stale_changes(exc)


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    success_url: str | Callable[[Any], str],
    context: dict[str, Any],
    template: str = "components/form_page.html",
    partial: str = "components/form_card.html",
    success_message: str | None = None,
) -> HttpResponse:
    """GET shows the form; POST validates, calls `save(cleaned_data)` and redirects.

    Invalid input → 400 with field-level messages; a stale edit → 409 with the others' changes
    and the user's input kept. PermissionDenied and NotFound propagate to `service_errors`.
    """
    status = 200
    stale: list[dict[str, Any]] = []
    stale_message = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                result = save(form.cleaned_data)
            except StaleEdit as exc:
                stale = mark_stale(form, exc)
                stale_message = str(exc.message)
                status = 409
            except (PermissionDenied, NotFound):
                raise
            except (ApplicationError, ValidationError) as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, success_message or _("Saved."))
                url = success_url(result) if callable(success_url) else success_url
                return redirect_after_save(request, url)
        else:
            status = 400
    return render_page(
        request,
        template,
        {**context, "form": form, "stale_changes": stale, "stale_message": stale_message},
        partial=partial,
        status=status,
    )


def post_data(request: HttpRequest) -> Any:
    """The POST data to bind a form to, or None on GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None
