"""The admin site: platform staff sign in with a password and, where required (production), a
one-time code from an authenticator app (django-otp, TOTP), behind the failed-sign-in throttle.

``MITRA_ADMIN_OTP`` (on in the production settings) makes a verified second factor a condition of
every admin page, as django-otp's ``OTPAdminSite`` does; a staff member gets a device with
``mitra staff_otp USERNAME``, which prints the ``otpauth://`` address to add to the app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


def otp_required() -> bool:
    return bool(getattr(settings, "MITRA_ADMIN_OTP", False))


class MitraAdminSite(AdminSite):
    @property
    def login_form(self) -> Any:  # type: ignore[override]
        from .forms import AdminOTPSignInForm, AdminSignInForm

        return AdminOTPSignInForm if otp_required() else AdminSignInForm

    @property
    def login_template(self) -> str | None:  # type: ignore[override]
        if otp_required():
            from django_otp.admin import OTPAdminSite

            return OTPAdminSite.login_template
        return None

    def has_permission(self, request: Any) -> bool:
        allowed = super().has_permission(request)
        if allowed and otp_required():
            return bool(request.user.is_verified())
        return allowed


class MitraAdminConfig(AdminConfig):
    default_site = "mitra.accounts.admin_site.MitraAdminSite"
