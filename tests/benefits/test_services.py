"""Writes of the benefit sharing: unit values audited, guided estimates, file import all or
nothing, the agreed rule in the negotiation record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mitra.benefits import selectors, services
from mitra.benefits.models import CoalitionEstimate, SharingAgreement, SharingSettings, UnitValue
from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.goals.models import NegotiationEntry


def test_a_unit_value_keeps_who_set_it_and_refuses_a_stale_change(world, game):
    # given the lead's day rate
    row = UnitValue.objects.get(partnership=world.partnership, resource_type="expertise")
    assert row.set_by == world.users["lead_admin"]
    # when the ngo changes it on the current version
    changed = services.unit_value_set(
        actor=world.users["ngo_user"],
        partnership=world.partnership,
        resource_type="expertise",
        unit="person-days",
        value=Decimal("1200000.00"),
        basis="market rate",
        expected_version=row.version,
    )
    # then it is audited with the ngo's user, and the old version is refused
    assert changed.set_by == world.users["ngo_user"]
    assert changed.history.first().history_user == world.users["ngo_user"]
    with pytest.raises(StaleEdit):
        services.unit_value_set(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            resource_type="expertise",
            unit="person-days",
            value=Decimal("1.00"),
            expected_version=row.version,
        )
    assert UnitValue.objects.get(pk=row.pk).value == Decimal("1200000.00")


def test_cash_in_the_sharing_currency_needs_no_unit_value(world, game):
    with pytest.raises(ValidationError) as exc:
        services.unit_value_set(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            resource_type="cash",
            unit="IDR",
            value=Decimal("2.00"),
        )
    assert "unit" in exc.value.message_dict


def test_an_outsider_cannot_change_the_game_and_nothing_changes(world, game):
    before = list(CoalitionEstimate.objects.values_list("members_key", "value"))
    with pytest.raises(PermissionDenied):
        services.coalition_set(
            actor=world.users["outsider"],
            partnership=world.partnership,
            member_ids=[game["ids"]["pemda"], game["ids"]["ngo"]],
            value=Decimal("1.00"),
        )
    assert list(CoalitionEstimate.objects.values_list("members_key", "value")) == before


def test_a_group_estimate_set_and_cleared(world, game):
    ids = game["ids"]
    services.coalition_set(
        actor=world.users["member"],
        partnership=world.partnership,
        member_ids=[ids["company"], ids["ngo"]],
        value=Decimal("90000000.00"),
        note="joint CSR",
    )
    spec = selectors.game_spec(user=world.users["member"], partnership=world.partnership)
    assert {
        "members": [game["keys"]["company"], game["keys"]["ngo"]],
        "worth": 90,
        "note": "joint CSR",
    } in spec["characteristic_function"]["coalitions"]
    services.coalition_set(
        actor=world.users["member"],
        partnership=world.partnership,
        member_ids=[ids["company"], ids["ngo"]],
        value=None,
    )
    assert (
        len(
            selectors.game_spec(user=world.users["member"], partnership=world.partnership)[
                "characteristic_function"
            ]["coalitions"]
        )
        == 2
    )


def test_all_the_partners_together_are_the_total_benefit_not_an_estimate(world, game):
    with pytest.raises(ValidationError) as exc:
        services.coalition_set(
            actor=world.users["member"],
            partnership=world.partnership,
            member_ids=list(game["ids"].values()),
            value=Decimal("1.00"),
        )
    assert "members" in exc.value.message_dict


def test_a_file_with_an_unknown_partner_is_refused_whole(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    spec["total_benefit"] = 2000
    spec["players"][2]["id"] = "stranger"
    spec["players"][2]["name"] = "Someone Else"
    for c in spec["characteristic_function"]["coalitions"]:
        c["members"] = [m if m != game["keys"]["ngo"] else "stranger" for m in c["members"]]
    with pytest.raises(ApplicationError) as exc:
        services.game_import(
            actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
        )
    assert exc.value.extra["issues"][0]["path"] == "$.players[2].id"
    stored = SharingSettings.objects.get(partnership=world.partnership)
    assert stored.total_benefit == Decimal("1000000000.00")


def test_a_file_with_a_schema_error_lists_its_json_paths(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    spec["proposal"] = {"shares": {game["keys"]["pemda"]: 0.5}}
    spec["players"][0]["walk_away"] = "a lot"
    with pytest.raises(ApplicationError) as exc:
        services.game_import(
            actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
        )
    paths = {i["path"] for i in exc.value.extra["issues"]}
    assert "$.players[0].walk_away" in paths


def test_export_then_import_gives_the_same_file(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    spec["characteristic_function"]["synergies"] = [
        {"members": [game["keys"]["company"], game["keys"]["ngo"]], "bonus": 15}
    ]
    spec["proposal"] = {
        "name": "agreed",
        "shares": dict(zip([p["id"] for p in spec["players"]], [0.5, 0.3, 0.2], strict=True)),
    }
    services.game_import(actor=world.users["member"], partnership=world.partnership, spec=spec)
    again = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    assert again == spec


def test_the_agreed_rule_is_recorded_without_confidential_contributions(world, game):
    # given the company's confidential delivery (counted in its own view only)
    lead = world.users["lead_admin"]
    # when the lead records the proportional rule
    agreement = services.agreement_record(
        actor=lead, partnership=world.partnership, rule="proportional", note="meeting 3"
    )
    # then the split is proportional to what every partner sees: 100, 50, 40 of 190
    amounts = [Decimal(r["amount"]) for r in agreement.split]
    assert amounts == [
        Decimal("526315789.47"),
        Decimal("263157894.74"),
        Decimal("210526315.79"),
    ]
    assert agreement.in_negotiation_record
    entry = NegotiationEntry.objects.get(partnership=world.partnership)
    assert "526.315.789" in entry.value_text or "526,315,789" in entry.value_text
    assert agreement.history.first().history_user == lead


def test_only_the_lead_records_the_agreement(world, game):
    with pytest.raises(PermissionDenied):
        services.agreement_record(
            actor=world.users["member"], partnership=world.partnership, rule="shapley"
        )
    assert not SharingAgreement.objects.exists()
    assert not NegotiationEntry.objects.exists()


def test_proposed_shares_become_the_specs_proposal_and_must_add_up(world, game):
    ids, keys = game["ids"], game["keys"]
    settings = SharingSettings.objects.get(partnership=world.partnership)
    shares = {
        ids["pemda"]: Decimal("0.5"),
        ids["company"]: Decimal("0.3"),
        ids["ngo"]: Decimal("0.1"),
    }
    with pytest.raises(ValidationError) as exc:
        services.settings_update(
            actor=world.users["member"],
            partnership=world.partnership,
            data={"proposal_kind": "shares", "proposal_rule": "", "proposal_values": shares},
            expected_version=settings.version,
        )
    assert "proposal_values" in exc.value.message_dict
    assert SharingSettings.objects.get(pk=settings.pk).proposal_kind == "rule"
    shares[ids["ngo"]] = Decimal("0.2")
    services.settings_update(
        actor=world.users["member"],
        partnership=world.partnership,
        data={"proposal_kind": "shares", "proposal_rule": "", "proposal_values": shares},
        expected_version=settings.version,
    )
    spec = selectors.game_spec(user=world.users["member"], partnership=world.partnership)
    assert spec["proposal"] == {
        "shares": {keys["pemda"]: 0.5, keys["company"]: 0.3, keys["ngo"]: 0.2}
    }
