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
        # The preview and the mapping builder read an upload only its uploader may use: their
        # jobs are followed by their creator alone.
        register_handler("imports.preview", "mitra.imports.services.table_preview_job")
        register_handler("imports.columns", "mitra.imports.services.table_columns_job")
