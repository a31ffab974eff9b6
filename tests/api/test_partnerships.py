"""Partnerships through the API: CRUD, filters, pagination, fulfilment, history, money, languages,
stale edits. Each write is checked in the audit trail (history_user = the actor)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from mitra.organisations.models import OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships.models import Commitment, Partnership, PartnershipMember
from tests.api.conftest import API, ApiClient, World, client_for


def _latest(model: type, pk: int) -> object:
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def test_create_partnership_defaults_to_the_only_administered_organisation(world: World) -> None:
    # given the lead admin, who administers exactly one organisation (pemda)
    client = client_for(world, "lead_admin")

    # when a partnership is created without lead_organisation_id
    response = client.post_json(
        f"{API}/partnerships",
        {
            "title_ind": "Air Minum Bandung",
            "title_en": "Bandung Drinking Water",
            "summary_ind": "SPAM regional",
            "form": "ppp",
            "development_sector": "water",
            "province": "ID-JB",
            "estimated_value": "1250000000000.50",
            "currency": "IDR",
            "sdgs": [6, 11],
            "visibility": "partners",
            "lead_roles": ["contracting_agency"],
        },
    )

    # then it is created in planning, led by pemda, and audited
    assert response.status_code == 201
    body = response.json()
    year = timezone.localdate().year
    assert body["code"] == f"KPBU-{year}-0002"
    assert body["title"] == "Air Minum Bandung"
    assert body["title_en"] == "Bandung Drinking Water"
    assert body["summary_ind"] == "SPAM regional"
    assert body["estimated_value"] == "1250000000000.50"
    assert body["stage"] == "planning"
    assert body["stage_since"] == timezone.localdate().isoformat()
    assert body["sdgs"] == [6, 11]
    assert body["version"] == 1
    assert [(m["organisation_id"], m["roles"], m["is_lead"]) for m in body["members"]] == [
        (world.pemda.pk, ["lead", "contracting_agency"], True)
    ]
    created = Partnership.objects.get(pk=body["id"])
    assert created.created_by == world.users["lead_admin"]
    assert _latest(Partnership, created.pk).history_user == world.users["lead_admin"]
    member = PartnershipMember.objects.get(partnership=created)
    assert _latest(PartnershipMember, member.pk).history_user == world.users["lead_admin"]


def test_create_partnership_with_several_administered_organisations(world: World) -> None:
    # given the lead admin also administers the NGO
    user = world.users["lead_admin"]
    organisation_add_user(
        actor=None, organisation=world.ngo, user=user, role=OrganisationRole.ADMIN, system=True
    )
    client = client_for(world, "lead_admin")
    data = {"title_ind": "Sekolah", "form": "psp", "development_sector": "education"}

    # when no lead is chosen, then it is a field error; when one is chosen, it leads
    missing = client.post_json(f"{API}/partnerships", data, headers={"Accept-Language": "en"})
    chosen = client.post_json(f"{API}/partnerships", {**data, "lead_organisation_id": world.ngo.pk})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {
            "loc": ["body", "payload", "lead_organisation_id"],
            "msg": "You administer several organisations: choose which one leads.",
            "type": "invalid",
        }
    ]
    assert chosen.status_code == 201
    assert chosen.json()["members"][0]["organisation_id"] == world.ngo.pk


def test_create_partnership_for_an_organisation_not_administered_is_403(world: World) -> None:
    client = client_for(world, "lead_admin")
    count = Partnership.objects.count()
    response = client.post_json(
        f"{API}/partnerships",
        {
            "lead_organisation_id": world.company.pk,
            "title_ind": "X",
            "form": "ppp",
            "development_sector": "water",
        },
    )
    assert response.status_code == 403
    assert Partnership.objects.count() == count


def test_get_partnership_in_both_languages(world: World) -> None:
    # given a partnership with Indonesian and English titles
    client = client_for(world, "member")
    url = f"{API}/partnerships/{world.partnership.pk}"

    # when read by default and with Accept-Language: en
    default = client.get_json(url)
    english = client.get_json(url, headers={"Accept-Language": "en"})

    # then `title` follows the request language, both columns are always there
    assert default.json()["title"] == "Jalan Tol Contoh"
    assert english.json()["title"] == "Example Toll Road"
    assert default["Content-Language"] == "id"
    assert english["Content-Language"] == "en"
    body = default.json()
    assert (body["title_ind"], body["title_en"]) == ("Jalan Tol Contoh", "Example Toll Road")
    assert body["estimated_value"] == "1000000000000.00"
    assert body["currency"] == "IDR"
    assert body["visibility"] == "partners"
    assert [m["organisation_name"] for m in body["members"]] == [
        "Pemda Jawa Barat",
        "PT Contoh Infrastruktur",
        "Yayasan Contoh",
    ]
    assert body["members"][1]["roles"] == ["project_company"]


def test_validation_messages_follow_the_request_language(world: World) -> None:
    # given a duplicate organisation name (Django's own translated message)
    client = client_for(world, "lead_admin")
    data = {"name": "Pemda Jawa Barat", "sector": "public", "kind": "ministry"}

    # when created in Indonesian (default) and in English
    indonesian = client.post_json(f"{API}/organisations", data)
    english = client.post_json(f"{API}/organisations", data, headers={"Accept-Language": "en"})

    # then the field error is in each language
    assert indonesian.status_code == english.status_code == 422
    assert indonesian.json()["detail"][0]["loc"] == ["body", "payload", "name"]
    assert "telah ada" in indonesian.json()["detail"][0]["msg"]
    assert english.json()["detail"][0]["msg"] == "Organisation with this Name already exists."


def test_list_partnerships_filters_and_paginates(world: World) -> None:
    client = client_for(world, "lead_admin")
    url = f"{API}/partnerships"

    everything = client.get_json(url).json()
    page = client.get_json(url, {"limit": 1, "offset": 1}).json()
    ppp = client.get_json(url, {"form": "ppp"}).json()
    searched = client.get_json(url, {"q": "schools"}).json()
    lead_role = client.get_json(url, {"my_role": "contracting_agency"}).json()
    public = client.get_json(url, {"visibility": "public"}).json()

    assert [p["code"] for p in everything["items"]] == [
        world.draft.code,
        world.public.code,
        world.partnership.code,
    ]
    assert everything["count"] == 3
    assert page == {"items": [everything["items"][1]], "count": 3}
    assert [p["id"] for p in ppp["items"]] == [world.partnership.pk]
    assert [p["id"] for p in searched["items"]] == [world.public.pk]
    assert [p["id"] for p in lead_role["items"]] == [world.partnership.pk]
    assert [p["id"] for p in public["items"]] == [world.public.pk]


def test_list_rejects_bad_pagination(world: World) -> None:
    client = client_for(world, "member")
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 10**30},
        {"limit": "x"},
        {"form": "nope"},
        {"mine": "maybe"},
    ):
        response = client.get_json(f"{API}/partnerships", params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"][0] == "query"


def test_update_partnership(world: World) -> None:
    # given version 1
    client = client_for(world, "lead_admin")

    # when the lead admin changes titles, value and SDGs
    response = client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}",
        {
            "version": 1,
            "title_en": "Cileunyi Toll Road",
            "estimated_value": 2500000000000,
            "sdgs": [9],
            "summary_en": "Second phase",
        },
    )

    # then it is saved as version 2, other fields unchanged, and audited
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["title_en"] == "Cileunyi Toll Road"
    assert body["title_ind"] == "Jalan Tol Contoh"
    assert body["estimated_value"] == "2500000000000.00"
    assert body["sdgs"] == [9]
    assert body["summary_en"] == "Second phase"
    record = _latest(Partnership, world.partnership.pk)
    assert record.history_user == world.users["lead_admin"]
    assert record.version == 2
    assert record.title_en == "Cileunyi Toll Road"


def test_update_without_version_is_422(world: World) -> None:
    client = client_for(world, "lead_admin")
    response = client.patch_json(f"{API}/partnerships/{world.partnership.pk}", {"title_en": "X"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "version"]
    world.partnership.refresh_from_db()
    assert world.partnership.title_en == "Example Toll Road"


def test_stage_gate_is_a_field_error(world: World) -> None:
    # given the public PSP in preparation (moved through its lifecycle's gate) with only public
    # and social partners
    from mitra.partnerships.services import partnership_set_stage

    partnership_set_stage(
        actor=world.users["lead_admin"],
        partnership=world.public,
        stage="preparation",
        expected_version=world.public.version,
    )
    client = client_for(world, "lead_admin")

    # when its form becomes a Pentahelix, which needs five sectors
    response = client.patch_json(
        f"{API}/partnerships/{world.public.pk}", {"version": 2, "form": "pentahelix"}
    )

    # then it is refused with the missing sectors, nothing saved
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "stage"
    assert body["missing"] == ["private", "academia", "media"]
    assert body["errors"][0]["loc"] == ["body", "payload", "stage"]
    world.public.refresh_from_db()
    assert (world.public.form, world.public.version) == ("psp", 2)


def test_patch_cannot_change_the_stage(world: World) -> None:
    # the stage moves only through the lifecycle's gate (POST .../stage, issue 14)
    client = client_for(world, "lead_admin")
    response = client.patch_json(
        f"{API}/partnerships/{world.public.pk}", {"version": 1, "stage": "preparation"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "stage"]
    assert "/stage" in response.json()["detail"][0]["msg"]
    same = client.patch_json(
        f"{API}/partnerships/{world.public.pk}", {"version": 1, "stage": "planning"}
    )
    assert same.status_code == 200
    world.public.refresh_from_db()
    assert world.public.stage == "planning"


def test_delete_partnership(world: World) -> None:
    client = client_for(world, "lead_admin")
    response = client.delete_json(f"{API}/partnerships/{world.draft.pk}")
    assert response.status_code == 204
    assert not Partnership.objects.filter(pk=world.draft.pk).exists()
    record = Partnership.history.filter(id=world.draft.pk, history_type="-").get()
    assert record.history_user == world.users["lead_admin"]


def test_delete_partnership_in_planning_deletes_and_audits_its_items(world: World) -> None:
    # given a partnership in planning with commitments, deliveries and documents
    client = client_for(world, "lead_admin")
    pk, commitment_id = world.partnership.pk, world.commitment.pk
    # when its lead admin deletes it
    response = client.delete_json(f"{API}/partnerships/{pk}")
    # then it and its items are gone, each deletion audited with the actor
    assert response.status_code == 204
    assert not Partnership.objects.filter(pk=pk).exists()
    record = Commitment.history.filter(id=commitment_id, history_type="-").get()
    assert record.history_user == world.users["lead_admin"]


def test_delete_partnership_past_planning_is_refused(world: World) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(stage="construction")
    client = client_for(world, "lead_admin")
    response = client.delete_json(f"{API}/partnerships/{world.partnership.pk}")
    assert response.status_code == 400
    assert Partnership.objects.filter(pk=world.partnership.pk).exists()
    assert world.partnership.documents.count() == 2


def test_delete_partnership_out_of_planning_is_refused(world: World) -> None:
    Partnership.objects.filter(pk=world.draft.pk).update(stage="cancelled")
    client = client_for(world, "lead_admin")
    english = client.delete_json(
        f"{API}/partnerships/{world.draft.pk}", headers={"Accept-Language": "en"}
    )
    default = client.delete_json(f"{API}/partnerships/{world.draft.pk}")
    assert english.status_code == default.status_code == 400
    assert english.json()["detail"] == (
        "Only a partnership in planning can be deleted; cancel it instead."
    )
    # Indonesian by default
    assert default["Content-Language"] == "id"
    assert Partnership.objects.filter(pk=world.draft.pk).exists()


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [
        "1000000000000000.00",
        "999999999999999.99",
        "1000000000000000",
        1000000000000000,
        "123456789012345.67",
        "90000000000000000.00",
        "0.01",
    ],
)
def test_amounts_round_trip_exactly(world: World, amount: object) -> None:
    # given an amount up to 10^15 IDR (and the storable maximum), as a string or a JSON number
    client = client_for(world, "lead_admin")

    # when stored as an estimated value and as a need, and read back
    created = client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}", {"version": 1, "estimated_value": amount}
    )
    need = client.post_json(
        f"{API}/partnerships/{world.partnership.pk}/needs",
        {"title": "Capex", "resource_type": "cash", "quantity": amount, "currency": "IDR"},
    )
    read = client.get_json(f"{API}/partnerships/{world.partnership.pk}").json()
    need_read = client.get_json(f"{API}/needs/{need.json()['id']}").json()

    # then the decimal string is exact, with two places
    expected = f"{Decimal(str(amount)):.2f}"
    assert created.status_code == 200
    assert created.json()["estimated_value"] == expected
    assert read["estimated_value"] == expected
    assert need_read["quantity"] == expected
    assert Partnership.objects.get(pk=world.partnership.pk).estimated_value == Decimal(expected)


def test_json_number_with_fraction_is_not_rounded_through_a_float(world: World) -> None:
    # given 10^15 + 0.55 as a bare JSON number (a float would give ...000.5 or ...000.625)
    client = client_for(world, "lead_admin")
    body = '{"version": 1, "estimated_value": 1000000000000000.55}'

    response = client.patch(
        f"{API}/partnerships/{world.partnership.pk}", body, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["estimated_value"] == "1000000000000000.55"


@pytest.mark.parametrize(
    "amount",
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "1.001",
        "-5",
        "90000000000000000.01",
        10**20,
        "",
        "abc",
        True,
        [1],
        {"a": 1},
    ],
)
def test_bad_amounts_are_field_errors(world: World, amount: object) -> None:
    client = client_for(world, "lead_admin")
    response = client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}", {"version": 1, "estimated_value": amount}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:3] == ["body", "payload", "estimated_value"]
    world.partnership.refresh_from_db()
    assert world.partnership.version == 1


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_bare_nan_in_json_is_a_field_error(world: World, literal: str) -> None:
    client = client_for(world, "lead_admin")
    response = client.patch(
        f"{API}/partnerships/{world.partnership.pk}",
        f'{{"version": 1, "estimated_value": {literal}}}',
        content_type="application/json",
    )
    assert response.status_code == 422


# --- fulfilment and history ---------------------------------------------------------------------


def test_fulfilment_figures(world: World) -> None:
    body = (
        client_for(world, "member")
        .get_json(f"{API}/partnerships/{world.partnership.pk}/fulfilment")
        .json()
    )
    need = body["needs"][0]
    assert (need["pledged"], need["delivered"], need["gap"]) == (
        "277000000.00",
        "50000000.00",
        "223000000.00",
    )
    assert (need["pledged_pct"], need["delivered_pct"]) == ("55.4", "10.0")
    rows = {row["commitment"]["id"]: row for row in need["commitments"]}
    assert rows[world.commitment.pk]["delivered"] == "50000000.00"
    assert rows[world.commitment.pk]["fulfilment_pct"] == "25.0"
    assert rows[world.commitment.pk]["deliveries"][0]["evidence_id"] == world.document.pk
    assert rows[world.secret_commitment.pk]["delivered"] == "0.00"
    assert body["members"] == [
        {
            "member_id": world.commitment.member_id,
            "organisation_id": world.company.pk,
            "organisation_name": "PT Contoh Infrastruktur",
            "measure": "IDR",
            "is_money": True,
            "pledged": "277000000.00",
            "delivered": "50000000.00",
            "fulfilment_pct": "18.1",
        }
    ]


def test_history_shows_who_what_and_old_to_new(world: World) -> None:
    # given an edit by the lead admin
    client = client_for(world, "lead_admin")
    client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}", {"version": 1, "title_en": "Renamed"}
    )

    # when the history is read in English
    body = client.get_json(
        f"{API}/partnerships/{world.partnership.pk}/history", headers={"Accept-Language": "en"}
    ).json()

    # then the newest entry is the edit, with the change old → new
    entry = body["items"][0]
    assert entry["who"] == "lead_admin (Pemda Jawa Barat)"  # no full name set: the login
    assert entry["action"] == "changed"
    assert entry["object_type"] == "Partnership"
    assert entry["object_label"] == world.partnership.code
    assert entry["version"] == 2
    assert {
        "field": "title_en",
        "label": "title [en]",
        "old": "Example Toll Road",
        "new": "Renamed",
    } in entry["changes"]
    # 2 partnership, 3 partners, 1 need, 1 commitment, 1 delivery, 1 objective, 1 document: the
    # company's owner-only commitment, objective and document are not for the lead admin's eyes
    assert body["count"] == len(body["items"]) == 10
    assert sorted(e["object_type"] for e in body["items"]) == [
        "Commitment",
        "Delivery",
        "Document",
        "Need",
        "Objective",
        "Partner",
        "Partner",
        "Partner",
        "Partnership",
        "Partnership",
    ]


# --- stale edits -----------------------------------------------------------------------------------


def test_stale_edit_is_409_with_current_and_changes(world: World) -> None:
    # given two clients that both read version 1
    first = client_for(world, "lead_admin")
    second = ApiClient()
    second.force_login(world.users["lead_admin"])
    url = f"{API}/partnerships/{world.partnership.pk}"
    version_1 = first.get_json(url).json()["version"]
    assert second.get_json(url).json()["version"] == version_1 == 1

    # when the first saves, then the second saves on the same version
    saved = first.patch_json(url, {"version": version_1, "title_en": "First edit"})
    stale = second.patch_json(
        url,
        {"version": version_1, "title_en": "Second edit", "regency": "Bandung"},
        headers={"Accept-Language": "en"},
    )

    # then the second gets 409 with the current object (as GET shows it) and what changed
    assert saved.status_code == 200
    assert stale.status_code == 409
    body = stale.json()
    assert body["detail"].startswith("Someone else saved this record after you opened it.")
    assert body["current"] == first.get_json(url, headers={"Accept-Language": "en"}).json()
    assert body["current"]["version"] == 2
    assert body["current"]["title_en"] == "First edit"
    # (the untranslated `title` column also appears: see the report on core/history.py)
    changes = [
        (c["who"], c["version"], c["field"], c["old"], c["new"])
        for c in body["changes"]
        if c["field"] != "title"
    ]
    assert changes == [("lead_admin", 2, "title_en", "Example Toll Road", "First edit")]

    # and nothing of the second edit was written: history has the first edit, not the second
    partnership = Partnership.objects.get(pk=world.partnership.pk)
    assert (partnership.title_en, partnership.regency, partnership.version) == ("First edit", "", 2)
    titles = list(
        Partnership.history.filter(id=partnership.pk)
        .order_by("history_date")
        .values_list("title_en", flat=True)
    )
    assert titles == ["Example Toll Road", "First edit"]
    history = first.get_json(f"{url}/history", headers={"Accept-Language": "en"}).json()["items"]
    edits = [e for e in history if e["object_type"] == "Partnership" and e["action"] == "changed"]
    assert len(edits) == 1
    assert {c["new"] for c in edits[0]["changes"] if c["field"] == "title_en"} == {"First edit"}
    assert "Second edit" not in str(history)
