from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "mitra.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from mitra.core.demo import register_demo_step
        from mitra.partnerships.history_sources import register_history_source

        from . import appraisal_setup, report_setup
        from .history import finance_history
        from .tabs import register

        register()
        register_demo_step("finance", 110, "mitra.finance.demo.load")
        register_history_source("finance", finance_history)
        appraisal_setup.register()
        report_setup.register()
