"""Who may see and change a partnership's project-finance model. Deny by default.

- **The whole model** (inputs, per-year results, IRRs):
  - a private party's model (``owner`` set, e.g. the BUP or the Pemrakarsa): users of the owner's
    organisation and of the partners it names in ``shared_with`` (current members only); not
    other partners, not platform staff;
  - the government's own model (no ``owner``): every partner and platform staff (read-only);
  - anyone who may see the partnership once the model is ``published`` and the partnership is
    public.
- **The government-side figures** (availability payments, VGF, land, subsidy, guarantee fees,
  tax and concession fee by year): every partner and platform staff, whoever owns the model;
  the public only once published.
- **Editing**: a private party's model (its owner a current partner with a private-party role:
  project company, Pemrakarsa, bidder or sponsor) is edited by the administrators of the owner's
  organisation; the government's model by the administrators of the lead partner and of the
  PJPK (a member with the contracting-agency role). Only they change its sharing and publish it.
"""

from __future__ import annotations

from typing import Any

from mitra.organisations.permissions import user_admin_organisation_ids, user_organisation_ids
from mitra.partnerships.models import Partnership, PartnershipMember, Role, Visibility
from mitra.partnerships.permissions import (
    _members,
    can_manage_partnership,
    can_view_internal,
    can_view_partnership,
)

from .models import FinanceModel


def _current(members: list[PartnershipMember]) -> dict[int, PartnershipMember]:
    return {m.pk: m for m in members if m.left_on is None}


def _shared_ids(model: FinanceModel) -> set[int]:
    cache = getattr(model, "_prefetched_objects_cache", {})
    if "shared_with" in cache:
        return {m.pk for m in cache["shared_with"]}
    return set(model.shared_with.values_list("pk", flat=True))


def is_public(model: FinanceModel, partnership: Partnership) -> bool:
    return model.published and partnership.visibility == Visibility.PUBLIC


def can_see_whole_model(user: Any, partnership: Partnership, model: FinanceModel) -> bool:
    if is_public(model, partnership):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if model.owner_id is None:
        return can_view_internal(user, partnership)
    current = _current(_members(partnership))
    orgs = user_organisation_ids(user)
    allowed = {model.owner_id} | _shared_ids(model)
    return any(current[pk].organisation_id in orgs for pk in allowed if pk in current)


def can_see_government_figures(user: Any, partnership: Partnership, model: FinanceModel) -> bool:
    if is_public(model, partnership):
        return True
    return can_view_internal(user, partnership)


def government_editor(user: Any, partnership: Partnership) -> bool:
    """Administrators of the lead partner or of the PJPK may edit the government's model."""
    if can_manage_partnership(user, partnership):
        return True
    admin_orgs = user_admin_organisation_ids(user)
    return any(
        m.left_on is None
        and m.organisation_id in admin_orgs
        and Role.CONTRACTING_AGENCY in (m.roles or [])
        for m in _members(partnership)
    )


def can_edit_as(user: Any, partnership: Partnership, owner: PartnershipMember | None) -> bool:
    """Whether the user may edit a model owned by ``owner`` (None: the government's): an
    administrator of the owner, a current private party of this partnership."""
    if owner is None:
        return government_editor(user, partnership)
    return (
        owner.partnership_id == partnership.pk
        and owner.left_on is None
        and owner.organisation_id in user_admin_organisation_ids(user)
        and bool(PRIVATE_ROLES & set(owner.roles or []))
    )


def can_edit_model(user: Any, partnership: Partnership, model: FinanceModel | None) -> bool:
    """Edit the existing model, or (``model`` None) create one: as the government or as a
    private party the user administers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if model is None:
        return bool(ownable_members(user, partnership)) or government_editor(user, partnership)
    return can_edit_as(user, partnership, model.owner)


#: The roles of a private party that may own a finance model (the BUP, the Pemrakarsa of an
#: unsolicited KPBU, a bidder or a sponsor).
PRIVATE_ROLES = frozenset({Role.PROJECT_COMPANY, Role.INITIATOR, Role.BIDDER, Role.SPONSOR})


def ownable_members(user: Any, partnership: Partnership) -> list[PartnershipMember]:
    """Current private parties whose organisation the user administers: the owners they may
    choose for a model."""
    admin_orgs = user_admin_organisation_ids(user)
    return [
        m
        for m in _members(partnership)
        if m.left_on is None
        and m.organisation_id in admin_orgs
        and PRIVATE_ROLES & set(m.roles or [])
    ]


def can_open_tab(user: Any, partnership: Partnership) -> bool:
    """Whether the Finance tab is shown: partners, staff, and the public when published."""
    if can_view_internal(user, partnership):
        return True
    if not can_view_partnership(user, partnership):
        return False
    return FinanceModel.objects.filter(partnership=partnership, published=True).exists()
