"""Writes of the appraisal: permission check, validation (field errors, by the core's own spec
rules where there are any), version check (stale edits refused), audit (simple-history), one
transaction each. Pages and the API call these same functions.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.analysis import SpecError, validate_fiscal, validate_scenarios, validate_vfm
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership

from . import appraisal_selectors as sel
from . import selectors as finance_selectors
from .appraisal_models import (
    BudgetSeries,
    BudgetYear,
    FiscalInputs,
    PublicGuarantee,
    StressScenario,
    VfmChecklist,
    VfmInputs,
)

VFM_FIELDS = (
    "currency",
    "amount_unit",
    "discount_rate",
    "base_year",
    "psc_start_year",
    "psc_capex",
    "psc_opex",
    "psc_revenue",
    "competitive_neutrality",
    "transferable_parties",
    "retained_parties",
    "transferable_risk",
    "retained_risk",
    "guarantee_calls",
    "other_costs",
    "payments_source",
    "payments",
)
FISCAL_FIELDS = (
    "pjpk",
    "currency",
    "amount_unit",
    "discount_rate",
    "base_year",
    "commitments_source",
    "commitments",
    "limit_share",
    "limit_basis",
    "limit_source",
    "capital_cost",
    "construction_share",
    "availability_share",
    "demand_share",
    "control_services_and_prices",
    "control_residual_interest",
    "control_whole_of_life",
)
GUARANTEE_FIELDS = (
    "code",
    "name",
    "provider",
    "kind",
    "covered_amount",
    "start_year",
    "expected",
    "p95",
    "risk_codes",
    "recourse",
)
SERIES_FIELDS = ("kind", "label", "currency", "growth_rate", "source")
SCENARIO_FIELDS = ("name", "description", "template", "shocks")
MAX_BUDGET_YEARS = 100
MAX_SERIES = 100


def audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _deny_appraisal(actor: Any, partnership: Partnership) -> None:
    deny_unless(
        sel.can_edit_appraisal(actor, partnership),
        gettext_lazy(
            "Only the administrators of the lead partner or of the PJPK can change the appraisal."
        ),
    )


def _save(
    instance: Any,
    *,
    actor: Any,
    data: dict[str, Any],
    fields: tuple[str, ...],
    expected_version: int | None,
) -> Any:
    values = {k: v for k, v in data.items() if k in fields}
    if instance.pk is None:
        for k, v in values.items():
            setattr(instance, k, v)
        instance.full_clean()
        audited(instance, actor)
        instance.save()
        return instance
    return save_versioned(instance, expected_version=expected_version, actor=actor, fields=values)


def _series(values: Any, field: str) -> list[float]:
    if values in (None, ""):
        return []
    if not isinstance(values, list | tuple) or len(values) > MAX_SERIES:
        raise ValidationError({field: _("Give at most %(n)s yearly numbers.") % {"n": MAX_SERIES}})
    out = []
    for v in values:
        if isinstance(v, bool):
            raise ValidationError({field: _("Every year needs a number.")})
        try:
            number = float(v)
        except (TypeError, ValueError):
            raise ValidationError({field: _("Every year needs a number.")}) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError({field: _("Every year needs a finite number.")})
        out.append(number)
    return out


def _spec_errors(issues: list[Any], paths: dict[str, str]) -> ValidationError:
    """The core's JSON-path issues as field errors (first matching prefix)."""
    errors: dict[str, list[str]] = {}
    for issue in issues:
        target = "__all__"
        for prefix, name in paths.items():
            if str(issue.path).startswith(prefix):
                target = name
                break
        errors.setdefault(target, []).append(f"{issue.path}: {issue.message}")
    return ValidationError(errors)


# --------------------------------------------------------------------------- value for money


VFM_PATHS = {
    "$.psc.raw": "psc_capex",
    "$.psc.competitive_neutrality": "competitive_neutrality",
    "$.psc.transferable_risk": "transferable_risk",
    "$.psc.retained_risk": "retained_risk",
    "$.ppp.government_payments": "payments",
    "$.ppp.retained_risk": "retained_risk",
    "$.ppp.other_costs": "other_costs",
    "$.ppp.guarantee_calls": "guarantee_calls",
    "$.discount_rate": "discount_rate",
    "$.base_year": "base_year",
}


@transaction.atomic
def vfm_inputs_save(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> VfmInputs:
    """Create or change the VfM inputs; the spec they make is checked by ``validate_vfm``."""
    _deny_appraisal(actor, partnership)
    data = dict(data)
    for name in ("psc_capex", "psc_opex", "psc_revenue"):
        if name in data:
            data[name] = _series(data[name], name)
    if "payments" in data:
        data["payments"] = _payments(data["payments"] or {}, "payments")
    for name in ("transferable_parties", "retained_parties"):
        if name in data:
            keys = data[name] or []
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise ValidationError({name: _("Give a list of risk-party keys.")})
    overlap = set(data.get("transferable_parties") or []) & set(data.get("retained_parties") or [])
    if overlap:
        raise ValidationError(
            {
                "retained_parties": _(
                    "A party's risk is either transferred or retained, not both: %(keys)s."
                )
                % {"keys": ", ".join(sorted(overlap))}
            }
        )
    inputs = VfmInputs.objects.select_for_update().filter(partnership=partnership).first()
    if inputs is None:
        inputs = VfmInputs(partnership=partnership)
    else:
        inputs.partnership = partnership
    probe = VfmInputs(partnership=partnership)
    for name in VFM_FIELDS:
        setattr(probe, name, data.get(name, getattr(inputs, name)))
    if probe.base_year and probe.psc_start_year:
        try:
            spec, _source, _m = sel.vfm_spec(partnership, probe)
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise ValidationError({"__all__": str(exc)}) from None
        issues = validate_vfm(spec)
        if issues:
            raise _spec_errors(issues, VFM_PATHS)
    return _save(
        inputs, actor=actor, data=data, fields=VFM_FIELDS, expected_version=expected_version
    )


def _payments(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError({field: _("Give the payments by year.")})
    out: dict[str, Any] = {}
    if value.get("start_year") not in (None, ""):
        try:
            out["start_year"] = int(value["start_year"])
        except (TypeError, ValueError):
            raise ValidationError({field: _("The first year must be a year.")}) from None
        if not 1900 <= out["start_year"] <= 2200:
            raise ValidationError({field: _("The first year must be between 1900 and 2200.")})
    for key in sel.PAYMENT_FIELDS:
        if value.get(key):
            out[key] = _series(value[key], field)
    unknown = set(value) - {"start_year", *sel.PAYMENT_FIELDS}
    if unknown:
        raise ValidationError(
            {field: _("Unknown payment: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}}
        )
    if any(k in out for k in sel.PAYMENT_FIELDS) and "start_year" not in out:
        raise ValidationError({field: _("Give the first year of the payments.")})
    return out


@transaction.atomic
def vfm_checklist_save(
    *,
    actor: Any,
    partnership: Partnership,
    answers: dict[str, Any],
    expected_version: int | None = None,
) -> VfmChecklist:
    _deny_appraisal(actor, partnership)
    keys = {k for k, _q in sel.CHECKLIST}
    allowed = {k for k, _l in sel.ANSWERS}
    clean: dict[str, Any] = {}
    for key, value in (answers or {}).items():
        if key not in keys:
            raise ValidationError({key: _("Unknown question.")})
        answer = (value or {}).get("answer", "unknown")
        note = str((value or {}).get("note", "") or "")
        if answer not in allowed:
            raise ValidationError({key: _("Answer yes, partly, no or not assessed yet.")})
        if len(note) > 2000:
            raise ValidationError({key: _("Keep the note under 2000 characters.")})
        clean[key] = {"answer": answer, "note": note}
    row = VfmChecklist.objects.select_for_update().filter(partnership=partnership).first()
    if row is None:
        row = VfmChecklist(partnership=partnership)
    return _save(
        row,
        actor=actor,
        data={"answers": clean},
        fields=("answers",),
        expected_version=expected_version,
    )


# --------------------------------------------------------------------------- budgets


def budget_table(upload: Any) -> dict[int, tuple[Decimal, str]]:
    """``{year: (amount, source)}`` from a CSV or XLSX file with the columns year, amount and
    (optionally) source; a header row is skipped. Raises ``ValidationError`` on ``file``."""
    name = (getattr(upload, "name", "") or "").lower()
    rows: list[list[Any]] = []
    try:
        if name.endswith(".xlsx"):
            from openpyxl import load_workbook

            book = load_workbook(upload, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        else:
            raw = upload.read()
            text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else str(raw)
            dialect = (
                csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
            )
            rows = list(csv.reader(io.StringIO(text), dialect))
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        raise ValidationError(
            {"file": _("This file cannot be read as CSV or XLSX (%(error)s).") % {"error": exc}}
        ) from None
    except Exception as exc:  # openpyxl raises its own errors on a damaged workbook
        raise ValidationError(
            {
                "file": _("This file cannot be read as CSV or XLSX (%(error)s).")
                % {"error": type(exc).__name__}
            }
        ) from None
    return parse_budget_rows(rows)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        # 1.250.000,50 (Indonesian) or 1,250,000.50 (English): the last separator is decimal
        text = (
            text.replace(".", "").replace(",", ".")
            if text.rfind(",") > text.rfind(".")
            else text.replace(",", "")
        )
    elif text.count(".") > 1:
        text = text.replace(".", "")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    return Decimal(text)


def parse_budget_rows(rows: list[list[Any]]) -> dict[int, tuple[Decimal, str]]:
    out: dict[int, tuple[Decimal, str]] = {}
    errors = []
    for number, row in enumerate(rows, start=1):
        cells = list(row)
        if not cells or all(c in (None, "") for c in cells):
            continue
        first = str(cells[0] or "").strip()
        if number == 1 and not first.isdigit():
            continue  # a header
        try:
            year = int(first)
            if not 1900 <= year <= 2200:
                raise ValueError
        except ValueError:
            errors.append(_("Row %(n)s: '%(v)s' is not a year.") % {"n": number, "v": first})
            continue
        try:
            amount = _decimal(cells[1] if len(cells) > 1 else "")
            if not amount.is_finite() or amount <= 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(_("Row %(n)s: the amount must be a positive number.") % {"n": number})
            continue
        if year in out:
            errors.append(_("Row %(n)s: the year %(y)s appears twice.") % {"n": number, "y": year})
            continue
        source = (
            str(cells[2]).strip()[:200] if len(cells) > 2 and cells[2] not in (None, "") else ""
        )
        out[year] = (amount.quantize(Decimal("0.01")), source)
    if errors:
        raise ValidationError({"file": errors[:10]})
    if len(out) > MAX_BUDGET_YEARS:
        raise ValidationError({"file": _("At most %(n)s years.") % {"n": MAX_BUDGET_YEARS}})
    return out


@transaction.atomic
def budget_series_save(
    *,
    actor: Any,
    organisation: Organisation,
    data: dict[str, Any],
    years: dict[int, tuple[Decimal, str]] | None = None,
    expected_version: int | None = None,
) -> BudgetSeries:
    """Create or change an organisation's budget series; ``years`` (when given) replaces its
    yearly figures, all or nothing."""
    deny_unless(
        sel.can_manage_budget(actor, organisation),
        gettext_lazy("Only the administrators of this organisation can change its budget."),
    )
    series = BudgetSeries.objects.select_for_update().filter(organisation=organisation).first()
    if series is None:
        series = BudgetSeries(organisation=organisation)
    series = _save(
        series, actor=actor, data=data, fields=SERIES_FIELDS, expected_version=expected_version
    )
    if years is not None:
        if len(years) > MAX_BUDGET_YEARS:
            raise ValidationError({"years": _("At most %(n)s years.") % {"n": MAX_BUDGET_YEARS}})
        current = {r.year: r for r in series.years.all()}
        for year, row in current.items():
            if year not in years:
                audited(row, actor)
                row.delete()
        for year, (amount, source) in sorted(years.items()):
            row = current.get(year) or BudgetYear(series=series, year=year)
            if row.pk is not None and row.amount == amount and row.source == source:
                continue
            row.amount, row.source = amount, source
            try:
                row.full_clean()
            except ValidationError as exc:
                raise ValidationError({"years": [f"{year}: {m}" for m in exc.messages]}) from None
            audited(row, actor)
            row.save()
        if series.pk is not None and expected_version is None and not current:
            pass
    return series


# --------------------------------------------------------------------------- fiscal


FISCAL_PATHS = {
    "$.commitments": "commitments",
    "$.discount_rate": "discount_rate",
    "$.base_year": "base_year",
    "$.fiscal_limit": "limit_share",
    "$.capital_cost": "capital_cost",
    "$.risk_bearing": "construction_share",
    "$.control": "control_services_and_prices",
    "$.budget": "__all__",
}


@transaction.atomic
def fiscal_inputs_save(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> FiscalInputs:
    _deny_appraisal(actor, partnership)
    data = dict(data)
    if "commitments" in data:
        data["commitments"] = _payments(data["commitments"] or {}, "commitments")
    pjpk = data.get("pjpk")
    if pjpk is not None and (pjpk.partnership_id != partnership.pk or pjpk.left_on is not None):
        raise ValidationError({"pjpk": _("Choose a current partner of this partnership.")})
    inputs = FiscalInputs.objects.select_for_update().filter(partnership=partnership).first()
    if inputs is None:
        inputs = FiscalInputs(partnership=partnership)
    probe = FiscalInputs(partnership=partnership)
    for name in FISCAL_FIELDS:
        setattr(probe, name, data.get(name, getattr(inputs, name)))
    if probe.base_year:
        guarantees = list(PublicGuarantee.objects.filter(partnership=partnership))
        spec, _s, _m, _y = sel.fiscal_spec(partnership, probe, guarantees, None)
        issues = validate_fiscal(spec)
        if issues:
            raise _spec_errors(issues, FISCAL_PATHS)
    return _save(
        inputs, actor=actor, data=data, fields=FISCAL_FIELDS, expected_version=expected_version
    )


def _guarantee_clean(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for name in ("expected", "p95"):
        if name in data:
            data[name] = _series(data[name], name)
    if data.get("p95") and len(data["p95"]) != len(data.get("expected") or []):
        raise ValidationError({"p95": _("Give as many P95 calls as expected calls (or none).")})
    if data.get("expected") and not data.get("start_year"):
        raise ValidationError({"start_year": _("Give the first year of the calls.")})
    if any(v < 0 for v in data.get("expected") or []):
        raise ValidationError({"expected": _("A call cannot be negative.")})
    codes = data.get("risk_codes") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        raise ValidationError({"risk_codes": _("Give risk ids, e.g. R05.")})
    if not data.get("expected") and not codes:
        raise ValidationError(
            {"expected": _("Give the expected calls by year, or the risks whose cost is called.")}
        )
    return data


@transaction.atomic
def guarantee_create(
    *, actor: Any, partnership: Partnership, data: dict[str, Any]
) -> PublicGuarantee:
    _deny_appraisal(actor, partnership)
    data = _guarantee_clean(data)
    if PublicGuarantee.objects.filter(partnership=partnership, code=data.get("code")).exists():
        raise ValidationError({"code": _("Another guarantee of this partnership has this id.")})
    return _save(
        PublicGuarantee(partnership=partnership),
        actor=actor,
        data=data,
        fields=GUARANTEE_FIELDS,
        expected_version=None,
    )


@transaction.atomic
def guarantee_update(
    *, actor: Any, guarantee: PublicGuarantee, data: dict[str, Any], expected_version: int | None
) -> PublicGuarantee:
    _deny_appraisal(actor, guarantee.partnership)
    data = _guarantee_clean(data)
    if (
        PublicGuarantee.objects.filter(partnership=guarantee.partnership_id, code=data.get("code"))
        .exclude(pk=guarantee.pk)
        .exists()
    ):
        raise ValidationError({"code": _("Another guarantee of this partnership has this id.")})
    return _save(
        guarantee,
        actor=actor,
        data=data,
        fields=GUARANTEE_FIELDS,
        expected_version=expected_version,
    )


@transaction.atomic
def guarantee_delete(*, actor: Any, guarantee: PublicGuarantee) -> None:
    _deny_appraisal(actor, guarantee.partnership)
    audited(guarantee, actor)
    guarantee.delete()


# --------------------------------------------------------------------------- stress tests


def _deny_stress(actor: Any, partnership: Partnership) -> None:
    deny_unless(
        sel.can_edit_stress(actor, partnership),
        gettext_lazy(
            "Only the PJPK side and the partners who may see the finance model can change the "
            "stress tests."
        ),
    )


def _check_shocks(name: str, shocks: Any) -> None:
    doc = {"spec_version": "1.0", "scenarios": [{"name": name or "-", "shocks": shocks}]}
    issues = validate_scenarios(doc)
    if issues:
        raise ValidationError(
            {"shocks": [f"{i.path.replace('$.scenarios[0].', '')}: {i.message}" for i in issues]}
        )


@transaction.atomic
def scenario_create(
    *, actor: Any, partnership: Partnership, data: dict[str, Any]
) -> StressScenario:
    _deny_stress(actor, partnership)
    _check_shocks(data.get("name", ""), data.get("shocks"))
    if StressScenario.objects.filter(partnership=partnership, name=data.get("name")).exists():
        raise ValidationError({"name": _("Another scenario of this partnership has this name.")})
    return _save(
        StressScenario(partnership=partnership),
        actor=actor,
        data=data,
        fields=SCENARIO_FIELDS,
        expected_version=None,
    )


@transaction.atomic
def scenario_update(
    *, actor: Any, scenario: StressScenario, data: dict[str, Any], expected_version: int | None
) -> StressScenario:
    _deny_stress(actor, scenario.partnership)
    _check_shocks(data.get("name", scenario.name), data.get("shocks", scenario.shocks))
    if (
        StressScenario.objects.filter(partnership=scenario.partnership_id, name=data.get("name"))
        .exclude(pk=scenario.pk)
        .exists()
    ):
        raise ValidationError({"name": _("Another scenario of this partnership has this name.")})
    return _save(
        scenario, actor=actor, data=data, fields=SCENARIO_FIELDS, expected_version=expected_version
    )


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: StressScenario) -> None:
    _deny_stress(actor, scenario.partnership)
    audited(scenario, actor)
    scenario.delete()


def stress_run(*, actor: Any, partnership: Partnership) -> list[StressScenario]:
    """Rerun every scenario of the partnership on today's finance model (and VfM and fiscal
    inputs) and store the results. A run is not an edit: results are not versioned."""
    _deny_stress(actor, partnership)
    scenarios = list(StressScenario.objects.filter(partnership=partnership))
    if finance_selectors.internal_spec(partnership) is None:
        raise ApplicationError(
            _("There is no project-finance model yet: enter it on the Finance tab first.")
        )
    if not scenarios:
        return []
    try:
        results = sel.stress_run_all(partnership, scenarios)
    except SpecError as exc:
        raise ApplicationError(
            _("The stress test cannot run: %(problems)s")
            % {"problems": "; ".join(str(i) for i in exc.issues[:5])},
            {"issues": [{"path": i.path, "message": i.message} for i in exc.issues]},
        ) from None
    now = timezone.now()
    with transaction.atomic():
        for scenario in scenarios:
            data = results[scenario.pk]
            StressScenario.objects.filter(pk=scenario.pk).update(
                result={k: v for k, v in data.items() if k != "hash"},
                result_hash=data["hash"],
                run_at=now,
            )
    return list(StressScenario.objects.filter(partnership=partnership))
