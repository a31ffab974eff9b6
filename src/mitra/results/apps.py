from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "mitra.results"
    label = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step
        from mitra.notifications.kinds import register_kind
        from mitra.partnerships.history_sources import register_history_source

        from .history import results_history
        from .models import HealthResponse, Indicator, Period, Result, ServiceLevel, Update

        for model in (Result, Period, Update, ServiceLevel, HealthResponse):
            register_history(model, app=self.name)
        # Which other partnerships see an indicator (shared with funders) is part of its audit.
        register_history(Indicator, app=self.name, m2m_fields=["shared_with"])

        register_kind(
            "results.submitted",
            _("A result was reported for verification"),
            _("%(partner)s reported a value of “%(indicator)s” for your verification."),
            _("%(partner)s reported a value of “%(indicator)s” for verification."),
        )
        register_kind(
            "results.approved",
            _("A reported result was approved"),
            _("%(partner)s approved the value of “%(indicator)s”."),
        )
        register_kind(
            "results.returned",
            _("A reported result was returned"),
            _("%(partner)s returned the value of “%(indicator)s” with a comment."),
        )
        register_kind(
            "results.due",
            _("A results report is due"),
            _("The report on “%(indicator)s” is due on %(due)s."),
        )

        from . import lights
        from .tabs import register

        lights.connect()

        register()
        register_demo_step("results", 140, "mitra.results.demo.load")
        register_history_source("results", results_history)
