"""Writes on the project-finance model: permission, validation by the core's own rules
(``mitra.analysis.validate_model``, so the page, the API and ``mitra finance`` refuse the same
things), version check, audit, one transaction.

An invalid spec raises :class:`InvalidSpec`, an ``ApplicationError`` whose ``extra["issues"]``
lists every problem with its JSON path (``$.debt.tenor_years``); the forms turn those paths into
field errors (:func:`mitra.finance.forms.field_for_path`), the API answers 422 with them.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mitra.analysis import validate_model
from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.partnerships.models import Partnership, PartnershipMember

from . import selectors
from .models import FinanceModel
from .permissions import can_edit_as, can_edit_model

#: Marks an argument that was not given (``owner=None`` means "the government's model").
UNSET: Any = object()


class InvalidSpec(ApplicationError):
    """The spec is not one ``mitra finance`` accepts; nothing was changed."""

    status = 422

    def __init__(self, issues: list[dict[str, str]]) -> None:
        super().__init__(
            _("The finance model has %(n)s problem(s); nothing was changed.") % {"n": len(issues)},
            {"issues": issues},
        )
        self.issues = issues


def audited(instance: Any, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None


def deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def check_spec(spec: Any) -> None:
    """Raise :class:`InvalidSpec` with every problem (JSON path and message) of a spec."""
    issues = validate_model(spec)
    if issues:
        raise InvalidSpec([{"path": i.path, "message": i.message} for i in issues])


def _check_member(partnership: Partnership, member: PartnershipMember | None, field: str) -> None:
    if member is not None and (member.partnership_id != partnership.pk or member.left_on):
        raise ValidationError({field: _("This organisation is not a current partner.")})


@transaction.atomic
def model_save(
    *,
    actor: Any,
    partnership: Partnership,
    spec: Any,
    expected_version: int | None,
    owner: PartnershipMember | None = UNSET,
    shared_with: list[PartnershipMember] | None = None,
    published: bool | None = None,
    lender_min_dscr: Decimal | None = None,
) -> FinanceModel:
    """Create the partnership's model or replace its spec (all or nothing).

    Creating: ``owner`` (default None, the government's model) must be one the actor may edit
    as. Updating: the actor may edit the model; ``expected_version`` is the version the edit was
    made on (a stale one raises ``StaleEdit``); changing the owner needs the right to edit as
    both the old and the new owner.
    """
    existing = FinanceModel.objects.select_for_update().filter(partnership=partnership).first()
    old_hash = selectors.spec_hash(existing.spec) if existing is not None else None
    if existing is None:
        new_owner = None if owner is UNSET else owner
        _check_member(partnership, new_owner, "owner")
        deny_unless(
            can_edit_as(actor, partnership, new_owner),
            _(
                "Only administrators of the owner's organisation (or, for the government's "
                "model, of the lead partner or the PJPK) may enter this finance model."
            ),
        )
        check_spec(spec)
        model = FinanceModel(partnership=partnership, spec=spec, owner=new_owner)
        if published is not None:
            model.published = published
        if lender_min_dscr is not None:
            model.lender_min_dscr = lender_min_dscr
        model.full_clean()
        audited(model, actor)
        model.save()
        if shared_with is not None:
            _share(partnership, model, shared_with)
    else:
        deny_unless(
            can_edit_model(actor, partnership, existing),
            _(
                "Only administrators of the owner's organisation (or, for the government's "
                "model, of the lead partner or the PJPK) may change this finance model."
            ),
        )
        check_spec(spec)
        fields: dict[str, Any] = {"spec": spec}
        if owner is not UNSET and owner != existing.owner:
            _check_member(partnership, owner, "owner")
            deny_unless(
                can_edit_as(actor, partnership, owner),
                _("You may not hand the model to a partner whose models you may not edit."),
            )
            fields["owner"] = owner
        if published is not None:
            fields["published"] = published
        if lender_min_dscr is not None:
            fields["lender_min_dscr"] = lender_min_dscr
        model = save_versioned(
            existing, expected_version=expected_version, actor=actor, fields=fields
        )
        if shared_with is not None:
            _share(partnership, model, shared_with)
    selectors.forget(partnership)
    transaction.on_commit(
        partial(_prerender_charts, dict(model.spec), model.lender_min_dscr, old_hash)
    )
    return model


def _prerender_charts(
    spec: dict[str, Any], lender_min_dscr: Decimal, old_hash: str | None = None
) -> None:
    from .charts import forget, prerender  # Vega's engine loads with the first chart

    if old_hash is not None and old_hash != selectors.spec_hash(spec):
        forget(old_hash)
    prerender(spec, Decimal(str(lender_min_dscr)))


def _share(partnership: Partnership, model: FinanceModel, members: list[PartnershipMember]) -> None:
    for member in members:
        _check_member(partnership, member, "shared_with")
    # the owner sees its own model anyway
    model.shared_with.set([m for m in members if m.pk != model.owner_id])


@transaction.atomic
def _forget_charts(spec_key: str) -> None:
    from .charts import forget

    forget(spec_key)


def model_delete(*, actor: Any, partnership: Partnership, expected_version: int | None) -> None:
    model = FinanceModel.objects.select_for_update().filter(partnership=partnership).first()
    if model is None:
        return
    deny_unless(
        can_edit_model(actor, partnership, model),
        _("Only the model's editors may delete it."),
    )
    if expected_version is not None and expected_version != model.version:
        save_versioned(model, expected_version=expected_version, actor=actor, fields={})
    audited(model, actor)
    old_hash = selectors.spec_hash(model.spec)
    model.delete()
    selectors.forget(partnership)
    transaction.on_commit(partial(_forget_charts, old_hash))
