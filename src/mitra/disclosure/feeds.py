"""Atom feed of newly published or changed public partnerships (in the reader's language)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from mitra.core.text import strip_controls
from mitra.partnerships.models import Partnership

FEED_SIZE = 50
#: Titles and summaries go through core.text.strip_controls: one stored title with a vertical
#: tab (XML 1.0 cannot hold it) must not break the feed for everyone.


class PartnershipFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = _("Mitra: published partnerships")
    subtitle = _("Partnerships newly published or changed, newest first.")

    def link(self) -> str:
        return reverse("partnerships:list")

    def items(self) -> QuerySet[Partnership]:
        return Partnership.objects.published().order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Partnership) -> str:
        return strip_controls(f"{item.title} ({item.code})")

    def item_description(self, item: Partnership) -> str:
        # The feed generator escapes this text; it is plain text, never HTML.
        parts = [item.get_form_display(), item.get_stage_display(), item.summary]
        return strip_controls(" · ".join(str(p) for p in parts if p))

    def item_link(self, item: Partnership) -> str:
        return reverse("partnerships:detail", args=[item.pk])

    def item_guid(self, item: Partnership) -> str:
        return f"urn:mitra:partnership:{item.code}:v{item.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Partnership) -> datetime:
        return item.published_at or item.created_at

    def item_updateddate(self, item: Partnership) -> datetime:
        return item.updated_at
