"""The goals API, mounted under /api/v1/ in config/api.py.

The alignment endpoints are pinned (issue 13): ``alignment-spec`` is the JSON ``mitra align``
reads, built from the objectives the caller may see (a hidden constraint of another partner is
left out, so its values cannot be read back); ``alignment`` is exactly ``mitra align SPEC --format
json`` on that spec. Partners and platform staff (read-only) read; anonymous callers get 401,
whoever may not see the partnership 404, a non-partner of a public partnership 403. Writes go
through the services; errors are mapped in config/api.py.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status

from mitra.accounts.schemas import ERRORS, StaleOut
from mitra.core.errors import NotFound
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import my_members

from . import selectors, services
from .catalogue import lever_entry
from .models import EntryKind, LeverObjective, NegotiationEntry
from .schemas import EntryIn, EntryOut, LeverIn, LeverObjectiveIn, LeverObjectiveOut, LeverOut

router = Router(tags=["Goals"])

WRITE = {**ERRORS, 409: StaleOut}
SPEC = {"description": "An alignment spec (alignment.schema.json, spec version 1.0)."}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_goals(request.user, partnership)
    return partnership


def _objective_out(o: selectors.ObjectiveView) -> dict[str, Any]:
    return {
        "id": o.pk,
        "member": o.member.pk,
        "partner": o.partner_name,
        "hidden": o.hidden,
        "confidentiality": o.confidentiality,
        "direction": o.direction,
        "preferred": o.preferred,
        "acceptable_min": o.acceptable_min,
        "acceptable_max": o.acceptable_max,
        "walk_away": o.walk_away,
        "weight": o.weight,
        "note": o.note,
        "version": o.version,
    }


def _lever_out(view: selectors.LeverView) -> dict[str, Any]:
    lv = view.lever
    return {
        "id": lv.pk,
        "key": lv.key,
        "name": lv.name,
        "name_ind": lv.name_ind,
        "name_en": lv.name_en,
        "unit": lv.unit,
        "currency": lv.currency,
        "min_value": lv.min_value,
        "max_value": lv.max_value,
        "direction": lv.direction,
        "catalogue_key": lv.catalogue_key,
        "version": lv.version,
        "objectives": [_objective_out(o) for o in view.objectives],
    }


def _entry_out(e: NegotiationEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "lever": e.lever_id,
        "topic": e.topic,
        "kind": e.kind,
        "value": e.value,
        "value_text": e.value_text,
        "partner": str(e.member.organisation) if e.member else None,
        "parties": [str(p.organisation) for p in e.parties.all()],
        "note": e.note,
        "created_at": e.created_at,
    }


# --- the pinned alignment endpoints -------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/alignment-spec",
    response={200: dict[str, Any], **ERRORS},
    summary="The partners' objectives as an alignment spec",
    openapi_extra={"responses": {200: SPEC}},
)
def alignment_spec(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The JSON `mitra align` reads, built from the objectives the caller may see (another
    partner's hidden constraint is left out). 404 when no objective is stated yet."""
    partnership = _partnership(request, partnership_id)
    spec = selectors.alignment_spec(user=request.user, partnership=partnership)
    if spec is None:
        raise NotFound(_("No objective has been stated yet."))
    return spec


@router.get(
    "/partnerships/{partnership_id}/alignment",
    response={200: dict[str, Any], **ERRORS},
    summary="Conflicts, ranges and the maximin compromise",
)
def alignment(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Exactly `mitra align SPEC --format json` on the spec of `alignment-spec`."""
    partnership = _partnership(request, partnership_id)
    result = selectors.alignment_result(user=request.user, partnership=partnership)
    if result is None:
        raise NotFound(_("No objective has been stated yet."))
    return result.to_dict()


# --- levers and objectives ----------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/levers",
    response={200: list[LeverOut], **ERRORS},
    summary="The levers and the partners' objectives",
)
def lever_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """A hidden constraint of another partner is listed with `hidden: true` and no figures."""
    goals = selectors.goals_get(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return [_lever_out(lv) for lv in goals.levers]


def _lever_view(request: HttpRequest, partnership: Partnership, pk: int) -> dict[str, Any]:
    goals = selectors.goals_get(user=request.user, partnership=partnership)
    view = next((lv for lv in goals.levers if lv.lever.pk == pk), None)
    if view is None:
        raise NotFound(_("Lever not found."))
    return _lever_out(view)


@router.post(
    "/partnerships/{partnership_id}/levers",
    response={201: LeverOut, **ERRORS},
    summary="Add a lever",
)
def lever_create(
    request: HttpRequest, payload: LeverIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner: a catalogue lever (`catalogue_key`) or one of their own."""
    partnership = _partnership(request, partnership_id)
    data = payload.dict(exclude_none=True)
    key = data.pop("catalogue_key", "")
    own = ("name_ind", "unit", "min_value", "max_value")
    if not key and not all(data.get(name) not in (None, "") for name in own):
        # Either a catalogue lever or one described whole: a rule across fields, not a schema.
        raise ValidationError(
            {
                "catalogue_key": ValidationError(
                    _(
                        "Choose a lever from the catalogue, or give your own its Indonesian "
                        "name, unit and range."
                    ),
                    code="catalogue_or_own",
                )
            }
        )
    if key:
        try:
            entry = lever_entry(key)
        except KeyError:
            raise ValidationError(
                {"catalogue_key": _("There is no such lever in the catalogue.")}
            ) from None
        lo, hi = entry["bounds"]
        data = {
            "name_ind": entry["name"]["id"],
            "name_en": entry["name"]["en"],
            "description_ind": entry["description"]["id"],
            "description_en": entry["description"]["en"],
            "unit": entry["unit"],
            "currency": entry.get("currency", ""),
            "min_value": lo,
            "max_value": hi,
            "direction": entry["direction"],
        } | {k: v for k, v in data.items() if v not in ("", None)}
    else:
        data.setdefault("direction", "increase")
    lever = services.lever_create(
        actor=request.user, partnership=partnership, data=data, catalogue_key=key
    )
    return Status(201, _lever_view(request, partnership, lever.pk))


@router.put(
    "/partnerships/{partnership_id}/levers/{lever_id}/objective",
    response={200: LeverObjectiveOut, **WRITE},
    summary="State or change your objective on a lever",
)
def objective_put(
    request: HttpRequest,
    payload: LeverObjectiveIn,
    partnership_id: int = _id("Partnership"),
    lever_id: int = _id("Lever"),
) -> Any:
    """Users of a current partner, for their own organisation. A range that does not hold the
    preferred value, a walk-away point on the wrong side or a range outside the lever's bounds
    are 422 field errors. Changing an existing objective needs its `version`."""
    partnership = _partnership(request, partnership_id)
    lever = selectors.lever_get(user=request.user, partnership=partnership, pk=lever_id)
    own = my_members(request.user, partnership)
    if payload.member is not None:
        member = next((m for m in own if m.pk == payload.member), None)
        if member is None:
            raise ValidationError(
                {"member": _("You state objectives for your own organisation only.")}
            )
    elif len(own) == 1:
        member = own[0]
    elif not own:
        from mitra.core.errors import PermissionDenied

        raise PermissionDenied(_("You state objectives for your own organisation only."))
    else:
        raise ValidationError({"member": _("Say which of your partners this objective is for.")})
    data = payload.dict(exclude={"member", "version"})
    objective = services.objective_set(
        actor=request.user,
        lever=lever,
        member=member,
        data=data,
        expected_version=payload.version,
    )
    from mitra.organisations.permissions import user_organisation_ids

    fresh = LeverObjective.objects.select_related("member__organisation").get(pk=objective.pk)
    return _objective_out(selectors._view(request.user, fresh, user_organisation_ids(request.user)))


# --- negotiation record -------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/negotiation",
    response={200: list[EntryOut], **ERRORS},
    summary="The negotiation record",
)
def negotiation_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    goals = selectors.goals_get(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return [_entry_out(e) for e in goals.entries]


@router.post(
    "/partnerships/{partnership_id}/negotiation",
    response={201: EntryOut, **ERRORS},
    summary="Add a proposal, counter-proposal or agreement",
)
def negotiation_create(
    request: HttpRequest, payload: EntryIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Proposals by any current partner; an agreement (`kind: agreed`) by the lead partner's
    administrators, agreed by every current partner."""
    partnership = _partnership(request, partnership_id)
    lever = (
        selectors.lever_get(user=request.user, partnership=partnership, pk=payload.lever)
        if payload.lever is not None
        else None
    )
    if payload.kind == EntryKind.AGREED:
        if lever is not None:
            if payload.value is None:
                raise ValidationError({"value": _("Enter the value agreed for the lever.")})
            entry = services.lever_agreement_record(
                actor=request.user,
                partnership=partnership,
                lever=lever,
                value=payload.value,
                note=payload.note,
            )
        else:
            entry = services.record_agreement(
                actor=request.user,
                partnership=partnership,
                subject=payload.subject,
                value=payload.value_text,
                note=payload.note,
            )
    else:
        entry = services.proposal_create(
            actor=request.user,
            partnership=partnership,
            lever=lever,
            kind=payload.kind,
            value=payload.value,
            subject=payload.subject,
            value_text=payload.value_text,
            note=payload.note,
        )
    return Status(201, _entry_out(entry))


def _render_objective(request: HttpRequest, objective: LeverObjective) -> dict[str, Any]:
    from mitra.organisations.permissions import user_organisation_ids

    return _objective_out(
        selectors._view(request.user, objective, user_organisation_ids(request.user))
    )


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {LeverObjective: _render_objective}
