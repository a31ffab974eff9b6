"""Writes on the goals: levers, objectives (field-level rules), the negotiation record and the
public ``record_agreement`` that the benefits app calls."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mitra.core.errors import PermissionDenied, StaleEdit
from mitra.goals import services
from mitra.goals.models import EntryKind, Lever, LeverObjective, NegotiationEntry
from tests.conftest import World

from .conftest import lever_data, member_of, objective_data

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_partner_adds_a_lever_from_the_catalogue_with_its_key(world: World) -> None:
    # when
    lever = services.lever_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=lever_data(),
        catalogue_key="tariff",
    )
    # then
    assert lever.key == "tariff"
    assert lever.added_by == member_of(world, world.company)
    assert lever.history.count() == 1


def test_an_outsider_adds_no_lever(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.lever_create(
            actor=world.users["outsider"], partnership=world.partnership, data=lever_data()
        )
    assert Lever.objects.count() == 0


def test_a_money_lever_needs_its_currency_and_bounds_in_order(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.lever_create(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            data=lever_data(currency="", min_value=D("10"), max_value=D("5")),
        )
    assert set(caught.value.message_dict) == {"currency", "max_value"}


def test_a_range_must_hold_the_preferred_value(world: World, tariff: Lever) -> None:
    # given the lead's objective
    objective = LeverObjective.objects.get(lever=tariff, member__organisation=world.pemda)
    # when the preferred value lies outside the range
    with pytest.raises(ValidationError) as caught:
        services.objective_set(
            actor=world.users["lead_admin"],
            lever=tariff,
            member=objective.member,
            data=objective_data(preferred=D("50000")),
            expected_version=objective.version,
        )
    # then a field error, nothing changed
    assert list(caught.value.message_dict) == ["preferred"]
    objective.refresh_from_db()
    assert objective.preferred == D("44000")


@pytest.mark.parametrize(
    ("direction", "walk_away"),
    [("increase", "41000"), ("decrease", "46000"), ("target", "42000")],
)
def test_the_walk_away_point_lies_on_the_losing_side(
    world: World, direction: str, walk_away: str
) -> None:
    lever = services.lever_create(
        actor=world.users["lead_admin"], partnership=world.partnership, data=lever_data()
    )
    with pytest.raises(ValidationError) as caught:
        services.objective_set(
            actor=world.users["lead_admin"],
            lever=lever,
            member=member_of(world, world.pemda),
            data=objective_data(direction=direction, walk_away=D(walk_away)),
        )
    assert list(caught.value.message_dict) == ["walk_away"]
    assert not LeverObjective.objects.exists()


def test_a_range_outside_the_levers_bounds_is_refused(world: World) -> None:
    lever = services.lever_create(
        actor=world.users["lead_admin"], partnership=world.partnership, data=lever_data()
    )
    with pytest.raises(ValidationError) as caught:
        services.objective_set(
            actor=world.users["lead_admin"],
            lever=lever,
            member=member_of(world, world.pemda),
            data=objective_data(acceptable_min=D("10000"), preferred=D("15000")),
        )
    assert "acceptable_min" in caught.value.message_dict


def test_a_partner_states_objectives_for_its_own_organisation_only(
    world: World, tariff: Lever
) -> None:
    before = LeverObjective.objects.get(lever=tariff, member__organisation=world.ngo)
    with pytest.raises(PermissionDenied):
        services.objective_set(
            actor=world.users["member"],
            lever=tariff,
            member=before.member,
            data=objective_data(),
            expected_version=before.version,
        )
    after = LeverObjective.objects.get(pk=before.pk)
    assert (after.preferred, after.version) == (before.preferred, before.version)


def test_a_stale_edit_of_an_objective_is_refused(world: World, tariff: Lever) -> None:
    objective = LeverObjective.objects.get(lever=tariff, member__organisation=world.pemda)
    services.objective_set(
        actor=world.users["lead_admin"],
        lever=tariff,
        member=objective.member,
        data=objective_data(preferred=D("45000")),
        expected_version=objective.version,
    )
    with pytest.raises(StaleEdit):
        services.objective_set(
            actor=world.users["lead_admin"],
            lever=tariff,
            member=objective.member,
            data=objective_data(preferred=D("41000")),
            expected_version=objective.version,
        )
    objective.refresh_from_db()
    assert objective.preferred == D("45000")


def test_proposals_and_counter_proposals_are_recorded_with_who(world: World, tariff: Lever) -> None:
    first = services.proposal_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        lever=tariff,
        kind=EntryKind.PROPOSAL,
        value=D("45000"),
    )
    counter = services.proposal_create(
        actor=world.users["member"],
        partnership=world.partnership,
        lever=tariff,
        kind=EntryKind.COUNTER,
        value=D("52000"),
    )
    assert first.member.organisation == world.pemda
    assert counter.member.organisation == world.company
    assert counter.recorded_by == world.users["member"]
    assert NegotiationEntry.history.count() == 2


def test_a_proposal_outside_the_levers_bounds_is_a_field_error(world: World, tariff: Lever) -> None:
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(
            actor=world.users["member"],
            partnership=world.partnership,
            lever=tariff,
            kind=EntryKind.PROPOSAL,
            value=D("90000"),
        )
    assert list(caught.value.message_dict) == ["value"]
    assert not NegotiationEntry.objects.exists()


def test_an_agreement_on_a_lever_lists_who_agreed(world: World, tariff: Lever) -> None:
    pemda, company = member_of(world, world.pemda), member_of(world, world.company)
    entry = services.lever_agreement_record(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        lever=tariff,
        value=D("46500"),
        parties=[pemda, company],
    )
    assert entry.kind == EntryKind.AGREED
    assert set(entry.parties.all()) == {pemda, company}


def test_record_agreement_records_a_topic_that_is_not_a_lever(world: World) -> None:
    # when (as the benefits app records the agreed sharing rule)
    entry = services.record_agreement(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        subject="Benefit-sharing rule",
        value="Shapley value",
        note="Agreed at the third meeting",
    )
    # then
    entry.refresh_from_db()
    assert (entry.kind, entry.lever, entry.subject, entry.value_text) == (
        EntryKind.AGREED,
        None,
        "Benefit-sharing rule",
        "Shapley value",
    )
    assert entry.member == member_of(world, world.pemda)
    assert entry.recorded_by == world.users["lead_admin"]
    assert set(entry.parties.all()) == set(world.partnership.members.all())
    assert entry.history.get().history_user == world.users["lead_admin"]


@pytest.mark.parametrize("actor", ["member", "ngo_user", "outsider", "staff"])
def test_only_the_lead_records_an_agreement(world: World, actor: str) -> None:
    with pytest.raises(PermissionDenied):
        services.record_agreement(
            actor=world.users[actor],
            partnership=world.partnership,
            subject="Benefit-sharing rule",
            value="Shapley value",
        )
    assert not NegotiationEntry.objects.exists()


def test_record_agreement_needs_a_subject_and_a_value(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.record_agreement(
            actor=world.users["lead_admin"], partnership=world.partnership, subject=" ", value=""
        )
    assert set(caught.value.message_dict) == {"subject", "value_text"}
    assert not NegotiationEntry.objects.exists()
