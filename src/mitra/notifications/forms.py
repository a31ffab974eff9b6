"""The notification settings form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Frequency


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail me"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Immediately: one e-mail per notification. Daily digest: one e-mail a day with "
            "everything new. Off: only the bell on Mitra."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )
