"""The permission matrix: every page and form × five actors, with an explicit expected status.

302 = sent to the sign-in page (anonymous); 404 = the partnership or item is invisible to the
actor (never a 403 that would reveal it exists); 403 = visible, but the actor may not do this.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import ACTORS

from .conftest import sign_in, snapshot

#              anonymous outsider member lead_admin staff
ALL_OK = (200, 200, 200, 200, 200)
PARTNERS = (404, 404, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200)
MANAGE = (302, 404, 403, 200, 403)
COMPANY_ITEM = (302, 404, 200, 403, 403)
SECRET_ITEM = (302, 404, 200, 404, 404)
PARTNER_WRITE = (302, 404, 200, 200, 403)

PAGES: dict[str, tuple[Any, tuple[int, ...]]] = {
    "dashboard": (lambda w: reverse("partnerships:dashboard"), ALL_OK),
    "list": (lambda w: reverse("partnerships:list"), ALL_OK),
    "list_filtered": (lambda w: reverse("partnerships:list") + "?form=ppp&q=tol", ALL_OK),
    "organisations": (lambda w: reverse("organisations:list"), ALL_OK),
    "organisation": (lambda w: reverse("organisations:detail", args=[w.company.pk]), ALL_OK),
    "organisation_create": (lambda w: reverse("organisations:create"), SIGNED_IN),
    "organisation_edit": (
        lambda w: reverse("organisations:edit", args=[w.pemda.pk]),
        (302, 403, 403, 200, 403),
    ),
    "overview": (lambda w: reverse("partnerships:detail", args=[w.partnership.pk]), PARTNERS),
    "partners": (
        lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "partners"]),
        PARTNERS,
    ),
    "needs": (lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "needs"]), PARTNERS),
    "objectives": (
        lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "objectives"]),
        PARTNERS,
    ),
    "documents": (
        lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "documents"]),
        PARTNERS,
    ),
    "history": (
        lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "history"]),
        PARTNERS,
    ),
    "public_overview": (lambda w: reverse("partnerships:detail", args=[w.public.pk]), ALL_OK),
    "public_needs": (lambda w: reverse("partnerships:tab", args=[w.public.pk, "needs"]), ALL_OK),
    "public_documents": (
        lambda w: reverse("partnerships:tab", args=[w.public.pk, "documents"]),
        ALL_OK,
    ),
    "public_history": (
        lambda w: reverse("partnerships:tab", args=[w.public.pk, "history"]),
        (302, 403, 403, 200, 200),
    ),
    "draft_overview": (
        lambda w: reverse("partnerships:detail", args=[w.draft.pk]),
        (404, 404, 404, 200, 200),
    ),
    "create": (lambda w: reverse("partnerships:create"), (302, 200, 403, 200, 403)),
    "edit": (lambda w: reverse("partnerships:edit", args=[w.partnership.pk]), MANAGE),
    "public_edit": (
        lambda w: reverse("partnerships:edit", args=[w.public.pk]),
        (302, 403, 403, 200, 403),
    ),
    "member_add": (lambda w: reverse("coordination:invite", args=[w.partnership.pk]), MANAGE),
    "member_edit": (
        lambda w: reverse(
            "partnerships:member_edit", args=[w.partnership.pk, _company_member(w).pk]
        ),
        MANAGE,
    ),
    "member_remove": (
        lambda w: reverse(
            "partnerships:member_remove", args=[w.partnership.pk, _company_member(w).pk]
        ),
        MANAGE,
    ),
    "need_create": (lambda w: reverse("partnerships:need_create", args=[w.partnership.pk]), MANAGE),
    "need_edit": (
        lambda w: reverse("partnerships:need_edit", args=[w.partnership.pk, w.need.pk]),
        MANAGE,
    ),
    "commitment_create": (
        lambda w: reverse("partnerships:commitment_create", args=[w.partnership.pk, w.need.pk]),
        PARTNER_WRITE,
    ),
    "commitment_edit": (
        lambda w: reverse("partnerships:commitment_edit", args=[w.partnership.pk, w.commitment.pk]),
        COMPANY_ITEM,
    ),
    "secret_commitment_edit": (
        lambda w: reverse(
            "partnerships:commitment_edit", args=[w.partnership.pk, w.secret_commitment.pk]
        ),
        SECRET_ITEM,
    ),
    "delivery_create": (
        lambda w: reverse("partnerships:delivery_create", args=[w.partnership.pk, w.commitment.pk]),
        COMPANY_ITEM,
    ),
    "objective_create": (
        lambda w: reverse("partnerships:objective_create", args=[w.partnership.pk]),
        PARTNER_WRITE,
    ),
    "objective_edit": (
        lambda w: reverse("partnerships:objective_edit", args=[w.partnership.pk, w.objective.pk]),
        COMPANY_ITEM,
    ),
    "secret_objective_edit": (
        lambda w: reverse(
            "partnerships:objective_edit", args=[w.partnership.pk, w.secret_objective.pk]
        ),
        SECRET_ITEM,
    ),
    "document_create": (
        lambda w: reverse("partnerships:document_create", args=[w.partnership.pk]),
        PARTNER_WRITE,
    ),
    "document_download": (
        lambda w: reverse("partnerships:document_download", args=[w.partnership.pk, w.document.pk]),
        PARTNERS,
    ),
    "secret_document_download": (
        lambda w: reverse(
            "partnerships:document_download", args=[w.partnership.pk, w.secret_document.pk]
        ),
        (404, 404, 200, 404, 404),
    ),
    "public_document_download": (
        lambda w: reverse(
            "partnerships:document_download", args=[w.public.pk, w.public_document.pk]
        ),
        ALL_OK,
    ),
    "document_wrong_partnership": (
        lambda w: reverse("partnerships:document_download", args=[w.public.pk, w.document.pk]),
        (404, 404, 404, 404, 404),
    ),
}


def _company_member(world: Any) -> Any:
    return world.partnership.members.get(organisation=world.company)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_status_for_each_actor(client: Any, world: Any, page: str, actor: str) -> None:
    # given
    url_for, expected = PAGES[page]
    sign_in(client, world, actor)
    # when
    response = client.get(url_for(world))
    # then
    assert response.status_code == expected[ACTORS.index(actor)]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "tab", ["overview", "partners", "needs", "objectives", "documents", "history"]
)
def test_htmx_tab_partials_follow_the_same_matrix(
    client: Any, world: Any, tab: str, actor: str
) -> None:
    # given
    url = (
        reverse("partnerships:detail", args=[world.partnership.pk])
        if tab == "overview"
        else reverse("partnerships:tab", args=[world.partnership.pk, tab])
    )
    sign_in(client, world, actor)
    # when
    response = client.get(url, headers={"HX-Request": "true"})
    # then
    assert response.status_code == PARTNERS[ACTORS.index(actor)]
    if response.status_code == 200:
        assert b"<html" not in response.content
        assert b'id="partnership-tabs"' in response.content


def _writes(world: Any) -> dict[str, tuple[str, dict[str, Any], tuple[int, ...]]]:
    p = world.partnership.pk
    company_member = _company_member(world)
    return {
        "edit": (
            reverse("partnerships:edit", args=[p]),
            {
                "title_ind": "Diubah",
                "form": "ppp",
                "development_sector": "toll_road",
                "currency": "IDR",
                "visibility": "partners",
                "stage": "planning",
                "version": world.partnership.version,
            },
            MANAGE,
        ),
        "member_add": (
            reverse("coordination:invite", args=[p]),
            {"organisation": world.outsider_org.pk, "roles": ["research_partner"]},
            MANAGE,
        ),
        "member_edit": (
            reverse("partnerships:member_edit", args=[p, company_member.pk]),
            {"roles": ["financier"], "version": company_member.version},
            MANAGE,
        ),
        "member_remove": (
            reverse(
                "partnerships:member_remove",
                args=[p, world.partnership.members.get(organisation=world.ngo).pk],
            ),
            {},
            MANAGE,
        ),
        "need_create": (
            reverse("partnerships:need_create", args=[p]),
            {"title_ind": "Land", "resource_type": "land", "quantity": "10", "unit": "ha"},
            MANAGE,
        ),
        "need_edit": (
            reverse("partnerships:need_edit", args=[p, world.need.pk]),
            {
                "title_ind": "Equity 2",
                "resource_type": "cash",
                "quantity": "600000000",
                "currency": "IDR",
                "version": world.need.version,
            },
            MANAGE,
        ),
        "commitment_edit": (
            reverse("partnerships:commitment_edit", args=[p, world.commitment.pk]),
            {"quantity": "1", "confidentiality": "partners", "version": world.commitment.version},
            COMPANY_ITEM,
        ),
        "delivery_create": (
            reverse("partnerships:delivery_create", args=[p, world.commitment.pk]),
            {"delivered_on": "2026-02-01", "quantity": "1"},
            COMPANY_ITEM,
        ),
        "objective_edit": (
            reverse("partnerships:objective_edit", args=[p, world.objective.pk]),
            {
                "text": "Changed",
                "weight": "10",
                "confidentiality": "partners",
                "version": world.objective.version,
            },
            COMPANY_ITEM,
        ),
        "organisation_edit": (
            reverse("organisations:edit", args=[world.pemda.pk]),
            {
                "name": "Changed",
                "sector": "public",
                "kind": "regional_government",
                "version": world.pemda.version,
            },
            (302, 403, 403, 200, 403),
        ),
    }


WRITES = [
    "edit",
    "member_add",
    "member_edit",
    "member_remove",
    "need_create",
    "need_edit",
    "commitment_edit",
    "delivery_create",
    "objective_edit",
    "organisation_edit",
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", WRITES)
def test_denied_writes_change_nothing(client: Any, world: Any, write: str, actor: str) -> None:
    # given
    url, data, expected = _writes(world)[write]
    allowed = expected[ACTORS.index(actor)] == 200
    sign_in(client, world, actor)
    before = snapshot()
    # when
    response = client.post(url, data)
    # then
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert snapshot() != before
    else:
        assert response.status_code == expected[ACTORS.index(actor)]
        assert snapshot() == before


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "staff"])
def test_denied_pledges_objectives_and_uploads_change_nothing(
    client: Any, world: Any, actor: str
) -> None:
    # given
    p = world.partnership.pk
    sign_in(client, world, actor)
    before = snapshot()
    # when
    responses = [
        client.post(
            reverse("partnerships:commitment_create", args=[p, world.need.pk]),
            {"quantity": "5", "confidentiality": "partners"},
        ),
        client.post(
            reverse("partnerships:objective_create", args=[p]),
            {"text": "x", "weight": "5", "confidentiality": "partners"},
        ),
        client.post(
            reverse("partnerships:document_create", args=[p]),
            {
                "title": "x",
                "doc_type": "report",
                "revision": "1",
                "confidentiality": "partners",
                "file": SimpleUploadedFile("x.pdf", b"%PDF", "application/pdf"),
            },
        ),
        client.post(
            reverse("partnerships:create"),
            {
                "lead_organisation": world.pemda.pk,
                "title_ind": "X",
                "form": "ppp",
                "development_sector": "water",
                "currency": "IDR",
                "visibility": "draft",
            },
        ),
    ]
    # then
    assert [r.status_code for r in responses][:3] == [PARTNER_WRITE[ACTORS.index(actor)]] * 3
    assert responses[3].status_code in (302, 403, 400)
    assert snapshot() == before


def test_outsider_cannot_create_a_partnership_led_by_another_organisation(
    client: Any, world: Any
) -> None:
    # given: the outsider administers its university, not the Pemda
    sign_in(client, world, "outsider")
    before = snapshot()
    # when
    response = client.post(
        reverse("partnerships:create"),
        {
            "lead_organisation": world.pemda.pk,
            "title_ind": "X",
            "form": "ppp",
            "development_sector": "water",
            "currency": "IDR",
            "visibility": "draft",
        },
    )
    # then: the choice is not offered, so the form refuses it on the field
    assert response.status_code == 400
    assert "lead_organisation" in response.context["form"].errors
    assert snapshot() == before


def test_delivery_date_is_required(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    response = client.post(
        reverse("partnerships:delivery_create", args=[world.partnership.pk, world.commitment.pk]),
        {"quantity": "1"},
    )
    assert response.status_code == 400
    assert "delivered_on" in response.context["form"].errors
