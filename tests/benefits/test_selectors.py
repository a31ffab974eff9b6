"""What each reader's sharing game counts: confidentiality, defaults, superadditivity."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from mitra.benefits import selectors
from mitra.core.errors import PermissionDenied


def _contributions(spec, key):
    return next(p for p in spec["players"] if p["id"] == key)["contributions"]


def test_a_confidential_delivery_counts_in_its_owners_game_only(world, game):
    # given the company's owner-only commitment with Rp 20 million delivered
    keys = game["keys"]
    # when the company and the lead read the game
    own = selectors.game_spec(user=world.users["member"], partnership=world.partnership)
    lead = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    staff = selectors.game_spec(user=world.users["staff"], partnership=world.partnership)
    # then the company counts 50 + 20 million, the lead and staff 50 only and never see 20
    assert [c["amount"] for c in _contributions(own, keys["company"])] == [50, 20]
    assert [c["amount"] for c in _contributions(lead, keys["company"])] == [50]
    assert lead == staff
    assert '"amount": 20' not in json.dumps(lead)
    view = selectors.valuation(user=world.users["lead_admin"], partnership=world.partnership)
    assert view.hidden == {game["ids"]["company"]: 1}
    shared = selectors.game_spec(
        user=world.users["member"], partnership=world.partnership, shared=True
    )
    assert shared == lead


def test_expertise_is_valued_at_the_agreed_day_rate_and_cash_at_face_value(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    assert spec["currency"] == "IDR" and spec["amount_unit"] == 1000000
    ngo = _contributions(spec, game["keys"]["ngo"])
    assert ngo[0]["kind"] == "expertise"
    assert (ngo[0]["person_days"], ngo[0]["day_rate"]) == (40, 1)
    assert _contributions(spec, game["keys"]["pemda"]) == [
        {"kind": "cash", "amount": 100, "description": "Equity"}
    ]
    assert spec["total_benefit"] == 1000
    assert [p["walk_away"] for p in spec["players"]] == [100, 50, 10]
    listed = {
        tuple(c["members"]): c["worth"] for c in spec["characteristic_function"]["coalitions"]
    }
    assert listed == {
        (game["keys"]["pemda"], game["keys"]["company"]): 600,
        (game["keys"]["pemda"], game["keys"]["ngo"]): 200,
    }


def test_an_unlisted_group_is_worth_its_members_own_values(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    players = selectors.players_of(world.partnership)
    rows = {r.names: r for r in selectors.coalition_rows(spec, players)}
    pair = rows[f"{players[1].short_name}, {players[2].short_name}"]
    assert (pair.listed, pair.worth, pair.default) == (False, 60.0, 60.0)
    assert rows[f"{players[0].short_name}, {players[1].short_name}"].worth == 600.0


def test_a_group_worth_less_than_its_parts_is_reported(world, game):
    spec = selectors.game_spec(user=world.users["lead_admin"], partnership=world.partnership)
    spec["characteristic_function"]["coalitions"][0]["worth"] = 120  # pemda+company < 100 + 50
    players = selectors.players_of(world.partnership)
    found, count = selectors.superadditivity_shortfalls(spec, players)
    assert count == 1
    assert (found[0].together, found[0].apart) == (120.0, 150.0)


def test_outsiders_and_the_public_do_not_read_the_game(world, game):
    for actor in ("outsider", "anonymous"):
        with pytest.raises(PermissionDenied):
            selectors.game_spec(user=world.actor(actor), partnership=world.partnership)


@translation.override("en")  # the labels compared are the English ones
def test_changes_show_on_the_history_tab_with_who_made_them(world, game):
    from mitra.partnerships.selectors import partnership_history

    entries = partnership_history(user=world.users["member"], partnership=world.partnership)
    unit_values = [e for e in entries if e.object_type == "Unit value"]
    assert len(unit_values) == 1
    assert unit_values[0].user_id == world.users["lead_admin"].pk
    assert any(e.object_type == "Coalition estimate" for e in entries)
