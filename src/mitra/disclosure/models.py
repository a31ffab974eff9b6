"""Stored OCDS releases: the published history of each public partnership.

A release is appended by `services.release_sync(partnership=...)` when what the public may see of
a partnership differs from its latest release (compared by a hash of the content); it is never
edited afterwards, so release ids and dates stay stable across exports. Record packages compile
the stored releases. Releases are derived, append-only data written by the system (no user edits
them), so they carry no simple-history trail: the table itself is the history.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Partnership

from . import jsonio


class Release(models.Model):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="ocds_releases",
        verbose_name=_("partnership"),
    )
    #: 1, 2, 3, ... per partnership, in the order the releases were made.
    sequence = models.PositiveIntegerField(_("sequence"))
    ocid = models.CharField(_("OCID"), max_length=160, db_index=True)
    release_id = models.CharField(_("release id"), max_length=200, unique=True)
    date = models.DateTimeField(_("release date"))
    tags = models.JSONField(_("tags"), default=list)
    #: The whole release as canonical JSON text: amounts stay exact decimals (see jsonio).
    data_json = models.TextField(_("release JSON"))
    #: sha256 of the canonical JSON of the content (the release without id, date and tag) and
    #: of the partnership's stage (services.release_sync).
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["partnership_id", "sequence"]
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "sequence"], name="uniq_release_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.release_id

    @property
    def data(self) -> dict[str, Any]:
        return jsonio.loads(self.data_json)


class ReleaseMark(models.Model):
    """A partnership whose public content may have changed since its releases were last compared
    (see marks.py). Bookkeeping written by the system, never shown: no history, no timestamps."""

    #: No foreign key: a mark may be written beside the deletion of its partnership (a cascade
    #: signals each child), and a mark of a partnership that is gone is simply never read.
    partnership_id = models.BigIntegerField(_("partnership"), db_index=True)
    #: The day from which the mark is in force; empty: at once. A dated mark stands for content
    #: that changes by itself that day (a KPI report falling overdue).
    on = models.DateField(_("from"), null=True, blank=True)

    class Meta:
        verbose_name = _("release mark")
        verbose_name_plural = _("release marks")

    def __str__(self) -> str:
        return f"{self.partnership_id}@{self.on or '-'}"


class ReleaseBasis(models.Model):
    """What every release is built with besides the data (settings such as the public URL and
    the OCID prefix, and the release format's version), as one fingerprint: when it differs
    from the running one, every published partnership is marked for comparison (marks.py)."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("release basis")
        verbose_name_plural = _("release basis")

    def __str__(self) -> str:
        return self.fingerprint


class StoredProject(models.Model):
    """The OC4IDS project of a published infrastructure partnership, as last built: rebuilt
    whenever its releases are compared (services._sync_batch, under the partnership's lock), so
    it is as fresh as the releases (marks.py). Derived data written by the system."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("partnership"),
    )
    #: The project as canonical JSON text (amounts stay exact decimals, see jsonio).
    data_json = models.TextField(_("project JSON"))

    class Meta:
        verbose_name = _("OC4IDS project")
        verbose_name_plural = _("OC4IDS projects")

    def __str__(self) -> str:
        return str(self.partnership_id)

    @property
    def data(self) -> dict[str, Any]:
        return jsonio.loads(self.data_json)
