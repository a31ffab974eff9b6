from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import TOO_MANY_MESSAGE, sign_in_failed, sign_in_succeeded, sign_in_throttled


class SignInForm(AuthenticationForm):
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

    def clean(self) -> dict[str, Any]:
        """Django's check, behind the same failed-sign-in throttle as the API's tokens."""
        client = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        username = self.cleaned_data.get("username") or ""
        if sign_in_throttled(client=client, username=username):
            raise ValidationError(TOO_MANY_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            sign_in_failed(client=client, username=username)
            raise
        sign_in_succeeded(client=client, username=username)
        return cleaned
