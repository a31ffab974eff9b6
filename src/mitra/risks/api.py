"""API for the risk register: risks, the risk-model spec and simulations.

One router, mounted at /api/v1. The register is partner-level detail, like the audit trail:
partners and platform staff read it (staff read only), anonymous callers get 401, and whoever may
not see the partnership gets 404. On a partnership the caller may see but is not a partner of
(a public one), its register answers 403 as its history does, while a risk or simulation id
answers 404 (an object you may not see is never a 403). Reads go through the selectors, which
apply the confidentiality of cost figures; writes go through the services. Errors are mapped in
config/api.py.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status
from ninja.pagination import paginate

from mitra.accounts.schemas import ERRORS, Pagination, SpecErrorOut, StaleOut
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.jobs.models import JobStatus
from mitra.partnerships.models import Partnership, PartnershipMember
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import selectors, services, simulations, spec_files
from .models import Risk, RiskParty, Simulation
from .schemas import (
    AllocationIn,
    QuantityIn,
    RiskCreateIn,
    RiskOut,
    RiskUpdateIn,
    SimulationIn,
    SimulationOut,
)

router = Router()

WRITE = {**ERRORS, 409: StaleOut}

#: The request body of PUT .../risk-model, for the OpenAPI document (it is read by hand).
SPEC_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "A risk-model spec (risk-model.schema.json, spec version "
                    "1.0), the file `mitra simulate` reads.",
                }
            }
        },
    }
}

#: Job status → simulation status.
STATUS = {
    JobStatus.QUEUED: "queued",
    JobStatus.RUNNING: "running",
    JobStatus.SUCCEEDED: "done",
    JobStatus.FAILED: "failed",
}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


# --- lookups --------------------------------------------------------------------------------------


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return partnership_get(user=request.user, pk=pk)


def _risk(request: HttpRequest, pk: int) -> Risk:
    """A risk of a partnership the caller reads the register of; 404 otherwise."""
    try:
        return selectors.risk_get(user=request.user, pk=pk)
    except PermissionDenied:
        raise NotFound(_("Risk not found.")) from None


def _simulation(request: HttpRequest, pk: int) -> Simulation:
    try:
        return selectors.simulation_get(user=request.user, pk=pk)
    except PermissionDenied:
        raise NotFound(_("Simulation not found.")) from None


def _shown(request: HttpRequest, partnership: Partnership, pk: int) -> Risk:
    """The risk as the register shows it to this caller (others' confidential figures left out)."""
    register = selectors.register_get(user=request.user, partnership=partnership)
    shown = next((r for r in register.risks if r.pk == pk), None)
    if shown is None:  # deleted meanwhile
        raise NotFound(_("Risk not found."))
    return shown


def _party(request: HttpRequest, partnership: Partnership, pk: int, field: str) -> RiskParty:
    """A party id in the body that is not this partnership's is a field error (422)."""
    try:
        return selectors.party_get(user=request.user, pk=pk, partnership=partnership)
    except NotFound:
        raise ValidationError({field: _("That party is not in this partnership.")}) from None


def _member(partnership: Partnership, pk: int | None) -> PartnershipMember | None:
    if pk is None:
        return None
    member = next((m for m in partnership.members.all() if m.pk == pk), None)
    if member is None:
        raise ValidationError(
            {"cost_confidential_to": _("This organisation is not a partner of this partnership.")}
        )
    return member


def _allocation(
    request: HttpRequest, partnership: Partnership, rows: list[AllocationIn]
) -> dict[RiskParty, tuple[Any, str]]:
    allocation: dict[RiskParty, tuple[Any, str]] = {}
    for row in rows:
        party = _party(request, partnership, row.party, "allocation")
        if party in allocation:
            raise ValidationError({"allocation": _("Each party may be given one share only.")})
        allocation[party] = (row.share, row.rationale)
    return allocation


def _quantity(quantity: QuantityIn | None) -> dict[str, Any]:
    return {} if quantity is None else quantity.dict(exclude_none=True)


def _risk_data(request: HttpRequest, partnership: Partnership, data: dict[str, Any]) -> None:
    """Ids in the body → the objects the service takes (in place)."""
    if "controlled_by" in data:
        pk = data["controlled_by"]
        data["controlled_by"] = (
            None if pk is None else _party(request, partnership, pk, "controlled_by")
        )
    if "cost_confidential_to" in data:
        data["cost_confidential_to"] = _member(partnership, data["cost_confidential_to"])


# --- risks ----------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/risks",
    response={200: list[RiskOut], **ERRORS},
    tags=["risks"],
    summary="List the risk register",
)
@paginate(Pagination)
def risk_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Partners and platform staff. Cost figures confidential to another partner are left out
    (`impact` and `unit_value` null, `cost_hidden` true)."""
    register = selectors.register_get(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return register.risks


@router.post(
    "/partnerships/{partnership_id}/risks",
    response={201: RiskOut, **ERRORS},
    tags=["risks"],
    summary="Add a risk",
)
def risk_create(
    request: HttpRequest, payload: RiskCreateIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner. The shares must add up to exactly 1; figures the risk-model
    spec refuses are 422 field errors (`probability`, `impact_<parameter>`, `years`, ...)."""
    partnership = _partnership(request, partnership_id)
    data = payload.dict(exclude={"quantity", "allocations"})
    _risk_data(request, partnership, data)
    risk = services.risk_create(
        actor=request.user,
        partnership=partnership,
        data=data,
        quantity=_quantity(payload.quantity) or None,
        allocation=_allocation(request, partnership, payload.allocations),
    )
    return Status(201, _shown(request, partnership, risk.pk))


@router.get(
    "/risks/{risk_id}",
    response={200: RiskOut, **ERRORS},
    tags=["risks"],
    summary="Get a risk",
)
def risk_get(request: HttpRequest, risk_id: int = _id("Risk")) -> Risk:
    risk = _risk(request, risk_id)
    return _shown(request, risk.partnership, risk.pk)


@router.patch(
    "/risks/{risk_id}",
    response={200: RiskOut, **WRITE},
    tags=["risks"],
    summary="Change a risk",
)
def risk_update(request: HttpRequest, payload: RiskUpdateIn, risk_id: int = _id("Risk")) -> Risk:
    """Users of a current partner. Send the `version` you read (409 if stale). Figures
    confidential to another partner cannot be sent (403); leave `quantity` out to keep them."""
    risk = _risk(request, risk_id)
    partnership = risk.partnership
    data = payload.dict(exclude_unset=True, exclude={"quantity", "allocations"})
    version = data.pop("version")
    _risk_data(request, partnership, data)
    fields = payload.model_fields_set
    updated = services.risk_update(
        actor=request.user,
        risk=risk,
        data=data,
        quantity=_quantity(payload.quantity) if "quantity" in fields else None,
        allocation=(
            _allocation(request, partnership, payload.allocations)
            if "allocations" in fields
            else None
        ),
        expected_version=version,
    )
    return _shown(request, partnership, updated.pk)


@router.delete(
    "/risks/{risk_id}",
    response={204: None, **ERRORS},
    tags=["risks"],
    summary="Delete a risk",
)
def risk_delete(request: HttpRequest, risk_id: int = _id("Risk")) -> Any:
    """Administrators of the lead partner."""
    services.risk_delete(actor=request.user, risk=_risk(request, risk_id))
    return HttpResponse(status=204)


# --- the risk-model spec --------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/risk-model",
    response={200: dict[str, Any], **ERRORS},
    tags=["risk model"],
    summary="The register as a risk-model spec",
)
def risk_model_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The file `mitra simulate` reads. 403 when some cost figures are confidential to another
    partner (the caller may not see every input); 404 when there is no register yet."""
    return selectors.register_spec_for(
        user=request.user, partnership=_partnership(request, partnership_id)
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


@router.put(
    "/partnerships/{partnership_id}/risk-model",
    response={200: dict[str, Any], **ERRORS, 422: SpecErrorOut},
    tags=["risk model"],
    summary="Replace the register with a risk-model spec",
    openapi_extra=SPEC_BODY,
)
def risk_model_put(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Administrators of the lead partner. Replaces the register and the base cash flows, all or
    nothing. An invalid spec is a 422 with `issues` (`[{"path": "$.risks[0].allocation",
    "message"}]`); nothing is changed then."""
    partnership = _partnership(request, partnership_id)
    try:
        # as `mitra simulate` reads a file: numbers as floats, NaN and Infinity refused
        spec = json.loads(request.body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return Status(
            400, {"detail": str(_("The request body could not be read: send valid JSON."))}
        )
    try:
        spec_files.register_replace(actor=request.user, partnership=partnership, spec=spec)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied | NotFound) or "issues" not in exc.extra:
            raise
        return Status(422, {"detail": str(exc.message), "issues": exc.extra["issues"]})
    return selectors.register_spec_for(user=request.user, partnership=partnership)


# --- simulations ----------------------------------------------------------------------------------


def _simulation_out(simulation: Simulation) -> dict[str, Any]:
    job = simulation.job
    if job is not None:
        status = STATUS.get(job.status, "queued")
    else:  # its job was cleared away: what is left says how it ended
        status = "done" if simulation.result is not None else "failed"
    if status == "done":
        progress = 1.0
    elif job is not None and job.total:
        progress = min(1.0, job.done / job.total)
    else:
        progress = 0.0
    current = selectors.current_inputs_hash(simulation.partnership)
    return {
        "id": simulation.pk,
        "partnership_id": simulation.partnership_id,
        "status": status,
        "progress": progress,
        "iterations": simulation.iterations,
        "seed": simulation.seed,
        "stale": simulation.inputs_hash != current,
        "error": (job.error or None) if job is not None else None,
        "result": simulation.result,
        "created_at": simulation.created_at,
    }


@router.post(
    "/partnerships/{partnership_id}/simulations",
    response={202: SimulationOut, **ERRORS},
    tags=["simulations"],
    summary="Run the Monte Carlo simulation",
)
def simulation_start(
    request: HttpRequest, payload: SimulationIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner. Queued as a background job: poll `GET /simulations/{id}`.
    A register that cannot be simulated yet (a risk without figures) is a 400."""
    partnership = _partnership(request, partnership_id)
    simulation = simulations.simulation_start(
        actor=request.user,
        partnership=partnership,
        iterations=payload.iterations,
        seed=payload.seed,
    )
    simulation.partnership = partnership
    return Status(202, _simulation_out(simulation))


@router.get(
    "/simulations/{simulation_id}",
    response={200: SimulationOut, **ERRORS},
    tags=["simulations"],
    summary="A simulation's progress and result",
)
def simulation_get(request: HttpRequest, simulation_id: int = _id("Simulation")) -> Any:
    """Partners and platform staff. `stale` says whether the register changed since."""
    return _simulation_out(_simulation(request, simulation_id))


# --- stale edits ----------------------------------------------------------------------------------


def _render_risk(request: HttpRequest, instance: Risk) -> dict[str, Any]:
    risk = _risk(request, instance.pk)
    return RiskOut.from_orm(_shown(request, risk.partnership, risk.pk)).dict()  # type: ignore[no-any-return]


#: How config/api.py renders `StaleEdit.current` (as the GET of the object shows it).
STALE_RENDERERS: dict[type, Any] = {Risk: _render_risk}
