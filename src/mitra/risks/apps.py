from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "mitra.risks"
    label = "risks"
    verbose_name = _("Risks")

    def ready(self) -> None:
        # History after modeltranslation's language columns exist (see partnerships.apps).
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.jobs.registry import register_handler
        from mitra.partnerships.history_sources import register_history_source

        from .history import risk_history
        from .models import Mitigation, Risk, RiskAllocation

        for model in (Risk, RiskAllocation, Mitigation):
            register_history(model, app=self.name)

        from .tabs import register

        register()
        register_handler("risks.simulate", "mitra.risks.simulations.simulation_job")
        register_demo_step("risks", 100, "mitra.risks.demo.load")
        register_history_source("risks", risk_history)
