"""Writes for organisations. Every write checks permission and is audited (simple-history)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mitra.core.concurrency import save_versioned
from mitra.core.errors import ApplicationError, PermissionDenied

from .models import Organisation, OrganisationMembership, OrganisationRole
from .permissions import can_create_organisation, can_manage_organisation

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "sector",
    "kind",
    "country",
    "province",
    "website",
    "description_ind",
    "description_en",
    "expertise",
    "resource_types",
)


@transaction.atomic
def organisation_create(*, actor: Any, data: dict[str, Any]) -> Organisation:
    """Register an organisation; the registering user becomes its administrator."""
    if not can_create_organisation(actor):
        raise PermissionDenied(_("Sign in to register an organisation."))
    organisation = Organisation(**{k: v for k, v in data.items() if k in ORGANISATION_FIELDS})
    organisation.full_clean()
    organisation._history_user = actor  # type: ignore[attr-defined]
    organisation.save()
    organisation_add_user(
        actor=None, organisation=organisation, user=actor, role=OrganisationRole.ADMIN, system=True
    )
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: dict[str, Any], expected_version: int | None
) -> Organisation:
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only administrators of this organisation may edit it."))
    fields = {k: v for k, v in data.items() if k in ORGANISATION_FIELDS}
    return save_versioned(
        organisation, expected_version=expected_version, actor=actor, fields=fields
    )


@transaction.atomic
def organisation_delete(*, actor: Any, organisation: Organisation) -> None:
    if not can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only administrators of this organisation may delete it."))
    if organisation.partnership_memberships.exists():
        raise ApplicationError(
            _("This organisation takes part in partnerships and cannot be deleted.")
        )
    organisation._history_user = actor  # type: ignore[attr-defined]
    organisation.delete()


@transaction.atomic
def organisation_add_user(
    *, actor: Any, organisation: Organisation, user: Any, role: str, system: bool = False
) -> OrganisationMembership:
    """Add a user to an organisation (its admins do this; `system` is for registration/demo)."""
    if not system and not can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only administrators of this organisation may add its users."))
    membership = OrganisationMembership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership._history_user = actor or user  # type: ignore[attr-defined]
    membership.save()
    for attr in ("_mitra_org_ids", "_mitra_admin_org_ids"):
        if hasattr(user, attr):
            delattr(user, attr)
    return membership
