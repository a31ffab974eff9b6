"""Reads for partnerships: what a user may see, and the figures pages and API show.

Every function takes the viewing user and returns only what that user may see. Each runs a fixed
number of queries whatever the number of rows (tests assert it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db.models import Case, Count, FloatField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from mitra.core.choices import Confidentiality
from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.history import HistoryEntry, entries_from_records, with_organisations
from mitra.core.search import (
    Unaccent,
    folded_aliases,
    folded_contains,
    is_postgresql,
    query_words,
    sqlite_functions,
)
from mitra.organisations.models import OrganisationMembership
from mitra.organisations.permissions import user_organisation_ids

from .history_sources import registered_history
from .models import (
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
    Stage,
    Visibility,
    canonical_code,
)
from .permissions import can_view_internal, can_view_item, can_view_partnership

ZERO = Decimal("0.00")


# --- lists --------------------------------------------------------------------------------------


def partnership_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Partnership]:
    """Partnerships the user may see, filtered; newest first, or best match first when searching.

    Filters: form, stage, development_sector, province, visibility, q (words of the title or
    summary in either language, or the beginning of a code), partner_sector (a current member
    comes from that sector), my_role (a role my organisation holds), mine (bool: my organisation
    is a member), organisation (id of an organisation that is a member).

    Membership filters are ``pk IN (subquery)``, never joins with DISTINCT, so a page and its
    count stay single narrow queries whatever the number of members.
    """
    filters = filters or {}
    qs = Partnership.objects.visible_to(user)
    for key in ("form", "stage", "development_sector", "province", "visibility"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    current = PartnershipMember.objects.filter(left_on__isnull=True)
    if filters.get("partner_sector"):
        qs = qs.filter(
            pk__in=current.filter(organisation__sector=filters["partner_sector"]).values(
                "partnership_id"
            )
        )
    if filters.get("organisation"):
        qs = qs.filter(
            pk__in=PartnershipMember.objects.filter(organisation_id=filters["organisation"]).values(
                "partnership_id"
            )
        )
    orgs = user_organisation_ids(user)
    if filters.get("my_role"):
        qs = qs.filter(
            pk__in=current.filter(
                organisation_id__in=orgs, role_rows__role=filters["my_role"]
            ).values("partnership_id")
        )
    if filters.get("mine"):
        qs = qs.filter(pk__in=current.filter(organisation_id__in=orgs).values("partnership_id"))
    term = str(filters.get("q") or "").strip()
    if term:
        return search_partnerships(qs, term)
    return qs.order_by("-created_at", "-id")


#: The searched text of a partnership: its titles weigh most (A), its summaries less (B). The
#: GIN index of migration 0007 is built on exactly this expression (a test checks it is used).
def search_vector() -> CombinedSearchVector:
    return SearchVector(
        Unaccent("title_ind"), Unaccent("title_en"), config="simple", weight="A"
    ) + SearchVector(Unaccent("summary_ind"), Unaccent("summary_en"), config="simple", weight="B")


_CODE_LIKE = re.compile(r"[^\W_]+-[\w-]*", re.UNICODE)


def search_partnerships(qs: QuerySet[Partnership], term: str) -> QuerySet[Partnership]:
    """Rows of `qs` matching the search `term`, best first (annotated ``search_rank``).

    PostgreSQL: full-text search with the web search syntax ("a phrase", or, -word) over the
    titles and summaries in both languages, accents and case ignored; ranked by ``ts_rank`` with
    titles above summaries, then newest first. SQLite: every word (accents and case ignored) in a
    title or summary; a title match ranks above a summary-only match. Both: a term shaped like a
    code ("KPSos-2026", the full code, or a retired prefix) also finds the codes that start so.
    """
    code = canonical_code(term) if _CODE_LIKE.fullmatch(term) else ""
    if is_postgresql():
        query = SearchQuery(Unaccent(Value(term)), config="simple", search_type="websearch")
        vector = search_vector()
        matches = Q(search_document=query)
        if code:
            matches |= Q(code__istartswith=code)
        return (
            qs.alias(search_document=vector)
            .filter(matches)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", "-created_at", "-id")
        )
    sqlite_functions()
    titles, summaries = ["title_ind", "title_en"], ["summary_ind", "summary_en"]
    qs = qs.alias(**folded_aliases(titles + summaries))
    in_title = folded_contains(titles, term)
    matches = folded_contains(titles + summaries, term)
    if code:
        in_title |= Q(code__istartswith=code)
        matches |= Q(code__istartswith=code)
    if not query_words(term)[0] and not code:
        return qs.none()
    return (
        qs.filter(matches)
        .annotate(
            search_rank=Case(
                When(in_title, then=Value(1.0)), default=Value(0.4), output_field=FloatField()
            )
        )
        .order_by("-search_rank", "-created_at", "-id")
    )


def with_members(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return qs.prefetch_related(
        Prefetch("members", queryset=PartnershipMember.objects.select_related("organisation"))
    )


def partnership_get(*, user: Any, pk: int | None = None, code: str | None = None) -> Partnership:
    """One partnership the user may see, with its members; `NotFound` otherwise (never 403)."""
    qs = with_members(Partnership.objects.select_related("created_by"))
    try:
        partnership = qs.get(pk=pk) if pk is not None else qs.get(code=canonical_code(code or ""))
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Partnership not found.")) from None
    if not can_view_partnership(user, partnership):
        raise NotFound(_("Partnership not found."))
    return partnership


def require_internal(user: Any, partnership: Partnership) -> None:
    if not can_view_internal(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership can see this."))


# --- fulfilment -------------------------------------------------------------------------------------


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    delivered: Decimal
    deliveries: list[Delivery]

    @property
    def fulfilment_pct(self) -> Decimal | None:
        return _pct(self.delivered, self.commitment.quantity)


@dataclass(frozen=True)
class NeedRow:
    need: Need
    pledged: Decimal
    delivered: Decimal
    commitments: list[CommitmentRow]
    #: Commitments against this need that the viewer may not see: counted, never summed, so
    #: that the page says "commitments not shown: n" instead of a gap that may not exist.
    hidden_commitments: int = 0

    @property
    def gap_known(self) -> bool:
        """Whether the gap is the real one (the viewer sees every commitment of the need)."""
        return self.hidden_commitments == 0

    @property
    def gap(self) -> Decimal:
        """What no partner has pledged yet (never below zero)."""
        return max(self.need.quantity - self.pledged, ZERO)

    @property
    def over_pledged(self) -> bool:
        """More is pledged than the need asks for (shown as such, not as a bar past 100 %)."""
        return self.pledged > self.need.quantity

    @property
    def excess(self) -> Decimal:
        """Pledged beyond the need (zero when not over-pledged)."""
        return max(self.pledged - self.need.quantity, ZERO)

    @property
    def pledged_pct(self) -> Decimal | None:
        return _pct(self.pledged, self.need.quantity)

    @property
    def delivered_pct(self) -> Decimal | None:
        return _pct(self.delivered, self.need.quantity)


@dataclass(frozen=True)
class MemberMeasureRow:
    """Pledged and delivered by one member in one measure (a currency or a unit)."""

    member: PartnershipMember
    measure: str
    is_money: bool
    pledged: Decimal
    delivered: Decimal

    @property
    def fulfilment_pct(self) -> Decimal | None:
        return _pct(self.delivered, self.pledged)


@dataclass(frozen=True)
class Fulfilment:
    needs: list[NeedRow]
    members: list[MemberMeasureRow]
    totals: dict[str, Any] = field(default_factory=dict)


def fulfilment(*, user: Any, partnership: Partnership) -> Fulfilment:
    """Needs with pledged, delivered and gap, and pledged vs delivered per member.

    Commitments the viewer may not see (another organisation's confidential ones, or
    partners-only ones for the public) are left out of every figure, so that no total lets a
    viewer work out a confidential amount. Their number is given per need
    (``hidden_commitments``), never their amounts: without it a reader would see a gap, in red,
    that the partners may already have closed. Three queries.
    """
    needs = list(partnership.needs.all().order_by("id"))
    commitments = list(
        Commitment.objects.filter(need__partnership=partnership)
        .select_related("member__organisation")
        .order_by("id")
    )
    deliveries = list(
        Delivery.objects.filter(commitment__need__partnership=partnership)
        .select_related("evidence")
        .order_by("delivered_on", "id")
    )
    by_commitment: dict[int, list[Delivery]] = defaultdict(list)
    for d in deliveries:
        by_commitment[d.commitment_id].append(d)
    need_by_id = {n.pk: n for n in needs}
    visible_by_need: dict[int, list[CommitmentRow]] = defaultdict(list)
    member_totals: dict[tuple[int, str], list[Decimal]] = {}
    member_by_id: dict[int, PartnershipMember] = {}
    hidden: dict[int, int] = defaultdict(int)
    for c in commitments:
        if not can_view_item(user, partnership, c.confidentiality, c.member.organisation_id):
            hidden[c.need_id] += 1
            continue
        delivered = sum((d.quantity for d in by_commitment[c.pk]), ZERO)
        row = CommitmentRow(commitment=c, delivered=delivered, deliveries=by_commitment[c.pk])
        visible_by_need[c.need_id].append(row)
        need = need_by_id[c.need_id]
        key = (c.member_id, need.measure)
        totals = member_totals.setdefault(key, [ZERO, ZERO])
        totals[0] += c.quantity
        totals[1] += delivered
        member_by_id[c.member_id] = c.member
    need_rows = [
        NeedRow(
            need=n,
            pledged=sum((r.commitment.quantity for r in visible_by_need[n.pk]), ZERO),
            delivered=sum((r.delivered for r in visible_by_need[n.pk]), ZERO),
            commitments=visible_by_need[n.pk],
            hidden_commitments=hidden[n.pk],
        )
        for n in needs
    ]
    money_measures = {n.currency for n in needs if n.currency}
    member_rows = [
        MemberMeasureRow(
            member=member_by_id[member_id],
            measure=measure,
            is_money=measure in money_measures,
            pledged=values[0],
            delivered=values[1],
        )
        for (member_id, measure), values in sorted(
            member_totals.items(), key=lambda item: (item[0][0], item[0][1])
        )
    ]
    return Fulfilment(needs=need_rows, members=member_rows)


# --- objectives and documents ---------------------------------------------------------------------


def objective_list(*, user: Any, partnership: Partnership) -> list[Objective]:
    objectives = Objective.objects.filter(member__partnership=partnership).select_related(
        "member__organisation"
    )
    return [
        o
        for o in objectives
        if can_view_item(user, partnership, o.confidentiality, o.member.organisation_id)
    ]


def document_list(*, user: Any, partnership: Partnership) -> list[Document]:
    documents = Document.objects.filter(partnership=partnership).select_related(
        "owner__organisation"
    )
    return [
        d
        for d in documents
        if can_view_item(user, partnership, d.confidentiality, d.owner.organisation_id)
    ]


def document_get(*, user: Any, pk: int) -> Document:
    try:
        document = Document.objects.select_related("owner__organisation", "partnership").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Document not found.")) from None
    partnership = _owner_or(user, document.partnership_id, _("Document not found."))
    if not can_view_item(
        user, partnership, document.confidentiality, document.owner.organisation_id
    ):
        raise NotFound(_("Document not found."))
    return document


# --- single items: visible or NotFound -----------------------------------------------------------
# Each reads the item, then its partnership through partnership_get (visibility), then its
# confidentiality, so an item the user may not see answers exactly like an unknown id. With
# `partnership`, the item must also belong to it (page URLs nest items under their partnership).


def _in(partnership: Partnership | None, partnership_id: int) -> bool:
    return partnership is None or partnership.pk == partnership_id


def member_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> PartnershipMember:
    member = PartnershipMember.objects.select_related("organisation").filter(pk=_int(pk)).first()
    if member is None or not _in(partnership, member.partnership_id):
        raise NotFound(_("Partner not found."))
    member.partnership = partnership or _owner_or(
        user, member.partnership_id, _("Partner not found.")
    )
    return member


def need_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Need:
    need = Need.objects.filter(pk=_int(pk)).first()
    if need is None or not _in(partnership, need.partnership_id):
        raise NotFound(_("Need not found."))
    need.partnership = partnership or _owner_or(user, need.partnership_id, _("Need not found."))
    return need


def commitment_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Commitment:
    commitment = (
        Commitment.objects.select_related("member__organisation", "need")
        .filter(pk=_int(pk))
        .first()
    )
    if commitment is None or not _in(partnership, commitment.need.partnership_id):
        raise NotFound(_("Commitment not found."))
    try:
        owner = partnership or partnership_get(user=user, pk=commitment.need.partnership_id)
    except NotFound:
        raise NotFound(_("Commitment not found.")) from None
    if not can_view_item(
        user, owner, commitment.confidentiality, commitment.member.organisation_id
    ):
        raise NotFound(_("Commitment not found."))
    commitment.need.partnership = owner
    commitment.member.partnership = owner
    return commitment


def delivery_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Delivery:
    delivery = Delivery.objects.select_related("evidence").filter(pk=_int(pk)).first()
    if delivery is None:
        raise NotFound(_("Delivery not found."))
    try:
        delivery.commitment = commitment_get(
            user=user, pk=delivery.commitment_id, partnership=partnership
        )
    except NotFound:
        raise NotFound(_("Delivery not found.")) from None
    return delivery


def objective_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Objective:
    objective = Objective.objects.select_related("member__organisation").filter(pk=_int(pk)).first()
    if objective is None or not _in(partnership, objective.member.partnership_id):
        raise NotFound(_("Objective not found."))
    try:
        owner = partnership or partnership_get(user=user, pk=objective.member.partnership_id)
    except NotFound:
        raise NotFound(_("Objective not found.")) from None
    if not can_view_item(user, owner, objective.confidentiality, objective.member.organisation_id):
        raise NotFound(_("Objective not found."))
    objective.member.partnership = owner
    return objective


def _owner_or(user: Any, partnership_id: int, message: Any) -> Partnership:
    """The item's partnership if visible; else NotFound with the item's own message, so that an
    outsider cannot tell an item of a private partnership from an id that does not exist."""
    try:
        return partnership_get(user=user, pk=partnership_id)
    except NotFound:
        raise NotFound(message) from None


def _int(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        return 0


# --- history -----------------------------------------------------------------------------------------


def partnership_history(*, user: Any, partnership: Partnership) -> list[HistoryEntry]:
    """Every create, update and delete on the partnership and its items, newest first.

    Items the viewer may not see (confidential to another organisation) are left out, whether
    they are confidential now or were at any earlier version, and so are the deliveries of such
    commitments. One query per history table.
    """
    require_internal(user, partnership)
    orgs = {m.pk: m.organisation_id for m in partnership.members.all()}
    org_names = {m.pk: str(m.organisation) for m in partnership.members.all()}

    def visible(confidentiality: str, member_id: int | None) -> bool:
        return can_view_item(user, partnership, confidentiality, orgs.get(member_id or 0))

    def wholly_visible(records: Any, owner: str) -> list[Any]:
        """The records of the items every version of which the viewer may see.

        An item that is, or ever was, confidential to another organisation is left out whole:
        showing only its visible versions would still show the old values in their diffs. The
        last record of an item is its current (or deleted) state, so this covers both.
        """
        rows = list(records)
        hidden = {r.id for r in rows if not visible(r.confidentiality, getattr(r, owner))}
        return [r for r in rows if r.id not in hidden]

    entries: list[HistoryEntry] = []
    hist = Partnership.history.filter(id=partnership.pk).select_related("history_user")
    entries += entries_from_records(hist, object_type=str(_("Partnership")), label=lambda r: r.code)
    hist_members = PartnershipMember.history.filter(partnership_id=partnership.pk).select_related(
        "history_user"
    )
    entries += entries_from_records(
        hist_members, object_type=str(_("Partner")), label=lambda r: org_names.get(r.id, f"#{r.id}")
    )
    need_titles: dict[int, str] = {}
    hist_needs = list(
        Need.history.filter(partnership_id=partnership.pk).select_related("history_user")
    )
    for r in hist_needs:
        need_titles[r.id] = r.title
    entries += entries_from_records(hist_needs, object_type=str(_("Need")), label=lambda r: r.title)
    need_ids = list(need_titles)
    hist_commitments = wholly_visible(
        Commitment.history.filter(need_id__in=need_ids).select_related("history_user"),
        "member_id",
    )
    commitment_info = {r.id: (r.member_id, r.need_id, r.confidentiality) for r in hist_commitments}
    entries += entries_from_records(
        hist_commitments,
        object_type=str(_("Commitment")),
        label=lambda r: f"{org_names.get(r.member_id, '')} → {need_titles.get(r.need_id, '')}",
    )
    hist_deliveries = list(
        Delivery.history.filter(commitment_id__in=list(commitment_info)).select_related(
            "history_user"
        )
    )
    entries += entries_from_records(
        hist_deliveries,
        object_type=str(_("Delivery")),
        label=lambda r: (
            f"{org_names.get(commitment_info[r.commitment_id][0], '')} → "
            f"{need_titles.get(commitment_info[r.commitment_id][1], '')}"
        ),
    )
    member_ids = list(orgs)
    hist_objectives = wholly_visible(
        Objective.history.filter(member_id__in=member_ids).select_related("history_user"),
        "member_id",
    )
    entries += entries_from_records(
        hist_objectives, object_type=str(_("Objective")), label=lambda r: r.text[:60]
    )
    hist_documents = wholly_visible(
        Document.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        "owner_id",
    )
    entries += entries_from_records(
        hist_documents, object_type=str(_("Document")), label=lambda r: r.title
    )
    entries += registered_history(user, partnership)  # the capability apps' own tables
    entries = with_organisations(entries, _acting_organisations(entries, set(orgs.values())))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _acting_organisations(entries: list[HistoryEntry], partner_ids: set[int]) -> dict[int, str]:
    """User id → the organisation each person is named with in this partnership's history: the
    one of theirs that is (or was) a partner here, else the first of theirs by name. One query."""
    user_ids = {e.user_id for e in entries if e.user_id is not None}
    if not user_ids:
        return {}
    rows = OrganisationMembership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "organisation_id", "organisation__name"
    )
    chosen: dict[int, tuple[bool, str]] = {}
    for user_id, organisation_id, name in rows:
        rank = (organisation_id not in partner_ids, name)
        if user_id not in chosen or rank < chosen[user_id]:
            chosen[user_id] = rank
    return {user_id: name for user_id, (_outside, name) in chosen.items()}


# --- dashboard ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    need: Need
    partnership: Partnership
    gap: Decimal
    pct_pledged: Decimal | None


def dashboard(*, user: Any) -> dict[str, Any]:
    """My partnerships, counts by form, stage and sector, and the biggest resource gaps."""
    visible = Partnership.objects.visible_to(user)
    orgs = user_organisation_ids(user)
    mine = (
        list(
            visible.filter(members__organisation_id__in=orgs, members__left_on__isnull=True)
            .distinct()
            .order_by("-updated_at")[:10]
        )
        if orgs
        else []
    )
    counts = {
        key: list(visible.values(key).annotate(n=Count("id")).order_by("-n", key))
        for key in ("form", "stage", "development_sector")
    }
    total = visible.count()
    # Gaps: over needs of visible partnerships, counting only commitments the user may see.
    needs = list(
        Need.objects.filter(partnership__in=visible)
        .exclude(partnership__stage__in=[Stage.CLOSED, Stage.CANCELLED])
        .select_related("partnership")
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.select_related("member"))
        )
    )
    member_orgs = dict(
        PartnershipMember.objects.filter(partnership__in=visible).values_list(
            "pk", "organisation_id"
        )
    )
    internal_ids = (
        set(
            visible.filter(
                members__organisation_id__in=orgs, members__left_on__isnull=True
            ).values_list("pk", flat=True)
        )
        if orgs
        else set()
    )
    is_staff = bool(getattr(user, "is_staff", False))
    gaps: list[GapRow] = []
    # Needs with commitments the user may not see: their gap may be closed already, so they are
    # left out of the ranking (counted, for the line under the heading) rather than shown red.
    gaps_left_out = 0
    for need in needs:
        pledged = ZERO
        hidden = 0
        for c in need.commitments.all():
            if c.confidentiality == Confidentiality.OWNER:
                ok = member_orgs.get(c.member_id) in orgs
            elif c.confidentiality == Confidentiality.PARTNERS:
                ok = is_staff or need.partnership_id in internal_ids
            else:
                ok = True
            if ok:
                pledged += c.quantity
            else:
                hidden += 1
        gap = max(need.quantity - pledged, ZERO)
        if gap > 0 and hidden:
            gaps_left_out += 1
        elif gap > 0:
            gaps.append(GapRow(need, need.partnership, gap, _pct(pledged, need.quantity)))
    # Different units cannot be compared: rank by the share still unpledged, then by size.
    gaps.sort(key=lambda g: (g.pct_pledged or Decimal(0), -g.gap))
    return {
        "mine": mine,
        "counts": counts,
        "total": total,
        "gaps": gaps[:8],
        "gaps_left_out": gaps_left_out,
    }


__all__ = [
    "Fulfilment",
    "GapRow",
    "NeedRow",
    "Visibility",
    "commitment_get",
    "dashboard",
    "delivery_get",
    "document_get",
    "document_list",
    "fulfilment",
    "member_get",
    "need_get",
    "objective_get",
    "objective_list",
    "partnership_get",
    "partnership_history",
    "partnership_list",
    "require_internal",
    "search_partnerships",
    "search_vector",
    "with_members",
]


def partnership_titles(partnership_id: int) -> dict[str, str]:
    """A partnership's title in each language (the other one where one is empty)."""
    row = Partnership.objects.filter(pk=partnership_id).values("title_ind", "title_en").first()
    if row is None:
        return {}
    ind, en = row["title_ind"] or "", row["title_en"] or ""
    return {"id": ind or en, "en": en or ind}
