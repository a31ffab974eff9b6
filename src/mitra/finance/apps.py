from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "mitra.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from . import appraisal_setup, report_setup

        appraisal_setup.register()
        report_setup.register()
