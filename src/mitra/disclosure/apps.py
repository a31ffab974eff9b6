from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "mitra.disclosure"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from mitra.jobs.registry import register_handler

        from . import marks
        from .dumps import KIND, mark_dirty, schedule_if_foreign

        register_handler(KIND, "mitra.disclosure.dumps.dumps_job", staff_may_follow=True)
        # What the releases read (marks.FEEDS: partnerships, partners, organisations, documents,
        # commitments and their needs, risks, amendments, KPIs and their verified values): a
        # change marks its partnerships for comparison, and the bulk files out of date.
        marks.connect()
        marks.changed.connect(mark_dirty, dispatch_uid="dumps-marks")
        # A starting server regenerates at once the files another database wrote.
        marks.started.connect(schedule_if_foreign, dispatch_uid="dumps-started")
