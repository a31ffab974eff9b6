"""The Results tab, its forms and the dashboard, in both languages: the NGO reports through the
form (a disaggregated value, kept on a 400), the government returns then approves it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mitra.results.models import Indicator, Period, Status, Update
from tests.conftest import World

from .conftest import approve, report

pytestmark = pytest.mark.django_db
D = Decimal


def _login(client: Any, world: World, name: str) -> Any:
    client.force_login(world.users[name])
    return client


@pytest.mark.parametrize(("prefix", "word"), [("", "Papan skor"), ("/en", "Scorecard")])
def test_the_tab_shows_the_scorecard(
    world: World, period_2025: Period, client: Any, prefix: str, word: str
) -> None:
    approve(world, report(world, period_2025, "ngo_user", "85"))
    page = _login(client, world, "ngo_user").get(
        f"{prefix}/partnerships/{world.public.pk}/indicators/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="scorecard"' in html
    assert 'data-light="amber"' in html
    assert '<svg class="sparkline"' in html
    if prefix:  # the Indonesian words come with the lead's translations
        assert word in html


def test_an_outsider_gets_404(world: World, teachers: Indicator, client: Any) -> None:
    page = _login(client, world, "outsider").get(f"/partnerships/{world.public.pk}/indicators/")
    assert page.status_code == 404


def test_the_ngo_reports_through_the_form_and_the_government_reviews(
    world: World, period_2025: Period, client: Any
) -> None:
    url = f"/en/partnerships/{world.public.pk}/indicators/periods/{period_2025.pk}/report/"
    ngo = _login(client, world, "ngo_user")
    # a breakdown beyond the total: 400, the input kept
    bad = ngo.post(url, {"numerator": "100", "d_sex_female": "70", "d_sex_male": "40"})
    assert bad.status_code == 400
    assert 'value="70"' in bad.content.decode()
    assert Update.objects.count() == 0
    good = ngo.post(
        url,
        {
            "numerator": "100",
            "d_sex_female": "60",
            "d_sex_male": "40",
            "region_code_0": "32.03.05.2001",
            "region_name_0": "Sukamaju",
            "region_value_0": "25",
        },
    )
    assert good.status_code == 302
    update = Update.objects.get()
    assert update.disaggregations.count() == 3
    submit = ngo.post(
        f"/en/partnerships/{world.public.pk}/indicators/updates/{update.pk}/submit/",
        {"version": update.version},
    )
    assert submit.status_code == 302
    client.logout()
    gov = _login(client, world, "lead_admin")
    review = f"/en/partnerships/{world.public.pk}/indicators/updates/{update.pk}/review/"
    page = gov.get(review)
    assert page.status_code == 200 and "Sukamaju" in page.content.decode()
    assert gov.post(review, {"action": "return", "comment": ""}).status_code == 400
    assert gov.post(review, {"action": "return", "comment": "Add the list"}).status_code == 302
    update.refresh_from_db()
    assert update.status == Status.RETURNED
    client.logout()
    ngo = _login(client, world, "ngo_user")
    ngo.post(
        f"/en/partnerships/{world.public.pk}/indicators/updates/{update.pk}/submit/",
        {"version": update.version},
    )
    client.logout()
    gov = _login(client, world, "lead_admin")
    assert gov.post(review, {"action": "approve", "comment": ""}).status_code == 302
    update.refresh_from_db()
    assert update.status == Status.APPROVED


def test_the_lead_sets_up_a_result_an_indicator_and_a_period(world: World, client: Any) -> None:
    lead = _login(client, world, "lead_admin")
    base = f"/en/partnerships/{world.public.pk}/indicators/"
    assert (
        lead.post(
            base + "results/add/", {"title": "Better teaching", "level": "output"}
        ).status_code
        == 302
    )
    result = world.public.results.get()
    members = {m.organisation_id: m.pk for m in world.public.members.all()}
    data = {
        "result": result.pk,
        "title": "Teachers trained",
        "measure": "quantitative",
        "unit": "people",
        "factor": "1",
        "direction": "increase",
        "reporter": members[world.ngo.pk],
        "verifier": members[world.ngo.pk],
    }
    same = lead.post(base + "add/", data)
    assert same.status_code == 400  # the verifier must be another organisation
    data["verifier"] = members[world.pemda.pk]
    assert lead.post(base + "add/", data).status_code == 302
    indicator = Indicator.objects.get()
    answer = lead.post(
        base + f"{indicator.pk}/periods/add/",
        {"start": "2025-01-01", "end": "2025-12-31", "target_value": "100", "target_female": "50"},
    )
    assert answer.status_code == 302
    assert indicator.periods.get().disaggregation_targets.get().value == D("50")


def test_the_dashboard_lists_the_overdue_indicator(
    world: World, teachers: Indicator, client: Any
) -> None:
    page = _login(client, world, "ngo_user").get("/en/results/")
    assert page.status_code == 200
    assert "Teachers trained in active learning" in page.content.decode()


def test_the_health_survey_form(world: World, client: Any) -> None:
    url = f"/en/partnerships/{world.public.pk}/indicators/health/"
    ngo = _login(client, world, "ngo_user")
    assert ngo.post(url, {"trust": "4"}).status_code == 400
    scores = dict.fromkeys(
        ("trust", "communication", "fairness", "decisions", "value", "benefit"), "4"
    )
    assert ngo.post(url, scores).status_code == 302
    page = ngo.get(f"/en/partnerships/{world.public.pk}/indicators/")
    assert 'id="chart-health"' in page.content.decode()


def test_an_update_links_its_evidence_on_the_results_tab(
    client: Any, world: World, teachers: Indicator, period_2025: Period
) -> None:
    """The NGO attaches the signed attendance list to its value: the tab links the document
    (its download checks who may read it), and a value without evidence has no link."""
    from django.urls import reverse

    from mitra.results import services

    document = world.public_document
    with_evidence = services.update_create(
        actor=world.users["ngo_user"],
        period=period_2025,
        data={"numerator": Decimal("40"), "evidence": document},
    )
    services.update_create(
        actor=world.users["ngo_user"], period=period_2025, data={"numerator": Decimal("5")}
    )
    client.force_login(world.users["ngo_user"])
    html = client.get(f"/en/partnerships/{world.public.pk}/indicators/").content.decode()
    link = reverse("partnerships:document_download", args=[world.public.pk, document.pk])
    blocks = html.split('data-testid="update"')[1:]
    assert len(blocks) == 2
    assert [link in b.split("</div>")[0] for b in blocks] == [True, False]
    assert with_evidence.status == Status.DRAFT and 'data-testid="update-submit"' in html
