from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mitra.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin

        from .forms import AdminSignInForm

        # /admin/login/ counts failures and locks like the sign-in page and the API's tokens.
        admin.site.login_form = AdminSignInForm
