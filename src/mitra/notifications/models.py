"""Notifications: what a person is told (in the app and by e-mail), and the activity feed.

This app sits below partnerships in the layers (pyproject's import-linter contract) so that every
capability, partnerships included, can notify. It therefore refers to a partnership by its id,
not by a foreign key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """One thing one person is told. The text is rendered from ``kind`` and ``params`` in the
    reader's language when shown or e-mailed (``kinds.message``), never stored translated."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    partnership_id = models.PositiveBigIntegerField(_("partnership"), null=True, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(fields=["partnership_id", "created_at"], name="notif_partnership"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class Activity(models.Model):
    """One entry of a partnership's activity feed (written once per event, whoever is told)."""

    partnership_id = models.PositiveBigIntegerField(_("partnership"), db_index=True)
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: Shown only to the partnership's partners (not to the public) when True.
    internal = models.BooleanField(_("partners only"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.partnership_id}"


class Preference(models.Model):
    """How a person wants to be told, and in which language its e-mails are written."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.CharField(
        _("e-mail"), max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.email}"


class Follow(models.Model):
    """A person follows a partnership: told of its activity (what they may see of it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("user"),
    )
    partnership_id = models.PositiveBigIntegerField(_("partnership"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership_id"], name="uniq_follow")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.partnership_id}"
