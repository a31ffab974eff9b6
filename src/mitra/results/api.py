"""The results API, mounted under /api/v1/ in config/api.py."""

from __future__ import annotations

from typing import Any

from ninja import Router

router = Router(tags=["Results"])

#: Render `StaleEdit.current` of this app's models as their GET shows them.
STALE_RENDERERS: dict[type, Any] = {}
