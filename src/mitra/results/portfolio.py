"""The TJSL (CSR) portfolio of a company: its programmes (the partnerships it takes part in),
the budget pledged against the realisasi delivered per programme and funding source, the
beneficiaries and the cost per beneficiary, for the sustainability report (POJK 51/2017,
GRI 203/413). Shown to the users of that organisation only (a company's CSR budget is its own),
and only the commitments each of them may see (``partnerships.permissions.can_view_item``).

Budget: cash commitments to the programme's needs; realisasi: the deliveries against them;
beneficiaries: the approved values of the programme's indicators marked "counts the
beneficiaries" (the latest period of a cumulative indicator, else the sum of its periods).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext_lazy as _

from mitra.core.exports import Column
from mitra.organisations.models import Organisation, ResourceType
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Commitment, Partnership
from mitra.partnerships.permissions import can_view_item

from .selectors import _indicators_qs, period_actual


@dataclass
class SourceRow:
    source: str
    currency: str
    budget: Decimal
    realisasi: Decimal

    @property
    def share(self) -> Decimal | None:
        return (self.realisasi / self.budget).quantize(Decimal("0.001")) if self.budget else None


@dataclass
class Programme:
    partnership: Partnership
    sources: list[SourceRow] = field(default_factory=list)
    beneficiaries: Decimal | None = None

    def total(self, name: str) -> Decimal:
        return sum((getattr(s, name) for s in self.sources), Decimal(0))

    @property
    def budget(self) -> Decimal:
        return self.total("budget")

    @property
    def realisasi(self) -> Decimal:
        return self.total("realisasi")

    @property
    def currency(self) -> str:
        return self.sources[0].currency if self.sources else ""

    @property
    def cost_per_beneficiary(self) -> Decimal | None:
        if not self.beneficiaries:
            return None
        return (self.realisasi / self.beneficiaries).quantize(Decimal("1"))


def can_see_portfolio(user: Any, organisation: Organisation) -> bool:
    return organisation.pk in user_organisation_ids(user)


def _beneficiaries(indicators: list[Any]) -> Decimal | None:
    total, found = Decimal(0), False
    for ind in indicators:
        values = [period_actual(ind, list(p.updates.all())) for p in ind.periods.all()]
        values = [v for v in values if v is not None]
        if not values:
            continue
        found = True
        total += values[-1] if ind.cumulative else sum(values, Decimal(0))
    return total if found else None


def beneficiaries(partnership: Partnership) -> Decimal | None:
    return _beneficiaries(
        list(_indicators_qs().filter(partnership=partnership, counts_beneficiaries=True))
    )


def tjsl_portfolio(*, user: Any, organisation: Organisation) -> list[Programme] | None:
    """The organisation's programmes with budget and realisasi per funding source, or None when
    the user is not one of its users. A fixed number of queries, whatever the programmes."""
    if not can_see_portfolio(user, organisation):
        return None
    partnerships = list(
        Partnership.objects.filter(
            members__organisation=organisation, members__left_on__isnull=True
        )
        .prefetch_related(Prefetch("members"))
        .distinct()
        .order_by("title")
    )
    ids = [p.pk for p in partnerships]
    commitments: dict[int, list[Commitment]] = defaultdict(list)
    for c in (
        Commitment.objects.filter(need__partnership__in=ids, need__resource_type=ResourceType.CASH)
        .select_related("need", "member__organisation")
        .annotate(delivered=Sum("deliveries__quantity"))
        .order_by("pk")
    ):
        commitments[c.need.partnership_id].append(c)
    indicators: dict[int, list[Any]] = defaultdict(list)
    for ind in _indicators_qs().filter(partnership__in=ids, counts_beneficiaries=True):
        indicators[ind.partnership_id].append(ind)
    out = []
    for p in partnerships:
        sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for c in commitments[p.pk]:
            if not can_view_item(user, p, c.confidentiality, c.member.organisation_id):
                continue
            key = (c.member.organisation.name, c.need.currency or p.currency)
            sums[key][0] += c.quantity
            sums[key][1] += c.delivered or Decimal(0)
        if not sums:
            continue
        programme = Programme(p, beneficiaries=_beneficiaries(indicators[p.pk]))
        programme.sources = [
            SourceRow(source, currency, budget, done)
            for (source, currency), (budget, done) in sorted(sums.items())
        ]
        out.append(programme)
    return out


def export_rows(programmes: list[Programme]) -> list[dict[str, Any]]:
    rows = []
    for prog in programmes:
        for s in prog.sources:
            rows.append(
                {
                    "programme": prog.partnership.title,
                    "code": prog.partnership.code,
                    "source": s.source,
                    "currency": s.currency,
                    "budget": s.budget,
                    "realisasi": s.realisasi,
                    "share": s.share,
                    "beneficiaries": prog.beneficiaries,
                    "cost_per_beneficiary": prog.cost_per_beneficiary,
                }
            )
    return rows


COLUMNS = [
    Column(_("Programme"), lambda r: r["programme"]),
    Column(_("Code"), lambda r: r["code"]),
    Column(_("Funding source"), lambda r: r["source"]),
    Column(_("Currency"), lambda r: r["currency"]),
    Column(_("Budget"), lambda r: r["budget"]),
    Column(_("Realisasi"), lambda r: r["realisasi"]),
    Column(_("Realisasi share of budget"), lambda r: r["share"]),
    Column(_("Beneficiaries of the programme"), lambda r: r["beneficiaries"]),
    Column(_("Cost per beneficiary"), lambda r: r["cost_per_beneficiary"]),
]
