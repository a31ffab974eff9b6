"""Benefit sharing of a partnership: what each partner brings, what groups of partners could
achieve on their own, and how the benefit is split.

What Mitra already records (deliveries against commitments, in every resource type and unit) is
valued with a *unit value* per resource type and unit that the partners agree (``UnitValue``);
the partners estimate what each group of them could achieve without the others
(``CoalitionEstimate``), what each gets without the partnership (``SharingPlayer.walk_away``) and
the total benefit (``SharingSettings.total_benefit``). Together they are a sharing-game spec
(``sharing-game.schema.json``, the file ``mitra share`` reads): :mod:`.specs` builds it.

Amounts are ``Decimal`` in whole currency units of the settings' currency; they become the spec's
numbers (multiples of ``amount_unit``) only at the ``analysis`` boundary. Every model is audited
(django-simple-history, registered in ``BenefitsConfig.ready()``) and versioned.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Currency
from mitra.core.fields import FixedDecimalField
from mitra.core.models import BaseModel
from mitra.organisations.models import ResourceType
from mitra.partnerships.models import Partnership, PartnershipMember


class SharingRule(models.TextChoices):
    """The standard rules ``mitra share`` computes (the spec's ``proposal.rule``)."""

    PROPORTIONAL = "proportional", _("In proportion to contributions")
    SHAPLEY = "shapley", _("Shapley value (each partner's average added value)")
    NASH = "nash", _("Nash bargaining (walk-away value plus an equal part of the gain)")
    EQUAL = "equal", _("Equal split")


class ProposalKind(models.TextChoices):
    RULE = "rule", _("A standard rule")
    SHARES = "shares", _("Agreed shares")
    AMOUNTS = "amounts", _("Agreed amounts")


class Missing(models.TextChoices):
    """How the worth of a group nobody estimated is worked out (the spec's ``missing``)."""

    ADDITIVE = "additive", _("The sum of its members' own values plus the agreed synergies")
    ERROR = "error", _("Every group must be estimated")


class CoalitionKind(models.TextChoices):
    WORTH = "worth", _("Worth of the group on its own")
    SYNERGY = "synergy", _("Extra worth when all of them take part")


#: The default ``amount_unit`` of a currency: Rupiah in millions, others in units.
DEFAULT_AMOUNT_UNIT = {"IDR": Decimal("1000000")}


class SharingSettings(BaseModel):
    """The sharing game around the partners: currency, total benefit and the proposed split.
    One per partnership, created with the first write."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="sharing_settings"
    )
    name = models.CharField(_("name of the sharing game"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.IDR
    )
    amount_unit = models.DecimalField(
        _("amounts in"),
        max_digits=20,
        decimal_places=6,
        default=Decimal("1000000"),
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("The analysis shows amounts in multiples of this, e.g. 1,000,000."),
    )
    total_benefit = FixedDecimalField(
        _("total benefit"),
        null=True,
        blank=True,
        help_text=_("What all the partners create together, in the currency (v(N))."),
    )
    missing = models.CharField(
        _("groups nobody estimated"),
        max_length=10,
        choices=Missing.choices,
        default=Missing.ADDITIVE,
    )
    proposal_kind = models.CharField(
        _("proposal"), max_length=10, choices=ProposalKind.choices, default=ProposalKind.RULE
    )
    proposal_rule = models.CharField(
        _("proposed rule"),
        max_length=15,
        choices=SharingRule.choices,
        default=SharingRule.PROPORTIONAL,
        blank=True,
    )
    #: Partner (member id as text) → share (0..1) or amount (currency units), as decimal text.
    proposal_values = models.JSONField(_("proposed shares or amounts"), default=dict, blank=True)
    proposal_name = models.CharField(_("name of the proposal"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("benefit-sharing settings")
        verbose_name_plural = _("benefit-sharing settings")

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.name or self.currency}"

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.proposal_kind == ProposalKind.RULE and not self.proposal_rule:
            errors["proposal_rule"] = _("Choose a rule.")
        if not isinstance(self.proposal_values, dict):
            errors["proposal_values"] = _("Give one share or amount per partner.")
        if errors:
            raise ValidationError(errors)


class SharingPlayer(BaseModel):
    """A partner in the sharing game: its id in the spec, its walk-away value and its
    bargaining weight."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sharing_players"
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="sharing_players",
        verbose_name=_("partner"),
    )
    key = models.CharField(_("id in the sharing-game file"), max_length=40)
    walk_away = FixedDecimalField(
        _("walk-away value"),
        default=Decimal("0.00"),
        help_text=_(
            "What this partner gets without the partnership: its own value, and its floor in "
            "the bargaining (currency units)."
        ),
    )
    bargaining_weight = models.DecimalField(
        _("bargaining weight"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001"))],
    )

    class Meta:
        ordering = ["member_id"]
        verbose_name = _("partner in the sharing game")
        verbose_name_plural = _("partners in the sharing game")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "member"], name="uniq_sharing_member"),
            models.UniqueConstraint(fields=["partnership", "key"], name="uniq_sharing_key"),
        ]

    def __str__(self) -> str:
        return self.key


class CoalitionEstimate(BaseModel):
    """What a group of partners could achieve on its own (``worth``), or the extra worth a group
    creates whenever all of its members take part (``synergy``), as the partners estimate it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="coalition_estimates"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CoalitionKind.choices, default=CoalitionKind.WORTH
    )
    #: The members' ids (PartnershipMember), ascending, comma-separated: "3,5,9".
    members_key = models.CharField(_("partners"), max_length=400)
    value = FixedDecimalField(_("value"))
    note = models.CharField(_("where the number comes from"), max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "members_key"]
        verbose_name = _("coalition estimate")
        verbose_name_plural = _("coalition estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "members_key"], name="uniq_coalition_estimate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {{{self.members_key}}} = {self.value}"

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.members_key.split(",") if x)


def key_of(member_ids: object) -> str:
    """The stored form of a set of member ids: ascending, comma-separated."""
    return ",".join(str(i) for i in sorted({int(i) for i in member_ids}))  # type: ignore[attr-defined]


class UnitValue(BaseModel):
    """What one unit of a resource is worth in the sharing currency, as the partners agree:
    a person-day of expertise, a square metre of land, a laptop; for cash in another currency,
    the exchange rate. Cash in the sharing currency is worth its face value."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="unit_values"
    )
    resource_type = models.CharField(
        _("resource type"), max_length=20, choices=ResourceType.choices
    )
    #: A unit code (mitra.core.choices.Unit), or for cash the ISO 4217 code of its currency.
    unit = models.CharField(_("unit"), max_length=30)
    value = FixedDecimalField(
        _("value of one unit"),
        validators=[MinValueValidator(Decimal("0.00"), message=_("Must not be negative."))],
    )
    basis = models.CharField(_("how it was set"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        ordering = ["resource_type", "unit"]
        verbose_name = _("unit value")
        verbose_name_plural = _("unit values")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "resource_type", "unit"], name="uniq_unit_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.unit} = {self.value}"


class SharingAgreement(BaseModel):
    """A sharing rule the partners agreed, with the split it gave on the day (computed from the
    contributions every partner may see, never from one partner's confidential ones)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    rule = models.CharField(_("agreed rule"), max_length=20)
    rule_label = models.CharField(_("rule"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    total_benefit = FixedDecimalField(_("total benefit"))
    #: [{"member": id, "name", "amount": "decimal text", "share": "decimal text"}] per partner.
    split = models.JSONField(_("split"), default=list)
    #: The sharing-game spec it was computed from, and the result (``mitra share`` JSON).
    spec = models.JSONField(_("sharing-game spec"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    note = models.TextField(_("note"), blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    #: Whether the negotiation record of the Goals tab holds it too.
    in_negotiation_record = models.BooleanField(_("in the negotiation record"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("agreed sharing rule")
        verbose_name_plural = _("agreed sharing rules")

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.rule}"

    @property
    def split_rows(self) -> list[dict[str, object]]:
        """The split with its amounts as ``Decimal`` (stored as text)."""
        return [{**row, "amount": Decimal(row["amount"])} for row in self.split]
