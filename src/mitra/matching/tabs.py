"""What matching adds to other apps' pages: the Offers tab of a partnership (its managers only)
and the matching section of an organisation's profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.organisations.permissions import user_organisation_ids
from mitra.organisations.profile import ProfileSection, register_section
from mitra.partnerships.models import DevelopmentSector, PartnershipForm
from mitra.partnerships.workspace import PLAN, Tab, register_tab

from . import selectors
from .permissions import can_decide_offer, can_edit_profile

KEY = "offers"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_decide_offer(request.user, partnership)


def offers_context(request: HttpRequest, partnership: Any) -> dict[str, Any]:
    offers = selectors.offers_for_partnership(user=request.user, partnership=partnership)
    return {
        "offers": offers,
        "open_offers": [o for o in offers if o.is_open],
        "needs": list(partnership.needs.all()),
        "my_org_ids": user_organisation_ids(request.user),
    }


def profile_context(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    return {
        "sector_choices": DevelopmentSector,
        "form_choices": PartnershipForm,
        "matching_profile": selectors.profile_get(organisation),
        "can_edit_matching": can_edit_profile(request.user, organisation),
    }


def register() -> None:
    register_tab(
        Tab(
            KEY,
            _("Offers and matches"),
            85,
            "matching/tab.html",
            offers_context,
            _shown,
            group=PLAN,
        )
    )
    register_section(
        ProfileSection("matching", 30, "matching/profile_section.html", profile_context)
    )
