"""The Risks tab's pages through the test client: forms, field errors in both languages, files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.risks.models import Risk, RiskCorrelation

from ..views.conftest import sign_in

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "risk" / "toll-road.json"


def _post(client, url, data):
    return client.post(url, data)


def test_the_tab_offers_to_open_the_register_and_outsiders_get_404(client, world):
    url = reverse("partnerships:tab", args=[world.partnership.pk, "risks"])
    sign_in(client, world, "member")
    assert 'data-testid="risk-start"' in client.get("/en" + url).content.decode()
    sign_in(client, world, "outsider")
    assert client.get(url).status_code == 404


def test_a_risk_form_with_shares_off_100_percent_says_so_in_indonesian(client, world, register):
    sign_in(client, world, "member")
    url = reverse("risks:risk_create", args=[world.partnership.pk])
    data = {
        "code": "R1",
        "title_ind": "Banjir",
        "category": "forceMajeure",
        "phase": "operation",
        "likelihood": "3",
        "impact_level": "4",
        "status": "open",
        "probability": "20",
        "impact_type": "pert",
        "impact_min": "0,01",
        "impact_mode": "0,02",
        "impact_max": "0,05",
        "basis": "relative",
        "applies_to": "revenue",
        "years": "3-5",
    }
    shares = {
        f"share_{register[o].pk}": v
        for o, v in zip(
            (world.pemda.pk, world.company.pk, world.ngo.pk), ("30", "50", "10"), strict=True
        )
    }
    response = client.post(url, {**data, **shares})
    assert response.status_code == 400
    assert "100%" in response.content.decode()
    assert "Porsi" in response.content.decode() or "porsi" in response.content.decode()
    assert not Risk.objects.exists()
    shares[f"share_{register[world.ngo.pk].pk}"] = "20"
    response = client.post(url, {**data, **shares})
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert risk.quantity["impact"] == {"type": "pert", "min": 0.01, "mode": 0.02, "max": 0.05}
    assert risk.quantity["years"] == [3, 4, 5]
    assert sorted(a.share for a in risk.allocations.all()) == [
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.5"),
    ]


def test_import_lists_each_problem_with_its_path_and_export_gives_the_file_back(
    client, world, register
):
    sign_in(client, world, "lead_admin")
    url = reverse("risks:import", args=[world.partnership.pk])
    bad = json.loads(EXAMPLE.read_text())
    bad["risks"][0]["probability"] = 2
    response = client.post(
        "/en" + url,
        {"file": SimpleUploadedFile("bad.json", json.dumps(bad).encode(), "application/json")},
    )
    assert response.status_code == 400
    assert "$.risks[0].probability" in response.content.decode()
    assert not Risk.objects.exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("ok.json", EXAMPLE.read_bytes(), "application/json")}
    )
    assert response.status_code == 302
    exported = client.get(reverse("risks:export", args=[world.partnership.pk]))
    assert json.loads(exported.content) == json.loads(EXAMPLE.read_text())


def test_correlating_two_risks_from_the_page(client, world, register):
    sign_in(client, world, "lead_admin")
    client.post(
        reverse("risks:import", args=[world.partnership.pk]),
        {"file": SimpleUploadedFile("ok.json", EXAMPLE.read_bytes(), "application/json")},
    )
    RiskCorrelation.objects.all().delete()
    first, second = Risk.objects.order_by("order")[:2]
    url = reverse("risks:correlation_create", args=[world.partnership.pk])
    response = client.post(url, {"first": first.pk, "second": second.pk, "rho": "1,5"})
    assert response.status_code == 400
    response = client.post(url, {"first": first.pk, "second": second.pk, "rho": "0,4"})
    assert response.status_code == 302
    assert RiskCorrelation.objects.get().rho == Decimal("0.4")


@pytest.mark.parametrize("language", ["", "/en"])
def test_the_result_page_has_every_chart_and_downloads_their_numbers(
    client, world, register, language
):
    from mitra.jobs.runner import job_execute
    from mitra.risks import simulations

    sign_in(client, world, "lead_admin")
    client.post(
        reverse("risks:import", args=[world.partnership.pk]),
        {"file": SimpleUploadedFile("ok.json", EXAMPLE.read_bytes(), "application/json")},
    )
    simulation = simulations.simulation_start(
        actor=world.users["lead_admin"], partnership=world.partnership, iterations=2000, seed=3
    )
    job_execute(str(simulation.job_id))
    url = language + reverse("risks:simulation", args=[world.partnership.pk, simulation.pk])
    html = client.get(url).content.decode()
    for key in ("npv-histogram", "npv-s-curve", "party-costs", "tornado", "convergence"):
        assert f'id="chart-{key}"' in html
    rows = b"".join(client.get(url + "?export=csv&chart=party-costs").streaming_content)
    assert len(rows.decode("utf-8-sig").splitlines()) == 1 + 2  # header, public, private


def test_an_alternative_allocation_shows_each_partys_difference(client, world, register):
    from mitra.jobs.runner import job_execute
    from mitra.risks import simulations

    sign_in(client, world, "lead_admin")
    client.post(
        reverse("risks:import", args=[world.partnership.pk]),
        {"file": SimpleUploadedFile("ok.json", EXAMPLE.read_bytes(), "application/json")},
    )
    simulation = simulations.simulation_start(
        actor=world.users["lead_admin"], partnership=world.partnership, iterations=2000, seed=3
    )
    job_execute(str(simulation.job_id))
    risk = Risk.objects.get(code="R01")  # construction cost overrun: mostly private today
    public = risk.allocations.get(party__key="public").party
    url = "/en" + reverse("risks:simulation", args=[world.partnership.pk, simulation.pk])
    html = client.get(url, {"risk": risk.pk, "party": public.pk}).content.decode()
    assert 'data-testid="scenario-table"' in html and 'id="chart-scenario"' in html
    cost = next(
        r["mean_cost"]
        for r in simulation.__class__.objects.get().result["risks"]
        if r["id"] == "R01"
    )
    private_share = float(risk.allocations.get(party__key="private").share)
    # the private party would carry less by its share of the risk's expected cost
    assert f"−{cost * private_share:,.1f}" in html or f"-{cost * private_share:,.1f}" in html


def test_the_tab_warns_while_the_base_cash_flows_are_empty(client, world):
    from mitra.risks import templating

    sign_in(client, world, "lead_admin")
    url = f"/en/partnerships/{world.partnership.pk}/risks/template/"
    client.post(reverse("risks:start", args=[world.partnership.pk]))
    assert "still empty" in client.get(url).content.decode()
    templating.template_apply(
        actor=world.users["lead_admin"], partnership=world.partnership, key="toll-road"
    )
    tab = f"/en/partnerships/{world.partnership.pk}/risks/"
    assert 'data-testid="flows-empty"' in client.get(tab).content.decode()


def test_no_warning_once_the_base_cash_flows_are_in(client, world, register):
    from mitra.risks import templating

    templating.template_apply(
        actor=world.users["lead_admin"], partnership=world.partnership, key="toll-road"
    )
    sign_in(client, world, "lead_admin")
    tab = f"/en/partnerships/{world.partnership.pk}/risks/"
    assert 'data-testid="flows-empty"' not in client.get(tab).content.decode()
    url = f"/en/partnerships/{world.partnership.pk}/risks/template/"
    assert "still empty" not in client.get(url).content.decode()


def test_the_heat_map_download_on_the_tab_gives_the_chart_numbers_not_the_register(
    client, world, register
):
    from mitra.risks import templating

    templating.template_apply(
        actor=world.users["lead_admin"], partnership=world.partnership, key="toll-road"
    )
    sign_in(client, world, "lead_admin")
    tab = f"/en/partnerships/{world.partnership.pk}/risks/"
    page = client.get(tab).content.decode()
    assert 'href="?export=csv&amp;chart=heat-map"' in page
    response = client.get(tab + "?export=csv&chart=heat-map")
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    head = body.decode("utf-8-sig").splitlines()[0]
    # The chart's columns (impact, likelihood, score, the risks in the cell), not the register's.
    assert head.split(",")[:2] == ["Impact", "Likelihood"], head
    assert "Id" not in head.split(",")
    assert client.get(tab + "?export=csv&chart=no-such-chart").status_code == 404
    sign_in(client, world, "outsider")
    assert client.get(tab + "?export=csv&chart=heat-map").status_code == 404
