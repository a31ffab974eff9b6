"""Reads for the open-data export: public partnerships and only their public parts.

Every read starts from `Partnership.objects.published()` (drafts and partners-only partnerships
never reach an export) and keeps only PUBLIC-confidentiality documents and commitments. The
builders in `ocds.py` and `oc4ids.py` get a `PublicPartnership` bundle and nothing else, so they
cannot reach confidential rows by following a relation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Confidentiality, Currency
from mitra.core.errors import NotFound
from mitra.organisations.models import ResourceType
from mitra.partnerships.models import (
    Commitment,
    Document,
    Partnership,
    PartnershipMember,
)

from .codelists import INFRASTRUCTURE_SECTORS


@dataclass(frozen=True)
class PublicPartnership:
    """What the public may see of one published partnership."""

    partnership: Partnership
    #: Current members (left_on empty), with their organisations, in joining order.
    members: list[PartnershipMember]
    #: PUBLIC documents only.
    documents: list[Document]
    #: PUBLIC cash commitments of current members (they become `Finance` entries).
    cash_commitments: list[Commitment]


def published_partnerships(*, filters: dict[str, Any] | None = None) -> QuerySet[Partnership]:
    """Published partnerships, filtered; oldest first (stable package order).

    Filters: code, form, development_sector (or sector), stage, province.
    """
    filters = filters or {}
    qs = Partnership.objects.published()
    for key in ("code", "form", "development_sector", "stage", "province"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("sector"):
        qs = qs.filter(development_sector=filters["sector"])
    return qs.order_by("created_at", "id")


def infrastructure_partnerships(*, filters: dict[str, Any] | None = None) -> QuerySet[Partnership]:
    """Published partnerships of an infrastructure sector (codelists.INFRASTRUCTURE_SECTORS)."""
    return published_partnerships(filters=filters).filter(
        development_sector__in=INFRASTRUCTURE_SECTORS
    )


def published_partnership_get(*, code: str) -> Partnership:
    """One published partnership by code; `NotFound` for unknown and non-public ones alike."""
    try:
        return Partnership.objects.published().get(code=code)
    except Partnership.DoesNotExist:
        raise NotFound(_("Partnership not found.")) from None


def public_bundles(partnerships: QuerySet[Partnership]) -> list[PublicPartnership]:
    """The public parts of each partnership, in a fixed number of queries."""
    qs = partnerships.published().prefetch_related(
        Prefetch(
            "members",
            queryset=PartnershipMember.objects.filter(left_on__isnull=True)
            .select_related("organisation")
            .order_by("id"),
            to_attr="public_members",
        ),
        Prefetch(
            "documents",
            queryset=Document.objects.filter(confidentiality=Confidentiality.PUBLIC).order_by(
                "created_at", "id"
            ),
            to_attr="public_documents",
        ),
    )
    items = list(qs)
    commitments: dict[int, list[Commitment]] = {p.pk: [] for p in items}
    rows = (
        Commitment.objects.filter(
            need__partnership__in=[p.pk for p in items],
            need__resource_type=ResourceType.CASH,
            need__currency__in=Currency.values,
            confidentiality=Confidentiality.PUBLIC,
            member__left_on__isnull=True,
        )
        .select_related("need", "member", "member__organisation")
        .order_by("id")
    )
    for c in rows:
        commitments[c.need.partnership_id].append(c)
    return [
        PublicPartnership(
            partnership=p,
            members=list(p.public_members),  # type: ignore[attr-defined]
            documents=list(p.public_documents),  # type: ignore[attr-defined]
            cash_commitments=commitments[p.pk],
        )
        for p in items
    ]


def public_bundle(partnership: Partnership) -> PublicPartnership:
    found = public_bundles(Partnership.objects.filter(pk=partnership.pk))
    if not found:
        raise NotFound(_("Partnership not found."))
    return found[0]
