"""Disputes, grievances, political events and contract amendments of partnerships.

- ``DisputeSettings``: per partnership, the escalation ladder of its agreement (copied from a
  template and editable), the designated partner that answers grievances and how many days it
  has to acknowledge one, and the facts the political-exposure score reads that Mitra does not
  record elsewhere (dependence on one official, multi-year budget, DPRD approval, change-in-law
  clause).
- ``Dispute``: raised by a partner, between parties (partners, and communities or people who are
  not partners), walking up the ladder rung by rung, each rung with a deadline in days.
- ``Grievance``: filed by anyone on the public page of a published partnership, with a
  non-guessable reference to follow it; the contact details are never shown publicly.
- ``PoliticalEvent`` and ``EventLink``: elections, changes of leaders, new regulation, budget
  cuts, changes in law, and the partnerships each affects (with the stress scenario it implied).
- ``ContractAmendment``: a renegotiated change to the agreement (OCDS ``contracts[].amendments``).

Every model is versioned (``BaseModel``) and audited (simple-history, registered in
``DisputesConfig.ready()``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.models import BaseModel
from mitra.partnerships.models import Document, Partnership, PartnershipMember


class DisputeType(models.TextChoices):
    OBJECTIVES = "objectives", _("Objectives")
    RESOURCES = "resources", _("Resources")
    PROCEDURE = "procedure", _("Procedure")
    PERFORMANCE = "performance", _("Performance")
    PAYMENT = "payment", _("Payment")
    GRIEVANCE = "grievance", _("Grievance from affected people")


class Rung(models.TextChoices):
    """The steps of an escalation ladder."""

    NEGOTIATION = "negotiation", _("Negotiation (musyawarah)")
    STEERING = "steering", _("Steering committee")
    EXPERT = "expert", _("Independent expert")
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration (BANI)")
    COURT = "court", _("Court")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Dependence(models.TextChoices):
    NONE = "none", _("No: several institutions back it")
    SOME = "some", _("Partly")
    STRONG = "strong", _("Yes: it rests on one official's support")


class DisputeSettings(BaseModel):
    """One per partnership, created with the first write (defaults apply until then)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="dispute_settings"
    )
    ladder_template = models.CharField(_("ladder template"), max_length=20, blank=True)
    #: [{"rung": Rung, "days": int}, ...] in order.
    ladder = models.JSONField(_("escalation ladder"), default=list, blank=True)
    designated_member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner that answers grievances"),
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("days to acknowledge a grievance"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    official_dependence = models.CharField(
        _("does the partnership depend on one official's support?"),
        max_length=10,
        choices=Dependence.choices,
        default=Dependence.SOME,
    )
    multi_year_budget = models.BooleanField(
        _("multi-year budget commitment (kontrak tahun jamak)"), default=False
    )
    dprd_approval = models.BooleanField(_("DPRD approval"), default=False)
    change_in_law_clause = models.BooleanField(_("change-in-law clause"), default=False)

    class Meta:
        verbose_name = _("dispute settings")
        verbose_name_plural = _("dispute settings")

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.ladder_template}"

    def clean(self) -> None:
        check_ladder(self.ladder)


def check_ladder(ladder: object) -> None:
    if not isinstance(ladder, list) or not ladder:
        raise ValidationError({"ladder": _("Give at least one rung.")})
    for step in ladder:
        if (
            not isinstance(step, dict)
            or step.get("rung") not in Rung.values
            or not isinstance(step.get("days"), int)
            or not 1 <= step["days"] <= 730
        ):
            raise ValidationError(
                {"ladder": _("Each rung needs a known step and a deadline of 1 to 730 days.")}
            )


class Dispute(BaseModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="disputes")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is disputed"), blank=True)
    dispute_type = models.CharField(_("type"), max_length=12, choices=DisputeType.choices)
    parties = models.ManyToManyField(
        PartnershipMember, related_name="disputes", blank=True, verbose_name=_("partners involved")
    )
    other_parties = models.TextField(
        _("others involved"),
        blank=True,
        help_text=_("Communities or people who are not partners, one per line."),
    )
    #: The ladder when the dispute was raised: [{"rung": ..., "days": ...}].
    ladder = models.JSONField(_("escalation ladder"), default=list)
    rung = models.PositiveSmallIntegerField(_("current step"), default=0)
    rung_started_at = models.DateTimeField(_("on this step since"), default=timezone.now)
    #: [{"rung": index, "at": iso, "by": name, "reason": text, "on_deadline": bool}]
    steps = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the partners involved see it."),
    )
    documents = models.ManyToManyField(
        Document, related_name="disputes", blank=True, verbose_name=_("documents")
    )
    outcome = models.TextField(_("outcome"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    #: When the last rung's deadline passed and the parties were told (once).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    grievance = models.OneToOneField(
        "Grievance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispute",
        verbose_name=_("grievance"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_ladder(self.ladder)
        if self.rung >= len(self.ladder or []):
            raise ValidationError({"rung": _("This step is not on the ladder.")})
        if self.status == DisputeStatus.RESOLVED and not self.outcome.strip():
            raise ValidationError({"outcome": _("Say how the dispute was settled.")})

    @property
    def current(self) -> dict:
        return self.ladder[self.rung] if self.ladder and self.rung < len(self.ladder) else {}

    @property
    def deadline(self) -> timezone.datetime:
        return self.rung_started_at + timezone.timedelta(days=int(self.current.get("days", 0)))

    @property
    def has_next(self) -> bool:
        return self.rung + 1 < len(self.ladder or [])


class GrievanceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("Being handled as a dispute")
    CLOSED = "closed", _("Closed")


#: Crockford's base 32 without I, L, O, U: easy to read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """GRV-<year>-XXXXXXXX: 40 random bits, not guessable from another reference."""
    code = "".join(secrets.choice(_ALPHABET) for _i in range(8))
    return f"GRV-{timezone.localdate().year}-{code}"


class Grievance(BaseModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="grievances"
    )
    reference = models.CharField(
        _("reference"), max_length=30, unique=True, default=new_reference, editable=False
    )
    name = models.CharField(_("your name"), max_length=120, blank=True)
    #: Never shown publicly: only the partners who handle the grievance read it.
    contact = models.CharField(_("phone or e-mail"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    desa = models.CharField(_("village (desa or kelurahan)"), max_length=120, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=GrievanceStatus.choices,
        default=GrievanceStatus.RECEIVED,
    )
    public_response = models.TextField(
        _("public response"),
        blank=True,
        help_text=_("Shown on the public status page of the grievance."),
    )
    acknowledge_by = models.DateTimeField(_("to be acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")

    def __str__(self) -> str:
        return self.reference


class EventKind(models.TextChoices):
    ELECTION = "election", _("Election or Pilkada")
    HEAD_CHANGE = "head_change", _("Change of head of region or minister")
    REGULATION = "regulation", _("New regulation")
    BUDGET_CUT = "budget_cut", _("Budget cut")
    CHANGE_IN_LAW = "change_in_law", _("Change in law")


class PoliticalEvent(BaseModel):
    kind = models.CharField(_("kind"), max_length=15, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    region = models.CharField(
        _("region"), max_length=120, blank=True, help_text=_("Empty for a national event.")
    )
    source = models.URLField(_("source"), blank=True)
    partnerships = models.ManyToManyField(
        Partnership,
        through="EventLink",
        related_name="political_events",
        blank=True,
        verbose_name=_("partnerships affected"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("political or policy event")
        verbose_name_plural = _("political and policy events")

    def __str__(self) -> str:
        return self.title


class EventLink(BaseModel):
    """An event that affects a partnership, and the stress scenario it implied (once run)."""

    event = models.ForeignKey(PoliticalEvent, on_delete=models.CASCADE, related_name="links")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="event_links"
    )
    note = models.TextField(_("how it affects the partnership"), blank=True)
    scenario = models.ForeignKey(
        "finance.StressScenario",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stress scenario"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event__date", "id"]
        verbose_name = _("event affecting a partnership")
        verbose_name_plural = _("events affecting partnerships")
        constraints = [
            models.UniqueConstraint(fields=["event", "partnership"], name="uniq_event_link"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.partnership_id}"


class ContractAmendment(BaseModel):
    """A renegotiated change to the agreement (OCDS ``contracts[].amendments``)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="contract_amendments"
    )
    date = models.DateField(_("date"))
    rationale = models.TextField(_("why"))
    description = models.TextField(_("what changes"))
    amends = models.CharField(
        _("amends"), max_length=200, help_text=_("The agreement or clause it changes.")
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("amended document"),
    )
    event = models.ForeignKey(
        PoliticalEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("following the event"),
    )
    dispute = models.ForeignKey(
        Dispute,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("settling the dispute"),
    )
    public = models.BooleanField(
        _("publish with the open contracting data"),
        default=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")

    def __str__(self) -> str:
        return f"{self.date}: {self.amends}"
