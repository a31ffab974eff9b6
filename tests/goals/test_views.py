"""The Goals tab and its forms, in Indonesian and English: field errors, permissions, downloads."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from mitra.goals.models import EntryKind, Lever, LeverObjective, NegotiationEntry
from tests.conftest import World

from .conftest import member_of

pytestmark = pytest.mark.django_db
D = Decimal


def _client(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def _content(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def _objective_post(**extra: str) -> dict[str, str]:
    return {
        "direction": "target",
        "preferred": "44000",
        "acceptable_min": "40000",
        "acceptable_max": "47000",
        "walk_away": "",
        "weight": "60",
        "confidentiality": "partners",
        "note": "",
        **extra,
    }


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_tab_shows_levers_charts_and_the_plain_words(
    world: World, tariff: Lever, prefix: str
) -> None:
    response = _client(world, "ngo_user").get(
        f"{prefix}/partnerships/{world.partnership.pk}/goals/"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="goals-headline"' in body
    assert 'id="chart-lever-' in body and 'id="chart-conflicts"' in body
    assert 'id="chart-satisfaction"' in body
    assert 'data-testid="hidden-objective"' in body
    assert "48200" not in body and "48.200" not in body and "48,200" not in body
    assert "<details" in body and "mitra align" in body


def test_the_tab_shows_the_money_in_the_readers_locale(world: World, tariff: Lever) -> None:
    client = _client(world, "lead_admin")
    base = f"/partnerships/{world.partnership.pk}/goals/"
    assert "Rp 44.000" in client.get(base).content.decode()
    assert "IDR 44,000" in client.get("/en" + base).content.decode()


def test_outsiders_do_not_find_the_tab(world: World, tariff: Lever) -> None:
    response = _client(world, "outsider").get(f"/partnerships/{world.partnership.pk}/goals/")
    assert response.status_code == 404


def test_a_partner_states_an_objective_from_the_form(world: World) -> None:
    client = _client(world, "lead_admin")
    lever_url = f"/en/partnerships/{world.partnership.pk}/goals/levers/add/"
    response = client.post(
        lever_url, {"catalogue_entry": "tariff", "min_value": "", "max_value": ""}
    )
    assert response.status_code == 302
    lever = Lever.objects.get(partnership=world.partnership, key="tariff")
    url = f"/en/partnerships/{world.partnership.pk}/goals/levers/{lever.pk}/objective/"
    response = client.post(
        url,
        {
            "member": member_of(world, world.pemda).pk,
            **_objective_post(preferred="44,000", acceptable_min="40,000", acceptable_max="47,000"),
        },
    )
    assert response.status_code == 302
    objective = LeverObjective.objects.get(lever=lever)
    assert (objective.preferred, objective.acceptable_max) == (D("44000"), D("47000"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"preferred": "50000"}, "preferred", "The preferred value must lie inside"),
        (
            {"direction": "increase", "walk_away": "45000"},
            "walk_away",
            "walk-away point must be at most",
        ),
        (
            {"direction": "decrease", "preferred": "40000", "walk_away": "41000"},
            "walk_away",
            "walk-away point must be at least",
        ),
        ({"acceptable_max": "39000"}, "acceptable_max", "The range must end above"),
        ({"preferred": "lots"}, "preferred", ""),
    ],
)
def test_bad_input_is_a_field_error(
    world: World, tariff: Lever, data: dict[str, str], field: str, message: str
) -> None:
    # given the NGO's current objective
    before = LeverObjective.objects.get(lever=tariff, member__organisation=world.ngo)
    url = f"/partnerships/{world.partnership.pk}/goals/levers/{tariff.pk}/objective/"
    # when
    response = _client(world, "ngo_user").post(
        "/en" + url, {**_objective_post(**data), "version": str(before.version)}
    )
    # then
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    after = LeverObjective.objects.get(pk=before.pk)
    assert (after.version, after.preferred) == (before.version, before.preferred)


def test_the_owner_opens_its_hidden_objective_and_others_cannot_edit_it(
    world: World, tariff: Lever
) -> None:
    url = f"/en/partnerships/{world.partnership.pk}/goals/levers/{tariff.pk}/objective/"
    body = _client(world, "member").get(url).content.decode()
    assert "48,200" in body  # its own value, in the form
    company = member_of(world, world.company)
    response = _client(world, "ngo_user").get(f"{url}?member={company.pk}")
    assert "48,200" not in response.content.decode()  # the NGO gets its own objective's form


def test_a_proposal_and_an_agreement_from_the_pages(world: World, tariff: Lever) -> None:
    base = f"/en/partnerships/{world.partnership.pk}/goals/negotiation/"
    response = _client(world, "member").post(
        base + "propose/",
        {"topic": str(tariff.pk), "kind": "counter", "value": "52,000", "note": "indexed"},
    )
    assert response.status_code == 302
    assert _client(world, "member").get(base + "agree/").status_code == 403
    pemda = member_of(world, world.pemda)
    response = _client(world, "lead_admin").post(
        base + "agree/", {"lever": str(tariff.pk), "value": "46,500", "parties": [pemda.pk]}
    )
    assert response.status_code == 302
    agreed = NegotiationEntry.objects.get(kind=EntryKind.AGREED)
    assert (agreed.value, list(agreed.parties.all())) == (D("46500"), [pemda])
    page = _client(world, "ngo_user").get(f"/en/partnerships/{world.partnership.pk}/goals/")
    assert "IDR 46,500" in page.content.decode() and "IDR 52,000" in page.content.decode()


def test_a_proposal_on_another_topic_needs_its_words(world: World, tariff: Lever) -> None:
    url = f"/en/partnerships/{world.partnership.pk}/goals/negotiation/propose/"
    response = _client(world, "member").post(
        url, {"topic": "other", "kind": "proposal", "subject": "", "value_text": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "value_text"}


def test_downloads_leave_the_hidden_constraint_out(world: World, tariff: Lever) -> None:
    client = _client(world, "ngo_user")
    base = f"/en/partnerships/{world.partnership.pk}/goals/"
    spec = json.loads(client.get(base + "alignment-spec.json").content)
    assert len(spec["partners"]) == 2
    csv = client.get(base + "chart/?export=csv&chart=conflicts")
    assert csv.status_code == 200 and b"Yayasan" in _content(csv)
    lever_chart = client.get(base + f"chart/?export=csv&chart=lever-{tariff.key.replace('_', '-')}")
    assert lever_chart.status_code == 200 and b"48200" not in _content(lever_chart)
    export = client.get(f"/en/partnerships/{world.partnership.pk}/goals/?export=csv")
    assert export.status_code == 200
    content = _content(export)
    assert b"48200" not in content and b"hidden constraint" in content
    assert client.get(base + "chart/?export=csv&chart=nope").status_code == 404


def test_a_partner_withdraws_its_own_objective_only(world: World, tariff: Lever) -> None:
    url = f"/en/partnerships/{world.partnership.pk}/goals/levers/{tariff.pk}/objective/delete/"
    ngo = member_of(world, world.ngo)
    # another partner cannot withdraw it
    response = _client(world, "member").post(url, {"member": ngo.pk})
    assert response.status_code == 403
    assert LeverObjective.objects.filter(lever=tariff, member=ngo).exists()
    # its owner can
    response = _client(world, "ngo_user").post(url, {"member": ngo.pk})
    assert response.status_code == 302
    assert not LeverObjective.objects.filter(lever=tariff, member=ngo).exists()
    assert LeverObjective.objects.filter(lever=tariff).count() == 2
