from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "mitra.benefits"
    label = "benefits"
    verbose_name = _("Benefit sharing")

    def ready(self) -> None:
        pass
