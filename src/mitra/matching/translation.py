"""Bilingual content columns of the matching profile (capabilities_ind / capabilities_en)."""

from modeltranslation.translator import TranslationOptions, register

from .models import MatchingProfile


@register(MatchingProfile)
class MatchingProfileTranslation(TranslationOptions):
    fields = ("capabilities",)
