"""The partnership report: one PDF and one XLSX per partnership, in the reader's language.

A report is a list of sections built by small builders, one per part of the partnership, in a
fixed order (:data:`SECTIONS`), like the disclosure's builders (STYLE.md rule 12). Every builder
reads through the selectors the pages use, with the reader as ``user``: the report shows exactly
what that reader may see on the pages, never more (another partner's confidential commitments,
cost figures and finance model stay out, as they do on the pages). The charts are the pages' own
(``mitra.core.charts`` SVGs from ``mitra.risks.charts``, ``mitra.finance.charts`` and
``mitra.finance.appraisal_charts``), placed in the PDF as they are.

A section that cannot be shown to this reader, or whose data do not exist yet (no risk register,
no finance model, no value-for-money inputs), says so in a sentence instead of being dropped
silently. :func:`report_pdf` lays the sections out with WeasyPrint
(``templates/finance/report_pdf.html``); :func:`report_xlsx` writes one sheet per section, with
typed numbers, and every chart's numbers beside the section's tables.

A report is built in the request when it is small, and as a background job (kind
``finance.report``, :func:`report_job`) when it is large (:func:`report_is_large`); the job keeps
the file in the default storage under ``reports/`` for its creator alone to download.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from mitra.core.charts import Chart
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.jobs.models import Job
from mitra.partnerships.models import Partnership, Role
from mitra.partnerships.selectors import fulfilment, partnership_get

FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
JOB_KIND = "finance.report"
#: Above this many rows (partners, needs, commitments, risks, model years) a report is built in a
#: background job rather than in the request. The hospital demo is far below it.
DIRECT_LIMIT = 400
#: Where a job leaves its file (default storage; never served by URL, see config/urls.py).
STORAGE_DIR = "reports"


# =========================================================================== the report


@dataclass
class Table:
    """A table of a section: ``rows`` hold raw values (text, ``Decimal``, float, int, None);
    ``places`` gives the decimals of each column (``None``: text)."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    places: list[int | None]
    note: str = ""

    @property
    def numeric(self) -> list[bool]:
        return [p is not None for p in self.places]


@dataclass
class Section:
    key: str
    title: str
    sentences: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    #: Why the section has nothing to show this reader (a sentence), or "".
    missing: str = ""


@dataclass
class Report:
    partnership: Partnership
    language: str
    reader: str
    generated_at: dt.datetime
    sections: list[Section]

    @property
    def title(self) -> str:
        return _("Partnership report: %(title)s") % {"title": self.partnership.title}

    @property
    def filename(self) -> str:
        return f"mitra-{slugify(self.partnership.code) or self.partnership.pk}-{self.language}"


def _reader(user: Any) -> str:
    name = (user.get_full_name() or user.get_username()) if user.is_authenticated else ""
    return str(name)


def report_build(
    *, user: Any, partnership: Partnership, progress: Callable[[int, int], None] | None = None
) -> Report:
    """The report as ``user`` may see it, in the active language.

    Every section reads through the pages' selectors with ``user``; a section the reader may
    not see says so in a sentence. ``progress(done, total)`` is told after each section.
    """
    language = (translation.get_language() or "id")[:2]
    sections = []
    for done, build in enumerate(SECTIONS, start=1):
        sections.append(build(user, partnership))
        if progress is not None:
            progress(done, len(SECTIONS) + 1)
    return Report(
        partnership=partnership,
        language="en" if language == "en" else "id",
        reader=_reader(user),
        generated_at=timezone.localtime(),
        sections=sections,
    )


def report_size(partnership: Partnership) -> int:
    """A rough size of the report in rows (what decides between the request and a job)."""
    from mitra.partnerships.models import Commitment

    rows = partnership.members.count() + partnership.needs.count()
    rows += Commitment.objects.filter(need__partnership=partnership).count()
    risks = getattr(partnership, "risks", None)
    if risks is not None:
        rows += risks.count()
    spec = _stored_spec(partnership)
    if spec:
        rows += int(spec.get("handback_year", 0)) - int(spec.get("start_year", 0)) + 1
    return rows


def report_is_large(partnership: Partnership) -> bool:
    return report_size(partnership) > DIRECT_LIMIT


def _stored_spec(partnership: Partnership) -> dict[str, Any] | None:
    try:
        from mitra.finance import selectors as finance_selectors

        return finance_selectors.internal_spec(partnership)
    except (ImportError, AttributeError):
        return None


# =========================================================================== helpers


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def chart_table(chart: Chart) -> Table:
    """The numbers behind a chart as a report table (the same as under the chart on the page)."""
    headers = [str(c.header) for c in chart.columns]
    rows = [[_finite(c.value(row)) for c in chart.columns] for row in chart.rows]
    places = [chart.places[i] if i < len(chart.places) else None for i in range(len(headers))]
    return Table(title=chart.title, headers=headers, rows=rows, places=places)


def _choice(value: Any, choices: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _date(value: dt.date | None) -> str:
    if value is None:
        return ""
    from django.utils.formats import date_format

    return str(date_format(value, "SHORT_DATE_FORMAT"))


def _not_available(key: str, title: Any, sentence: Any) -> Section:
    return Section(key=key, title=str(title), missing=str(sentence))


# =========================================================================== sections


def build_overview(user: Any, partnership: Partnership) -> Section:
    from mitra.core.templatetags.mitra import province_name
    from mitra.partnerships.models import (
        DevelopmentSector,
        GovernmentSupport,
        PartnershipForm,
        ReturnMechanism,
        Stage,
    )

    p = partnership
    facts: list[tuple[str, str]] = [
        (_("Code"), p.code),
        (_("Form"), _choice(p.form, PartnershipForm)),
        (_("Stage"), _choice(p.stage, Stage)),
    ]
    if p.development_sector:
        facts.append((_("Development sector"), _choice(p.development_sector, DevelopmentSector)))
    place = ", ".join(x for x in (p.regency, province_name(p.province) if p.province else "") if x)
    if place:
        facts.append((_("Location"), place))
    if p.start_date or p.end_date:
        facts.append((_("Period"), f"{_date(p.start_date)} – {_date(p.end_date)}"))
    if p.concession_years:
        facts.append((_("Concession (years)"), str(p.concession_years)))
    if p.return_mechanism:
        facts.append((_("Return of investment"), _choice(p.return_mechanism, ReturnMechanism)))
    support = [_choice(s, GovernmentSupport) for s in (p.government_support or [])]
    if support:
        facts.append((_("Government support"), ", ".join(support)))
    if p.currency:
        facts.append((_("Currency"), p.currency))
    sentences = [p.summary] if p.summary else []
    return Section(key="overview", title=_("Overview"), sentences=sentences, facts=facts)


def build_partners(user: Any, partnership: Partnership) -> Section:
    from mitra.organisations.models import Sector

    members = list(partnership.members.all())
    rows = []
    for m in members:
        roles = ", ".join(_choice(r, Role) for r in (m.roles or []))
        rows.append(
            [
                str(m.organisation),
                _choice(m.organisation.sector, Sector),
                roles,
                _date(m.joined_on),
                _date(m.left_on),
                m.equity_share,
            ]
        )
    current = sum(1 for m in members if m.left_on is None)
    sentence = _("%(n)s organisations take part in this partnership; %(current)s of them now.") % {
        "n": len(members),
        "current": current,
    }
    return Section(
        key="partners",
        title=_("Partners"),
        sentences=[sentence],
        tables=[
            Table(
                title=_("Partners and their roles"),
                headers=[
                    _("Organisation"),
                    _("Sector"),
                    _("Roles"),
                    _("Joined"),
                    pgettext("partner left the partnership", "Left"),
                    _("Equity share (%)"),
                ],
                rows=rows,
                places=[None, None, None, None, None, 2],
            )
        ],
    )


def build_needs(user: Any, partnership: Partnership) -> Section:
    from mitra.core.choices import Confidentiality, unit_label
    from mitra.organisations.models import ResourceType

    data = fulfilment(user=user, partnership=partnership)
    title = _("Needs and commitments")
    if not data.needs:
        return _not_available("needs", title, _("No needs have been recorded yet."))
    need_rows = []
    commitment_rows = []
    hidden = 0
    for row in data.needs:
        need = row.need
        measure = need.currency or str(unit_label(need.unit))
        hidden += row.hidden_commitments
        need_rows.append(
            [
                need.title,
                _choice(need.resource_type, ResourceType),
                measure,
                need.quantity,
                row.pledged,
                row.delivered,
                row.gap if row.gap_known else None,
                row.hidden_commitments or None,
            ]
        )
        for c in row.commitments:
            commitment_rows.append(
                [
                    need.title,
                    str(c.commitment.member.organisation),
                    measure,
                    c.commitment.quantity,
                    c.delivered,
                    _choice(c.commitment.confidentiality, Confidentiality),
                ]
            )
    sentences = []
    open_gaps = [r for r in data.needs if r.gap_known and r.gap > 0]
    sentences.append(
        _("%(n)s of %(total)s needs still have a gap that no partner has pledged to fill.")
        % {"n": len(open_gaps), "total": len(data.needs)}
    )
    if hidden:
        sentences.append(
            ngettext(
                "%(n)s commitment is confidential to the partner that made it: it is counted "
                "here but its amount is left out of every figure.",
                "%(n)s commitments are confidential to the partners that made them: they are "
                "counted here but their amounts are left out of every figure.",
                hidden,
            )
            % {"n": hidden}
        )
    return Section(
        key="needs",
        title=title,
        sentences=sentences,
        tables=[
            Table(
                title=_("Needs: pledged, delivered and gap"),
                headers=[
                    _("Need"),
                    _("Resource"),
                    _("Measure"),
                    _("Needed"),
                    _("Pledged"),
                    _("Delivered"),
                    _("Gap"),
                    _("Commitments not shown"),
                ],
                rows=need_rows,
                places=[None, None, None, 2, 2, 2, 2, 0],
            ),
            Table(
                title=_("Commitments"),
                headers=[
                    _("Need"),
                    _("Partner"),
                    _("Measure"),
                    _("Pledged"),
                    _("Delivered"),
                    _("Confidentiality"),
                ],
                rows=commitment_rows,
                places=[None, None, None, 2, 2, None],
            ),
        ],
    )


def build_risks(user: Any, partnership: Partnership) -> Section:
    from mitra.risks import charts as risk_charts
    from mitra.risks import selectors as risk_selectors

    title = _("Risk allocation and simulation")
    try:
        register = risk_selectors.register_get(user=user, partnership=partnership)
    except (PermissionDenied, NotFound):
        return _not_available(
            "risks", title, _("Only the partners of this partnership can see its risks.")
        )
    if register.settings is None and not register.risks:
        return _not_available("risks", title, _("This partnership has no risk register yet."))
    section = Section(key="risks", title=title)
    parties = register.parties
    rows = []
    for risk in register.risks:
        shares = {a.party_id: a.share for a in risk.allocations.all()}
        rows.append(
            [
                risk.code,
                risk.title,
                risk.likelihood,
                risk.impact_level,
                risk.likelihood * risk.impact_level,
                *[(shares[p.pk] * 100) if shares.get(p.pk) is not None else None for p in parties],
            ]
        )
    if register.risks:
        section.charts.append(risk_charts.heat_map(register.risks))
        section.tables.append(
            Table(
                title=_("Who bears each risk (share in %)"),
                headers=[_("Code"), _("Risk"), _("Likelihood"), _("Impact"), _("Score")]
                + [p.name for p in parties],
                rows=rows,
                places=[None, None, 0, 0, 0] + [1] * len(parties),
            )
        )
    if register.hidden_costs:
        section.sentences.append(
            ngettext(
                "%(n)s risk holds cost figures confidential to another partner: they are not "
                "shown here.",
                "%(n)s risks hold cost figures confidential to another partner: they are not "
                "shown here.",
                register.hidden_costs,
            )
            % {"n": register.hidden_costs}
        )
    simulation = risk_selectors.latest_simulation(partnership)
    if simulation is None or simulation.result is None:
        section.sentences.append(_("The risks have not been simulated yet."))
        return section
    result = simulation.result
    titles = {r.code: r.title for r in register.risks}
    section.charts += risk_charts.result_charts(result, parties, titles)
    reviews = risk_selectors.party_reviews(register, result)
    if reviews:
        section.tables.append(
            Table(
                title=_("Each party's risk cost against what it can bear"),
                headers=[_("Party"), _("Expected"), "P95", _("Capacity"), _("Over capacity")],
                rows=[
                    [
                        r.party.name,
                        r.expected,
                        r.p95,
                        r.capacity,
                        _("yes") if r.over_capacity else _("no"),
                    ]
                    for r in reviews
                ],
                places=[None, 1, 1, 1, None],
            )
        )
    section.sentences.append(
        _("From the simulation of %(date)s, %(n)s iterations.")
        % {"date": _date(timezone.localdate(simulation.created_at)), "n": simulation.iterations}
    )
    return section


def build_finance(user: Any, partnership: Partnership) -> Section:
    title = _("Project finance")
    # the charts (Vega's engine) load with the first report, not with Django
    from mitra.finance import charts as finance_charts
    from mitra.finance import selectors as finance_selectors
    from mitra.finance.permissions import can_see_government_figures

    stored = finance_selectors.stored_model(partnership)
    if stored is None:
        return _not_available("finance", title, _("This partnership has no finance model yet."))
    model = finance_selectors.finance_model(user=user, partnership=partnership)
    section = Section(key="finance", title=title)
    if model is not None:
        result = finance_selectors.finance_result(user=user, partnership=partnership)
        assert result is not None
        minimum = Decimal(model.lender_min_dscr)
        unit = finance_charts.unit_label(result.currency, result.amount_unit)
        section.sentences.append(finance_charts.plain_words(result, minimum))
        section.facts = [
            (str(r["label"]), _summary_value(r, unit)) for r in finance_charts.summary_rows(result)
        ]
        section.charts = finance_charts.result_charts(
            result, spec_key=finance_selectors.spec_hash(model.spec), lender_min_dscr=minimum
        )
        flows = finance_selectors.government_flows(result)
        table = finance_charts.year_table(result, flows)
        section.tables.append(
            Table(
                title=_("Results by year (%(unit)s)") % {"unit": unit},
                headers=[_("Line")] + [str(y) for y in table["years"]],
                rows=[[str(r["label"]), *r["values"]] for r in table["rows"]],
                places=[None] + [1] * len(table["years"]),
            )
        )
        return section
    if can_see_government_figures(user, partnership, stored):
        payments = finance_selectors.government_payments(user=user, partnership=partnership)
        if payments is not None:
            unit = finance_charts.unit_label(payments["currency"], payments["amount_unit"])
            shown = {k: v for k, v in payments["flows"].items() if any(abs(x) > 1e-12 for x in v)}
            section.sentences.append(
                _(
                    "The project-finance model is confidential to the partners it names; the "
                    "government's payments it implies are shown."
                )
            )
            section.charts.append(
                finance_charts.government_chart_from(
                    years=payments["years"], flows=shown, unit=unit
                )
            )
            return section
    section.missing = _("The project-finance model is confidential to the partners it names.")
    return section


def _summary_value(row: dict[str, Any], unit: str) -> str:
    from mitra.core.money import format_number

    value = row.get("value")
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    kind = row.get("kind")
    if kind == "rate":
        return f"{format_number(100 * value, 2)}%"
    if kind == "ratio":
        return format_number(value, 2)
    return f"{format_number(value, 1)} {unit}"


def _appraisal() -> tuple[Any, Any]:
    # the charts (Vega's engine) load with the first report, not with Django
    from mitra.finance import appraisal_charts, appraisal_selectors

    return appraisal_selectors, appraisal_charts


def build_vfm(user: Any, partnership: Partnership) -> Section:
    title = _("Value for money")
    sel, appraisal_charts = _appraisal()
    try:
        view = sel.vfm_view(user=user, partnership=partnership)
    except (PermissionDenied, NotFound):
        return _not_available(
            "vfm", title, _("Only the partners of this partnership can see its value for money.")
        )
    section = Section(key="vfm", title=title)
    if view.result is None:
        section.missing = view.error or _("The value-for-money inputs have not been entered yet.")
    else:
        result = view.result
        section.sentences.append(sel.vfm_verdict(view))
        section.charts.append(appraisal_charts.vfm_chart(view))
        label = appraisal_charts.component_label
        rows: list[list[Any]] = [
            [_("PSC"), str(label(k)), e.mean, e.p5, e.p95] for k, e in result.psc.items()
        ]
        rows.append([_("PSC"), _("Total"), *_est(result.psc_total)])
        rows += [[_("KPBU"), str(label(k)), *_est(e)] for k, e in result.ppp.items()]
        rows.append([_("KPBU"), _("Total"), *_est(result.ppp_total)])
        rows.append([_("VfM"), _("PSC − KPBU"), *_est(result.vfm)])
        section.tables.append(
            Table(
                title=_("Present values (%(unit)s)") % {"unit": _unit(view)},
                headers=[_("Option"), _("Component"), _("Mean"), "P5", "P95"],
                rows=rows,
                places=[None, None, 1, 1, 1],
            )
        )
        section.sentences += [str(n) for n in view.notes]
    checklist = [c for c in view.checklist if c.get("answer") not in (None, "unknown")]
    if view.checklist:
        section.tables.append(
            Table(
                title=_("Qualitative value-for-money checklist"),
                headers=[_("Question"), _("Answer"), _("Note")],
                rows=[
                    [str(c["question"]), str(c.get("answer_label") or ""), c.get("note", "")]
                    for c in view.checklist
                ],
                places=[None, None, None],
                note="" if checklist else _("No question of the checklist has been answered yet."),
            )
        )
    return section


def _est(e: Any) -> list[Any]:
    return [e.mean, e.p5, e.p95]


def _unit(view: Any) -> str:
    from mitra.finance.charts import unit_label

    return str(unit_label(view.currency, view.amount_unit))


def build_fiscal(user: Any, partnership: Partnership) -> Section:
    title = _("Fiscal commitments and contingent liabilities")
    sel, appraisal_charts = _appraisal()
    try:
        view = sel.fiscal_view(user=user, partnership=partnership)
    except (PermissionDenied, NotFound):
        return _not_available(
            "fiscal",
            title,
            _("Only the partners of this partnership can see its fiscal commitments."),
        )
    section = Section(key="fiscal", title=title)
    if view.result is None:
        section.missing = view.error or _("The fiscal inputs have not been entered yet.")
        return section
    result = view.result
    unit = _unit(view)
    section.sentences += [str(n) for n in view.notes]
    section.charts += appraisal_charts.fiscal_charts(view)
    rows = view.rows or []
    section.tables.append(
        Table(
            title=_("Commitments by year against the budget (%(unit)s)") % {"unit": unit},
            headers=[
                _("Year"),
                _("Direct commitments"),
                _("Expected guarantee calls"),
                _("P95 guarantee calls"),
                _("Budget"),
                _("Share of budget (%)"),
            ],
            rows=[
                [
                    str(r["year"]),
                    r["direct_total"],
                    r["expected"],
                    r["p95"],
                    r["budget"],
                    None if r["share"] is None else 100 * r["share"],
                ]
                for r in rows
            ],
            places=[None, 1, 1, 1, 1, 2],
        )
    )
    status = {True: _("raised"), False: _("not raised"), None: _("undecided")}
    section.tables.append(
        Table(
            title=_("Balance-sheet and fiscal-limit tests"),
            headers=[_("Framework"), _("Test"), _("Result"), _("Detail")],
            rows=[
                [
                    _(f.framework),
                    appraisal_charts.flag_label(f.id),
                    status[f.triggered],
                    appraisal_charts.flag_detail(f),
                ]
                for f in result.flags
            ],
            places=[None, None, None, None],
            note=_(
                "Eurostat (statistics) asks who bears the risks; IPSAS 32 / PSAP 16 (the "
                "government's accounts) asks who controls the asset: they may disagree."
            ),
        )
    )
    section.sentences += [sel.guarantee_chain(view, g) for g in view.guarantees]
    return section


def build_stress(user: Any, partnership: Partnership) -> Section:
    title = _("Stress tests")
    sel, appraisal_charts = _appraisal()
    try:
        view = sel.stress_view(user=user, partnership=partnership)
    except (PermissionDenied, NotFound):
        return _not_available(
            "stress", title, _("Only the partners of this partnership can see its stress tests.")
        )
    if not view.scenarios:
        return _not_available("stress", title, _("No stress scenario has been saved yet."))
    section = Section(key="stress", title=title)
    chart = appraisal_charts.stress_chart(view)
    if chart is not None:
        section.charts.append(chart)
    section.sentences.append(
        _("%(n)s named scenarios are saved: %(names)s.")
        % {"n": len(view.scenarios), "names": ", ".join(str(s) for s in view.scenarios)}
    )
    return section


#: The sections in the order of the report.
SECTIONS: list[Callable[[Any, Partnership], Section]] = [
    build_overview,
    build_partners,
    build_needs,
    build_risks,
    build_finance,
    build_vfm,
    build_fiscal,
    build_stress,
]


# =========================================================================== PDF


def _cell_text(value: Any, places: int | None) -> str:
    from mitra.core.money import format_number

    if value is None:
        return ""
    if places is None or isinstance(value, str):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return format_number(value, places)


def svg_data_uri(svg: str) -> str:
    """A chart's SVG, byte for byte the page's, as a ``data:`` URI for an ``<img>``: WeasyPrint
    then reads it with its XML parser instead of its (pure-Python) HTML parser, several times
    faster for a report of charts, and still draws it as vectors and text."""
    if "xmlns=" not in svg[: svg.find(">")]:
        svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_html(report: Report) -> str:
    """The report as the HTML WeasyPrint lays out (also used by the tests)."""
    sections = []
    for s in report.sections:
        tables = [
            {
                "table": t,
                "head": list(zip(t.headers, t.numeric, strict=False)),
                "cells": [
                    [(_cell_text(v, p), p is not None) for v, p in zip(row, t.places, strict=False)]
                    for row in t.rows
                ],
            }
            for t in s.tables
        ]
        charts = [{"chart": c, "src": svg_data_uri(str(c.svg))} for c in s.charts]
        sections.append({"section": s, "tables": tables, "charts": charts})
    return render_to_string(
        "finance/report_pdf.html",
        {
            "report": report,
            "partnership": report.partnership,
            "sections": sections,
            "LANGUAGE_CODE": report.language,
            "css": {
                "header": css_string(
                    f"{report.partnership.code} · {report.partnership.title}"[:90]
                ),
                "footer": css_string(_("Shows only what its reader may see")),
                "page": css_string(_("Page")),
            },
        },
    )


def css_string(text: str) -> SafeString:
    """``text`` for a CSS string in a ``<style>`` element: every character but ASCII letters
    and digits as a six-digit CSS hex escape (a space after one would be eaten by it), so no
    quote or ``</style>`` can end the string."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):06x}" for ch in text)
    return mark_safe(out)  # noqa: S308 - every other character is escaped above


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (A4, WeasyPrint)."""
    from weasyprint import HTML

    return bytes(HTML(string=report_html(report)).write_pdf())


# =========================================================================== XLSX

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    # A cell starting with = + - @ is a formula to a spreadsheet (CSV/formula injection).
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


def report_xlsx(report: Report) -> bytes:
    """The report as a workbook: a cover sheet and one sheet per section, typed numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    cover = book.active
    assert cover is not None
    used: set[str] = set()
    cover.title = _sheet_title(_("Report"), used)
    bold = Font(bold=True)
    cover.append([report.title])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([_("Prepared for"), report.reader])
    cover.append([_("Prepared on"), report.generated_at.replace(tzinfo=None)])
    cover.cell(row=3, column=2).number_format = "yyyy-mm-dd hh:mm"
    cover.append([_confidentiality_note()])
    cover.append([])
    cover.append([_("Section"), _("Sheet"), _("Shown")])
    for cell in cover[6]:
        cell.font = bold
    sheets: list[tuple[Section, str]] = []
    for s in report.sections:
        name = _sheet_title(s.title, used)
        sheets.append((s, name))
        cover.append([s.title, name, s.missing or _("yes")])
    cover.column_dimensions["A"].width = 48
    cover.column_dimensions["B"].width = 32
    for s, name in sheets:
        sheet = book.create_sheet(name)
        sheet.append([s.title])
        sheet["A1"].font = Font(bold=True, size=13)
        if s.missing:
            sheet.append([s.missing])
        for sentence in s.sentences:
            sheet.append([sentence])
            sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=False)
        for label, value in s.facts:
            sheet.append([label, value])
        tables = list(s.tables) + [chart_table(c) for c in s.charts]
        for t in tables:
            sheet.append([])
            sheet.append([t.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(list(t.headers))
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in t.rows:
                sheet.append([_xlsx_value(v) for v in row])
                for col, places in enumerate(t.places, start=1):
                    if places is not None:
                        cell = sheet.cell(row=sheet.max_row, column=col)
                        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
            if t.note:
                sheet.append([t.note])
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _confidentiality_note() -> str:
    return _(
        "This report shows only what its reader may see on the platform: figures confidential "
        "to another partner are left out."
    )


# =========================================================================== services


def report_render(report: Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return report_pdf(report)
    if fmt == "xlsx":
        return report_xlsx(report)
    raise ValueError(f"unknown report format {fmt!r}")


def report_file(*, user: Any, partnership: Partnership, fmt: str) -> tuple[bytes, str]:
    """Build and render the report in the request: the bytes and the file name."""
    if fmt not in FORMATS:
        raise NotFound(_("Unknown report format."))
    report = report_build(user=user, partnership=partnership)
    return report_render(report, fmt), f"{report.filename}.{fmt}"


def report_start(*, actor: Any, partnership: Partnership, fmt: str) -> Job:
    """Queue the report as a background job (its creator alone follows and downloads it)."""
    from mitra.jobs.services import job_enqueue

    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown report format."))
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to prepare a report."))
    return job_enqueue(
        actor=actor,
        kind=JOB_KIND,
        title=str(
            _("Report (%(format)s): %(code)s") % {"format": fmt.upper(), "code": partnership.code}
        ),
        params={"partnership": partnership.pk, "format": fmt},
    )


def report_job(job: Job, progress: Any) -> dict[str, Any]:
    """The job handler: build the report as its creator sees it, in the job's language, and
    keep the file for them. Idempotent: a second run writes the same file again."""
    user = job.created_by
    if user is None:
        raise ApplicationError(_("The person who asked for this report no longer exists."))
    partnership = partnership_get(user=user, pk=job.params["partnership"])
    fmt = job.params["format"]
    total = len(SECTIONS) + 1
    progress(0, total)
    report = report_build(user=user, partnership=partnership, progress=progress)
    data = report_render(report, fmt)
    path = f"{STORAGE_DIR}/{job.pk}/{report.filename}.{fmt}"
    if default_storage.exists(path):
        default_storage.delete(path)
    stored = default_storage.save(path, ContentFile(data))
    progress(total, total)
    return {
        "partnership": partnership.pk,
        "format": fmt,
        "file": stored,
        "filename": f"{report.filename}.{fmt}",
        "bytes": len(data),
    }


def report_job_file(*, user: Any, partnership: Partnership, job_id: Any) -> tuple[Job, Any]:
    """A finished report job of this partnership that ``user`` created, and its file handle.

    The file was built with its creator's permissions, so nobody else may download it (the
    view also checks that they still see the partnership)."""
    from mitra.jobs.selectors import job_get_for

    try:
        job_id = uuid.UUID(str(job_id))
    except ValueError:
        raise NotFound(_("Report not found.")) from None
    job = job_get_for(user, job_id)
    if job.kind != JOB_KIND or job.params.get("partnership") != partnership.pk:
        raise NotFound(_("Report not found."))
    return job, (job.result or {}).get("file")


def job_for_page(*, user: Any, partnership: Partnership, job_id: Any) -> Job | None:
    try:
        job, _file = report_job_file(user=user, partnership=partnership, job_id=job_id)
    except NotFound:
        return None
    return job


def section_titles() -> Sequence[Any]:
    """The sections' titles in order (for the report page's list of contents)."""
    return [
        gettext_lazy("Overview"),
        gettext_lazy("Partners"),
        gettext_lazy("Needs and commitments"),
        gettext_lazy("Risk allocation and simulation"),
        gettext_lazy("Project finance"),
        gettext_lazy("Value for money"),
        gettext_lazy("Fiscal commitments and contingent liabilities"),
        gettext_lazy("Stress tests"),
    ]
