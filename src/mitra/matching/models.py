"""Matching: what an organisation says it can bring (its matching profile) and the offers it
makes on other partnerships' open needs.

An offer is never public: the offering organisation's users and the partnership's managers (the
administrators of its lead partner) see it, nobody else — not other partners, not the public,
not open data, not the Django admin. Offers and profiles are audited (simple-history, registered
in ``MatchingConfig.ready()`` after modeltranslation has added the language columns) and
versioned (a stale accept, decline or edit is refused).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.coordination.models import Invitation
from mitra.core.choices import Confidentiality, Currency
from mitra.core.fields import FixedDecimalField
from mitra.core.models import BaseModel
from mitra.core.regions import subdivisions
from mitra.organisations.models import Organisation
from mitra.partnerships.models import (
    Commitment,
    DevelopmentSector,
    Need,
    PartnershipForm,
    positive,
)


class MatchingProfile(BaseModel):
    """What an organisation can bring beyond its directory entry: capabilities in words (both
    languages), the provinces and development sectors it works in, the partnership forms it
    knows, and how much cash it can still pledge in a year (optional)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="matching_profile",
        verbose_name=_("organisation"),
    )
    capabilities = models.TextField(
        _("capabilities"),
        blank=True,
        help_text=_("What your organisation can do for a partnership, in a few sentences."),
    )
    regions = models.JSONField(
        _("provinces served"),
        default=list,
        blank=True,
        help_text=_("ISO 3166-2 codes of the provinces where it works, e.g. ID-JB."),
    )
    nationwide = models.BooleanField(_("works nationwide"), default=False)
    development_sectors = models.JSONField(_("sectors of work"), default=list, blank=True)
    forms = models.JSONField(_("partnership forms it knows"), default=list, blank=True)
    annual_capacity = FixedDecimalField(
        _("cash it can pledge in a year"),
        null=True,
        blank=True,
        validators=[positive],
        help_text=_("Optional. Used only to rank, never shown to other organisations."),
    )
    capacity_currency = models.CharField(
        _("currency of that amount"), max_length=3, blank=True, choices=Currency.choices
    )
    open_to_offers = models.BooleanField(
        _("suggest us for open needs"),
        default=True,
        help_text=_("Untick to stay out of the suggested partners of other partnerships."),
    )

    class Meta:
        verbose_name = _("matching profile")
        verbose_name_plural = _("matching profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        provinces = subdivisions("ID")
        if not isinstance(self.regions, list) or not all(r in provinces for r in self.regions):
            errors["regions"] = _("Unknown province (use its ISO 3166-2 code, e.g. ID-JB).")
        elif len(set(self.regions)) != len(self.regions):
            errors["regions"] = _("Each province may be listed once.")
        if not isinstance(self.development_sectors, list) or not all(
            s in DevelopmentSector.values for s in self.development_sectors
        ):
            errors["development_sectors"] = _("Unknown development sector.")
        if not isinstance(self.forms, list) or not all(
            f in PartnershipForm.values for f in self.forms
        ):
            errors["forms"] = _("Unknown partnership form.")
        if self.annual_capacity is not None and not self.capacity_currency:
            errors["capacity_currency"] = _("Give the currency of this amount.")
        if errors:
            raise ValidationError(errors)


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the coordinator")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    #: Accepted by the coordinator, but the organisation's administrators declined the
    #: invitation that came with it (or it was withdrawn): no partner, no commitment.
    REFUSED = "refused", _("Declined by the organisation")


class Offer(BaseModel):
    """An organisation's offer to fill (part of) another partnership's open need.

    Counted in the need's own measure: its currency for cash, its unit otherwise. Accepted, it
    becomes a commitment of the offering organisation (``commitment``) — at once when the
    organisation is a partner already or the offer was made by one of its administrators (the
    offer is the organisation's consent); otherwise the organisation is invited (``invitation``)
    and the commitment, with the confidentiality the coordinator chose
    (``commitment_confidentiality``), is created when its administrators accept (issue 14)."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="offers", verbose_name=_("need")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("offering organisation"),
    )
    quantity = FixedDecimalField(_("offered quantity or amount"), validators=[positive])
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    terms = models.TextField(_("terms"), blank=True)
    message = models.TextField(_("message to the coordinator"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    commitment = models.OneToOneField(
        Commitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer",
        verbose_name=_("resulting commitment"),
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitation to join"),
        help_text=_(
            "Sent when the offer was accepted but made by someone who is not an administrator "
            "of the offering organisation: it becomes a partner only when they accept."
        ),
    )
    commitment_confidentiality = models.CharField(
        _("confidentiality of the commitment"),
        max_length=10,
        blank=True,
        choices=Confidentiality.choices,
        help_text=_("Chosen by the coordinator on accepting; used when the commitment is created."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.need_id}"

    @property
    def measure(self) -> str:
        return self.currency or self.unit

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.OPEN

    @property
    def awaits_organisation(self) -> bool:
        """Accepted by the coordinator, waiting for the offering organisation's administrators
        to accept the invitation (no commitment yet)."""
        return (
            self.status == OfferStatus.ACCEPTED
            and self.commitment_id is None
            and self.invitation_id is not None
        )

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.need_id:
            need = self.need
            if need.currency:
                if self.currency != need.currency:
                    errors["currency"] = _(
                        "This need is counted in %(currency)s: offer in that currency."
                    ) % {"currency": need.currency}
                if self.unit:
                    errors["unit"] = _("A cash offer has no unit.")
            else:
                if self.unit != need.unit:
                    errors["unit"] = _("This need is counted in %(unit)s: offer in that unit.") % {
                        "unit": need.get_unit_display() or need.unit
                    }
                if self.currency:
                    errors["currency"] = _("Only cash needs take a currency.")
        if self.status == OfferStatus.DECLINED and not self.decline_reason.strip():
            errors["decline_reason"] = _("Say why the offer is declined.")
        if errors:
            raise ValidationError(errors)
