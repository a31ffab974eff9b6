"""What imports keep: the review queue of uncertain organisation matches, and column mappings
built in the web UI."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.organisations.models import Organisation


class ReviewStatus(models.TextChoices):
    #: Waiting for a staff member.
    PENDING = "pending", _("Pending")
    #: The spelling is the candidate: merged into it, the spelling kept as an alias.
    ACCEPTED = "accepted", _("Same organisation (merged)")
    #: A different organisation: both stay.
    REJECTED = "rejected", _("Different organisation")


class OrganisationMatchReview(models.Model):
    """An imported spelling that looks like an existing organisation but is not certainly it.

    The import created (or used) ``organisation`` for the spelling; staff decide whether it is
    ``candidate``. Accepting merges the two (see :func:`mitra.imports.reviews.review_resolve`).
    """

    imported_name = models.CharField(_("imported spelling"), max_length=200)
    source = models.CharField(_("source"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation created for the spelling"),
    )
    candidate = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        related_name="match_reviews",
        verbose_name=_("candidate organisation"),
    )
    #: 0…1: token overlap of the normalised names (mitra.imports.tables.similarity).
    score = models.FloatField(_("similarity score"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["status", "-score", "imported_name"]
        verbose_name = _("organisation match to review")
        verbose_name_plural = _("organisation matches to review")
        constraints = [
            models.UniqueConstraint(
                fields=["imported_name", "candidate"], name="uniq_review_spelling_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.imported_name} ≟ {self.candidate}"


class SavedMapping(models.Model):
    """A column mapping built in the web UI (same JSON format as the shipped mappings)."""

    name = models.SlugField(_("name"), max_length=60, unique=True)
    spec = models.JSONField(_("mapping"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")

    def __str__(self) -> str:
        return self.name


class ImportMode(models.TextChoices):
    """What an import does with rows that have errors (mitra.imports.report.MODES)."""

    #: Any error refuses the whole file; nothing is written (the default).
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    #: The valid rows are written; the rejected ones are listed with their reasons.
    VALID_ROWS = "valid_rows", _("Valid rows only")


class ImportRun(models.Model):
    """One import that was run (web job or command line): what was imported, how rows with
    errors were treated, and the report it left."""

    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_run",
        verbose_name=_("background job"),
    )
    format = models.CharField(_("format"), max_length=10)
    #: The column mapping of a table import, or the file name of an OCDS/OC4IDS one.
    source = models.CharField(_("source"), max_length=200, blank=True)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    mode = models.CharField(
        _("rows with errors"),
        max_length=20,
        choices=ImportMode.choices,
        default=ImportMode.ALL_OR_NOTHING,
    )
    succeeded = models.BooleanField(_("imported"), default=False)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rows rejected"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.format} {self.source} ({self.mode})"
