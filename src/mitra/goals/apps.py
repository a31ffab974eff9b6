from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "mitra.goals"
    label = "goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        # History after modeltranslation's language columns exist (see partnerships.apps).
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.partnerships.history_sources import register_history_source

        from .history import goals_history
        from .models import Lever, LeverObjective, NegotiationEntry

        for model in (Lever, LeverObjective, NegotiationEntry):
            register_history(model, app=self.name)

        from .tabs import register

        register()
        register_demo_step("goals", 110, "mitra.goals.demo.load")
        register_history_source("goals", goals_history)
