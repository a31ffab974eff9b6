"""Coordination: invitations to join a partnership, sign-offs of lifecycle steps, each
organisation's approval policy, stage changes and departures (the audit of the lifecycle)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.models import BaseModel
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership, PartnershipMember, Stage


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(BaseModel):
    """The lead invites an organisation; its admins accept (it becomes a partner) or decline."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("partnership"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="partnership_invitations",
        verbose_name=_("organisation"),
    )
    roles = models.JSONField(_("roles"), default=list)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    response = models.TextField(_("answer"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=models.Q(status="pending"),
                name="uniq_pending_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.partnership_id} ({self.status})"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class SignOff(BaseModel):
    """One person's approval or rejection of a step, on behalf of their partner organisation.

    A person's latest decision counts; going back a stage withdraws the sign-offs of the stages
    to redo (``withdrawn_at``), which stay in the record."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.CharField(_("step"), max_length=80)
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="sign_offs",
        verbose_name=_("partner"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        indexes = [models.Index(fields=["partnership", "step"])]

    def __str__(self) -> str:
        return f"{self.step}: {self.decision}"


class ApprovalPolicy(BaseModel):
    """How an organisation signs off: how many of its approvers must approve, and who they are
    (its administrators when nobody is named)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="approval_policy",
        verbose_name=_("organisation"),
    )
    required_approvals = models.PositiveSmallIntegerField(
        _("approvals required"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many of the organisation's approvers must approve a step."),
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("designated approvers"),
        help_text=_("Leave empty: the organisation's administrators approve."),
    )

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.required_approvals}"


class StageChange(models.Model):
    """Every move of a partnership's stage through the gate, with the reason to go back."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Departure(models.Model):
    """A partner left: when, why, and who recorded it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="departures"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("departure")
        verbose_name_plural = _("departures")

    def __str__(self) -> str:
        return f"{self.organisation} left {self.partnership_id}"


class DeadlineExtension(models.Model):
    """A step's deadline moved later by the lead partner: from which date to which, why, who
    and when. The latest extension of a step sets its due date (the countdown follows it)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    step = models.CharField(_("step"), max_length=80)
    from_date = models.DateField(_("due before"))
    to_date = models.DateField(_("due now"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("extended by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        indexes = [models.Index(fields=["partnership", "step"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_date__gt=models.F("from_date")),
                name="deadline_extension_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {self.from_date} → {self.to_date}"
