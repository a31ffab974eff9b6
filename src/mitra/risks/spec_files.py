"""Replace a register with a risk-model spec (the file ``mitra simulate`` reads), all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mitra.analysis import validate_spec
from mitra.core.errors import ApplicationError
from mitra.partnerships.models import Partnership

from . import specs
from .models import Risk, RiskAllocation, RiskCorrelation, RiskParty, RiskSettings
from .permissions import can_manage_register
from .services import (
    audited,
    deny_unless,
    risk_delete_unchecked,
    settings_get_or_create,
)


def validate_register_spec(spec: Any) -> None:
    """Raise ``ApplicationError`` (with every problem and its JSON path) on an invalid spec."""
    issues = validate_spec(spec)
    if issues:
        raise ApplicationError(
            _("The risk-model file has %(n)s problem(s); nothing was changed.")
            % {"n": len(issues)},
            {"issues": [{"path": i.path, "message": i.message} for i in issues]},
        )


@transaction.atomic
def register_replace(*, actor: Any, partnership: Partnership, spec: Any) -> RiskSettings:
    """Replace the register and the base cash flows with a risk-model spec (all or nothing).

    Parties keep their link to a partner when the spec uses the same key."""
    deny_unless(
        can_manage_register(actor, partnership),
        _("Only administrators of the lead partner may replace the risk register."),
    )
    validate_register_spec(spec)
    rows = specs.spec_rows(spec)
    settings = settings_get_or_create(partnership, actor)
    for name, value in rows.settings.items():
        setattr(settings, name, value)
    settings.version += 1
    with _as_issues(lambda field: "$." + _SPEC_KEY.get(field, field)):
        settings.full_clean(exclude=["partnership"])
    audited(settings, actor)
    settings.save()
    # the old register goes (audited), the spec's comes in
    for correlation in partnership.risk_correlations.all():
        audited(correlation, actor)
        correlation.delete()
    for risk in partnership.risks.all():
        risk_delete_unchecked(actor, risk)
    old_parties = {p.key: p for p in partnership.risk_parties.all()}
    parties: dict[str, RiskParty] = {}
    for order, (key, name) in enumerate(rows.parties):
        party = old_parties.pop(key, None) or RiskParty(partnership=partnership, key=key)
        party.name, party.order = name, order
        with _as_issues(lambda field, key=key: f"$.parties.{key}"):
            party.full_clean(exclude=["partnership"], validate_unique=False)
        audited(party, actor)
        party.save()
        parties[key] = party
    for party in old_parties.values():
        audited(party, actor)
        party.delete()
    created: dict[str, Risk] = {}
    for order, row in enumerate(rows.risks):
        risk = Risk(
            partnership=partnership,
            code=row.code,
            order=order,
            category=row.category,
            spec_category=row.spec_category,
            quantity=row.quantity,
            notes=row.notes,
        )
        risk.title_ind = risk.title_en = row.title
        with _as_issues(lambda field, i=order: f"$.risks[{i}].{_RISK_KEY.get(field, field)}"):
            risk.full_clean(exclude=["partnership"], validate_unique=False)
        audited(risk, actor)
        risk.save()
        created[row.code] = risk
        for key, share in row.allocation.items():
            allocation = RiskAllocation(risk=risk, party=parties[key], share=share)
            with _as_issues(lambda field, i=order, k=key: f"$.risks[{i}].allocation.{k}"):
                allocation.full_clean()
            audited(allocation, actor)
            allocation.save()
    for first, second, rho in rows.correlations:
        correlation = RiskCorrelation(
            partnership=partnership, first=created[first], second=created[second], rho=rho
        )
        audited(correlation, actor)
        correlation.save()
    return settings


#: Model field → the spec's key, for the JSON paths of a refused import.
_SPEC_KEY = {"name": "name", "cash_flows": "base_cash_flows", "cash_flow_mode": "base_cash_flows"}
_RISK_KEY = {
    "code": "id",
    "title": "name",
    "title_ind": "name",
    "title_en": "name",
    "notes": "notes",
}


@contextmanager
def _as_issues(path_of: Any) -> Iterator[None]:
    """A model's refusal of an imported spec as the import's issues, with JSON paths."""
    try:
        yield
    except ValidationError as exc:
        issues = [
            {"path": path_of(field), "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        raise ApplicationError(
            _("The risk-model file has %(n)s problem(s); nothing was changed.")
            % {"n": len(issues)},
            {"issues": issues},
        ) from None
