"""Members, needs, commitments, deliveries, objectives, documents and organisations through the API:
each operation's happy path with exact answers, and each write audited with the actor."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.organisations.models import Organisation
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    PartnershipMember,
)
from tests.api.conftest import API, World, client_for


def _audit(model: type, pk: int, action: str) -> Any:
    return model.history.filter(id=pk, history_type=action).order_by("-history_date").first()


# --- members -------------------------------------------------------------------------------------


def test_member_lifecycle(world: World) -> None:
    client = client_for(world, "lead_admin")
    lead = world.users["lead_admin"]
    pk = world.partnership.pk

    # add: the lead invites (202), the organisation's administrator accepts (issue 14)
    invited = client.post_json(
        f"{API}/invitations",
        {
            "partnership_id": pk,
            "organisation_id": world.outsider_org.pk,
            "roles": ["research_partner"],
        },
    )
    assert invited.status_code == 202
    assert not PartnershipMember.objects.filter(organisation=world.outsider_org).exists()
    accepted = client_for(world, "outsider").post_json(
        f"{API}/invitations/{invited.json()['id']}/accept", {"message": "Gladly"}
    )
    assert accepted.status_code == 200
    body = client.get_json(f"{API}/members/{accepted.json()['member_id']}").json()
    assert {
        k: body[k]
        for k in (
            "partnership_id",
            "organisation_id",
            "organisation_name",
            "organisation_sector",
            "roles",
            "is_lead",
            "left_on",
            "version",
        )
    } == {
        "partnership_id": pk,
        "organisation_id": world.outsider_org.pk,
        "organisation_name": "Universitas Luar",
        "organisation_sector": "academia",
        "roles": ["research_partner"],
        "is_lead": False,
        "left_on": None,
        "version": 1,
    }
    assert _audit(PartnershipMember, body["id"], "+").history_user == world.users["outsider"]

    # list and get
    listed = client.get_json(f"{API}/partnerships/{pk}/members").json()
    assert listed["count"] == 4
    assert listed["items"][-1] == body
    assert client.get_json(f"{API}/members/{body['id']}").json() == body

    # update
    updated = client.patch_json(
        f"{API}/members/{body['id']}",
        {"version": 1, "roles": ["research_partner", "technical_partner"]},
    )
    assert updated.status_code == 200
    assert updated.json()["roles"] == ["research_partner", "technical_partner"]
    assert updated.json()["version"] == 2
    assert _audit(PartnershipMember, body["id"], "~").history_user == lead
    assert sorted(
        PartnershipMember.objects.get(pk=body["id"]).role_rows.values_list("role", flat=True)
    ) == ["research_partner", "technical_partner"]

    # the added outsider now sees the partnership
    assert client_for(world, "outsider").get_json(f"{API}/partnerships/{pk}").status_code == 200

    # delete
    assert client.delete_json(f"{API}/members/{body['id']}").status_code == 204
    assert not PartnershipMember.objects.filter(pk=body["id"]).exists()
    assert _audit(PartnershipMember, body["id"], "-").history_user == lead


def test_adding_an_existing_member_or_unknown_organisation(world: World) -> None:
    client = client_for(world, "lead_admin")
    url = f"{API}/invitations"
    p = world.partnership.pk
    twice = client.post_json(
        url, {"partnership_id": p, "organisation_id": world.company.pk, "roles": ["operator"]}
    )
    unknown = client.post_json(
        url, {"partnership_id": p, "organisation_id": 999999, "roles": ["operator"]}
    )
    assert twice.status_code == 400
    assert twice.json()["errors"][0]["loc"] == ["body", "payload", "organisation_id"]
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "organisation_id"]


def test_removing_the_last_lead_is_refused(world: World) -> None:
    client = client_for(world, "lead_admin")
    lead_member = world.partnership.members.get(organisation=world.pemda)
    response = client.patch_json(
        f"{API}/members/{lead_member.pk}", {"version": 1, "roles": ["contracting_agency"]}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "roles"
    lead_member.refresh_from_db()
    assert lead_member.roles == ["lead", "contracting_agency"]


# --- needs ---------------------------------------------------------------------------------------


def test_need_lifecycle(world: World) -> None:
    client = client_for(world, "lead_admin")
    lead = world.users["lead_admin"]
    pk = world.partnership.pk

    created = client.post_json(
        f"{API}/partnerships/{pk}/needs",
        {
            "title": "Land for the interchange",
            "resource_type": "land",
            "quantity": "12.50",
            "unit": "ha",
            "due_date": "2027-01-31",
            "description": "Near Cileunyi",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "partnership_id": pk,
        "title": "Land for the interchange",
        "title_ind": "Land for the interchange",
        "title_en": "",
        "resource_type": "land",
        "description": "Near Cileunyi",
        "quantity": "12.50",
        "unit": "ha",
        "unit_label": body["unit_label"],
        "currency": "",
        "measure": "ha",
        "due_date": "2027-01-31",
        "version": 1,
    }
    assert "(ha)" in body["unit_label"]  # the code list's label, in the request language
    assert _audit(Need, body["id"], "+").history_user == lead

    listed = client.get_json(f"{API}/partnerships/{pk}/needs").json()
    assert [n["id"] for n in listed["items"]] == [world.need.pk, body["id"]]
    assert client.get_json(f"{API}/needs/{body['id']}").json() == body

    updated = client.patch_json(f"{API}/needs/{body['id']}", {"version": 1, "quantity": 15})
    assert updated.json()["quantity"] == "15.00"
    assert updated.json()["version"] == 2
    assert _audit(Need, body["id"], "~").history_user == lead

    assert client.delete_json(f"{API}/needs/{body['id']}").status_code == 204
    assert _audit(Need, body["id"], "-").history_user == lead


def test_need_rules_are_field_errors(world: World) -> None:
    client = client_for(world, "lead_admin")
    url = f"{API}/partnerships/{world.partnership.pk}/needs"
    cash_without_currency = client.post_json(
        url, {"title": "Cash", "resource_type": "cash", "quantity": "5"}
    )
    land_without_unit = client.post_json(
        url, {"title": "Land", "resource_type": "land", "quantity": "5"}
    )
    assert cash_without_currency.status_code == 422
    assert [e["loc"][-1] for e in cash_without_currency.json()["detail"]] == ["currency"]
    assert [e["loc"][-1] for e in land_without_unit.json()["detail"]] == ["unit"]
    # a need with commitments cannot change its measure, nor be deleted
    change = client.patch_json(f"{API}/needs/{world.need.pk}", {"version": 1, "currency": "USD"})
    delete = client.delete_json(f"{API}/needs/{world.need.pk}")
    assert change.status_code == 400
    assert change.json()["field"] == "resource_type"
    assert delete.status_code == 400
    assert Need.objects.get(pk=world.need.pk).currency == "IDR"


# --- commitments ---------------------------------------------------------------------------------


def test_commitment_lifecycle(world: World) -> None:
    client = client_for(world, "member")
    member = world.users["member"]

    created = client.post_json(
        f"{API}/needs/{world.need.pk}/commitments",
        {"quantity": "23000000", "due_date": "2026-12-31", "notes": "Second tranche"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "need_id": world.need.pk,
        "member_id": world.commitment.member_id,
        "organisation_id": world.company.pk,
        "organisation_name": "PT Contoh Infrastruktur",
        "quantity": "23000000.00",
        "due_date": "2026-12-31",
        "confidentiality": "partners",
        "notes": "Second tranche",
        "version": 1,
    }
    assert _audit(Commitment, body["id"], "+").history_user == member

    listed = client.get_json(f"{API}/partnerships/{world.partnership.pk}/commitments").json()
    assert [c["id"] for c in listed["items"]] == [
        world.commitment.pk,
        world.secret_commitment.pk,
        body["id"],
    ]
    assert client.get_json(f"{API}/commitments/{body['id']}").json() == body

    updated = client.patch_json(
        f"{API}/commitments/{body['id']}", {"version": 1, "confidentiality": "owner"}
    )
    assert updated.json()["confidentiality"] == "owner"
    assert _audit(Commitment, body["id"], "~").history_user == member
    # now hidden from the lead admin
    lead = client_for(world, "lead_admin")
    assert lead.get_json(f"{API}/commitments/{body['id']}").status_code == 404

    assert client.delete_json(f"{API}/commitments/{body['id']}").status_code == 204
    assert _audit(Commitment, body["id"], "-").history_user == member


def test_user_of_several_partner_organisations_chooses_which_acts(world: World) -> None:
    from mitra.organisations.models import OrganisationRole
    from mitra.organisations.services import organisation_add_user

    user = world.users["member"]
    organisation_add_user(
        actor=None, organisation=world.ngo, user=user, role=OrganisationRole.STAFF, system=True
    )
    client = client_for(world, "member")
    url = f"{API}/needs/{world.need.pk}/commitments"
    unchosen = client.post_json(url, {"quantity": "1"})
    chosen = client.post_json(url, {"quantity": "1", "organisation_id": world.ngo.pk})
    assert unchosen.status_code == 400
    assert unchosen.json()["errors"][0]["loc"] == ["body", "payload", "organisation_id"]
    assert chosen.status_code == 201
    assert chosen.json()["organisation_id"] == world.ngo.pk


# --- deliveries ----------------------------------------------------------------------------------


def test_delivery_lifecycle(world: World) -> None:
    client = client_for(world, "member")
    member = world.users["member"]

    created = client.post_json(
        f"{API}/commitments/{world.commitment.pk}/deliveries",
        {
            "delivered_on": "2026-02-15",
            "quantity": "25000000.00",
            "evidence_id": world.document.pk,
            "notes": "Second transfer",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "commitment_id": world.commitment.pk,
        "delivered_on": "2026-02-15",
        "quantity": "25000000.00",
        "evidence_id": world.document.pk,
        "notes": "Second transfer",
        "version": 1,
    }
    assert _audit(Delivery, body["id"], "+").history_user == member

    listed = client.get_json(f"{API}/partnerships/{world.partnership.pk}/deliveries").json()
    assert [d["id"] for d in listed["items"]] == [world.delivery.pk, body["id"]]
    assert client.get_json(f"{API}/deliveries/{body['id']}").json() == body

    updated = client.patch_json(
        f"{API}/deliveries/{body['id']}",
        {"version": 1, "evidence_id": None, "quantity": "26000000"},
    )
    assert (updated.json()["evidence_id"], updated.json()["quantity"]) == (None, "26000000.00")
    assert _audit(Delivery, body["id"], "~").history_user == member

    assert client.delete_json(f"{API}/deliveries/{body['id']}").status_code == 204
    assert _audit(Delivery, body["id"], "-").history_user == member


def test_delivery_evidence_must_be_a_visible_document(world: World) -> None:
    # the public partnership's MoU belongs to another partnership; 999999 does not exist
    client = client_for(world, "member")
    url = f"{API}/commitments/{world.commitment.pk}/deliveries"
    other = client.post_json(
        url,
        {"delivered_on": "2026-02-15", "quantity": "1", "evidence_id": world.public_document.pk},
    )
    unknown = client.post_json(
        url, {"delivered_on": "2026-02-15", "quantity": "1", "evidence_id": 999999}
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "payload", "evidence_id"]
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "payload", "evidence_id"]
    assert Delivery.objects.count() == 1


# --- objectives ----------------------------------------------------------------------------------


def test_objective_lifecycle(world: World) -> None:
    client = client_for(world, "lead_admin")
    lead = world.users["lead_admin"]

    created = client.post_json(
        f"{API}/partnerships/{world.partnership.pk}/objectives",
        {"text": "Congestion down 30%", "sdg": 11, "weight": 60},
    )
    assert created.status_code == 201
    body = created.json()
    lead_member = world.partnership.members.get(organisation=world.pemda)
    assert body == {
        "id": body["id"],
        "member_id": lead_member.pk,
        "organisation_id": world.pemda.pk,
        "organisation_name": "Pemda Jawa Barat",
        "text": "Congestion down 30%",
        "sdg": 11,
        "weight": 60,
        "confidentiality": "partners",
        "version": 1,
    }
    assert _audit(Objective, body["id"], "+").history_user == lead

    listed = client.get_json(f"{API}/partnerships/{world.partnership.pk}/objectives").json()
    assert body["id"] in [o["id"] for o in listed["items"]]
    assert client.get_json(f"{API}/objectives/{body['id']}").json() == body

    updated = client.patch_json(
        f"{API}/objectives/{body['id']}", {"version": 1, "sdg": None, "weight": 65}
    )
    assert (updated.json()["sdg"], updated.json()["weight"]) == (None, 65)
    assert _audit(Objective, body["id"], "~").history_user == lead

    assert client.delete_json(f"{API}/objectives/{body['id']}").status_code == 204
    assert _audit(Objective, body["id"], "-").history_user == lead


# --- documents -----------------------------------------------------------------------------------


def test_document_lifecycle(world: World) -> None:
    client = client_for(world, "member")
    member = world.users["member"]
    content = b"%PDF-1.4 feasibility study"

    created = client.post(
        f"{API}/partnerships/{world.partnership.pk}/documents",
        {
            "title": "Feasibility study",
            "doc_type": "feasibility",
            "revision": "2.0",
            "confidentiality": "owner",
            "file": SimpleUploadedFile("Study.PDF", content, "application/pdf"),
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        "id": body["id"],
        "partnership_id": world.partnership.pk,
        "member_id": world.commitment.member_id,
        "organisation_id": world.company.pk,
        "organisation_name": "PT Contoh Infrastruktur",
        "title": "Feasibility study",
        "doc_type": "feasibility",
        "revision": "2.0",
        "filename": "Study.pdf",
        "size": len(content),
        "confidentiality": "owner",
        "download_url": f"/api/v1/documents/{body['id']}/download",
        "version": 1,
    }
    assert _audit(Document, body["id"], "+").history_user == member

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="Study.pdf"'
    assert download["Content-Type"] == "application/pdf"
    lead = client_for(world, "lead_admin")
    assert lead.get(body["download_url"]).status_code == 404

    updated = client.patch_json(
        f"{API}/documents/{body['id']}",
        {"version": 1, "confidentiality": "partners", "revision": "2.1"},
    )
    assert (updated.json()["confidentiality"], updated.json()["revision"]) == ("partners", "2.1")
    assert _audit(Document, body["id"], "~").history_user == member
    assert lead.get(body["download_url"]).status_code == 200

    assert client.delete_json(f"{API}/documents/{body['id']}").status_code == 204
    assert _audit(Document, body["id"], "-").history_user == member


def test_document_upload_refuses_bad_files(world: World) -> None:
    client = client_for(world, "member")
    url = f"{API}/partnerships/{world.partnership.pk}/documents"
    exe = client.post(
        url,
        {
            "title": "Tool",
            "doc_type": "other",
            "file": SimpleUploadedFile("tool.exe", b"MZ", "application/x-msdos"),
        },
    )
    no_file = client.post(url, {"title": "Nothing", "doc_type": "other"})
    as_json = client.post_json(url, {"title": "Nothing", "doc_type": "other"})
    assert exe.status_code == 422
    assert exe.json()["detail"][0]["loc"] == ["body", "payload", "file"]
    assert no_file.status_code == 422
    assert as_json.status_code == 422
    assert Document.objects.count() == 3


# --- organisations -------------------------------------------------------------------------------


def test_organisation_lifecycle(world: World) -> None:
    client = client_for(world, "member")
    user = world.users["member"]

    created = client.post_json(
        f"{API}/organisations",
        {
            "name": "Koperasi Tani Makmur",
            "short_name": "KTM",
            "sector": "social",
            "kind": "cooperative",
            "province": "ID-JT",
            "website": "https://ktm.example.id",
            "description_ind": "Koperasi petani",
            "description_en": "Farmers' cooperative",
            "expertise": ["rice farming"],
            "resource_types": ["land", "expertise"],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at")} == {
        "id": body["id"],
        "name": "Koperasi Tani Makmur",
        "short_name": "KTM",
        "sector": "social",
        "kind": "cooperative",
        "country": "ID",
        "province": "ID-JT",
        "website": "https://ktm.example.id",
        "description": "Koperasi petani",
        "description_ind": "Koperasi petani",
        "description_en": "Farmers' cooperative",
        "expertise": ["rice farming"],
        "resource_types": ["land", "expertise"],
        "version": 1,
    }
    assert Organisation.history.filter(id=body["id"]).get().history_user == user

    assert client.get_json(f"{API}/organisations/{body['id']}").json()["name"] == body["name"]
    found = client.get_json(f"{API}/organisations", {"resource_type": "land"}).json()
    assert [o["id"] for o in found["items"]] == [body["id"]]
    social = client.get_json(f"{API}/organisations", {"sector": "social"}).json()
    assert social["count"] == 2

    updated = client.patch_json(
        f"{API}/organisations/{body['id']}", {"version": 1, "short_name": "KoTaMa"}
    )
    assert updated.json()["short_name"] == "KoTaMa"
    assert updated.json()["version"] == 2
    assert Organisation.history.filter(id=body["id"], history_type="~").get().history_user == user

    assert client.delete_json(f"{API}/organisations/{body['id']}").status_code == 204
    assert Organisation.history.filter(id=body["id"], history_type="-").get().history_user == user


def test_organisation_in_partnerships_cannot_be_deleted(world: World) -> None:
    response = client_for(world, "lead_admin").delete_json(f"{API}/organisations/{world.pemda.pk}")
    assert response.status_code == 400
    assert Organisation.objects.filter(pk=world.pemda.pk).exists()


def test_organisation_stale_edit(world: World) -> None:
    client = client_for(world, "lead_admin")
    url = f"{API}/organisations/{world.pemda.pk}"
    assert client.patch_json(url, {"version": 1, "short_name": "Jabar"}).status_code == 200
    stale = client.patch_json(url, {"version": 1, "short_name": "Pemprov"})
    assert stale.status_code == 409
    assert stale.json()["current"] == client.get_json(url).json()
    assert [(c["field"], c["old"], c["new"]) for c in stale.json()["changes"]] == [
        ("short_name", "Pemda Jawa Barat", "Jabar")
    ]
