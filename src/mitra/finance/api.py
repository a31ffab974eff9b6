"""The finance API, mounted under /api/v1/ in config/api.py."""

from ninja import Router

router = Router(tags=["Finance"])

#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {}
