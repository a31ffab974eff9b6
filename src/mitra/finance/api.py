"""The finance API, mounted under /api/v1/ in config/api.py.

- ``GET|PUT /partnerships/{partnership_id}/finance-model``: the model as the JSON spec
  ``mitra finance`` reads. The answer carries the model's version in the ``ETag`` header (and
  ``X-Mitra-Version``); a PUT that replaces an existing model says which version it was made on,
  as ``?version=N`` or ``If-Match: "N"`` (a stale one answers 409 with the current model and what
  changed). An invalid spec answers 422 with every problem's JSON path (``issues``); nothing is
  changed then. A PUT on a partnership without a model creates the government's model (lead or
  PJPK administrators) or, for an administrator of a private partner only, that partner's.
- ``GET /partnerships/{partnership_id}/finance-results``: the same JSON as
  ``mitra finance MODEL --format json``.

Who may see and change the model is :mod:`.permissions`'s rule; a model the caller may not see
answers 404, like a partnership they may not see.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status

from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ERRORS, SpecErrorOut, StaleOut
from mitra.core.errors import ApplicationError, NotFound
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import selectors, services
from .appraisal_api import STALE_RENDERERS as APPRAISAL_RENDERERS
from .appraisal_api import router as appraisal_router
from .models import FinanceModel
from .permissions import can_see_whole_model, government_editor, ownable_members
from .report_api import STALE_RENDERERS as REPORT_RENDERERS
from .report_api import router as report_router
from .schemas import SPEC_SCHEMA

router = Router(tags=["Finance"])
router.add_router("", appraisal_router)
router.add_router("", report_router)

SPEC_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": SPEC_SCHEMA}}},
    "parameters": [
        {
            "name": "version",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1},
            "description": "The version the edit was made on (or send If-Match). Required when "
            "a model exists.",
        }
    ],
}


def _id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="Partnership id.")


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return partnership_get(user=request.user, pk=pk)


def _spec_response(model: FinanceModel) -> HttpResponse:
    response = JsonResponse(model.spec, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = f'"{model.version}"'
    response["X-Mitra-Version"] = str(model.version)
    return response


def _visible(request: HttpRequest, partnership: Partnership) -> FinanceModel:
    model = selectors.finance_model(user=request.user, partnership=partnership)
    if model is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    return model


@router.get(
    "/partnerships/{partnership_id}/finance-model",
    response={200: dict[str, Any], **ERRORS},
    auth=PUBLIC,
    tags=["finance model"],
    summary="The finance model as a spec",
)
def finance_model_get(request: HttpRequest, partnership_id: int = _id()) -> Any:
    """The model as the JSON spec `mitra finance` reads; its version in `ETag`. The owner and
    the partners it names (every partner for the government's model), or anyone once published
    on a public partnership; 404 for anyone else."""
    partnership = _partnership(request, partnership_id)
    return _spec_response(_visible(request, partnership))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _expected_version(request: HttpRequest) -> int | None:
    raw = request.GET.get("version") or request.headers.get("If-Match", "")
    raw = raw.strip().removeprefix("W/").strip('"')
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ApplicationError(
            _('The version must be a whole number (?version=N or If-Match: "N").'),
            {"field": "version"},
        ) from None


@router.put(
    "/partnerships/{partnership_id}/finance-model",
    response={200: dict[str, Any], **ERRORS, 409: StaleOut, 422: SpecErrorOut},
    tags=["finance model"],
    summary="Create or replace the finance model",
    openapi_extra=SPEC_BODY,
)
def finance_model_put(request: HttpRequest, partnership_id: int = _id()) -> Any:
    """Replaces the model's spec, all or nothing (who owns and sees it stays as it is). An
    invalid spec is a 422 with `issues` (`[{"path": "$.debt.tenor_years", "message"}]`)."""
    partnership = _partnership(request, partnership_id)
    try:
        spec = json.loads(request.body, parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return Status(
            400, {"detail": str(_("The request body could not be read: send valid JSON."))}
        )
    stored = selectors.stored_model(partnership)
    owner: Any = services.UNSET
    if stored is None and not government_editor(request.user, partnership):
        mine = ownable_members(request.user, partnership)
        owner = mine[0] if mine else None
    if stored is not None and not can_see_whole_model(request.user, partnership, stored):
        raise NotFound(_("This partnership has no finance model you may see."))
    try:
        model = services.model_save(
            actor=request.user,
            partnership=partnership,
            spec=spec,
            expected_version=_expected_version(request),
            owner=owner,
        )
    except services.InvalidSpec as exc:
        return Status(422, {"detail": str(exc.message), "issues": exc.issues})
    return _spec_response(model)


@router.get(
    "/partnerships/{partnership_id}/finance-results",
    response={200: dict[str, Any], **ERRORS},
    auth=PUBLIC,
    tags=["finance model"],
    summary="The finance model's results",
)
def finance_results_get(request: HttpRequest, partnership_id: int = _id()) -> Any:
    """The same JSON as `mitra finance MODEL --format json`: per-year lines, government flows
    and the summary (IRRs, NPVs, DSCR, LLCR). Whoever may see the model."""
    partnership = _partnership(request, partnership_id)
    result = selectors.finance_result(user=request.user, partnership=partnership)
    if result is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    return result.to_dict()


def _render_model(request: HttpRequest, instance: FinanceModel) -> dict[str, Any]:
    partnership = instance.partnership
    if not can_see_whole_model(request.user, partnership, instance):
        return {"version": instance.version}
    return {"version": instance.version, "spec": instance.spec}


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {
    FinanceModel: _render_model,
    **APPRAISAL_RENDERERS,
    **REPORT_RENDERERS,
}
