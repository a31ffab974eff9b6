"""Workplan, meetings and decisions of a partnership (issue 14).

- A *task* (or a *milestone*: one date) is assigned to a partner organisation and, optionally,
  one of its people; it has start and due dates, a status, other tasks it depends on (it cannot
  start before they end; no cycles) and, optionally, the lifecycle step it serves.
- A *meeting* of the partners has an agenda, attendees (organisations and people), its minutes
  (notulen) and its berita acara, a document of the partnership.
- A *decision* taken at a meeting records each partner's position (agree, disagree, abstain); its
  outcome follows the partnership's decision rule (``rules.outcome``). Its action items are tasks.
- A *calendar feed* is a secret address that calendar apps subscribe to without signing in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.models import BaseModel
from mitra.partnerships.models import Document, Partnership, PartnershipMember


class TaskKind(models.TextChoices):
    TASK = "task", _("Task")
    MILESTONE = "milestone", _("Milestone")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class DecisionRule(models.TextChoices):
    #: Adopted when at least one partner agrees and none disagrees (abstaining stands aside).
    CONSENSUS = "consensus", _("Consensus")
    #: Adopted when more partners agree than disagree (abstentions are not counted).
    MAJORITY = "majority", _("Simple majority")
    #: Adopted when the stake that agrees is larger than the stake that disagrees.
    WEIGHTED = "weighted", _("Weighted by stake")


class Position(models.TextChoices):
    AGREE = "agree", _("Agrees")
    DISAGREE = "disagree", _("Disagrees")
    ABSTAIN = "abstain", _("Abstains")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")


class WorkplanSettings(BaseModel):
    """What the partners agreed about how they decide (one row per partnership, once set)."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="workplan_settings",
        verbose_name=_("partnership"),
    )
    decision_rule = models.CharField(
        _("decision rule"),
        max_length=12,
        choices=DecisionRule.choices,
        default=DecisionRule.CONSENSUS,
        help_text=_(
            "How the partners' positions decide: consensus (no partner disagrees), simple "
            "majority of the partners voting, or weighted by each partner's equity share."
        ),
    )

    class Meta:
        verbose_name = _("workplan settings")
        verbose_name_plural = _("workplan settings")

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_decision_rule_display()}"


class Meeting(BaseModel):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(
        _("minutes (notulen)"),
        blank=True,
        help_text=_("What was discussed and agreed, as written down during the meeting."),
    )
    berita_acara = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("berita acara"),
        help_text=_("The signed official record of the meeting, a document of the partnership."),
    )
    attending_members = models.ManyToManyField(
        PartnershipMember,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("attending organisations"),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("attending people"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if (
            self.berita_acara_id
            and self.partnership_id
            and self.berita_acara.partnership_id != self.partnership_id
        ):
            errors["berita_acara"] = _("Choose a document of this partnership.")
        if errors:
            raise ValidationError(errors)


class Decision(BaseModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    title = models.CharField(_("decision"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    #: The rule in force when the decision was taken (a later change of rule does not rewrite it).
    rule = models.CharField(_("decision rule"), max_length=12, choices=DecisionRule.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title


class PartnerPosition(models.Model):
    """One partner's recorded position on a decision."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="positions", verbose_name=_("decision")
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="decision_positions",
        verbose_name=_("partner"),
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)

    class Meta:
        ordering = ["decision_id", "member_id"]
        verbose_name = _("partner's position")
        verbose_name_plural = _("partners' positions")
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="uniq_decision_position")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.position}"


class Task(BaseModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("partnership")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices, default="task")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("partner responsible"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workplan_tasks",
        verbose_name=_("person responsible"),
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        verbose_name=_("depends on"),
        help_text=_("Tasks that must end before this one starts."),
    )
    lifecycle_step = models.CharField(
        _("lifecycle step"),
        max_length=80,
        blank=True,
        help_text=_("The step of the partnership's lifecycle this task serves, if any."),
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("from the decision"),
    )
    #: When the "due soon" reminder went out (``notify_due_tasks``); cleared when the date moves.
    due_notified_at = models.DateTimeField(_("due reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["partnership_id", "start_date", "due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_milestone(self) -> bool:
        return self.kind == TaskKind.MILESTONE

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("The due date cannot be before the start date.")
        if (
            self.kind == TaskKind.MILESTONE
            and self.start_date
            and self.due_date
            and self.start_date != self.due_date
        ):
            errors["due_date"] = _("A milestone is one date: its start and due dates match.")
        if (
            self.member_id
            and self.partnership_id
            and self.member.partnership_id != self.partnership_id
        ):
            errors["member"] = _("Choose a partner of this partnership.")
        if errors:
            raise ValidationError(errors)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address of a calendar (the user's tasks and meetings, or one partnership's).

    Whoever holds the address reads the calendar, so it is shown to its owner only and can be
    revoked; it reads with its owner's rights at the time of reading (a partner that left sees
    nothing any more).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership"),
        help_text=_("Empty: every partnership of the user."),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} · {self.partnership or '*'}"
