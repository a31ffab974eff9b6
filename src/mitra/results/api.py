"""The results API, mounted under /api/v1/ in config/api.py (pinned paths, issue 15).

Partners and platform staff (read-only) read; anonymous callers get 401, whoever may not see the
partnership 404. The framework (indicators, periods) is written by the lead partner's
administrators, updates by the indicator's reporting partner, reviews by its verifying partner.
A stale ``version`` answers 409 with the current object.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Body, Path, Router, Status

from mitra.accounts.schemas import ERRORS, StaleOut
from mitra.partnerships.models import Document
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import selectors, services
from .models import Period, Result, Update
from .schemas import (
    IndicatorIn,
    IndicatorOut,
    PeriodIn,
    PeriodOut,
    TransitionIn,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["Results"])
WRITE = {**ERRORS, 409: StaleOut}
#: A transition may be sent without a body (then it acts on the stored version).
NO_BODY = Body(None)


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _indicator_out(iv: selectors.IndicatorView) -> dict[str, Any]:
    i = iv.indicator
    return {
        "id": i.pk,
        "partnership": i.partnership_id,
        "result": i.result_id,
        "result_title": i.result.title,
        "level": i.result.level,
        "title": i.title,
        "description": i.description,
        "measure": i.measure,
        "unit": i.unit,
        "numerator_label": i.numerator_label,
        "denominator_label": i.denominator_label,
        "factor": i.factor,
        "direction": i.direction,
        "cumulative": i.cumulative,
        "baseline_value": i.baseline_value,
        "baseline_date": i.baseline_date,
        "baseline_source": i.baseline_source,
        "reporter": i.reporter_id,
        "verifier": i.verifier_id,
        "status": iv.light,
        "report_overdue": iv.late,
        "version": i.version,
    }


def _period_out(p: Period, actual: Any = None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "indicator": p.indicator_id,
        "start": p.start,
        "end": p.end,
        "target_value": p.target_value,
        "target_text": p.target_text,
        "due_date": p.due_date,
        "actual": actual,
        "targets": [
            {"dimension": t.dimension, "category": t.category, "label": t.label, "value": t.value}
            for t in p.disaggregation_targets.all()
        ],
        "version": p.version,
    }


def _update_out(u: Update) -> dict[str, Any]:
    return {
        "id": u.pk,
        "period": u.period_id,
        "status": u.status,
        "numerator": u.numerator,
        "denominator": u.denominator,
        "value": u.value,
        "narrative": u.narrative,
        "evidence": u.evidence_id,
        "corrects": u.corrects_id,
        "review_comment": u.review_comment,
        "submitted_at": u.submitted_at,
        "reviewed_at": u.reviewed_at,
        "disaggregations": [
            {
                "dimension": d.dimension,
                "category": d.category,
                "label": d.label,
                "numerator": d.numerator,
                "denominator": d.denominator,
            }
            for d in u.disaggregations.all()
        ],
        "version": u.version,
    }


@router.get(
    "/partnerships/{partnership_id}/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="The partnership's indicators with their status",
)
def indicator_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Its own indicators and those other partnerships share with it; `status` is the traffic
    light of the latest period against its target."""
    partnership = partnership_get(user=request.user, pk=partnership_id)
    return [
        _indicator_out(iv)
        for iv in selectors.indicators(user=request.user, partnership=partnership)
    ]


def _member(partnership: Any, pk: int, field: str) -> Any:
    member = partnership.members.filter(pk=pk).first()
    if member is None:
        raise ValidationError({field: _("Choose a partner of this partnership.")})
    return member


@router.post(
    "/partnerships/{partnership_id}/indicators",
    response={201: IndicatorOut, **ERRORS},
    summary="Add an indicator",
)
def indicator_create(
    request: HttpRequest, payload: IndicatorIn, partnership_id: int = _id("Partnership")
) -> Any:
    """The lead partner's administrators; under an existing result (`result`) or a new one
    (`result_title`, `result_level`). A verifier of the reporter's own organisation is a 422."""
    partnership = partnership_get(user=request.user, pk=partnership_id)
    selectors.require_results(request.user, partnership)
    data = payload.dict(exclude={"result", "result_title", "result_level"})
    data["reporter"] = _member(partnership, payload.reporter, "reporter")
    data["verifier"] = _member(partnership, payload.verifier, "verifier")
    if payload.result is not None:
        result = Result.objects.filter(pk=payload.result, partnership=partnership).first()
        if result is None:
            raise ValidationError({"result": _("Choose a result of this partnership.")})
    elif payload.result_title.strip():
        result = services.result_create(
            actor=request.user,
            partnership=partnership,
            data={"title": payload.result_title.strip(), "level": payload.result_level},
        )
    else:
        raise ValidationError({"result": _("Choose a result, or give a new result's title.")})
    indicator = services.indicator_create(actor=request.user, result=result, data=data)
    fresh = selectors.indicator_get(user=request.user, pk=indicator.pk)
    return Status(201, _indicator_out(selectors.indicator_view(request.user, fresh)))


@router.get(
    "/indicators/{indicator_id}/periods",
    response={200: list[PeriodOut], **ERRORS},
    summary="The reporting periods of an indicator",
)
def period_list(request: HttpRequest, indicator_id: int = _id("Indicator")) -> Any:
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    view = selectors.indicator_view(request.user, indicator)
    return [_period_out(pv.period, pv.actual) for pv in view.periods]


@router.post(
    "/indicators/{indicator_id}/periods",
    response={201: PeriodOut, **ERRORS},
    summary="Add a reporting period with its targets",
)
def period_create(
    request: HttpRequest, payload: PeriodIn, indicator_id: int = _id("Indicator")
) -> Any:
    """The lead partner's administrators. A period that overlaps another is a 422."""
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    period = services.period_create(
        actor=request.user,
        indicator=indicator,
        data=payload.dict(exclude={"targets"}),
        targets=[t.dict() for t in payload.targets],
    )
    return Status(201, _period_out(period))


@router.post(
    "/periods/{period_id}/updates",
    response={201: UpdateOut, **ERRORS},
    summary="Report a value (a draft)",
)
def update_create(request: HttpRequest, payload: UpdateIn, period_id: int = _id("Period")) -> Any:
    """The reporting partner of the indicator. A breakdown that adds up to more than the value,
    an unknown category or a region that is not a Kemendagri area code is a 422."""
    period = selectors.period_get(user=request.user, pk=period_id)
    indicator = period.indicator
    data = payload.dict(exclude={"disaggregations", "corrects", "evidence"})
    if payload.evidence is not None:
        evidence = Document.objects.filter(
            pk=payload.evidence, partnership_id=indicator.partnership_id
        ).first()
        if evidence is None:
            raise ValidationError({"evidence": _("Choose a document of this partnership.")})
        data["evidence"] = evidence
    corrects = None
    if payload.corrects is not None:
        corrects = Update.objects.filter(pk=payload.corrects, period=period).first()
        if corrects is None:
            raise ValidationError({"corrects": _("Choose an approved update of this period.")})
    update = services.update_create(
        actor=request.user,
        period=period,
        data=data,
        disaggregations=[d.dict() for d in payload.disaggregations],
        corrects=corrects,
    )
    return Status(201, _update_out(update))


def _transition(
    request: HttpRequest, update_id: int, payload: TransitionIn | None, service: Any
) -> Any:
    """One step of the workflow (submit, approve, return) through its service."""
    body = payload if payload is not None else TransitionIn()
    update = selectors.update_get(user=request.user, pk=update_id)
    saved = service(
        actor=request.user, update=update, comment=body.comment, expected_version=body.version
    )
    return _update_out(saved)


@router.post(
    "/updates/{update_id}/submit",
    response={200: UpdateOut, **WRITE},
    summary="Submit a value for verification",
)
def update_submit(
    request: HttpRequest,
    update_id: int = _id("Update"),
    payload: TransitionIn | None = NO_BODY,
) -> Any:
    """The reporting partner, from draft or returned. The verifying partner is told."""
    return _transition(request, update_id, payload, services.update_submit)


@router.post(
    "/updates/{update_id}/approve",
    response={200: UpdateOut, **WRITE},
    summary="Approve a submitted value (it is then locked)",
)
def update_approve(
    request: HttpRequest,
    update_id: int = _id("Update"),
    payload: TransitionIn | None = NO_BODY,
) -> Any:
    """The verifying partner of the indicator (another organisation than the reporter)."""
    return _transition(request, update_id, payload, services.update_approve)


@router.post(
    "/updates/{update_id}/return",
    response={200: UpdateOut, **WRITE},
    summary="Return a submitted value with a comment",
)
def update_return(
    request: HttpRequest,
    update_id: int = _id("Update"),
    payload: TransitionIn | None = NO_BODY,
) -> Any:
    """The verifying partner; `comment` is required (422 without it)."""
    return _transition(request, update_id, payload, services.update_return)


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict[type, Any] = {Update: lambda request, u: _update_out(u)}
