"""Bilingual content columns (title_ind / title_en) through django-modeltranslation."""

from modeltranslation.translator import TranslationOptions, register

from .models import Need, Partnership


@register(Partnership)
class PartnershipTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("id",)


@register(Need)
class NeedTranslation(TranslationOptions):
    """A need's title and description in both languages: an English page shows the English
    title where the partnership wrote one, the Indonesian one otherwise."""

    fields = ("title", "description")
    required_languages = ("id",)
