"""Partners' objectives on shared levers, and the negotiation record (issue 13).

A *lever* is a decision the partners share (a toll tariff, the share of pupils on scholarship, a
local hiring share...), measured in one unit with bounds. Each partner states at most one
*objective* per lever: which way it pulls, its preferred value, the range it can accept, the point
at which it would walk away, and how much the lever weighs for it. The *negotiation record* keeps
every proposal, counter-proposal and agreement, per lever or on another topic (a benefit-sharing
rule), with who and when.

These sit beside ``partnerships.Objective`` (a partner's free-text goal with its SDG), which stays:
see docs/architecture.md, "Goals and today's objectives".
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Confidentiality, Unit
from mitra.core.models import BaseModel
from mitra.partnerships.models import Partnership, PartnershipMember

VALUE = {"max_digits": 20, "decimal_places": 4}


class LeverUnit(models.TextChoices):
    """What a lever is measured in: money (with a currency), a share, a time, or a code of the
    shared unit list (``mitra.core.choices.Unit``)."""

    MONEY = "money", _("money (in the lever's currency)")
    PERCENT = "percent", _("percent (%)")
    YEARS = "years", _("years")
    DAYS = "days", _("days")


#: Every unit a lever may have: the lever-specific ones, then the shared code list.
UNIT_CHOICES = [*LeverUnit.choices, *Unit.choices]


class Direction(models.TextChoices):
    INCREASE = "increase", _("higher is better")
    DECREASE = "decrease", _("lower is better")
    TARGET = "target", _("a target value is best")


class Lever(BaseModel):
    """A shared decision of a partnership, with its unit and the bounds it can take."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="goal_levers",
        verbose_name=_("partnership"),
    )
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("A short identifier, used in the alignment spec (e.g. tariff)."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=UNIT_CHOICES)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, for a lever measured in money (e.g. IDR)."),
    )
    min_value = models.DecimalField(_("lowest possible value"), **VALUE)
    max_value = models.DecimalField(_("highest possible value"), **VALUE)
    direction = models.CharField(
        _("usual direction"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.INCREASE,
        help_text=_("Which way most partners pull; each objective states its own."),
    )
    catalogue_key = models.CharField(_("catalogue entry"), max_length=60, blank=True)
    added_by = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["partnership_id", "id"]
        verbose_name = _("lever")
        verbose_name_plural = _("levers")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="uniq_goal_lever_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_money(self) -> bool:
        return self.unit == LeverUnit.MONEY

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.unit == LeverUnit.MONEY and not self.currency:
            errors["currency"] = _("A lever measured in money needs its currency.")
        if self.unit != LeverUnit.MONEY and self.currency:
            errors["currency"] = _("Only a lever measured in money has a currency.")
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha()):
            errors["currency"] = _("Use the three-letter ISO 4217 code, e.g. IDR.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and not self.min_value < self.max_value
        ):
            errors["max_value"] = _("The highest value must be above the lowest.")
        if errors:
            raise ValidationError(errors)


class LeverObjective(BaseModel):
    """One partner's objective on one lever (at most one per lever and partner)."""

    lever = models.ForeignKey(
        Lever, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("lever")
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="lever_objectives",
        verbose_name=_("partner"),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    preferred = models.DecimalField(_("preferred value"), **VALUE)
    acceptable_min = models.DecimalField(_("acceptable from"), **VALUE)
    acceptable_max = models.DecimalField(_("acceptable up to"), **VALUE)
    walk_away = models.DecimalField(
        _("walk-away point"),
        null=True,
        blank=True,
        help_text=_(
            "The value beyond which this partner would rather leave than agree: below the range "
            "when higher is better, above it when lower is better."
        ),
        **VALUE,
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this lever matters to this partner, 1–100."),
    )
    confidentiality = models.CharField(
        _("who may see it"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.PARTNERS,
        help_text=_(
            "An objective for your organisation only still counts in the computation; the "
            "other partners see that a hidden constraint exists, never its values."
        ),
    )
    note = models.CharField(_("why"), max_length=500, blank=True)

    class Meta:
        ordering = ["lever_id", "member_id"]
        verbose_name = _("objective on a lever")
        verbose_name_plural = _("objectives on levers")
        constraints = [
            models.UniqueConstraint(fields=["lever", "member"], name="uniq_goal_objective"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.lever}"

    @property
    def is_hidden(self) -> bool:
        return self.confidentiality == Confidentiality.OWNER

    def clean(self) -> None:
        errors: dict[str, object] = {}
        lo, hi, pref = self.acceptable_min, self.acceptable_max, self.preferred
        if lo is None or hi is None or pref is None:
            return
        if not lo < hi:
            errors["acceptable_max"] = _("The range must end above where it starts.")
        elif not lo <= pref <= hi:
            errors["preferred"] = _(
                "The preferred value must lie inside the acceptable range (%(lo)s to %(hi)s)."
            ) % {"lo": _plain(lo), "hi": _plain(hi)}
        lever = getattr(self, "lever", None) if self.lever_id else None
        if lever is not None and lo < hi and (lo < lever.min_value or hi > lever.max_value):
            errors["acceptable_min"] = _(
                "The range must lie within the lever's bounds (%(lo)s to %(hi)s)."
            ) % {"lo": _plain(lever.min_value), "hi": _plain(lever.max_value)}
        if self.walk_away is not None and lo < hi:
            w = self.walk_away
            if self.direction == Direction.INCREASE and w > lo:
                errors["walk_away"] = _(
                    "Higher is better for you, so you walk away below your range: the walk-away "
                    "point must be at most %(lo)s."
                ) % {"lo": _plain(lo)}
            elif self.direction == Direction.DECREASE and w < hi:
                errors["walk_away"] = _(
                    "Lower is better for you, so you walk away above your range: the walk-away "
                    "point must be at least %(hi)s."
                ) % {"hi": _plain(hi)}
            elif self.direction == Direction.TARGET and lo < w < hi:
                errors["walk_away"] = _(
                    "The walk-away point must lie outside the acceptable range (%(lo)s to %(hi)s)."
                ) % {"lo": _plain(lo), "hi": _plain(hi)}
        if errors:
            raise ValidationError(errors)


def _plain(value: Decimal) -> str:
    from mitra.core.money import format_number

    places = 0 if value == value.to_integral_value() else 2
    return format_number(value, places)


class EntryKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    COUNTER = "counter", _("Counter-proposal")
    AGREED = "agreed", _("Agreed")


class NegotiationEntry(BaseModel):
    """One step of the negotiation record: a proposal, a counter-proposal or the agreement,
    on a lever (``value`` in its unit) or on another topic (``subject`` and ``value_text``)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="negotiation_entries",
        verbose_name=_("partnership"),
    )
    lever = models.ForeignKey(
        Lever,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="negotiation_entries",
        verbose_name=_("lever"),
    )
    subject = models.CharField(
        _("topic"),
        max_length=200,
        blank=True,
        help_text=_("What was negotiated, when it is not a lever (e.g. the benefit-sharing rule)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    value_text = models.CharField(_("value (in words)"), max_length=300, blank=True)
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by partner"),
    )
    parties = models.ManyToManyField(
        PartnershipMember,
        blank=True,
        related_name="+",
        verbose_name=_("partners who agreed"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["partnership_id", "created_at", "id"]
        verbose_name = _("negotiation entry")
        verbose_name_plural = _("negotiation entries")

    def __str__(self) -> str:
        return f"{self.topic}: {self.get_kind_display()}"

    @property
    def topic(self) -> str:
        return str(self.lever) if self.lever_id else self.subject

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.lever_id is None and not self.subject.strip():
            errors["subject"] = _("Say what was negotiated: a lever or a topic.")
        if self.lever_id is not None and self.value is None:
            errors["value"] = _("Enter the value proposed or agreed for the lever.")
        if self.lever_id is None and not self.value_text.strip():
            errors["value_text"] = _("Enter what was proposed or agreed.")
        if self.lever_id is not None and self.value is not None:
            lever = self.lever
            if not lever.min_value <= self.value <= lever.max_value:
                errors["value"] = _(
                    "The value must lie within the lever's bounds (%(lo)s to %(hi)s)."
                ) % {"lo": _plain(lever.min_value), "hi": _plain(lever.max_value)}
        if errors:
            raise ValidationError(errors)
