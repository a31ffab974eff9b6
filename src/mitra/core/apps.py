from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mitra.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from .text import strip_model_controls

        # Every text field of every Mitra model, whichever path saves it (see core.text).
        pre_save.connect(strip_model_controls, dispatch_uid="mitra-strip-controls")

        from django.contrib.auth.signals import user_logged_in

        from .timezones import remember_zone

        # The reader's time zone (WIB/WITA/WIT) is kept in the session at sign-in.
        user_logged_in.connect(remember_zone, dispatch_uid="mitra-remember-zone")

        from . import pagecache

        # Anonymous visitors' cached pages are out of date after any change (core.pagecache).
        pagecache.connect()
