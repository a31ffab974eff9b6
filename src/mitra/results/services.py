"""Writes on the results of a partnership: permission, validation, version check, audit.

Every write runs in one transaction, calls ``full_clean()`` and records who did it in the audit
trail (simple-history). The update workflow: a reporting partner writes a *draft*, *submits* it;
the verifying partner *approves* it (then it is locked) or *returns* it with a comment (the
reporter edits and submits again). A correction of an approved value is a new update naming the
one it corrects; once approved, it replaces it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.partnerships.models import Partnership, PartnershipMember

from .models import (
    AREA_CODE,
    CATEGORIES,
    Dimension,
    DisaggregationTarget,
    HealthResponse,
    Indicator,
    Period,
    Result,
    ServiceLevel,
    Status,
    Update,
    UpdateComment,
    UpdateDisaggregation,
)
from .permissions import (
    can_answer_survey,
    can_edit_framework,
    can_report,
    can_verify,
)

RESULT_FIELDS = ("title", "level", "description")
INDICATOR_FIELDS = (
    "title",
    "description",
    "measure",
    "unit",
    "numerator_label",
    "denominator_label",
    "factor",
    "direction",
    "cumulative",
    "baseline_value",
    "baseline_date",
    "baseline_source",
    "reporter",
    "verifier",
    "lever",
    "counts_beneficiaries",
)
PERIOD_FIELDS = ("start", "end", "target_value", "target_text", "due_date")
UPDATE_FIELDS = ("numerator", "denominator", "narrative", "evidence")
SERVICE_LEVEL_FIELDS = ("threshold", "deduction_percent", "cap_percent", "clause")


def audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _url(partnership_id: int) -> str:
    return reverse("partnerships:tab", args=[partnership_id, "indicators"])


# --------------------------------------------------------------------------- the framework


@transaction.atomic
def result_create(*, actor: Any, partnership: Partnership, data: dict[str, Any]) -> Result:
    deny_unless(
        can_edit_framework(actor, partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    result = Result(partnership=partnership, **{k: data[k] for k in RESULT_FIELDS if k in data})
    result.full_clean()
    audited(result, actor)
    result.save()
    return result


@transaction.atomic
def result_update(
    *, actor: Any, result: Result, data: dict[str, Any], expected_version: int | None
) -> Result:
    deny_unless(
        can_edit_framework(actor, result.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    fields = {k: v for k, v in data.items() if k in RESULT_FIELDS}
    return save_versioned(result, expected_version=expected_version, actor=actor, fields=fields)


def _approved(updates: Any) -> int:
    return updates.filter(status=Status.APPROVED).count()


def _refuse_if_approved(updates: Any, what: Any) -> None:
    """Approved values are locked evidence: what carries them is never deleted."""
    count = _approved(updates)
    if count:
        raise ApplicationError(
            ngettext(
                "%(what)s cannot be deleted: an approved value hangs on it, and approved values "
                "are locked evidence. Nothing was deleted.",
                "%(what)s cannot be deleted: %(count)s approved values hang on it, and approved "
                "values are locked evidence. Nothing was deleted.",
                count,
            )
            % {"what": what, "count": count},
            {"field": "approved"},
        )


def _delete_audited(actor: Any, objects: Iterable[Any]) -> None:
    for obj in objects:
        audited(obj, actor)
        obj.delete()


def _delete_updates(actor: Any, updates: Any) -> None:
    # A correction PROTECTs what it corrects: corrections go first.
    rows = sorted(updates, key=lambda u: u.corrects_id is None)
    _delete_audited(actor, rows)


def _delete_periods(actor: Any, periods: Iterable[Period]) -> None:
    for period in periods:
        _delete_updates(actor, period.updates.all())
        audited(period, actor)
        period.delete()


def _delete_indicator(actor: Any, indicator: Indicator) -> None:
    _delete_periods(actor, indicator.periods.all())
    level = ServiceLevel.objects.filter(indicator=indicator).first()
    if level is not None:
        _delete_audited(actor, [level])
    audited(indicator, actor)
    indicator.delete()


@transaction.atomic
def result_delete(*, actor: Any, result: Result) -> None:
    """Delete a result with its indicators, periods and unapproved values (audited one by one);
    refused while an approved value hangs on it."""
    deny_unless(
        can_edit_framework(actor, result.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    _refuse_if_approved(Update.objects.filter(period__indicator__result=result), _("This result"))
    for indicator in Indicator.objects.filter(result=result):
        _delete_indicator(actor, indicator)
    audited(result, actor)
    result.delete()


@transaction.atomic
def indicator_create(*, actor: Any, result: Result, data: dict[str, Any]) -> Indicator:
    deny_unless(
        can_edit_framework(actor, result.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    indicator = Indicator(
        result=result,
        partnership_id=result.partnership_id,
        **{k: v for k, v in data.items() if k in INDICATOR_FIELDS},
    )
    indicator.full_clean()
    audited(indicator, actor)
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: Any, indicator: Indicator, data: dict[str, Any], expected_version: int | None
) -> Indicator:
    deny_unless(
        can_edit_framework(actor, indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    fields = {k: v for k, v in data.items() if k in INDICATOR_FIELDS}
    result = data.get("result")
    if result is not None and result.pk != indicator.result_id:
        if result.partnership_id != indicator.partnership_id:
            raise ValidationError({"result": _("Choose a result of this partnership.")})
        fields["result"] = result
    _keep_computation(indicator, fields)
    return save_versioned(indicator, expected_version=expected_version, actor=actor, fields=fields)


#: What turns a reported number into the indicator's value: fixed once a value is approved.
COMPUTATION_FIELDS = ("measure", "factor", "cumulative")


def _keep_computation(indicator: Indicator, fields: dict[str, Any]) -> None:
    """An approved value is locked evidence: once there is one, the indicator keeps how its
    values are computed (measure, ratio or count, factor, cumulative)."""
    changed = [k for k in COMPUTATION_FIELDS if k in fields and fields[k] != getattr(indicator, k)]
    if "denominator_label" in fields and bool(fields["denominator_label"]) != indicator.is_ratio:
        changed.append("denominator_label")
    if changed and _approved(Update.objects.filter(period__indicator=indicator)):
        raise ValidationError(
            {
                k: _(
                    "Approved values were computed this way; they are locked evidence, so this "
                    "cannot change any more."
                )
                for k in changed
            }
        )


@transaction.atomic
def indicator_delete(*, actor: Any, indicator: Indicator) -> None:
    """Delete an indicator with its periods and unapproved values (audited one by one); refused
    while an approved value hangs on it."""
    deny_unless(
        can_edit_framework(actor, indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    _refuse_if_approved(Update.objects.filter(period__indicator=indicator), _("This indicator"))
    _delete_indicator(actor, indicator)


@transaction.atomic
def indicator_share(
    *, actor: Any, indicator: Indicator, partnerships: Iterable[Partnership]
) -> None:
    """Show this indicator (reported once) in other partnerships, e.g. to other funders: the
    actor must manage this partnership and each other one it adds (a partnership it already
    shows in may stay, or be withdrawn by this partnership's lead)."""
    chosen = list(partnerships)
    current = set(indicator.shared_with.values_list("pk", flat=True))
    deny_unless(
        can_edit_framework(actor, indicator.partnership)
        and all(can_edit_framework(actor, p) for p in chosen if p.pk not in current),
        _("You share an indicator only between partnerships your organisation leads."),
    )
    audited(indicator, actor)  # each change of the list is a history record (m2m_fields)
    indicator.shared_with.set([p for p in chosen if p.pk != indicator.partnership_id])


def _targets(period: Period, targets: Iterable[dict[str, Any]]) -> None:
    rows = []
    for t in targets:
        _check_category(t["dimension"], t["category"], "targets")
        rows.append(
            DisaggregationTarget(
                period=period,
                dimension=t["dimension"],
                category=t["category"],
                label=t.get("label", ""),
                value=Decimal(t["value"]),
            )
        )
    period.disaggregation_targets.all().delete()
    DisaggregationTarget.objects.bulk_create(rows)


@transaction.atomic
def period_create(
    *,
    actor: Any,
    indicator: Indicator,
    data: dict[str, Any],
    targets: Iterable[dict[str, Any]] = (),
) -> Period:
    deny_unless(
        can_edit_framework(actor, indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    period = Period(indicator=indicator, **{k: v for k, v in data.items() if k in PERIOD_FIELDS})
    if period.due_date is None and period.end is not None:
        period.due_date = period.end + timedelta(days=30)
    if indicator.is_quantitative and period.target_value is None:
        raise ValidationError({"target_value": _("Set the target of this period.")})
    period.full_clean()
    audited(period, actor)
    period.save()
    _targets(period, targets)
    return period


@transaction.atomic
def period_update(
    *,
    actor: Any,
    period: Period,
    data: dict[str, Any],
    targets: Iterable[dict[str, Any]] | None = None,
    expected_version: int | None,
) -> Period:
    """Change a period's dates and target (and, given ``targets``, its targets by category)."""
    indicator = period.indicator
    deny_unless(
        can_edit_framework(actor, indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    fields = {k: v for k, v in data.items() if k in PERIOD_FIELDS}
    end = fields.get("end", period.end)
    default_due = period.end and period.due_date == period.end + timedelta(days=30)
    if end and "due_date" not in fields and (period.due_date is None or default_due):
        fields["due_date"] = end + timedelta(days=30)  # the default follows the new end
    if indicator.is_quantitative and fields.get("target_value", period.target_value) is None:
        raise ValidationError({"target_value": _("Set the target of this period.")})
    saved = save_versioned(period, expected_version=expected_version, actor=actor, fields=fields)
    if targets is not None:
        _targets(saved, targets)
    return saved


@transaction.atomic
def period_delete(*, actor: Any, period: Period) -> None:
    """Delete a period with its unapproved values (audited); refused while it has an approved
    value."""
    deny_unless(
        can_edit_framework(actor, period.indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    _refuse_if_approved(period.updates.all(), _("This reporting period"))
    _delete_periods(actor, [period])


@transaction.atomic
def service_level_set(*, actor: Any, indicator: Indicator, data: dict[str, Any]) -> ServiceLevel:
    """Make the indicator a KPI of the agreement (or change its rule)."""
    deny_unless(
        can_edit_framework(actor, indicator.partnership),
        _("Only the lead partner's administrators set up the results framework."),
    )
    if not indicator.is_quantitative:
        raise ApplicationError(
            _("Only a quantitative indicator can be a KPI."), {"field": "indicator"}
        )
    fields = {k: v for k, v in data.items() if k in SERVICE_LEVEL_FIELDS}
    level = ServiceLevel.objects.filter(indicator=indicator).first()
    if level is None:
        level = ServiceLevel(indicator=indicator, **fields)
    else:
        for k, v in fields.items():
            setattr(level, k, v)
        level.version += 1
    level.full_clean()
    audited(level, actor)
    level.save()
    return level


# --------------------------------------------------------------------------- updates


def _check_category(dimension: str, category: str, field: str) -> None:
    if dimension not in Dimension.values:
        raise ValidationError({field: _("Unknown dimension: %(d)s.") % {"d": dimension}})
    if dimension == Dimension.REGION:
        if not AREA_CODE.match(category):
            raise ValidationError(
                {
                    field: _(
                        "Write the region as its Kemendagri area code, e.g. 32.03 (regency) or "
                        "32.03.05.2001 (village)."
                    )
                }
            )
    elif category not in {code for code, _label in CATEGORIES[dimension]}:
        raise ValidationError(
            {field: _("Unknown category %(c)s for %(d)s.") % {"c": category, "d": dimension}}
        )


def _disaggregate(update: Update, rows: Iterable[dict[str, Any]]) -> None:
    """Store the categories of an update; a dimension may never add up to more than the total
    (the complaint of RSR's users: disaggregations that do not match the value)."""
    indicator = update.period.indicator
    sums: dict[str, Decimal] = defaultdict(Decimal)
    objs, seen = [], set()
    for row in rows:
        dim, cat = row["dimension"], str(row["category"]).strip()
        _check_category(dim, cat, "disaggregations")
        if (dim, cat) in seen:
            raise ValidationError(
                {"disaggregations": _("Each category may be given once: %(c)s.") % {"c": cat}}
            )
        seen.add((dim, cat))
        value = Decimal(row["numerator"])
        if value < 0:
            raise ValidationError({"disaggregations": _("A value cannot be negative.")})
        sums[dim] += value
        objs.append(
            UpdateDisaggregation(
                update=update,
                dimension=dim,
                category=cat,
                label=row.get("label", ""),
                numerator=value,
                denominator=row.get("denominator"),
            )
        )
    if objs and not indicator.is_quantitative:
        raise ValidationError({"disaggregations": _("A qualitative indicator has no values.")})
    for dim, total in sums.items():
        if update.numerator is not None and total > update.numerator:
            raise ValidationError(
                {
                    "disaggregations": _(
                        "The categories of %(dim)s add up to %(sum)s, more than the value "
                        "reported (%(total)s)."
                    )
                    % {
                        "dim": Dimension(dim).label,
                        "sum": f"{total.normalize():f}",
                        "total": f"{update.numerator.normalize():f}",
                    }
                }
            )
    update.disaggregations.all().delete()
    UpdateDisaggregation.objects.bulk_create(objs)


def _validate_values(update: Update) -> None:
    indicator = update.period.indicator
    errors: dict[str, Any] = {}
    if indicator.is_quantitative:
        if update.numerator is None:
            errors["numerator"] = _("Enter the value.")
        elif update.numerator < 0:
            errors["numerator"] = _("A value cannot be negative.")
        if indicator.is_ratio and not update.denominator:
            errors["denominator"] = _("Enter the denominator (more than zero).")
    elif not update.narrative.strip():
        errors["narrative"] = _("Describe the progress.")
    if update.evidence_id and update.evidence.partnership_id != indicator.partnership_id:
        errors["evidence"] = _("The evidence must be a document of this partnership.")
    if errors:
        raise ValidationError(errors)
    update.value = indicator.compute(update.numerator, update.denominator)


@transaction.atomic
def update_create(
    *,
    actor: Any,
    period: Period,
    data: dict[str, Any],
    disaggregations: Iterable[dict[str, Any]] = (),
    corrects: Update | None = None,
) -> Update:
    """A draft update by the reporting partner (a correction names the approved update)."""
    indicator = period.indicator
    deny_unless(
        can_report(actor, indicator),
        _("Only the reporting partner of this indicator reports its values."),
    )
    if corrects is not None and (
        corrects.period_id != period.pk or corrects.status != Status.APPROVED
    ):
        raise ApplicationError(
            _("A correction replaces an approved value of the same period."), {"field": "corrects"}
        )
    update = Update(
        period=period,
        corrects=corrects,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: v for k, v in data.items() if k in UPDATE_FIELDS},
    )
    _validate_values(update)
    update.full_clean()
    audited(update, actor)
    update.save()
    _disaggregate(update, disaggregations)
    return update


@transaction.atomic
def update_edit(
    *,
    actor: Any,
    update: Update,
    data: dict[str, Any],
    disaggregations: Iterable[dict[str, Any]] | None,
    expected_version: int | None,
) -> Update:
    deny_unless(
        can_report(actor, update.period.indicator),
        _("Only the reporting partner of this indicator reports its values."),
    )
    if update.status not in (Status.DRAFT, Status.RETURNED):
        raise ApplicationError(
            _("A submitted or approved value is locked; correct it with a new update."),
            {"field": "status"},
        )
    fields = {k: v for k, v in data.items() if k in UPDATE_FIELDS}
    for k, v in fields.items():
        setattr(update, k, v)
    _validate_values(update)
    fields["value"] = update.value
    saved = save_versioned(update, expected_version=expected_version, actor=actor, fields=fields)
    if disaggregations is not None:
        _disaggregate(saved, disaggregations)
    return saved


def _transition(
    update: Update, actor: Any, expected_version: int | None, fields: dict[str, Any]
) -> Update:
    return save_versioned(
        update,
        expected_version=update.version if expected_version is None else expected_version,
        actor=actor,
        fields=fields,
    )


def _comment(update: Update, actor: Any, text: str) -> None:
    if text.strip():
        UpdateComment.objects.create(
            update=update,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            text=text.strip(),
        )


@transaction.atomic
def update_submit(
    *, actor: Any, update: Update, expected_version: int | None = None, comment: str = ""
) -> Update:
    indicator = update.period.indicator
    deny_unless(
        can_report(actor, indicator),
        _("Only the reporting partner of this indicator submits its values."),
    )
    if update.status not in (Status.DRAFT, Status.RETURNED):
        raise ApplicationError(
            _("Only a draft or returned update can be submitted."), {"field": "status"}
        )
    saved = _transition(
        update,
        actor,
        expected_version,
        {"status": Status.SUBMITTED, "submitted_at": timezone.now()},
    )
    _comment(saved, actor, comment)
    from mitra.notifications.services import notify

    notify(
        kind="results.submitted",
        actor=actor,
        organisations=[indicator.verifier.organisation],
        partnership_id=indicator.partnership_id,
        url=_url(indicator.partnership_id),
        params={"indicator": indicator.title, "partner": str(indicator.reporter.organisation)},
    )
    return saved


def _review(
    *, actor: Any, update: Update, status: str, comment: str, expected_version: int | None
) -> Update:
    indicator = update.period.indicator
    deny_unless(
        can_verify(actor, indicator),
        _("Only the verifying partner of this indicator approves or returns its values."),
    )
    if update.status != Status.SUBMITTED:
        raise ApplicationError(_("Only a submitted update can be reviewed."), {"field": "status"})
    if status == Status.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what the reporting partner should change.")})
    saved = _transition(
        update,
        actor,
        expected_version,
        {
            "status": status,
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "review_comment": comment.strip(),
        },
    )
    _comment(saved, actor, comment)
    from mitra.notifications.services import notify

    notify(
        kind=f"results.{status}",
        actor=actor,
        organisations=[indicator.reporter.organisation],
        partnership_id=indicator.partnership_id,
        url=_url(indicator.partnership_id),
        params={"indicator": indicator.title, "partner": str(indicator.verifier.organisation)},
    )
    return saved


@transaction.atomic
def update_approve(
    *, actor: Any, update: Update, comment: str = "", expected_version: int | None = None
) -> Update:
    return _review(
        actor=actor,
        update=update,
        status=Status.APPROVED,
        comment=comment,
        expected_version=expected_version,
    )


@transaction.atomic
def update_return(
    *, actor: Any, update: Update, comment: str, expected_version: int | None = None
) -> Update:
    return _review(
        actor=actor,
        update=update,
        status=Status.RETURNED,
        comment=comment,
        expected_version=expected_version,
    )


@transaction.atomic
def update_comment(*, actor: Any, update: Update, text: str) -> UpdateComment:
    indicator = update.period.indicator
    deny_unless(
        can_report(actor, indicator) or can_verify(actor, indicator),
        _("Only the reporting and verifying partners comment on an update."),
    )
    if not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    comment = UpdateComment(update=update, author=actor, text=text.strip())
    comment.save()
    return comment


# --------------------------------------------------------------------------- reminders


def remind_due(*, today: date | None = None) -> int:
    """Tell the reporting partner of every period whose report is due within 7 days (or late)
    and has no submitted or approved update. Idempotent: a period is reminded once a day at most
    (``reminded_on``). Returns how many reminders were sent."""
    from mitra.notifications.services import notify

    today = today or timezone.localdate()
    due = (
        Period.objects.filter(due_date__lte=today + timedelta(days=7))
        .exclude(reminded_on=today)
        .exclude(updates__status__in=[Status.SUBMITTED, Status.APPROVED])
        .select_related("indicator__reporter__organisation")
        .distinct()
    )
    sent = 0
    for period in due:
        indicator = period.indicator
        if indicator.reporter.left_on is not None:
            continue
        notify(
            kind="results.due",
            organisations=[indicator.reporter.organisation],
            partnership_id=indicator.partnership_id,
            url=_url(indicator.partnership_id),
            params={"indicator": indicator.title, "due": period.due_date.isoformat()},
            feed=False,
        )
        Period.objects.filter(pk=period.pk).update(reminded_on=today)
        sent += 1
    return sent


# --------------------------------------------------------------------------- partnership health


@transaction.atomic
def health_respond(
    *,
    actor: Any,
    member: PartnershipMember,
    round: date,
    scores: dict[str, int],
    comment: str = "",
) -> HealthResponse:
    """The partner's answers for a survey round (answering again in the round replaces them)."""
    deny_unless(
        can_answer_survey(actor, member),
        _("You answer the survey for your own organisation only."),
    )
    response, _created = HealthResponse.objects.get_or_create(
        partnership_id=member.partnership_id,
        member=member,
        round=round,
        defaults={"respondent": actor, "scores": scores, "comment": comment},
    )
    response.scores, response.comment, response.respondent = scores, comment, actor
    response.full_clean()
    audited(response, actor)
    response.save()
    return response
