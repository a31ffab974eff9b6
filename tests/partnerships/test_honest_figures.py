"""Issue 10: honest figures. No false gap where commitments are hidden from the reader; an
implausible pledge asks for confirmation; the history names people and their organisation."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mitra.core.choices import Confidentiality
from mitra.partnerships import selectors, services
from mitra.partnerships.models import Commitment

API = "/api/v1"


@pytest.fixture
def hidden(world: Any) -> Any:
    """A need of Rp 18 bn on the public partnership: the lead pledges 10 bn owner-only, the NGO
    5 bn partners-only. Only the lead sees the real gap (3 bn)."""
    lead = world.users["lead_admin"]
    need = services.need_create(
        actor=lead,
        partnership=world.public,
        data={
            "title": "Dana sekolah",
            "resource_type": "cash",
            "quantity": Decimal("18000000000.00"),
            "currency": "IDR",
        },
    )
    lead_member = world.public.members.get(organisation=world.pemda)
    ngo_member = world.public.members.get(organisation=world.ngo)
    services.commitment_create(
        actor=lead,
        need=need,
        member=lead_member,
        data={"quantity": Decimal("10000000000.00"), "confidentiality": Confidentiality.OWNER},
    )
    services.commitment_create(
        actor=world.users["ngo_user"],
        need=need,
        member=ngo_member,
        data={"quantity": Decimal("5000000000.00"), "confidentiality": Confidentiality.PARTNERS},
    )
    need.partnership = world.public
    return need


def _row(world: Any, user: Any, need: Any) -> Any:
    result = selectors.fulfilment(user=user, partnership=world.public)
    return next(r for r in result.needs if r.need.pk == need.pk)


@pytest.mark.parametrize(
    ("actor", "hidden_count", "pledged"),
    [
        ("anonymous", 2, "0.00"),  # the public
        ("outsider", 2, "0.00"),  # an organisation in no partnership
        ("ngo_user", 1, "5000000000.00"),  # a partner of another organisation
        ("lead_admin", 0, "15000000000.00"),  # the owner of the owner-only pledge
    ],
)
def test_fulfilment_counts_the_commitments_it_hides(
    world: Any, hidden: Any, actor: str, hidden_count: int, pledged: str
) -> None:
    # given the need with an owner-only and a partners-only pledge
    # when each reader reads the fulfilment
    row = _row(world, world.actor(actor), hidden)

    # then the hidden pledges are counted, never summed, and the gap is known only to the owner
    assert row.hidden_commitments == hidden_count
    assert row.pledged == Decimal(pledged)
    assert row.gap_known is (hidden_count == 0)


def test_the_owner_sees_the_real_gap(world: Any, hidden: Any) -> None:
    row = _row(world, world.users["lead_admin"], hidden)
    assert row.gap == Decimal("3000000000.00")
    assert not row.over_pledged


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "ngo_user"])
def test_dashboard_leaves_out_gaps_it_cannot_know(world: Any, hidden: Any, actor: str) -> None:
    # when a reader who does not see every pledge opens the dashboard
    data = selectors.dashboard(user=world.actor(actor))

    # then the need is not ranked as a gap, and is counted among those left out
    assert hidden.pk not in [g.need.pk for g in data["gaps"]]
    assert data["gaps_left_out"] >= 1


def test_dashboard_ranks_the_owners_real_gap(world: Any, hidden: Any) -> None:
    data = selectors.dashboard(user=world.users["lead_admin"])
    gap = next(g for g in data["gaps"] if g.need.pk == hidden.pk)
    assert gap.gap == Decimal("3000000000.00")
    assert gap.pct_pledged == Decimal("83.3")


def test_over_pledge_is_shown_as_such(world: Any) -> None:
    # given a need of 500 M against which the company (member) pledges 200 M and 77 M (world)
    lead = world.users["lead_admin"]
    pemda_member = world.partnership.members.get(organisation=world.pemda)
    services.commitment_create(
        actor=lead,
        need=world.need,
        member=pemda_member,
        data={"quantity": Decimal("400000000.00")},
        confirm_over_pledge=True,
    )

    # when the member (who sees all three) reads it
    row = _row_of(world, world.users["member"])

    # then it is over-pledged by 177 M, with no gap
    assert row.over_pledged
    assert row.excess == Decimal("177000000.00")
    assert row.gap == Decimal("0.00")


def _row_of(world: Any, user: Any) -> Any:
    result = selectors.fulfilment(user=user, partnership=world.partnership)
    return next(r for r in result.needs if r.need.pk == world.need.pk)


# --- implausible pledges ---------------------------------------------------------------------


def test_implausible_pledge_is_refused_until_confirmed(world: Any, hidden: Any) -> None:
    # given the lead, who sees a gap of Rp 3 bn
    lead = world.users["lead_admin"]
    member = world.public.members.get(organisation=world.pemda)
    before = Commitment.objects.count()

    # when it pledges Rp 999 T without confirming
    with pytest.raises(ValidationError) as excinfo:
        services.commitment_create(
            actor=lead,
            need=hidden,
            member=member,
            data={"quantity": Decimal("999000000000000.00")},
        )

    # then nothing is saved, and both the amount and the confirmation box get a message
    assert Commitment.objects.count() == before
    errors = excinfo.value.message_dict
    assert set(errors) == {"quantity", "confirm_over_pledge"}
    assert "3.000.000.000" in errors["quantity"][0] or "3,000,000,000" in errors["quantity"][0]

    # when it confirms
    services.commitment_create(
        actor=lead,
        need=hidden,
        member=member,
        data={"quantity": Decimal("999000000000000.00")},
        confirm_over_pledge=True,
    )
    # then it is saved
    assert Commitment.objects.count() == before + 1


def test_the_rule_is_ten_times_what_is_still_missing(world: Any, hidden: Any) -> None:
    lead = world.users["lead_admin"]
    member = world.public.members.get(organisation=world.pemda)
    # exactly ten times the 3 bn still missing is plausible
    services.commitment_create(
        actor=lead, need=hidden, member=member, data={"quantity": Decimal("30000000000.00")}
    )
    # anything above, once the need is fully pledged, asks for confirmation
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=lead, need=hidden, member=member, data={"quantity": Decimal("1.00")}
        )


def test_the_warning_never_reveals_a_hidden_amount(world: Any, hidden: Any) -> None:
    # given the NGO, which does not see the lead's owner-only 10 bn
    ngo_member = world.public.members.get(organisation=world.ngo)
    with pytest.raises(ValidationError) as excinfo:
        services.commitment_create(
            actor=world.users["ngo_user"],
            need=hidden,
            member=ngo_member,
            data={"quantity": Decimal("999000000000000.00")},
        )
    # then the amount it is told is missing counts only what it may see (18 - 5 = 13 bn)
    message = excinfo.value.message_dict["quantity"][0]
    assert "13.000.000.000" in message or "13,000,000,000" in message


def test_editing_up_to_an_implausible_amount_asks_too(world: Any) -> None:
    member_user = world.users["member"]
    commitment = world.commitment
    with pytest.raises(ValidationError):
        services.commitment_update(
            actor=member_user,
            commitment=commitment,
            data={"quantity": Decimal("999000000000000.00")},
            expected_version=commitment.version,
        )
    commitment.refresh_from_db()
    assert commitment.quantity == Decimal("200000000.00")
    # an edit of the notes alone never asks
    services.commitment_update(
        actor=member_user,
        commitment=commitment,
        data={"notes": "Tahap 1"},
        expected_version=commitment.version,
    )


def _api(world: Any, actor: str) -> Client:
    client = Client()
    client.force_login(world.users[actor])
    return client


def test_api_answers_422_until_the_flag_is_sent(world: Any, hidden: Any) -> None:
    client = _api(world, "lead_admin")
    url = f"{API}/needs/{hidden.pk}/commitments"
    before = Commitment.objects.count()

    refused = client.post(
        url, json.dumps({"quantity": "999000000000000.00"}), content_type="application/json"
    )
    assert refused.status_code == 422
    fields = {tuple(e["loc"])[-1] for e in refused.json()["detail"]}
    assert {"quantity", "confirm_over_pledge"} <= fields
    assert Commitment.objects.count() == before

    accepted = client.post(
        url,
        json.dumps({"quantity": "999000000000000.00", "confirm_over_pledge": True}),
        content_type="application/json",
    )
    assert accepted.status_code == 201
    assert Commitment.objects.count() == before + 1


def test_api_fulfilment_gives_the_hidden_count(world: Any, hidden: Any) -> None:
    body = Client().get(f"{API}/partnerships/{world.public.pk}/fulfilment").json()
    need = next(n for n in body["needs"] if n["need"]["id"] == hidden.pk)
    assert need["hidden_commitments"] == 2
    assert "10000000000" not in json.dumps(body) and "5000000000" not in json.dumps(body)


# --- history names people ---------------------------------------------------------------------


def test_history_names_the_person_and_their_organisation(world: Any) -> None:
    # given the lead admin has a name, the member has none
    lead = world.users["lead_admin"]
    lead.first_name, lead.last_name = "Budi", "Santoso"
    lead.save()
    services.partnership_update(
        actor=lead,
        partnership=world.partnership,
        data={"regency": "Kota Bandung"},
        expected_version=world.partnership.version,
    )

    # when the history is read
    entries = selectors.partnership_history(user=lead, partnership=world.partnership)

    # then the edit names Budi Santoso of his organisation, and the member falls back to the login
    whos = {e.who for e in entries}
    assert entries[0].who == "Budi Santoso (Pemda Jawa Barat)"
    assert "member (PT Contoh Infrastruktur)" in whos
    assert not any(w == "lead_admin" or w.startswith("lead_admin ") for w in whos)
