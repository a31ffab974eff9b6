"""The TJSL portfolio of a company: budget against realisasi per programme and funding source,
beneficiaries and cost per beneficiary, shown to the company's own users only, and its export."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from mitra.results import services
from mitra.results.portfolio import tjsl_portfolio
from tests.conftest import World

from .conftest import approve, member_of, report

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def reached(world: World) -> None:
    """100 people reached on the toll road programme, reported by the NGO, verified by Pemda."""
    lead = world.users["lead_admin"]
    p = world.partnership
    result = services.result_create(
        actor=lead, partnership=p, data={"title": "Resettled families", "level": "outcome"}
    )
    indicator = services.indicator_create(
        actor=lead,
        result=result,
        data={
            "title": "People reached",
            "unit": "people",
            "counts_beneficiaries": True,
            "reporter": member_of(p, world.ngo),
            "verifier": member_of(p, world.pemda),
        },
    )
    period = services.period_create(
        actor=lead,
        indicator=indicator,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("120"),
        },
    )
    approve(world, report(world, period, "ngo_user", "100"))


def test_the_company_sees_its_programmes_with_cost_per_beneficiary(
    world: World, reached: None
) -> None:
    [programme] = tjsl_portfolio(user=world.users["member"], organisation=world.company)
    [source] = programme.sources
    # its partners-level and its own confidential commitment; 50 million delivered
    assert (source.source, source.budget, source.realisasi) == (
        "PT Contoh Infrastruktur",
        D("277000000.00"),
        D("50000000.00"),
    )
    assert programme.beneficiaries == D("100")
    assert programme.cost_per_beneficiary == D("500000")


def test_another_organisation_sees_no_portfolio_and_no_confidential_commitment(
    world: World, reached: None
) -> None:
    assert tjsl_portfolio(user=world.users["ngo_user"], organisation=world.company) is None
    [programme] = tjsl_portfolio(user=world.users["ngo_user"], organisation=world.ngo)
    assert programme.budget == D("200000000.00")  # the company's secret 77 million left out


def test_the_profile_section_and_export(world: World, reached: None, client: Any) -> None:
    client.force_login(world.users["member"])
    page = client.get(f"/en/organisations/{world.company.pk}/")
    assert 'data-testid="tjsl-portfolio"' in page.content.decode()
    csv = client.get(f"/en/organisations/{world.company.pk}/tjsl-portfolio/?export=csv")
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "Funding source" in text and "277000000" in text
    client.force_login(world.users["ngo_user"])
    page = client.get(f"/en/organisations/{world.company.pk}/")
    assert 'data-testid="tjsl-portfolio"' not in page.content.decode()
    assert (
        client.get(f"/en/organisations/{world.company.pk}/tjsl-portfolio/?export=csv").status_code
        == 404
    )
