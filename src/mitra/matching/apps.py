from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "mitra.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # History after modeltranslation's language columns exist (see partnerships.apps).
        from simple_history import register as register_history

        from mitra.core.demo import register_demo_step

        from .models import MatchingProfile, Offer

        for model in (MatchingProfile, Offer):
            register_history(model, app=self.name)

        from .tabs import register

        register()
        register_demo_step("matching", 170, "mitra.matching.demo.load")

        # Issue 14: an accepted offer by a non-administrator waits for the invitation's answer.
        from mitra.coordination.hooks import register_invitation_listener

        from .services import on_invitation_answered

        register_invitation_listener("matching.offers", on_invitation_answered)
