from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "mitra.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from .exports import KIND
        from .registry import register_handler

        register_handler(KIND, "mitra.jobs.exports.export_job")
