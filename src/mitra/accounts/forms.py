from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm

from .services import (
    TooManyAttempts,
    client_address,
    sign_in_failed,
    sign_in_slot,
    sign_in_succeeded,
)


class ThrottledSignIn:
    """Django's credential check behind the failed-sign-in throttle shared with the API's tokens
    and the admin's sign-in, so that none of the three is a side door."""

    request: Any

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        username = data.get("username") or ""
        if not (username and data.get("password")):
            # a field is missing (its own error says so): no credentials are checked, so the
            # attempt neither counts nor clears the failures (it used to clear them)
            missing: dict[str, Any] = super().clean()  # type: ignore[misc]
            return missing
        client = client_address(self.request)
        try:
            with sign_in_slot(client=client, username=username):
                try:
                    cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
                except ValidationError:
                    sign_in_failed(client=client, username=username)
                    raise
                sign_in_succeeded(client=client, username=username)
        except TooManyAttempts as exc:
            raise ValidationError(exc.message, code="throttled") from None
        return cleaned


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in (staff only), with the same throttle."""


class AdminOTPSignInForm(ThrottledSignIn, OTPAdminAuthenticationForm):
    """The admin's sign-in with a one-time code (``MITRA_ADMIN_OTP``), with the same throttle:
    a wrong code counts as a failed sign-in."""


class SignInForm(ThrottledSignIn, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
