from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "mitra.imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from mitra.jobs.registry import register_handler

        register_handler(
            "imports.table", "mitra.imports.services.table_import_job", staff_may_follow=True
        )
