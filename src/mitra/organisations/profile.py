"""The sections of an organisation's profile page: a registration point (``mitra.core.registry``).

The profile itself (name, kind, country, expertise, resources) belongs to this app; what other
apps know of an organisation (the partnerships it takes part in, later its track record) is a
section they register in their ``AppConfig.ready()``, so that organisations never imports them::

    register_section(ProfileSection("partnerships", 10, "partnerships/partials/org.html", ctx))

``context(request, organisation)`` reads through the registering app's own selectors, so each
section shows only what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mitra.core.registry import Registry

SectionContext = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class ProfileSection:
    key: str
    order: int
    template: str
    context: SectionContext


SECTIONS: Registry[ProfileSection] = Registry("profile section", order=lambda s: s.order)


def register_section(section: ProfileSection) -> ProfileSection:
    return SECTIONS.register(section.key, section)


def render_sections(request: HttpRequest, organisation: Any) -> list[SafeString]:
    """Each registered section rendered for this viewer, in order."""
    return [
        render_to_string(
            section.template,
            {"organisation": organisation, **section.context(request, organisation)},
            request=request,
        )
        for section in SECTIONS
    ]
