"""Context for every page: the language switch (no database query)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def mitra(request: HttpRequest) -> dict[str, Any]:
    """`language_options`: [(code, name, is_active)] for the switch; `current_path` to come back to."""
    active = (get_language() or settings.LANGUAGE_CODE)[:2]
    # Names in their own language, as language pickers should show them (not translated).
    names = {"id": "Bahasa Indonesia", "en": "English"}
    return {
        "language_options": [
            (code, names.get(code, code), code == active) for code, _name in settings.LANGUAGES
        ],
        "current_path": request.get_full_path(),
        "active_language": active,
    }
