"""Bilingual content columns of the register (title_ind / title_en, ...)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Mitigation, Risk, RiskAllocation


@register(Risk)
class RiskTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("id",)


@register(RiskAllocation)
class RiskAllocationTranslation(TranslationOptions):
    fields = ("rationale",)


@register(Mitigation)
class MitigationTranslation(TranslationOptions):
    fields = ("action",)
    required_languages = ("id",)
