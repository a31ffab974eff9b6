from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "mitra.benefits"
    label = "benefits"
    verbose_name = _("Benefit sharing")

    def ready(self) -> None:
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.partnerships.history_sources import register_history_source

        from .models import (
            CoalitionEstimate,
            SharingAgreement,
            SharingPlayer,
            SharingSettings,
            UnitValue,
        )

        for model in (
            SharingSettings,
            SharingPlayer,
            CoalitionEstimate,
            UnitValue,
            SharingAgreement,
        ):
            register_history(model, app=self.name)

        from .tabs import register

        register()
        register_demo_step("benefits", 130, "mitra.benefits.demo.load")
        from .history import sharing_history

        register_history_source("benefits", sharing_history)
