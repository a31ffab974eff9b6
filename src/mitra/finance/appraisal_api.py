"""API of the finance tab's appraisal part (added to finance/api.py's router)."""

from ninja import Router

router = Router(tags=["Finance"])

STALE_RENDERERS: dict = {}
