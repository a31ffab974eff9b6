"""Bilingual content columns (title_ind / title_en) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import Partnership


@register(Partnership)
class PartnershipTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("id",)
