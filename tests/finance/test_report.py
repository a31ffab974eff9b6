"""The partnership report: its sections read through the pages' selectors, so each reader sees
what they may see on the pages; the XLSX has a sheet per section with typed numbers; a large
report is a background job whose file only its creator downloads."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import translation
from openpyxl import load_workbook

from mitra.core.errors import NotFound
from mitra.finance import report, services
from mitra.jobs.models import JobStatus
from mitra.jobs.runner import job_execute
from mitra.partnerships.models import Partnership
from mitra.risks import services as risk_services
from mitra.risks import simulations
from mitra.risks.models import RiskParty

pytestmark = pytest.mark.django_db

#: The company's owner-only commitment in the shared world (tests/conftest.py): 77,000,000.00.
SECRET = Decimal("77000000.00")


@dataclass
class ReportWorld:
    fw: Any

    @property
    def partnership(self) -> Partnership:
        return Partnership.objects.get(pk=self.fw.partnership.pk)

    def user(self, name: str) -> Any:
        return self.fw.user(name)


def _risks(fw: Any, capture: Any) -> None:
    """A register with one quantified risk shared by the three partners, simulated."""
    lead = fw.user("lead_admin")
    partnership = fw.partnership
    risk_services.register_start(actor=lead, partnership=partnership)
    settings = partnership.risk_settings
    risk_services.settings_update(
        actor=lead,
        partnership=partnership,
        data={
            "horizon_years": 5,
            "cash_flows": {
                "capex": [100, 100, 0, 0, 0],
                "opex": [0, 0, 10, 10, 10],
                "revenue": [0, 0, 80, 80, 80],
            },
        },
        expected_version=settings.version,
    )
    parties = {
        p.member.organisation_id: p
        for p in RiskParty.objects.filter(partnership=partnership, member__isnull=False)
    }
    world = fw.world
    risk_services.risk_create(
        actor=fw.user("member"),
        partnership=partnership,
        data={
            "code": "R1",
            "category": "construction",
            "title_ind": "Pembengkakan biaya konstruksi",
            "title_en": "Construction cost overrun",
            "phase": "construction",
            "likelihood": 4,
            "impact_level": 4,
        },
        quantity={
            "probability": 0.4,
            "impact": {"type": "pert", "min": 0.02, "mode": 0.05, "max": 0.2},
            "basis": "relative",
            "applies_to": "capex",
            "years": [1, 2],
        },
        allocation={
            parties[world.pemda.pk]: (Decimal("0.3"), "Land and permits"),
            parties[world.company.pk]: (Decimal("0.6"), "Builds it"),
            parties[world.ngo.pk]: (Decimal("0.1"), "Community works"),
        },
    )
    with capture(execute=False):
        simulation = simulations.simulation_start(
            actor=lead, partnership=partnership, iterations=2000, seed=5
        )
    job_execute(str(simulation.job_id))


@pytest.fixture
def rw(fw: Any, hospital: dict[str, Any], django_capture_on_commit_callbacks: Any) -> ReportWorld:
    """The shared world with a simulated risk register and the company's private hospital
    model, shared with the lead partner (pemda) only."""
    _risks(fw, django_capture_on_commit_callbacks)
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
        shared_with=[fw.pemda_member],
    )
    return ReportWorld(fw)


def _section(r: report.Report, key: str) -> report.Section:
    return next(s for s in r.sections if s.key == key)


def _values(section: report.Section) -> list[Any]:
    return [v for t in section.tables for row in t.rows for v in row]


# --------------------------------------------------------------------------- building


def test_the_sections_are_in_order_and_each_says_why_it_is_empty(rw: ReportWorld) -> None:
    with translation.override("en"):
        r = report.report_build(user=rw.user("lead_admin"), partnership=rw.partnership)
    assert [s.key for s in r.sections] == [
        "overview",
        "partners",
        "needs",
        "risks",
        "finance",
        "vfm",
        "fiscal",
        "stress",
    ]
    # the lead sees the shared model: its four charts and the results by year
    finance = _section(r, "finance")
    assert finance.missing == ""
    assert [c.key for c in finance.charts][:1] and len(finance.charts) >= 3
    # the risk register and its simulation: the pages' heat map and result charts
    risks = _section(r, "risks")
    keys = [c.key for c in risks.charts]
    assert keys[0] == "heat-map" and "npv-histogram" in keys and "party-costs" in keys
    # nothing entered for VfM or fiscal yet: a sentence, not a blank section
    for key in ("vfm", "fiscal"):
        section = _section(r, key)
        assert section.missing and not section.charts


def test_the_charts_are_the_pages_svgs(rw: ReportWorld) -> None:
    from mitra.risks import charts as risk_charts
    from mitra.risks import selectors as risk_selectors

    user = rw.user("lead_admin")
    with translation.override("en"):
        r = report.report_build(user=user, partnership=rw.partnership)
        register = risk_selectors.register_get(user=user, partnership=rw.partnership)
        page = risk_charts.heat_map(register.risks)

    # the same SVG, up to the rendering engine's running number of its gradients
    def same(svg: str) -> str:
        return re.sub(r"gradient_\d+", "gradient", svg)

    assert same(_section(r, "risks").charts[0].svg) == same(page.svg)


def test_another_partners_confidential_commitment_is_left_out(rw: ReportWorld) -> None:
    # the ngo is a partner but not the company: its report has no trace of the owner-only pledge
    with translation.override("en"):
        ngo = report.report_build(user=rw.user("ngo_user"), partnership=rw.partnership)
    needs = _section(ngo, "needs")
    assert SECRET not in _values(needs)
    assert Decimal("200000000.00") in _values(needs)  # the partners-level one is there
    assert Decimal("277000000.00") not in _values(needs)  # nor in a total
    assert any(s.startswith("1 commitment is confidential") for s in needs.sentences)
    # the company's own staff see it
    own = report.report_build(user=rw.user("member"), partnership=rw.partnership)
    assert SECRET in _values(_section(own, "needs"))


def test_the_private_model_is_left_out_for_a_partner_it_does_not_name(rw: ReportWorld) -> None:
    with translation.override("en"):
        ngo = report.report_build(user=rw.user("ngo_user"), partnership=rw.partnership)
    finance = _section(ngo, "finance")
    # only the government-side chart, no IRR, DSCR or results table
    assert [c.key for c in finance.charts] == ["finance-government"]
    assert finance.facts == [] and finance.tables == []
    assert "confidential" in " ".join(finance.sentences)


def test_an_outsider_cannot_get_a_report_of_a_partners_only_partnership(rw: ReportWorld) -> None:
    from mitra.partnerships.selectors import partnership_get

    with pytest.raises(NotFound):
        partnership_get(user=rw.user("outsider"), pk=rw.partnership.pk)


# --------------------------------------------------------------------------- XLSX


def test_the_workbook_has_a_sheet_per_section_with_typed_numbers(rw: ReportWorld) -> None:
    with translation.override("en"):
        data, filename = report.report_file(
            user=rw.user("member"), partnership=rw.partnership, fmt="xlsx"
        )
    assert filename.endswith("-en.xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Report",
        "Overview",
        "Partners",
        "Needs and commitments",
        "Risk allocation and simulation",
        "Project finance",
        "Value for money",
        "Fiscal commitments and continge",
        "Stress tests",
    ]
    needs = book["Needs and commitments"]
    numbers = [
        c.value for row in needs.iter_rows() for c in row if isinstance(c.value, int | float)
    ]
    assert 500000000 in numbers and 277000000 in numbers and 77000000 in numbers
    finance = book["Project finance"]
    cells = [c.value for row in finance.iter_rows() for c in row]
    assert "Equity IRR" in cells  # the summary the results page shows
    assert any(isinstance(v, float) for v in cells)  # numbers, not text


def test_the_workbook_follows_the_readers_language_and_confidentiality(rw: ReportWorld) -> None:
    with translation.override("id"):
        data, filename = report.report_file(
            user=rw.user("ngo_user"), partnership=rw.partnership, fmt="xlsx"
        )
    assert filename.endswith("-id.xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[1:3] == ["Ikhtisar", "Mitra"]
    numbers = [
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, int | float)
    ]
    assert 77000000 not in numbers and 277000000 not in numbers
    assert 200000000 in numbers


# --------------------------------------------------------------------------- the job


def test_a_large_report_is_a_job_whose_file_only_its_creator_gets(
    rw: ReportWorld, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(report, "DIRECT_LIMIT", 0)
    assert report.report_is_large(rw.partnership)
    user = rw.user("ngo_user")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False):
        job = report.report_start(actor=user, partnership=rw.partnership, fmt="xlsx")
    assert job.kind == "finance.report" and job.language == "en"
    job = job_execute(str(job.pk))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.done == job.total and job.total == len(report.SECTIONS) + 1
    path = job.result["file"]
    assert default_storage.exists(path)
    with default_storage.open(path, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames[1] == "Overview"  # built in the job's language
    # the creator gets the file; another partner does not even learn it exists
    _job, file = report.report_job_file(user=user, partnership=rw.partnership, job_id=job.pk)
    assert file == path
    with pytest.raises(NotFound):
        report.report_job_file(user=rw.user("member"), partnership=rw.partnership, job_id=job.pk)


def test_an_unknown_format_is_refused(rw: ReportWorld) -> None:
    with pytest.raises(NotFound):
        report.report_file(user=rw.user("member"), partnership=rw.partnership, fmt="docx")


def test_css_strings_cannot_break_out_of_the_style_element() -> None:
    text = str(report.css_string('A "title" </style><script>'))
    assert '"' not in text and "<" not in text and ">" not in text
    assert text.startswith("A\\000020") and "\\000022" in text


def test_an_outsider_reads_only_the_public_parts_of_a_public_partnership(fw: Any) -> None:
    # given the world's public PSP, which the outsider's organisation is no partner of
    public = Partnership.objects.get(pk=fw.world.public.pk)
    with translation.override("en"):
        r = report.report_build(user=fw.user("outsider"), partnership=public)
    sections = {s.key: s for s in r.sections}
    # then the overview and partners are there, the partners-only parts say why they are not
    assert sections["overview"].facts and not sections["overview"].missing
    assert sections["partners"].tables[0].rows
    for key in ("risks", "vfm", "fiscal", "stress"):
        assert sections[key].missing.startswith("Only the partners of this partnership"), key
        assert not sections[key].charts and not sections[key].tables
