"""The REST API: one NinjaAPI, one router per app under /api/v1/, and every error mapped here.

OpenAPI at /api/openapi.json, interactive docs at /api/docs. See docs/api.md.

Every error answer is JSON with a `detail`:

- invalid input (Ninja/pydantic, or a model's `full_clean()`): 422 with `detail` a list of
  `{"loc": [source, field], "msg", "type"}`, the same shape for both;
- a business rule (`core.errors.ApplicationError`): its status with `{"detail": message, **extra}`;
  when `extra` names a `field`, `errors` holds it as a field error as well;
- a stale edit: 409 with `current` (the stored object as GET shows it) and `changes`;
- not found 404, permission denied 403, not signed in or bad token 401;
- a body that is not JSON, a broken multipart body, a database conflict: 400/409, never 500.

Messages follow the request language (Indonesian by default, `Accept-Language: en` for English):
LocaleMiddleware runs for /api, which is outside i18n_patterns.
"""

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from mitra.accounts.api import router as accounts_router
from mitra.accounts.auth import AUTHENTICATED, AnonymousAccess
from mitra.benefits.api import STALE_RENDERERS as BENEFITS_RENDERERS
from mitra.benefits.api import router as benefits_router
from mitra.coordination.api import STALE_RENDERERS as COORDINATION_RENDERERS
from mitra.coordination.api import router as coordination_router
from mitra.core.errors import ApplicationError, StaleEdit
from mitra.core.input_errors import translated_all
from mitra.disclosure.api import router as disclosure_router
from mitra.disputes.api import STALE_RENDERERS as DISPUTES_RENDERERS
from mitra.disputes.api import router as disputes_router
from mitra.finance.api import STALE_RENDERERS as FINANCE_RENDERERS
from mitra.finance.api import router as finance_router
from mitra.goals.api import STALE_RENDERERS as GOALS_RENDERERS
from mitra.goals.api import router as goals_router
from mitra.matching.api import STALE_RENDERERS as MATCHING_RENDERERS
from mitra.matching.api import router as matching_router
from mitra.notifications.api import STALE_RENDERERS as NOTIFICATIONS_RENDERERS
from mitra.notifications.api import router as notifications_router
from mitra.organisations.api import STALE_RENDERERS as ORGANISATION_RENDERERS
from mitra.organisations.api import router as organisations_router
from mitra.partnerships.api import STALE_RENDERERS as PARTNERSHIP_RENDERERS
from mitra.partnerships.api import router as partnerships_router
from mitra.results.api import STALE_RENDERERS as RESULTS_RENDERERS
from mitra.results.api import router as results_router
from mitra.risks.api import STALE_RENDERERS as RISK_RENDERERS
from mitra.risks.api import router as risks_router
from mitra.workplan.api import STALE_RENDERERS as WORKPLAN_RENDERERS
from mitra.workplan.api import router as workplan_router

logger = logging.getLogger(__name__)


def _constant(name: str) -> Decimal:
    # Python's json accepts NaN and Infinity; hand them to the schema, which refuses them as a
    # field error (422) instead of a float that could slip into an amount.
    return Decimal(name)


class DecimalJSONParser(Parser):
    """JSON numbers with a fraction are parsed as `Decimal`, not float: 1000000000000000.55
    stays exact (a float would keep ~16 significant digits)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, parse_float=Decimal, parse_constant=_constant)


def with_request_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer in the language the client asks for (language cookie, then Accept-Language).

    LocaleMiddleware alone does not do it for /api: with i18n_patterns and
    prefix_default_language=False it treats every unprefixed path as the default language (id),
    whatever the Accept-Language header says. The API has no language prefix, so it negotiates here.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


#: What a text field of any input accepts: anything but NUL, which PostgreSQL cannot store.
NO_NUL_PATTERN = "^[^\\u0000]*$"


def _document_no_nul(node: Any) -> None:
    """Give every free text of an input schema (a string without enum, format or pattern of its
    own) the NUL-free pattern, so that the documented constraint is the one refused."""
    if isinstance(node, list):
        for child in node:
            _document_no_nul(child)
        return
    if not isinstance(node, dict) or "$ref" in node:
        return
    if node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & set(node):
        node["pattern"] = NO_NUL_PATTERN
    for key in ("properties", "anyOf", "oneOf", "allOf", "items"):
        child = node.get(key)
        _document_no_nul(
            list(child.values()) if isinstance(child, dict) and key == "properties" else child
        )


class MitraAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's schema, where an operation that lets anonymous visitors through (``PUBLIC``)
        also says so: an empty security requirement beside the bearer token and the session, so
        that clients and fuzzers know they may call it without credentials."""
        schema = super().get_openapi_schema(*args, **kwargs)
        public = {
            self.get_openapi_operation_id(operation)
            for _prefix, router in self._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
            if any(isinstance(a, AnonymousAccess) for a in operation.auth_callbacks)
        }
        for item in schema["paths"].values():
            for operation in item.values():
                if operation.get("operationId") in public and {} not in operation["security"]:
                    operation["security"] = [*operation["security"], {}]
                # Every input refuses NUL characters (accounts.schemas.InSchema): say so.
                for parameter in operation.get("parameters", []):
                    _document_no_nul(parameter.get("schema"))
                for content in operation.get("requestBody", {}).get("content", {}).values():
                    _document_no_nul(content.get("schema"))
                    # An empty file part is no file to Django (it is dropped): one byte at least.
                    for prop in content.get("schema", {}).get("properties", {}).values():
                        if prop.get("format") == "binary":
                            prop.setdefault("minLength", 1)
        for name, component in schema.get("components", {}).get("schemas", {}).items():
            if name.endswith("In"):
                _document_no_nul(component)
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = with_request_language(pattern.callback)
        return urls


api = MitraAPI(
    title="Mitra API",
    version="1",
    description=(
        "Partnerships between the public, social and private sectors (KPBU/PPP, PSP, Pentahelix, "
        "...). Authenticate with a Bearer token from `POST /api/v1/auth/token` or with the "
        "session cookie (then send `X-CSRFToken` on writes). Amounts are decimal strings. "
        "Updates carry the `version` you read; a stale one answers 409."
    ),
    urls_namespace="api",
    auth=AUTHENTICATED,  # deny by default: public reads opt in with auth=PUBLIC
    parser=DecimalJSONParser(),
)
api.add_router("/v1/auth", accounts_router)
api.add_router("/v1/organisations", organisations_router)
# Before the partnerships router: its /needs/{need_id} would take "open" for a need id.
api.add_router("/v1", matching_router)
api.add_router("/v1", partnerships_router)
api.add_router("/v1", disclosure_router)
api.add_router("/v1", risks_router)
api.add_router("/v1", finance_router)
api.add_router("/v1", goals_router)
api.add_router("/v1", benefits_router)
api.add_router("/v1", notifications_router)
api.add_router("/v1", coordination_router)
api.add_router("/v1", workplan_router)
api.add_router("/v1", results_router)
api.add_router("/v1", disputes_router)

#: Render `StaleEdit.current` (a model instance) as the GET of that object shows it.
STALE_RENDERERS = {
    **ORGANISATION_RENDERERS,
    **PARTNERSHIP_RENDERERS,
    **RISK_RENDERERS,
    **FINANCE_RENDERERS,
    **GOALS_RENDERERS,
    **BENEFITS_RENDERERS,
    **MATCHING_RENDERERS,
    **NOTIFICATIONS_RENDERERS,
    **COORDINATION_RENDERERS,
    **WORKPLAN_RENDERERS,
    **RESULTS_RENDERERS,
    **DISPUTES_RENDERERS,
}

#: Model field names whose API name differs (foreign keys are sent as ids).
API_FIELD_NAMES = {
    "evidence": "evidence_id",
    "organisation": "organisation_id",
    "member": "organisation_id",
    "owner": "organisation_id",
    "lead_organisation": "lead_organisation_id",
}

#: Ninja's own fixed English messages, translated.
NINJA_MESSAGES = {
    "Cannot parse request body": _("The request body could not be read: send valid JSON."),
    "Unauthorized": _("Sign in or send a valid token ('Authorization: Bearer <token>')."),
    "Too many requests.": _("Too many requests. Try again later."),
    "Forbidden": _("You may not do this."),
    "Not Found": _("Not found."),
}


def _loc(field: str) -> list[str]:
    # The same shape as Ninja's own errors: source, parameter name, field.
    if field == NON_FIELD_ERRORS:
        return ["body", "payload"]
    return ["body", "payload", API_FIELD_NAMES.get(field, field)]


def field_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError as Ninja-style field errors ({loc, msg, type})."""
    items: list[dict[str, Any]] = []
    error_dict = getattr(exc, "error_dict", None) or {NON_FIELD_ERRORS: exc.error_list}
    for field, errors in error_dict.items():
        for error in errors:
            for message in error.messages:
                items.append(
                    {"loc": _loc(field), "msg": str(message), "type": error.code or "invalid"}
                )
    return items


@api.exception_handler(DjangoValidationError)
def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": field_errors(exc)}, status=422)


@api.exception_handler(NinjaValidationError)
def on_input_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": translated_all(exc.errors)}, status=422)


@api.exception_handler(StaleEdit)
def on_stale_edit(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    render = STALE_RENDERERS.get(type(exc.current))
    current = (
        render(request, exc.current)
        if render
        else {"id": exc.current.pk, "version": exc.current.version}
    )
    body = {"detail": str(exc.message), "current": current, "changes": exc.changes}
    return api.create_response(request, body, status=409)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """Business rules (400), NotFound (404), PermissionDenied (403), auth (401), throttling (429)."""
    body: dict[str, Any] = {"detail": str(exc.message)}
    body.update({k: v for k, v in exc.extra.items() if k != "detail"})
    field = exc.extra.get("field")
    if field:
        body["errors"] = [{"loc": _loc(str(field)), "msg": str(exc.message), "type": "invalid"}]
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's HttpError family: AuthenticationError (401), Throttled (429), bad JSON (400), ..."""
    message = NINJA_MESSAGES.get(exc.message, exc.message)
    response = api.create_response(request, {"detail": str(message)}, status=exc.status_code)
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(_("Not found."))}, status=404)


@api.exception_handler(DjangoPermissionDenied)
def on_django_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(_("You may not do this."))}, status=403)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Broken multipart bodies, too many fields, a body over the size limit."""
    return api.create_response(
        request, {"detail": str(_("The request could not be read."))}, status=400
    )


@api.exception_handler(ProtectedError)
@api.exception_handler(RestrictedError)
def on_protected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A service should refuse such a delete with a clear ApplicationError first (see docs/api.md).
    return api.create_response(
        request,
        {"detail": str(_("This cannot be deleted while other records refer to it."))},
        status=400,
    )


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Validation catches duplicates first; this is the race where two requests insert at once.
    logger.warning("Integrity error answered 409: %s", exc)
    return api.create_response(
        request,
        {"detail": str(_("This conflicts with data saved meanwhile. Reload and retry."))},
        status=409,
    )


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # Schemas bound every value, so this means a bound is missing: log it loudly, answer 400.
    logger.error("Database refused a value (a schema bound is missing): %s", exc)
    return api.create_response(
        request,
        {"detail": str(_("A value is out of the range the database accepts."))},
        status=400,
    )
