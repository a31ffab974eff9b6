"""Bilingual content columns of the levers (name_ind / name_en, ...)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Lever


@register(Lever)
class LeverTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("id",)
