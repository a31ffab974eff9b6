"""Reads of the results, filtered by who may see them, and the computations on them.

- :func:`framework` — the results, indicators, periods and updates of a partnership with each
  period's actual value, the progress against target and a traffic light (the scorecard);
- :func:`off_track` — the off-track and overdue indicators across every partnership the user sees;
- :func:`availability_deductions` / :func:`availability_failures` — the KPBU service-level
  failures and the share of each year's availability payment they deduct (read by finance);
- :func:`health_series` — the partnership health index per sector and survey round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.db.models.query import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound
from mitra.partnerships.models import Partnership
from mitra.partnerships.permissions import can_view_internal

from .models import (
    Direction,
    DisaggregationTarget,
    HealthItem,
    HealthResponse,
    Indicator,
    IndicatorLight,
    Period,
    Result,
    ServiceLevel,
    Status,
    Update,
    UpdateComment,
    UpdateDisaggregation,
)
from .permissions import can_view_results

HUNDRED = Decimal(100)
#: Progress (share of the target reached) at or above which an indicator is on track, or at risk.
ON_TRACK, AT_RISK = Decimal("1.0"), Decimal("0.8")


#: The status of an indicator whose latest report is past its due date (see ``late``).
LATE = _("report overdue")


class Light:
    GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
    LABELS = {
        "green": _("on track"),
        "amber": _("at risk"),
        "red": _("off track"),
        "grey": _("no data yet"),
    }
    #: The badge (Bootstrap's contextual background) that shows each light.
    BADGES = {
        "green": "text-bg-success",
        "amber": "text-bg-warning",
        "red": "text-bg-danger",
        "grey": "text-bg-secondary",
    }


def require_results(user: Any, partnership: Partnership) -> None:
    if not can_view_results(user, partnership):
        raise NotFound(_("Partnership not found."))


def effective(updates: list[Update]) -> list[Update]:
    """The approved updates that count: a correction, once approved, replaces what it corrects."""
    approved = [u for u in updates if u.status == Status.APPROVED]
    replaced = {u.corrects_id for u in approved if u.corrects_id}
    return [u for u in approved if u.pk not in replaced]


def period_actual(indicator: Indicator, updates: list[Update]) -> Decimal | None:
    """The period's value from its effective updates: counts add up; a ratio is Σnumerators ÷
    Σdenominators × factor (DHIS2); for a cumulative indicator the latest update is the total."""
    counted = effective(updates)
    if not counted or not indicator.is_quantitative:
        return None
    if indicator.cumulative:
        latest = max(counted, key=lambda u: (u.created_at, u.pk))
        return latest.value
    num = sum((u.numerator or Decimal(0) for u in counted), Decimal(0))
    den = sum((u.denominator or Decimal(0) for u in counted), Decimal(0))
    return indicator.compute(num, den if indicator.is_ratio else None)


def progress(
    indicator: Indicator, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """Share of the way from the baseline to the target (1 = reached), direction-aware."""
    if actual is None or target is None:
        return None
    base = indicator.baseline_value if indicator.baseline_value is not None else Decimal(0)
    span = target - base
    if span == 0:
        hit = actual >= target if indicator.direction == Direction.INCREASE else actual <= target
        return Decimal(1) if hit else Decimal(0)
    return ((actual - base) / span).quantize(Decimal("0.001"))


def misses(indicator: Indicator, actual: Decimal, threshold: Decimal) -> bool:
    """Whether a value misses a KPI's threshold (below it when higher is better)."""
    if indicator.direction == Direction.INCREASE:
        return actual < threshold
    return actual > threshold


def light(share: Decimal | None) -> str:
    if share is None:
        return Light.GREY
    if share >= ON_TRACK:
        return Light.GREEN
    if share >= AT_RISK:
        return Light.AMBER
    return Light.RED


@dataclass
class PeriodView:
    period: Period
    updates: list[Update]
    actual: Decimal | None
    share: Decimal | None
    light: str
    overdue: bool

    @property
    def light_label(self) -> str:
        return str(Light.LABELS[self.light])

    @property
    def badge(self) -> str:
        return Light.BADGES[self.light]

    @property
    def disaggregation(self) -> dict[tuple[str, str], Decimal]:
        """{(dimension, category): total} over the updates that count."""
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for u in effective(self.updates):
            for d in u.disaggregations.all():
                totals[(d.dimension, d.category)] += d.numerator
        return dict(totals)


@dataclass
class IndicatorView:
    indicator: Indicator
    periods: list[PeriodView]
    service_level: ServiceLevel | None
    can_report: bool = False
    can_verify: bool = False

    @property
    def latest(self) -> PeriodView | None:
        """The latest period with an actual value, else the latest that has ended."""
        with_value = [p for p in self.periods if p.actual is not None]
        if with_value:
            return with_value[-1]
        ended = [p for p in self.periods if p.period.end <= timezone.localdate()]
        return ended[-1] if ended else None

    @property
    def late(self) -> bool:
        """A report is overdue since the latest value (or, without any value, at all): past its
        due date with nothing submitted or approved. The partners are to chase it, whatever the
        earlier values say (an earlier period still missing its report is on the Results tab's
        list of periods waiting on someone, not flagged here)."""
        for pv in reversed(self.periods):
            if pv.actual is not None:
                return False
            if pv.overdue:
                return True
        return False

    @property
    def light(self) -> str:
        if self.late:
            return Light.RED
        latest = self.latest
        if latest is None:
            return Light.GREY
        level = self.service_level
        if (
            level is not None
            and latest.actual is not None
            and misses(self.indicator, latest.actual, level.threshold)
        ):
            return Light.RED  # a KPI below its threshold deducts from the payment
        return latest.light

    @property
    def light_label(self) -> str:
        if self.late:
            return str(LATE)
        return str(Light.LABELS[self.light])

    @property
    def badge(self) -> str:
        return Light.BADGES[self.light]

    @property
    def trend(self) -> list[Decimal]:
        return [p.actual for p in self.periods if p.actual is not None]

    @property
    def pending(self) -> int:
        return sum(1 for p in self.periods for u in p.updates if u.status == Status.SUBMITTED)

    def recent_periods(self, keep: int | None = None) -> list[PeriodView]:
        """What the Results tab lists: the ``keep`` latest periods, and any earlier one that still
        waits on someone (no approved value yet, and a value in draft, submitted or returned, or
        its report overdue). The others are one click away (``?periods=all``); the scorecard's
        figures and sparkline always use every period."""
        keep = RECENT_PERIODS if keep is None else keep
        cut = len(self.periods) - keep
        return [pv for i, pv in enumerate(self.periods) if i >= cut or _waiting(pv)]


#: How many of an indicator's latest periods the Results tab lists (the others on demand).
RECENT_PERIODS = 4


def _waiting(pv: PeriodView) -> bool:
    statuses = {u.status for u in pv.updates}
    if Status.APPROVED in statuses:
        return False
    return pv.overdue or bool(statuses & {Status.DRAFT, Status.SUBMITTED, Status.RETURNED})


@dataclass
class ResultView:
    result: Result
    indicators: list[IndicatorView]


def _late_from(period: Any, updates: Any) -> date | None:
    """The first day the period's report is overdue: the day after its due date, while nothing
    is submitted or approved (None: no due date, or a report is in)."""
    if period.due_date is None or any(
        u.status in (Status.SUBMITTED, Status.APPROVED) for u in updates
    ):
        return None
    return period.due_date + timedelta(days=1)


def _overdue(period: Any, updates: Any, today: date) -> bool:
    late = _late_from(period, updates)
    return late is not None and late <= today


def _period_view(indicator: Indicator, period: Period, today: date) -> PeriodView:
    updates = list(period.updates.all())
    actual = period_actual(indicator, updates)
    share = progress(indicator, actual, period.target_value)
    return PeriodView(
        period, updates, actual, share, light(share), _overdue(period, updates, today)
    )


#: What every indicator read brings along (the scorecard and its lean read share it).
_INDICATOR_RELATED = ("reporter__organisation", "verifier__organisation", "result", "service_level")


def _indicators_qs(*, details: bool = True) -> Any:
    """Indicators with their periods and updates; ``details``: with each update's breakdown and
    comments too (else :func:`update_details` adds them to the updates a page lists)."""
    updates = Update.objects.select_related("evidence")
    if details:
        updates = updates.prefetch_related("disaggregations", "comments")
    return Indicator.objects.select_related(*_INDICATOR_RELATED).prefetch_related(
        Prefetch(
            "periods",
            queryset=Period.objects.prefetch_related(
                Prefetch("updates", queryset=updates), "disaggregation_targets"
            ),
        )
    )


#: Columns the Results tab never shows, left unread by its lean read (each timestamp is parsed
#: per row: a busy scorecard read over a thousand of them). A template that starts showing one
#: makes a query per row, which ``test_the_tabs_queries_do_not_grow_with_its_framework`` catches.
_UNSHOWN = {
    Period: ("created_at", "updated_at", "reminded_on"),
    Update: ("updated_at", "submitted_at", "reviewed_at", "review_comment"),
    UpdateComment: ("created_at", "updated_at"),
}


def update_details(updates: list[Update]) -> None:
    """Read the breakdown and comments of ``updates`` (two queries), for a framework read
    without them (``framework(details=False)``)."""
    ids = [u.pk for u in updates]
    _attach(updates, "disaggregations", UpdateDisaggregation, "update_id", ids)
    _attach(updates, "comments", UpdateComment, "update_id", ids)


def _attach(
    owners: list[Any], name: str, model: Any, key: str, ids: list[int], *related: str
) -> list[Any]:
    """Read ``model``'s rows whose ``key`` is in ``ids`` (one query, the model's own order,
    without its :data:`_UNSHOWN` columns) and give each owner its rows as the prefetched
    ``owner.<name>.all()``: what ``prefetch_related`` does, without the filtered queryset it
    builds for every owner (a scorecard has over a thousand owners; that was a tenth of its
    time). Returns the rows."""
    # (select_related() with no names would follow every foreign key)
    qs = model.objects.select_related(*related) if related else model.objects.all()
    if model in _UNSHOWN:
        qs = qs.defer(*_UNSHOWN[model])
    rows = list(qs.filter(**{f"{key}__in": ids})) if ids else []
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    # One empty queryset is built; each owner gets a shallow copy holding its rows (building a
    # QuerySet per owner builds a Query each time). Its query is never run: the rows are there.
    prototype = QuerySet(model)
    prototype._prefetch_done = True
    for owner in owners:
        done = QuerySet.__new__(QuerySet)
        done.__dict__.update(prototype.__dict__)
        done._result_cache = groups.get(owner.pk, [])
        owner.__dict__.setdefault("_prefetched_objects_cache", {})[name] = done
    return rows


def _indicators_lean(pks: list[int]) -> list[Indicator]:
    """``_indicators_qs(details=False)`` for these indicators, read in four queries and attached
    by :func:`_attach` rather than by ``prefetch_related``."""
    indicators = list(Indicator.objects.select_related(*_INDICATOR_RELATED).filter(pk__in=pks))
    periods = _attach(indicators, "periods", Period, "indicator_id", [i.pk for i in indicators])
    period_ids = [p.pk for p in periods]
    _attach(periods, "disaggregation_targets", DisaggregationTarget, "period_id", period_ids)
    _attach(periods, "updates", Update, "period_id", period_ids)
    return indicators


def kpis_prefetch() -> Prefetch:
    """``Prefetch`` of each partnership's KPIs with their periods and values (``to_attr="kpis"``),
    for :func:`public_kpis` on many partnerships."""
    return Prefetch(
        "result_indicators",
        queryset=_indicators_qs(details=False).filter(service_level__isnull=False).order_by("pk"),
        to_attr="kpis",
    )


def indicator_view(user: Any, indicator: Indicator, today: date | None = None) -> IndicatorView:
    from .permissions import can_report, can_verify

    today = today or timezone.localdate()
    return IndicatorView(
        indicator,
        [_period_view(indicator, p, today) for p in indicator.periods.all()],
        getattr(indicator, "service_level", None),
        can_report=can_report(user, indicator),
        can_verify=can_verify(user, indicator),
    )


def framework(*, user: Any, partnership: Partnership, details: bool = True) -> list[ResultView]:
    """The partnership's results with their indicators (the scorecard's rows), and the
    indicators other partnerships share with it (under a result of their own). ``details=False``
    leaves out the updates' breakdowns and comments (see :func:`update_details`): the scorecard
    lists only the latest periods' updates, and every period's figures need neither."""
    require_results(user, partnership)
    today = timezone.localdate()
    # Its own indicators and those shared with it, each found through an index (an OR across
    # the shared_with join read every indicator of the platform).
    own = Indicator.objects.filter(partnership=partnership).order_by().values_list("pk", flat=True)
    shared = (
        Indicator.shared_with.through.objects.filter(partnership=partnership)
        .order_by()
        .values_list("indicator_id", flat=True)
    )
    if details:
        indicators = list(_indicators_qs().filter(pk__in=list(own.union(shared))))
    else:
        indicators = _indicators_lean(list(own.union(shared)))
    by_result: dict[int, list[IndicatorView]] = defaultdict(list)
    results: dict[int, Result] = {r.pk: r for r in partnership.results.all()}
    for ind in sorted({i.pk: i for i in indicators}.values(), key=lambda i: (i.result_id, i.pk)):
        results.setdefault(ind.result_id, ind.result)
        by_result[ind.result_id].append(indicator_view(user, ind, today))
    return [ResultView(r, by_result.get(pk, [])) for pk, r in results.items()]


def indicators(*, user: Any, partnership: Partnership) -> list[IndicatorView]:
    return [iv for rv in framework(user=user, partnership=partnership) for iv in rv.indicators]


def indicator_get(*, user: Any, pk: int) -> Indicator:
    indicator = _indicators_qs().select_related("partnership").filter(pk=pk).first()
    if indicator is None or not (
        can_view_results(user, indicator.partnership)
        or any(can_view_internal(user, p) for p in indicator.shared_with.all())
    ):
        raise NotFound(_("Indicator not found."))
    return indicator


def period_get(*, user: Any, pk: int) -> Period:
    period = Period.objects.select_related("indicator").filter(pk=pk).first()
    if period is None:
        raise NotFound(_("Reporting period not found."))
    indicator_get(user=user, pk=period.indicator_id)
    return period


def update_get(*, user: Any, pk: int) -> Update:
    update = (
        Update.objects.select_related(
            "period__indicator__reporter__organisation",
            "period__indicator__verifier__organisation",
            "period__indicator__partnership",
        )
        .filter(pk=pk)
        .first()
    )
    if update is None or not can_view_results(user, update.period.indicator.partnership):
        raise NotFound(_("Update not found."))
    return update


# --------------------------------------------------------------------------- dashboard


def visible_partnerships(user: Any) -> Any:
    from mitra.organisations.permissions import user_organisation_ids

    if not getattr(user, "is_authenticated", False):
        return Partnership.objects.none()
    if user.is_staff:
        return Partnership.objects.all()
    return Partnership.objects.filter(
        members__organisation_id__in=user_organisation_ids(user), members__left_on__isnull=True
    ).distinct()


#: Partnerships one page of the dashboard checks (platform staff see every partnership: page by
#: page, so that no request computes the status of thousands of partnerships), and the rows of
#: flagged indicators it shows, worst first.
DASHBOARD_PARTNERSHIPS = 200
DASHBOARD_ROWS = 100


@dataclass(slots=True)
class PeriodFigures:
    """The columns of a period that its status needs (the dashboard reads no more)."""

    pk: int
    indicator_id: int
    start: date
    end: date
    target_value: Decimal | None
    due_date: date | None


@dataclass(slots=True)
class UpdateFigures:
    """The columns of an update that a period's actual value needs."""

    pk: int
    period_id: int
    status: str
    corrects_id: int | None
    #: Its rank in creation order, which is all :func:`period_actual` needs of the time (the
    #: latest update of a cumulative indicator), without reading a timestamp per row.
    created_at: int
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


@dataclass
class OffTrack:
    """The dashboard: ``rows``, the worst flagged indicators (at most the limit asked for, each
    with its partnership loaded), and ``total``, how many are flagged in the partnerships read."""

    rows: list[IndicatorView]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def dashboard_partnerships(user: Any) -> Any:
    """Ids of the partnerships the dashboard covers, newest first (the pages of the dashboard)."""
    return visible_partnerships(user).order_by("-created_at", "-pk").values_list("pk", flat=True)


def _figures(
    where: dict[str, Any],
) -> tuple[dict[int, list[PeriodFigures]], dict[int, list[UpdateFigures]]]:
    """The periods of the indicators that ``where`` selects (a filter on Indicator), by
    indicator in time order, and their updates by period in creation order: one query (the
    periods joined with their updates) and no model instance per period or update."""
    by_indicator: dict[int, list[PeriodFigures]] = defaultdict(list)
    by_period: dict[int, list[UpdateFigures]] = defaultdict(list)
    periods_qs = Period.objects.filter(**{f"indicator__{k}": v for k, v in where.items()})
    rows = periods_qs.order_by(
        "indicator_id", "start", "pk", "updates__created_at", "updates__pk"
    ).values_list(
        "pk",
        "indicator_id",
        "start",
        "end",
        "target_value",
        "due_date",
        "updates__pk",
        "updates__status",
        "updates__corrects_id",
        "updates__numerator",
        "updates__denominator",
        "updates__value",
    )
    last = None
    for rank, (pk, indicator_id, start, end, target, due, *update) in enumerate(rows):
        if pk != last:
            by_indicator[indicator_id].append(
                PeriodFigures(pk, indicator_id, start, end, target, due)
            )
            last = pk
        update_pk, status, corrects, num, den, value = update
        if update_pk is not None:  # (a period without updates comes once, with NULLs)
            figures = UpdateFigures(update_pk, pk, status, corrects, rank, num, den, value)
            by_period[pk].append(figures)
    return by_indicator, by_period


def _view(
    indicator: Indicator,
    periods: list[PeriodFigures],
    by_period: dict[int, list[UpdateFigures]],
    today: date,
) -> IndicatorView:
    """The indicator's view (every period's value, progress and light) from its figures."""
    views = []
    for p in periods:
        updates: Any = by_period.get(p.pk, [])
        actual = period_actual(indicator, updates)
        share = progress(indicator, actual, p.target_value)
        overdue = _overdue(p, updates, today)
        views.append(PeriodView(p, updates, actual, share, light(share), overdue))  # type: ignore[arg-type]
    return IndicatorView(indicator, views, getattr(indicator, "service_level", None))


@dataclass(frozen=True, slots=True)
class Standing:
    """What an indicator's light depends on: ``light``, that of its latest value (grey with
    none; red for a KPI missing its threshold), and ``late_from``, the first day a report due
    after that value is overdue (None: none can be). Stored per indicator (IndicatorLight)."""

    light: str
    late_from: date | None

    def on(self, today: date) -> str:
        """The light on ``today``: red from the day a report is overdue, else the value's."""
        if self.late_from is not None and self.late_from <= today:
            return Light.RED
        return self.light


def standing(
    indicator: Indicator,
    periods: list[PeriodFigures],
    by_period: dict[int, list[UpdateFigures]],
) -> Standing:
    """The indicator's :class:`Standing` from its periods (in time order) and their updates: the
    periods are read from the last one back and the walk stops at the first value, so only the
    reports after the latest value can make it late (a test checks ``standing(...).on(today)``
    against the full view's light, ``_view(...).light``, on any periods, updates and day)."""
    late: list[date] = []
    for p in reversed(periods):
        updates: Any = by_period.get(p.pk, ())
        actual = period_actual(indicator, updates) if updates else None
        if actual is not None:
            level = getattr(indicator, "service_level", None)
            if level is not None and misses(indicator, actual, level.threshold):
                value_light = Light.RED  # a KPI below its threshold deducts from the payment
            else:
                value_light = light(progress(indicator, actual, p.target_value))
            break
        day = _late_from(p, updates)
        if day is not None:
            late.append(day)
    else:
        value_light = Light.GREY
    return Standing(value_light, min(late, default=None))


def _light(
    indicator: Indicator,
    periods: list[PeriodFigures],
    by_period: dict[int, list[UpdateFigures]],
    today: date,
) -> str:
    """``_view(...).light`` without computing every period (see :func:`standing`)."""
    return standing(indicator, periods, by_period).on(today)


#: The indicator's columns a light needs (with its service level's threshold).
LIGHT_FIELDS = (
    "pk",
    "partnership_id",
    "measure",
    "denominator_label",
    "factor",
    "direction",
    "cumulative",
    "baseline_value",
    "service_level__threshold",
)


def compute_lights(indicators: list[Indicator]) -> list[IndicatorLight]:
    """The lights of these indicators (read with ``LIGHT_FIELDS``), in one query."""
    if not indicators:
        return []
    by_indicator, by_period = _figures({"pk__in": [i.pk for i in indicators]})
    out = []
    for ind in indicators:
        s = standing(ind, by_indicator.get(ind.pk, []), by_period)
        out.append(IndicatorLight(indicator_id=ind.pk, light=s.light, late_from=s.late_from))
    return out


def ensure_lights(indicators: list[Indicator]) -> dict[int, Standing]:
    """The stored standing of these indicators (read with ``stored_light``); those with none
    stored (written in bulk, or from before lights were stored) are computed and stored now.
    Only inserted, never overwritten: a write that refreshed the light meanwhile (results.lights,
    under the indicator's lock) stored the one that counts, and this insert then does nothing."""
    out: dict[int, Standing] = {}
    missing = []
    for ind in indicators:
        try:
            stored = ind.stored_light
        except IndicatorLight.DoesNotExist:
            missing.append(ind)
        else:
            out[ind.pk] = Standing(stored.light, stored.late_from)
    made = compute_lights(missing)
    IndicatorLight.objects.bulk_create(made, ignore_conflicts=True)
    out.update({m.indicator_id: Standing(m.light, m.late_from) for m in made})
    return out


def off_track_page(
    *, user: Any, partnership_ids: list[int] | None = None, limit: int | None = DASHBOARD_ROWS
) -> OffTrack:
    """Indicators that are off track, at risk or overdue in the given partnerships (default:
    every partnership the user sees as a partner, or all for platform staff; the ids are always
    narrowed to those), red before amber; the first ``limit`` rows (None: all) come with their
    partnership. A fixed number of queries, whatever the number of partnerships."""
    today = timezone.localdate()
    where: dict[str, Any] = {"partnership__in": visible_partnerships(user)}
    if partnership_ids is not None:
        where["partnership_id__in"] = partnership_ids
    # The stored lights narrow the indicators read to those flagged today (or with no light
    # stored yet); only the rows listed have their periods and updates read.
    flagged_today = (
        Q(stored_light__light__in=(Light.RED, Light.AMBER))
        | Q(stored_light__late_from__lte=today)
        | Q(stored_light__isnull=True)
    )
    candidates = list(
        Indicator.objects.filter(**where)
        .filter(flagged_today)
        .select_related("service_level", "stored_light")
        .only(*LIGHT_FIELDS, "title", "stored_light__light", "stored_light__late_from")
    )
    standings = ensure_lights(candidates)
    order = {Light.RED: 0, Light.AMBER: 1}
    flagged = []
    for ind in candidates:
        rank = order.get(standings[ind.pk].on(today))
        if rank is not None:
            flagged.append((rank, ind.partnership_id, ind.pk, ind))
    flagged.sort(key=lambda row: row[:3])
    listed = flagged if limit is None else flagged[:limit]
    by_indicator, by_period = _figures({"pk__in": [ind.pk for *_, ind in listed]})
    rows = [_view(ind, by_indicator.get(ind.pk, []), by_period, today) for *_, ind in listed]
    partnerships = Partnership.objects.in_bulk({v.indicator.partnership_id for v in rows})
    for v in rows:
        v.indicator.partnership = partnerships[v.indicator.partnership_id]
    return OffTrack(rows, len(flagged))


def off_track(*, user: Any) -> list[IndicatorView]:
    """Indicators that are off track, at risk or overdue, across every partnership the user
    sees as a partner (or all, for platform staff), worst first (all of them: the dashboard
    reads them a page of partnerships at a time with :func:`off_track_page`)."""
    return off_track_page(user=user, limit=None).rows


# --------------------------------------------------------------------------- service levels


@dataclass(frozen=True)
class Failure:
    indicator: Indicator
    period: Period
    actual: Decimal | None
    threshold: Decimal
    share: Decimal  # of the year's availability payment this failure deducts (0..1)

    @property
    def year(self) -> int:
        return self.period.end.year


def _year_share(period: Period) -> Decimal:
    """The period's share of its year (a quarter ≈ 0.25), capped at 1."""
    days = (period.end - period.start).days + 1
    year_days = 366 if period.end.year % 4 == 0 else 365
    return min(Decimal(1), Decimal(days) / Decimal(year_days))


def availability_failures(
    partnership: Partnership,
    today: date | None = None,
    *,
    kpis: list[Indicator] | None = None,
) -> list[Failure]:
    """Every ended period of a KPI whose approved value misses its threshold, or that has no
    approved value once its report is overdue (a missing report counts as a failure). ``kpis``:
    the partnership's KPIs already read with their periods and updates (else they are read)."""
    today = today or timezone.localdate()
    out = []
    if kpis is None:
        kpis = list(
            _indicators_qs(details=False).filter(
                partnership=partnership, service_level__isnull=False
            )
        )
    for ind in kpis:
        level = ind.service_level
        for p in ind.periods.all():
            if p.end > today:
                continue
            actual = period_actual(ind, list(p.updates.all()))
            if actual is None:
                if p.due_date is None or p.due_date >= today:
                    continue
                failed = True
            else:
                failed = misses(ind, actual, level.threshold)
            if failed:
                share = level.deduction_percent / HUNDRED * _year_share(p)
                out.append(Failure(ind, p, actual, level.threshold, share))
    return out


def failures_change_on(kpis: list[Indicator], today: date) -> date | None:
    """The first day after ``today`` on which :func:`availability_failures` of these KPIs (read
    with their periods) may change with no write at all: the day a period ends (it is judged
    from then on) or the day after its report's due date (a missing report then fails). None
    when no such day is ahead. The open-data export marks the partnership for that day."""
    days = []
    for ind in kpis:
        for p in ind.periods.all():
            days.append(p.end)
            if p.due_date is not None:
                days.append(p.due_date + timedelta(days=1))
    return min((d for d in days if d > today), default=None)


def availability_deductions(
    partnership: Partnership, today: date | None = None, *, failures: list[Failure] | None = None
) -> dict[int, Decimal]:
    """{year: share of that year's availability payment deducted} — each failure deducts its
    KPI's percentage of the failing period's payment (the period's share of the year), and each
    KPI's deductions in a year stop at its cap; the year's total stops at 100 %. ``failures``:
    :func:`availability_failures` already computed (else it is)."""
    per_kpi: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    caps: dict[int, Decimal] = {}
    if failures is None:
        failures = availability_failures(partnership, today)
    for f in failures:
        per_kpi[(f.year, f.indicator.pk)] += f.share
        caps[f.indicator.pk] = f.indicator.service_level.cap_percent / HUNDRED
    years: dict[int, Decimal] = defaultdict(Decimal)
    for (year, kpi), share in per_kpi.items():
        years[year] += min(share, caps[kpi])
    return {y: min(Decimal(1), s).quantize(Decimal("0.000001")) for y, s in sorted(years.items())}


# --------------------------------------------------------------------------- health


@dataclass
class HealthPoint:
    round: date
    sector: str
    index: Decimal
    items: dict[str, Decimal]
    respondents: int


def health_series(*, user: Any, partnership: Partnership) -> list[HealthPoint]:
    """The health index (0–100) per sector and round: the mean of its partners' answers.
    Answers are shown per sector, never per organisation."""
    require_results(user, partnership)
    rows = HealthResponse.objects.filter(partnership=partnership).select_related(
        "member__organisation"
    )
    groups: dict[tuple[date, str], list[HealthResponse]] = defaultdict(list)
    for r in rows:
        groups[(r.round, r.member.organisation.sector)].append(r)
    out = []
    for (rnd, sector), answers in sorted(groups.items()):
        items = {
            k: (
                (sum(Decimal(a.scores[k]) for a in answers) / len(answers) - 1) / 4 * HUNDRED
            ).quantize(Decimal("0.1"))
            for k in HealthItem.values
        }
        index = (sum(a.index for a in answers) / len(answers)).quantize(Decimal("0.1"))
        out.append(HealthPoint(rnd, sector, index, items, len(answers)))
    return out


#: A change of the index (points out of 100) between two rounds that counts as a move.
DIVERGENCE = Decimal(10)


def health_divergence(points: list[HealthPoint]) -> list[dict[str, Any]]:
    """Pairs of sectors that moved apart between the last two rounds: one's index fell by at
    least ``DIVERGENCE`` points while the other's rose by as much."""
    rounds = sorted({p.round for p in points})
    if len(rounds) < 2:
        return []
    before, now = rounds[-2], rounds[-1]
    idx = {(p.round, p.sector): p.index for p in points}
    moves = {
        s: idx[(now, s)] - idx[(before, s)] for (r, s) in idx if r == now and (before, s) in idx
    }
    falling = [s for s, d in moves.items() if d <= -DIVERGENCE]
    rising = [s for s, d in moves.items() if d >= DIVERGENCE]
    return [
        {
            "falling": f,
            "rising": r,
            "falling_label": SECTOR_WORDS.get(f, f),
            "rising_label": SECTOR_WORDS.get(r, r),
            "fell": -moves[f],
            "rose": moves[r],
            "round": now,
        }
        for f in falling
        for r in rising
    ]


#: A sector's partners in a sentence ("the health index of the government partners fell").
SECTOR_WORDS = {
    "public": _("government"),
    "social": _("civil-society"),
    "private": _("business"),
    "academia": _("academic"),
    "media": _("media"),
}


# --------------------------------------------------------------------------- OCDS


def _ocds_period(period: Period) -> dict[str, str]:
    return {
        "startDate": f"{period.start.isoformat()}T00:00:00+07:00",
        "endDate": f"{period.end.isoformat()}T23:59:59+07:00",
    }


def _ocds_unit(indicator: Indicator) -> dict[str, str]:
    if indicator.unit == "percent":
        return {"name": "percent", "id": "P1", "scheme": "UNCEFACT"}
    return {"name": indicator.unit or "number"}


def public_kpis(partnership: Partnership) -> dict[str, Any]:
    """OCDS for PPPs ``contracts[].implementation`` fields of the agreement's KPIs, for the
    disclosure app's release of a published partnership: ``metrics`` (each KPI with one
    observation per period that has a verified value, its target as ``notes``) and
    ``performanceFailures`` (each failing period, with the contracted and imposed deduction).
    Only KPIs (indicators with a service level) are published: they are terms of the contract;
    other indicators stay with the partners. Unverified values are never published.

    Batching: when the caller prefetched the partnership's KPIs with :func:`kpis_prefetch`,
    an export of many partnerships costs a fixed number of queries."""
    prefetched = getattr(partnership, "kpis", None)
    if prefetched == []:
        return {}
    kpis = list(
        prefetched
        if prefetched is not None
        else _indicators_qs(details=False).filter(
            partnership=partnership, service_level__isnull=False
        )
    )
    metrics: list[dict[str, Any]] = []
    for ind in kpis:
        level = ind.service_level
        observations = []
        for p in ind.periods.all():
            actual = period_actual(ind, list(p.updates.all()))
            if actual is None:
                continue
            obs: dict[str, Any] = {
                "id": f"kpi-{ind.pk}-{p.start.isoformat()}",
                "period": _ocds_period(p),
                "measure": actual.normalize(),
                "unit": _ocds_unit(ind),
            }
            if p.target_value is not None:
                obs["notes"] = (
                    f"Target {p.target_value.normalize():f}; threshold {level.threshold.normalize():f}"
                )
            observations.append(obs)
        metric: dict[str, Any] = {"id": f"kpi-{ind.pk}", "title": ind.title}
        if ind.description:
            metric["description"] = ind.description
        if observations:
            metric["observations"] = observations
        metrics.append(metric)
    failures = []
    for f in availability_failures(partnership, kpis=kpis):
        level = f.indicator.service_level
        contracted = (
            f"{level.deduction_percent.normalize():f}% of the period's availability payment per "
            f"failure, at most {level.cap_percent.normalize():f}% a year"
        )
        if level.clause:
            contracted += f" ({level.clause})"
        failures.append(
            {
                "id": f"kpi-{f.indicator.pk}-{f.period.start.isoformat()}",
                "period": _ocds_period(f.period),
                "category": f.indicator.title,
                "events": 1,
                "penaltyContracted": contracted,
                "penaltyImposed": f"{(f.share * HUNDRED).quantize(Decimal('0.01')).normalize():f}% "
                "of the year's availability payment",
            }
        )
    out: dict[str, Any] = {}
    if metrics:
        out["metrics"] = metrics
    if failures:
        out["performanceFailures"] = failures
    return out


# --------------------------------------------------------------------------- edit pages


def result_get(*, user: Any, partnership: Partnership, pk: int) -> Result:
    require_results(user, partnership)
    result = Result.objects.filter(pk=pk, partnership=partnership).first()
    if result is None:
        raise NotFound(_("Result not found."))
    return result


def value_counts(
    *,
    result: Result | None = None,
    indicator: Indicator | None = None,
    period: Period | None = None,
) -> dict[str, int]:
    """The values reported under a result, an indicator or a period, by status (what a deletion
    would take with it, or what refuses it)."""
    updates = Update.objects.all()
    if result is not None:
        updates = updates.filter(period__indicator__result=result)
    if indicator is not None:
        updates = updates.filter(period__indicator=indicator)
    if period is not None:
        updates = updates.filter(period=period)
    counts = dict.fromkeys(Status.values, 0)
    for status in updates.values_list("status", flat=True):
        counts[status] += 1
    return counts


def shareable_partnerships(*, user: Any, indicator: Indicator) -> list[Partnership]:
    """The other partnerships an indicator may be shown in: those the user's organisation leads
    (``services.indicator_share`` allows no other)."""
    from mitra.organisations.permissions import user_admin_organisation_ids

    from .permissions import can_edit_framework

    candidates = (
        Partnership.objects.filter(
            members__organisation_id__in=user_admin_organisation_ids(user),
            members__left_on__isnull=True,
        )
        .exclude(pk=indicator.partnership_id)
        .prefetch_related("members")
        .distinct()
        .order_by("code", "pk")
    )
    return [p for p in candidates if can_edit_framework(user, p)]


def shared_sources(*, results: list[ResultView], partnership: Partnership) -> dict[int, Any]:
    """The partnerships that report the indicators shown here but not owned here, by id."""
    ids = {
        iv.indicator.partnership_id
        for rv in results
        for iv in rv.indicators
        if iv.indicator.partnership_id != partnership.pk
    }
    return Partnership.objects.in_bulk(ids) if ids else {}
