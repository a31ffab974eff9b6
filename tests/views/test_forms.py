"""Forms through the pages: happy paths, field-level messages on bad input, stale edits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.partnerships import services
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
    Stage,
)

from .conftest import sign_in, snapshot


def _edit_data(partnership: Partnership, **changes: Any) -> dict[str, Any]:
    data = {
        "title_ind": partnership.title_ind,
        "title_en": partnership.title_en or "",
        "form": partnership.form,
        "development_sector": partnership.development_sector,
        "province": partnership.province,
        "currency": partnership.currency,
        "visibility": partnership.visibility,
        "stage": partnership.stage,
        "version": partnership.version,
    }
    data.update(changes)
    return data


def test_create_partnership_happy_path(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "lead_admin")
    # when
    response = client.post(
        reverse("partnerships:create"),
        {
            "lead_organisation": world.pemda.pk,
            "title_ind": "SPAM Regional",
            "title_en": "Regional Water",
            "form": "ppp",
            "development_sector": "water",
            "province": "ID-JB",
            "currency": "IDR",
            "estimated_value": "1250000000",
            "visibility": "partners",
            "sdgs": ["6", "11"],
            "lead_roles": ["contracting_agency"],
        },
    )
    # then
    created = Partnership.objects.get(title_ind="SPAM Regional")
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:detail", args=[created.pk])
    assert created.sdgs == [6, 11]
    assert created.estimated_value == Decimal("1250000000.00")
    lead = created.members.get()
    assert lead.organisation == world.pemda
    assert lead.roles == ["lead", "contracting_agency"]


def test_create_partnership_bad_input_shows_field_errors(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "lead_admin")
    before = snapshot()
    # when
    response = client.post(
        reverse("partnerships:create"),
        {
            "lead_organisation": world.pemda.pk,
            "title_ind": "",
            "form": "nonsense",
            "development_sector": "water",
            "currency": "IDR",
            "visibility": "draft",
            "estimated_value": "-5",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
    )
    # then
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"title_ind", "form", "estimated_value"}
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot() == before


def test_create_partnership_model_validation_lands_on_the_field(client: Any, world: Any) -> None:
    # given: the end date before the start date is a model rule (Partnership.clean)
    sign_in(client, world, "lead_admin")
    # when
    response = client.post(
        reverse("partnerships:create"),
        {
            "lead_organisation": world.pemda.pk,
            "title_ind": "Tanggal salah",
            "form": "ppp",
            "development_sector": "water",
            "currency": "IDR",
            "visibility": "draft",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
    )
    # then
    assert response.status_code == 400
    assert "end_date" in response.context["form"].errors
    assert not Partnership.objects.filter(title_ind="Tanggal salah").exists()


def test_htmx_form_error_returns_the_form_partial(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("partnerships:need_create", args=[world.partnership.pk]),
        {"title_ind": "", "resource_type": "cash", "quantity": "x"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.lstrip().startswith("<form")
    assert "<html" not in body


def test_htmx_form_success_redirects_on_the_client(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("partnerships:need_create", args=[world.partnership.pk]),
        {"title_ind": "Lahan", "resource_type": "land", "quantity": "12.5", "unit": "ha"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse(
        "partnerships:tab", args=[world.partnership.pk, "needs"]
    )
    assert Need.objects.filter(title="Lahan", unit="ha").exists()


def test_the_edit_form_shows_the_stage_but_does_not_move_it(client: Any, world: Any) -> None:
    # given: the stage moves only through the lifecycle's gate (coordination, issue 14)
    sign_in(client, world, "lead_admin")
    draft = world.draft
    page = client.get("/en" + reverse("partnerships:edit", args=[draft.pk]))
    form = page.context["form"]
    assert form.fields["stage"].disabled
    assert "Lifecycle" in page.content.decode()  # the field's help names the tab
    # when a stage is posted anyway
    response = client.post(
        reverse("partnerships:edit", args=[draft.pk]),
        _edit_data(draft, stage="preparation", regency="Kabupaten Bogor"),
    )
    # then the other fields are saved and the stage is not moved
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.stage, draft.regency) == ("planning", "Kabupaten Bogor")


def test_overview_shows_required_sectors_present_and_missing(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.get(
        reverse("partnerships:detail", args=[world.draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    required = response.context["required_sectors"]
    assert required[0][2] is True  # public: the Pemda
    assert [present for _label, _since, present in required[1:]] == [False] * 4
    # each sector says from which stage it is needed; in planning none is missing yet
    assert {str(since) for _label, since, _present in required} == {str(Stage.PREPARATION.label)}
    assert response.context["missing_sectors"] == []
    assert 'data-testid="required-sectors"' in body


def test_stale_edit_is_refused_with_changes_and_input_kept(client: Any, world: Any) -> None:
    # given: the lead admin opens the form at version v; someone else saves meanwhile
    p = world.partnership
    opened_version = p.version
    services.partnership_update(
        actor=world.users["lead_admin"],
        partnership=p,
        data={"regency": "Kabupaten Bandung"},
        expected_version=opened_version,
    )
    sign_in(client, world, "lead_admin")
    mine = _edit_data(p, title_ind="Judul saya", regency="", version=opened_version)
    # when
    response = client.post(reverse("partnerships:edit", args=[p.pk]), mine)
    # then: 409, the form keeps my title, shows their change, and carries the new version
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-edit"' in body
    assert "Kabupaten Bandung" in body
    assert "lead_admin" in body
    assert 'value="Judul saya"' in body
    p.refresh_from_db()
    assert p.title_ind == "Jalan Tol Contoh"
    assert f'name="version" value="{p.version}"' in body
    # when: re-submitting the form as shown (with the new version)
    again = client.post(reverse("partnerships:edit", args=[p.pk]), {**mine, "version": p.version})
    # then: saved, and the history shows both edits
    assert again.status_code == 302
    p.refresh_from_db()
    assert p.title_ind == "Judul saya"
    history = client.get(reverse("partnerships:tab", args=[p.pk, "history"])).content.decode()
    assert "Kabupaten Bandung" in history
    assert "Judul saya" in history


def test_stale_edit_of_a_need(client: Any, world: Any) -> None:
    need = world.need
    opened = need.version
    services.need_update(
        actor=world.users["lead_admin"],
        need=need,
        data={"title": "Ekuitas"},
        expected_version=opened,
    )
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("partnerships:need_edit", args=[world.partnership.pk, need.pk]),
        {
            "title_ind": "Modal",
            "resource_type": "cash",
            "quantity": "500000000",
            "currency": "IDR",
            "version": opened,
        },
    )
    assert response.status_code == 409
    assert "Ekuitas" in response.content.decode()
    need.refresh_from_db()
    assert need.title == "Ekuitas"


def test_partner_add_edit_and_remove(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "lead_admin")
    p = world.partnership
    # when: invited (issue 14: partners join by invitation) and accepted by its administrator
    from mitra.coordination.models import Invitation
    from mitra.coordination.services import invitation_accept

    response = client.post(
        reverse("coordination:invite", args=[p.pk]),
        {"organisation": world.outsider_org.pk, "roles": ["research_partner", "technical_partner"]},
    )
    assert response.status_code == 302
    assert not PartnershipMember.objects.filter(partnership=p, organisation=world.outsider_org)
    invitation_accept(actor=world.users["outsider"], invitation=Invitation.objects.get())
    # then
    member = PartnershipMember.objects.get(partnership=p, organisation=world.outsider_org)
    assert member.roles == ["research_partner", "technical_partner"]
    # when: edit with a left date before the joined date → field error
    bad = client.post(
        reverse("partnerships:member_edit", args=[p.pk, member.pk]),
        {
            "roles": ["research_partner"],
            "joined_on": "2026-03-01",
            "left_on": "2026-01-01",
            "version": member.version,
        },
    )
    assert bad.status_code == 400
    assert "left_on" in bad.context["form"].errors
    # when: edit properly
    ok = client.post(
        reverse("partnerships:member_edit", args=[p.pk, member.pk]),
        {"roles": ["research_partner"], "joined_on": "2026-03-01", "version": member.version},
    )
    assert ok.status_code == 302
    member.refresh_from_db()
    assert member.roles == ["research_partner"]
    # when: remove
    gone = client.post(reverse("partnerships:member_remove", args=[p.pk, member.pk]))
    assert gone.status_code == 302
    assert not PartnershipMember.objects.filter(pk=member.pk).exists()


def test_partner_with_commitments_cannot_be_removed(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    company_member = world.partnership.members.get(organisation=world.company)
    response = client.post(
        reverse("partnerships:member_remove", args=[world.partnership.pk, company_member.pk])
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert PartnershipMember.objects.filter(pk=company_member.pk).exists()


def test_roles_are_required(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("coordination:invite", args=[world.partnership.pk]),
        {"organisation": world.outsider_org.pk},
    )
    assert response.status_code == 400
    assert "roles" in response.context["form"].errors


def test_need_validation_messages_are_on_fields(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("partnerships:need_create", args=[world.partnership.pk]),
        {"title_ind": "Uang", "resource_type": "cash", "quantity": "0", "unit": "ha"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"quantity", "currency", "unit"} <= set(errors)


def test_need_measure_cannot_change_after_commitments(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    response = client.post(
        reverse("partnerships:need_edit", args=[world.partnership.pk, world.need.pk]),
        {
            "title_ind": "Equity",
            "resource_type": "land",
            "quantity": "5",
            "unit": "ha",
            "version": world.need.version,
        },
    )
    assert response.status_code == 400
    assert "resource_type" in response.context["form"].errors


def test_commitment_delivery_objective_and_document_happy_paths(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "member")
    p = world.partnership
    # when: pledge, deliver with evidence, objective, upload
    r1 = client.post(
        reverse("partnerships:commitment_create", args=[p.pk, world.need.pk]),
        {"quantity": "100000000", "confidentiality": "partners"},
    )
    commitment = Commitment.objects.order_by("-pk").first()
    r2 = client.post(
        reverse("partnerships:delivery_create", args=[p.pk, commitment.pk]),
        {"delivered_on": "2026-04-01", "quantity": "40000000", "evidence": world.document.pk},
    )
    r3 = client.post(
        reverse("partnerships:objective_create", args=[p.pk]),
        {"text": "Tarif wajar", "sdg": "9", "weight": "60", "confidentiality": "partners"},
    )
    r4 = client.post(
        reverse("partnerships:document_create", args=[p.pk]),
        {
            "title": "Laporan",
            "doc_type": "report",
            "revision": "2.0",
            "confidentiality": "partners",
            "file": SimpleUploadedFile("laporan.pdf", b"%PDF-1.4 laporan", "application/pdf"),
        },
    )
    # then
    assert [r.status_code for r in (r1, r2, r3, r4)] == [302] * 4
    assert commitment.quantity == Decimal("100000000.00")
    assert commitment.member.organisation == world.company
    delivery = Delivery.objects.get(commitment=commitment)
    assert delivery.evidence == world.document
    assert Objective.objects.filter(text="Tarif wajar", sdg=9).exists()
    document = Document.objects.get(title="Laporan")
    download = client.get(reverse("partnerships:document_download", args=[p.pk, document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 laporan"
    assert "attachment" in download["Content-Disposition"]


def test_upload_refuses_a_bad_file_type_on_the_field(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    before = snapshot()
    response = client.post(
        reverse("partnerships:document_create", args=[world.partnership.pk]),
        {
            "title": "Skrip",
            "doc_type": "report",
            "revision": "1",
            "confidentiality": "partners",
            "file": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        },
    )
    assert response.status_code == 400
    assert "file" in response.context["form"].errors
    assert snapshot() == before


def test_upload_without_a_file(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    response = client.post(
        reverse("partnerships:document_create", args=[world.partnership.pk]),
        {"title": "Kosong", "doc_type": "report", "revision": "1", "confidentiality": "partners"},
    )
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_commitment_quantity_must_be_positive(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    response = client.post(
        reverse("partnerships:commitment_create", args=[world.partnership.pk, world.need.pk]),
        {"quantity": "-1", "confidentiality": "partners"},
    )
    assert response.status_code == 400
    assert "quantity" in response.context["form"].errors


def test_commitment_and_objective_edit_by_owner(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    p = world.partnership
    r1 = client.post(
        reverse("partnerships:commitment_edit", args=[p.pk, world.commitment.pk]),
        {
            "quantity": "250000000",
            "confidentiality": "partners",
            "version": world.commitment.version,
        },
    )
    r2 = client.post(
        reverse("partnerships:objective_edit", args=[p.pk, world.objective.pk]),
        {
            "text": "Imbal hasil wajar",
            "weight": "70",
            "confidentiality": "partners",
            "version": world.objective.version,
        },
    )
    assert (r1.status_code, r2.status_code) == (302, 302)
    world.commitment.refresh_from_db()
    world.objective.refresh_from_db()
    assert world.commitment.quantity == Decimal("250000000.00")
    assert world.objective.text == "Imbal hasil wajar"


def test_organisation_register_and_edit(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "member")
    # when: a bad kind for the sector is a field error
    bad = client.post(
        reverse("organisations:create"),
        {"name": "Koperasi Maju", "sector": "media", "kind": "cooperative"},
    )
    assert bad.status_code == 400
    assert "kind" in bad.context["form"].errors
    # when
    ok = client.post(
        reverse("organisations:create"),
        {
            "name": "Koperasi Maju",
            "sector": "social",
            "kind": "cooperative",
            "province": "ID-JT",
            "expertise": "pertanian, air bersih",
            "resource_types": ["land", "network"],
        },
    )
    # then: the registering user administers it and may edit it
    assert ok.status_code == 302
    from mitra.organisations.models import Organisation

    org = Organisation.objects.get(name="Koperasi Maju")
    assert org.expertise == ["pertanian", "air bersih"]
    edit = client.post(
        reverse("organisations:edit", args=[org.pk]),
        {
            "name": "Koperasi Maju Bersama",
            "sector": "social",
            "kind": "cooperative",
            "version": org.version,
        },
    )
    assert edit.status_code == 302
    org.refresh_from_db()
    assert org.name == "Koperasi Maju Bersama"


def test_sign_in_and_sign_out(client: Any, world: Any) -> None:
    from tests.conftest import PASSWORD

    bad = client.post(reverse("accounts:login"), {"username": "member", "password": "nope"})
    assert bad.status_code == 200
    assert bad.context["form"].non_field_errors()
    ok = client.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get(reverse("partnerships:dashboard")).context["user"].is_authenticated
    assert client.get(reverse("accounts:logout")).status_code == 405  # GET never signs out
    out = client.post(reverse("accounts:logout"))
    assert out.status_code == 302
    assert not client.get(reverse("partnerships:dashboard")).context["user"].is_authenticated


@pytest.mark.parametrize("actor", ["member", "lead_admin"])
def test_buttons_only_for_allowed_users(client: Any, world: Any, actor: str) -> None:
    sign_in(client, world, actor)
    p = world.partnership
    overview = client.get(reverse("partnerships:detail", args=[p.pk])).content.decode()
    needs = client.get(reverse("partnerships:tab", args=[p.pk, "needs"])).content.decode()
    edit_url = reverse("partnerships:edit", args=[p.pk])
    delivery_url = reverse("partnerships:delivery_create", args=[p.pk, world.commitment.pk])
    if actor == "lead_admin":
        assert edit_url in overview
        assert delivery_url not in needs
        assert reverse("partnerships:need_create", args=[p.pk]) in needs
    else:
        assert edit_url not in overview
        assert delivery_url in needs
        assert reverse("partnerships:need_create", args=[p.pk]) not in needs


def test_refusing_to_delete_a_partner_does_not_reveal_its_owner_only_items(
    client: Any, world: Any
) -> None:
    # given a partner whose only records are confidential to it (the lead cannot see them)
    from decimal import Decimal

    from mitra.partnerships import services as partnership_services

    lead = world.users["lead_admin"]
    member = partnership_services.member_add(
        actor=lead,
        partnership=world.partnership,
        organisation=world.outsider_org,
        roles=["technical_partner"],
    )
    partnership_services.commitment_create(
        actor=world.users["outsider"],
        need=world.need,
        member=member,
        data={"quantity": Decimal("5.00"), "confidentiality": "owner"},
    )
    sign_in(client, world, "lead_admin")
    response = client.post(
        "/en" + reverse("partnerships:member_remove", args=[world.partnership.pk, member.pk])
    )
    # then the refusal says what to do, not what the partner holds
    assert response.status_code == 400
    text = " ".join(response.context["form"].non_field_errors())
    assert "commitment" not in text.lower() and "document" not in text.lower()
    assert "left" in text
