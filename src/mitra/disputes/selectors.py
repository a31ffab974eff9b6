"""Reads of disputes, grievances, political events and the political-exposure score, filtered by
what the reader may see (``permissions``)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core.errors import NotFound, PermissionDenied
from mitra.organisations.models import ResourceType, Sector
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import (
    Commitment,
    GovernmentSupport,
    Partnership,
    ReturnMechanism,
)

from . import ladders
from .models import (
    ContractAmendment,
    Dependence,
    Dispute,
    DisputeSettings,
    DisputeStatus,
    EventKind,
    EventLink,
    Grievance,
    GrievanceStatus,
    PoliticalEvent,
)
from .permissions import (
    can_handle_grievances,
    can_view_dispute,
    can_view_disputes,
    designated_member,
)

#: Days before a deadline from which a rung or an acknowledgement shows as "due soon".
DUE_SOON_DAYS = 3


def require_disputes(user: Any, partnership: Partnership) -> None:
    if not can_view_disputes(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership can see its disputes."))


def settings_of(partnership: Partnership) -> DisputeSettings:
    """The stored settings, or unsaved defaults (the ladder of the partnership's agreement)."""
    stored = DisputeSettings.objects.filter(partnership=partnership).first()
    if stored is not None:
        return stored
    key = ladders.default_template(partnership)
    return DisputeSettings(
        partnership=partnership, ladder_template=key, ladder=ladders.ladder_of(key), version=0
    )


def timer(deadline: datetime.datetime, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Days left (negative: overdue) and the state shown: ok, due (soon) or overdue."""
    now = now or timezone.now()
    seconds = (deadline - now).total_seconds()
    # Days left, rounded up (a deadline in 6 days and 2 hours is "7 days left"); days overdue,
    # rounded down but at least one.
    days = math.ceil(seconds / 86400) if seconds >= 0 else -max(1, int(-seconds // 86400))
    state = "overdue" if seconds < 0 else ("due" if days <= DUE_SOON_DAYS else "ok")
    return {
        "deadline": deadline,
        "days_left": days,
        "overdue_days": max(-days, 0),
        "state": state,
    }


# --------------------------------------------------------------------------- disputes


def visible_disputes(user: Any, partnership: Partnership) -> list[Dispute]:
    """The disputes of the partnership this reader may see (confidential ones: parties only)."""
    if not can_view_disputes(user, partnership):
        return []
    qs = (
        Dispute.objects.filter(partnership=partnership)
        .select_related("partnership", "grievance")
        .prefetch_related("parties__organisation", "documents")
    )
    orgs = user_organisation_ids(user)
    qs = qs.filter(
        Q(confidential=False)
        | Q(raised_by=user)
        | Q(parties__organisation_id__in=orgs, parties__left_on__isnull=True)
    ).distinct()
    out = list(qs)
    now = timezone.now()
    for d in out:
        d.timer = timer(d.deadline, now) if d.status == DisputeStatus.OPEN else None  # type: ignore[attr-defined]
        d.rung_label = ladders.rung_label(d.current)  # type: ignore[attr-defined]
        d.next_label = (  # type: ignore[attr-defined]
            ladders.rung_label(d.ladder[d.rung + 1]) if d.has_next else ""
        )
    return out


def dispute_get(*, user: Any, pk: Any) -> Dispute:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Dispute not found.")) from None
    dispute = (
        Dispute.objects.select_related("partnership", "grievance")
        .prefetch_related("parties__organisation", "documents", "partnership__members")
        .filter(pk=value)
        .first()
    )
    if dispute is None or not can_view_dispute(user, dispute):
        raise NotFound(_("Dispute not found."))
    dispute.timer = (  # type: ignore[attr-defined]
        timer(dispute.deadline) if dispute.status == DisputeStatus.OPEN else None
    )
    dispute.rung_label = ladders.rung_label(dispute.current)  # type: ignore[attr-defined]
    dispute.next_label = (  # type: ignore[attr-defined]
        ladders.rung_label(dispute.ladder[dispute.rung + 1]) if dispute.has_next else ""
    )
    return dispute


def overdue_disputes(now: datetime.datetime | None = None) -> list[Dispute]:
    """Open disputes whose current rung's deadline has passed (NO permission check: the job)."""
    now = now or timezone.now()
    return [
        d
        for d in Dispute.objects.filter(status=DisputeStatus.OPEN).select_related("partnership")
        if d.deadline <= now
    ]


# --------------------------------------------------------------------------- grievances


def visible_grievances(user: Any, partnership: Partnership) -> list[Grievance]:
    if not can_view_disputes(user, partnership):
        return []
    out = list(Grievance.objects.filter(partnership=partnership))
    now = timezone.now()
    for g in out:
        g.timer = (  # type: ignore[attr-defined]
            timer(g.acknowledge_by, now) if g.status == GrievanceStatus.RECEIVED else None
        )
    return out


def grievance_get(*, user: Any, pk: Any) -> Grievance:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Grievance not found.")) from None
    grievance = Grievance.objects.select_related("partnership").filter(pk=value).first()
    if grievance is None or not can_view_disputes(user, grievance.partnership):
        raise NotFound(_("Grievance not found."))
    grievance.timer = (  # type: ignore[attr-defined]
        timer(grievance.acknowledge_by) if grievance.status == GrievanceStatus.RECEIVED else None
    )
    grievance.can_handle = can_handle_grievances(user, grievance.partnership)  # type: ignore[attr-defined]
    return grievance


def grievance_public(reference: str) -> dict[str, Any]:
    """What the public status page shows: never the name, the contact or the description."""
    grievance = (
        Grievance.objects.select_related("partnership")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if grievance is None:
        raise NotFound(_("No grievance has this reference."))
    return {
        "reference": grievance.reference,
        "partnership": grievance.partnership.title,
        "partnership_id": grievance.partnership_id,
        "status": grievance.status,
        "status_label": grievance.get_status_display(),
        "filed_at": grievance.created_at,
        "acknowledged_at": grievance.acknowledged_at,
        "public_response": grievance.public_response,
    }


def overdue_grievances(now: datetime.datetime | None = None) -> QuerySet[Grievance]:
    now = now or timezone.now()
    return Grievance.objects.filter(
        status=GrievanceStatus.RECEIVED, acknowledge_by__lte=now, overdue_notified_at__isnull=True
    ).select_related("partnership")


# --------------------------------------------------------------------------- events, amendments


def visible_events(user: Any) -> list[PoliticalEvent]:
    """Every event (they are public facts), each with the links to partnerships the reader may
    see (``shown_links``); a link's ``to_disputes`` says whether the reader may open that
    partnership's disputes tab, where the event's stress test is (partners and staff), or only
    the partnership's page."""
    events = list(PoliticalEvent.objects.all())
    visible = set(Partnership.objects.visible_to(user).values_list("pk", flat=True))
    links = (
        EventLink.objects.filter(partnership_id__in=visible)
        .select_related("partnership")
        .prefetch_related("partnership__members")
    )
    by_event: dict[int, list[EventLink]] = {}
    for link in links:
        link.to_disputes = can_view_disputes(user, link.partnership)  # type: ignore[attr-defined]
        by_event.setdefault(link.event_id, []).append(link)
    for e in events:
        e.shown_links = by_event.get(e.pk, [])  # type: ignore[attr-defined]
    return events


def event_get(pk: Any) -> PoliticalEvent:
    try:
        return PoliticalEvent.objects.get(pk=int(pk))
    except (PoliticalEvent.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Event not found.")) from None


def partnership_links(partnership: Partnership) -> list[EventLink]:
    return list(
        EventLink.objects.filter(partnership=partnership).select_related("event", "scenario")
    )


def amendments(user: Any, partnership: Partnership) -> list[ContractAmendment]:
    if not can_view_disputes(user, partnership):
        return []
    return list(
        ContractAmendment.objects.filter(partnership=partnership).select_related(
            "document", "event"
        )
    )


def public_amendments(partnership: Partnership) -> list[ContractAmendment]:
    """The amendments published with the open contracting data (NO permission check: the
    caller publishes a public partnership only). Uses ``amendments_prefetch()`` when the caller
    prefetched it (an export of many partnerships then costs one query, not one each)."""
    cache = getattr(partnership, "_prefetched_objects_cache", {})
    if "contract_amendments" in cache:
        return [a for a in cache["contract_amendments"] if a.public]
    return list(ContractAmendment.objects.filter(partnership=partnership, public=True))


def amendments_prefetch() -> Prefetch:
    """``Prefetch`` of the public amendments, for ``public_amendments`` on many partnerships."""
    return Prefetch("contract_amendments", queryset=ContractAmendment.objects.filter(public=True))


# --------------------------------------------------------------------------- exposure

#: The weights of the exposure score (they add up to 100); see docs/disputes.md.
WEIGHTS = {"discretionary": 30, "elections": 30, "official": 20, "safeguards": 20}
#: Election years crossed at which the election reason is full.
ELECTIONS_FULL = 3
#: Indonesia's simultaneous elections: the national Pemilu and the regional Pilkada serentak.
#: Known dates, then the five-year cycle (the law's schedule; a linked event adds its own date).
KNOWN_ELECTIONS = [
    (datetime.date(2019, 4, 17), gettext_lazy("Pemilu 2019")),
    (datetime.date(2020, 12, 9), gettext_lazy("Pilkada serentak 2020")),
    (datetime.date(2024, 2, 14), gettext_lazy("Pemilu 2024")),
    (datetime.date(2024, 11, 27), gettext_lazy("Pilkada serentak 2024")),
]
CYCLE_FROM, CYCLE_YEARS = 2029, 5
DEPENDENCE_VALUE = {Dependence.NONE: 0.0, Dependence.SOME: 0.5, Dependence.STRONG: 1.0}


@dataclass
class Reason:
    key: str
    label: str
    weight: int
    value: float  # 0..1: how much of the weight applies
    detail: str
    short: str = ""  # the chart's axis label

    @property
    def points(self) -> float:
        return round(self.weight * self.value, 1)


@dataclass
class Exposure:
    partnership: Partnership
    reasons: list[Reason] = field(default_factory=list)
    election_years: list[int] = field(default_factory=list)

    @property
    def score(self) -> int:
        return round(sum(r.points for r in self.reasons))

    @property
    def level(self) -> str:
        return "high" if self.score >= 60 else ("medium" if self.score >= 30 else "low")

    @property
    def sentence(self) -> str:
        top = max(self.reasons, key=lambda r: r.points)
        level = {"high": _("high"), "medium": _("medium"), "low": _("low")}[self.level]
        return _(
            "The partnership's exposure to political change is %(level)s (%(score)s of 100); "
            "the largest contribution comes from: %(reason)s (%(points)s points)."
        ) % {
            "level": level,
            "score": self.score,
            "reason": top.label.lower(),
            "points": _number(top.points),
        }


def _number(value: float) -> str:
    from mitra.core.templatetags.mitra import number

    return number(value, 1)


def contract_years(partnership: Partnership) -> tuple[int, int]:
    start = partnership.start_date.year if partnership.start_date else timezone.localdate().year
    if partnership.concession_years:
        end = start + int(partnership.concession_years) - 1
    elif partnership.end_date:
        end = partnership.end_date.year
    else:
        end = start
    return start, max(start, end)


def election_years(partnership: Partnership, start: int, end: int) -> list[int]:
    years = {d.year for d, _label in KNOWN_ELECTIONS}
    years |= set(range(CYCLE_FROM, end + 1, CYCLE_YEARS))
    years |= {
        link.event.date.year
        for link in EventLink.objects.filter(
            partnership=partnership, event__kind=EventKind.ELECTION
        ).select_related("event")
    }
    return sorted(y for y in years if start <= y <= end)


def _discretionary(user: Any, partnership: Partnership) -> tuple[float, str]:
    """The share of the public money in the partnership that depends on yearly budgets."""
    from mitra.finance import selectors as finance_selectors

    figures = finance_selectors.government_payments(user=user, partnership=partnership)
    if figures is not None:
        flows = figures["flows"]

        def total(key: str) -> float:
            return sum(v for v in flows.get(key, []) if v > 0)

        yearly = total("availability_payment") + total("subsidy")
        upfront = total("vgf") + total("land")
        if yearly + upfront > 0:
            share = yearly / (yearly + upfront)
            return share, _(
                "Finance model: availability payments and subsidies (voted every year) are "
                "%(share)s of the government's payments; VGF and land are committed up front."
            ) % {"share": f"{share:.0%}"}
    cash = Commitment.objects.filter(
        need__partnership=partnership, need__resource_type=ResourceType.CASH
    ).select_related("member__organisation")
    public = Decimal(0)
    whole = Decimal(0)
    for c in cash:
        whole += c.quantity
        if c.member.organisation.sector == Sector.PUBLIC:
            public += c.quantity
    if whole > 0:
        share = float(public / whole)
        return share, _(
            "Commitments: government partners pledge %(share)s of the cash, from yearly "
            "APBN/APBD budgets."
        ) % {"share": f"{share:.0%}"}
    by_mechanism = {
        ReturnMechanism.AVAILABILITY_PAYMENT: 1.0,
        ReturnMechanism.MIXED: 0.5,
        ReturnMechanism.USER_CHARGE: 0.0,
    }
    share = by_mechanism.get(partnership.return_mechanism, 0.5)
    return share, _("No cash figures yet: estimated from the return mechanism.")


def exposure(*, user: Any, partnership: Partnership) -> Exposure:
    """The political-exposure score (0–100) and its reasons (docs/disputes.md)."""
    require_disputes(user, partnership)
    settings = settings_of(partnership)
    out = Exposure(partnership)
    share, detail = _discretionary(user, partnership)
    out.reasons.append(
        Reason(
            "discretionary",
            _("Funding from discretionary budgets"),
            WEIGHTS["discretionary"],
            round(share, 4),
            detail,
            _("Discretionary budgets"),
        )
    )
    start, end = contract_years(partnership)
    years = election_years(partnership, start, end)
    out.election_years = years
    out.reasons.append(
        Reason(
            "elections",
            _("Contract years with elections"),
            WEIGHTS["elections"],
            min(len(years), ELECTIONS_FULL) / ELECTIONS_FULL,
            _("%(n)s election years in %(start)s–%(end)s: %(years)s.")
            % {
                "n": len(years),
                "start": start,
                "end": end,
                "years": ", ".join(str(y) for y in years) or "—",
            },
            _("Elections"),
        )
    )
    dependence = settings.official_dependence
    out.reasons.append(
        Reason(
            "official",
            _("Dependence on one official's support"),
            WEIGHTS["official"],
            DEPENDENCE_VALUE.get(dependence, 0.5),
            str(Dependence(dependence).label),
            _("One official"),
        )
    )
    guarantee = GovernmentSupport.GUARANTEE in (partnership.government_support or [])
    if not guarantee:
        from mitra.finance.appraisal_models import PublicGuarantee

        guarantee = PublicGuarantee.objects.filter(partnership=partnership).exists()
    present = {
        _("multi-year budget commitment"): settings.multi_year_budget,
        _("DPRD approval"): settings.dprd_approval,
        _("government guarantee"): guarantee,
        _("change-in-law clause"): settings.change_in_law_clause,
    }
    have = [k for k, v in present.items() if v]
    missing = [k for k, v in present.items() if not v]
    out.reasons.append(
        Reason(
            "safeguards",
            _("Safeguards missing"),
            WEIGHTS["safeguards"],
            len(missing) / len(present),
            _("Present: %(have)s. Missing: %(missing)s.")
            % {"have": ", ".join(have) or "—", "missing": ", ".join(missing) or "—"},
            _("Missing safeguards"),
        )
    )
    return out


# --------------------------------------------------------------------------- stress scenarios

#: The stress template (finance's ``scenario_templates`` keys) each kind of event implies.
EVENT_SCENARIO = {
    EventKind.ELECTION: "tariff_freeze",
    EventKind.HEAD_CHANGE: "ap_cut",
    EventKind.BUDGET_CUT: "ap_cut",
    EventKind.CHANGE_IN_LAW: "change_in_law",
    EventKind.REGULATION: "change_in_law",
}


def proposed_scenario(link: EventLink) -> dict[str, Any] | None:
    """The finance stress template the event implies for this partnership."""
    from mitra.finance.appraisal_selectors import scenario_templates

    key = EVENT_SCENARIO.get(link.event.kind)
    return next((t for t in scenario_templates(link.partnership) if t["key"] == key), None)


#: The figures shown before/after, in this order (finance's metric keys).
STRESS_METRICS = [
    ("government_npc", gettext_lazy("Government net cost (PV)")),
    ("project_npv", gettext_lazy("Project NPV")),
    ("equity_npv", gettext_lazy("Equity NPV")),
    ("equity_irr", gettext_lazy("Equity IRR")),
    ("min_dscr", gettext_lazy("Lowest DSCR")),
]
PERCENT_METRICS = {"equity_irr", "project_irr"}


def stress_unit(link: EventLink) -> str:
    """The unit of the scenario's money figures, e.g. "IDR billion"."""
    from mitra.finance.appraisal_selectors import unit_label

    result = (link.scenario.result or {}) if link.scenario else {}
    if not result.get("currency"):
        return ""
    return unit_label(str(result["currency"]), float(result.get("amount_unit") or 1))


def stress_rows(user: Any, link: EventLink) -> list[dict[str, Any]]:
    """Base, stressed and change of the linked scenario's figures this reader may see."""
    from mitra.finance import selectors as finance_selectors
    from mitra.finance.appraisal_selectors import can_see_appraisal, shown_metrics

    scenario = link.scenario
    if scenario is None or not scenario.result:
        return []
    if not can_see_appraisal(user, link.partnership):
        return []
    private = finance_selectors.can_see_model(user=user, partnership=link.partnership)
    shown = shown_metrics(scenario.result, private)
    rows = []
    for key, label in STRESS_METRICS:
        cell = shown.get(key)
        if cell and cell.get("base") is not None:
            rows.append(
                {
                    "key": key,
                    "label": str(label),
                    "base": cell.get("base"),
                    "stressed": cell.get("stressed"),
                    "delta": cell.get("delta"),
                    "percent": key in PERCENT_METRICS,
                }
            )
    return rows


def designated(partnership: Partnership) -> Any:
    return designated_member(partnership)
