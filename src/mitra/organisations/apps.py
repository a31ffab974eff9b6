from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "mitra.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # History is registered here, not with a class attribute, so that the historical model
        # is built after modeltranslation has added the language columns (organisation.title_ind,
        # _en): a class attribute would copy the fields before they exist and audit one language.
        from simple_history import register

        from .models import Organisation

        register(Organisation, app=self.name)
