"""Reads for the open-data export: public partnerships and only their public parts.

Every read starts from `Partnership.objects.published()` (drafts and partners-only partnerships
never reach an export) and keeps only PUBLIC-confidentiality documents and commitments. The
builders in `ocds.py` and `oc4ids.py` get a `PublicPartnership` bundle and nothing else, so they
cannot reach confidential rows by following a relation.

The risk register comes as plain `PublicRisk` values holding only what riskAllocation publishes
(code, category, Indonesian title and description, each party's share, sector and rationale):
the quantitative inputs (probability, impact, years, unit value, capacities), cost
confidentiality and internal notes are not even read from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
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
    canonical_code,
)
from mitra.risks.models import Risk, RiskAllocation

from .codelists import INFRASTRUCTURE_SECTORS


@dataclass(frozen=True)
class PublicShare:
    """One party's share of a risk, as riskAllocation may tell it."""

    #: The risk-bearing party's name in the register.
    party: str
    #: The sector of the partner's organisation (organisations.Sector), None for a party linked
    #: to no partner.
    sector: str | None
    #: 0..1, exact.
    share: Decimal
    #: Indonesian rationale ("" when none).
    rationale: str


@dataclass(frozen=True)
class PublicRisk:
    """A risk of the register without its figures: what riskAllocation may tell."""

    code: str
    category: str
    title: str
    description: str
    #: In the register's party order.
    shares: tuple[PublicShare, ...]


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
    #: The risk register without its quantitative inputs, in register order.
    risks: list[PublicRisk] = field(default_factory=list)


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
        return Partnership.objects.published().get(code=canonical_code(code))
    except Partnership.DoesNotExist:
        raise NotFound(_("Partnership not found.")) from None


def _public_risk(risk: Risk) -> PublicRisk:
    shares = []
    for a in risk.allocations.all():
        member = a.party.member
        shares.append(
            PublicShare(
                party=a.party.name,
                sector=member.organisation.sector if member is not None else None,
                share=a.share,
                rationale=(a.rationale_ind or "").strip(),  # type: ignore[attr-defined]
            )
        )
    return PublicRisk(
        code=risk.code,
        category=risk.category,
        title=(risk.title_ind or risk.title_en or risk.code).strip(),  # type: ignore[attr-defined]
        description=(risk.description_ind or "").strip(),  # type: ignore[attr-defined]
        shares=tuple(shares),
    )


def _risks_prefetch() -> Prefetch:
    """The register's risks with their shares (two queries for any number of partnerships),
    reading only the columns riskAllocation publishes."""
    allocations = (
        RiskAllocation.objects.select_related("party__member__organisation")
        .only(
            "risk",
            "share",
            "rationale_ind",
            "party__name",
            "party__order",
            "party__member__organisation__sector",
        )
        .order_by("party__order", "party_id")
    )
    risks = (
        Risk.objects.only(
            "partnership", "code", "order", "category", "title_ind", "title_en", "description_ind"
        )
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("order", "id")
    )
    return Prefetch("risks", queryset=risks, to_attr="public_risks")


def _amendments_prefetch() -> Prefetch:
    from mitra.disputes.selectors import amendments_prefetch

    return amendments_prefetch()


def _kpis_prefetch() -> Prefetch:
    from mitra.results.selectors import kpis_prefetch

    return kpis_prefetch()


#: What no release reads of a member and its organisation: a page of 1,000 partnerships reads
#: about 6,500 of each, and leaving these columns out (timestamps, the description in every
#: language, the lists kept as JSON) reads that page's bundles about a tenth faster (median 901
#: -> 826 ms, in-process A/B on the H2020 import). The disclosure tests count queries, so
#: reading one of them would show (one query per member).
_UNPUBLISHED_MEMBER_COLUMNS = (
    "created_at",
    "updated_at",
    "organisation__created_at",
    "organisation__updated_at",
    "organisation__description",
    "organisation__description_ind",
    "organisation__description_en",
    "organisation__expertise",
    "organisation__resource_types",
    "organisation__aliases",
)


def public_bundles(partnerships: QuerySet[Partnership]) -> list[PublicPartnership]:
    """The public parts of each partnership, in a fixed number of queries."""
    qs = partnerships.published().prefetch_related(
        Prefetch(
            "members",
            queryset=PartnershipMember.objects.filter(left_on__isnull=True)
            .select_related("organisation")
            .defer(*_UNPUBLISHED_MEMBER_COLUMNS)
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
        _risks_prefetch(),
        _amendments_prefetch(),
        _kpis_prefetch(),
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
            risks=[_public_risk(r) for r in p.public_risks],  # type: ignore[attr-defined]
        )
        for p in items
    ]


def public_bundle(partnership: Partnership) -> PublicPartnership:
    found = public_bundles(Partnership.objects.filter(pk=partnership.pk))
    if not found:
        raise NotFound(_("Partnership not found."))
    return found[0]
