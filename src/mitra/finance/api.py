"""The finance API, mounted under /api/v1/ in config/api.py."""

from ninja import Router

from .appraisal_api import STALE_RENDERERS as APPRAISAL_RENDERERS
from .appraisal_api import router as appraisal_router
from .report_api import STALE_RENDERERS as REPORT_RENDERERS
from .report_api import router as report_router

router = Router(tags=["Finance"])
router.add_router("", appraisal_router)
router.add_router("", report_router)

#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {**APPRAISAL_RENDERERS, **REPORT_RENDERERS}
