from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "mitra.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        # History is registered here, not with a class attribute, so that the historical model
        # is built after modeltranslation has added the language columns (partnership.title_ind,
        # _en; need.title_ind, _en): a class attribute would copy the fields before they exist and audit one language.
        from simple_history import register

        from .models import Need, Partnership

        register(Partnership, app=self.name)
        register(Need, app=self.name)

        from .tabs import register as register_tabs

        register_tabs()

        from mitra.notifications.kinds import register_partnership_titles

        from .selectors import partnership_titles

        # Notifications store a partnership's title in both languages (each reader sees theirs).
        register_partnership_titles(partnership_titles)
