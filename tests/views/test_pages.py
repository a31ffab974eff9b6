"""What pages show: confidentiality, language and money format, fixed query counts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core.choices import Confidentiality
from mitra.partnerships import services
from mitra.partnerships.models import Role, Visibility

from .conftest import sign_in

SECRETS = ("Confidential financial model", "Walk away below 11% equity IRR")


def _all_tabs(client: Any, partnership: Any) -> str:
    urls = [reverse("partnerships:detail", args=[partnership.pk])] + [
        reverse("partnerships:tab", args=[partnership.pk, tab])
        for tab in ("partners", "needs", "objectives", "documents", "history")
    ]
    return "".join(client.get(url).content.decode() for url in urls)


@pytest.mark.parametrize("actor", ["lead_admin", "staff"])
def test_confidential_items_never_appear_to_other_organisations(
    client: Any, world: Any, actor: str
) -> None:
    # given
    sign_in(client, world, actor)
    # when
    body = _all_tabs(client, world.partnership)
    body += client.get(reverse("partnerships:dashboard")).content.decode()
    # then: the secret document, objective and the 77,000,000 commitment are absent
    for secret in SECRETS:
        assert secret not in body
    assert "77.000.000" not in body and "77,000,000" not in body
    assert (
        reverse(
            "partnerships:document_download", args=[world.partnership.pk, world.secret_document.pk]
        )
        not in body
    )
    assert 'data-testid="visibility-note"' in body


def test_owner_sees_its_confidential_items(client: Any, world: Any) -> None:
    sign_in(client, world, "member")
    body = _all_tabs(client, world.partnership)
    for secret in SECRETS:
        assert secret in body
    assert "Rp 77.000.000,00" in body


def test_anonymous_sees_only_public_items_of_a_public_partnership(client: Any, world: Any) -> None:
    # given: a partners-only document and objective on the public partnership
    lead = world.users["lead_admin"]
    lead_member = world.public.members.get(organisation=world.pemda)
    services.document_create(
        actor=lead,
        member=lead_member,
        data={"title": "Internal memo", "doc_type": "minutes"},
        file=SimpleUploadedFile("memo.pdf", b"%PDF", "application/pdf"),
    )
    services.objective_create(
        actor=lead, member=lead_member, data={"text": "Internal target", "weight": 10}
    )
    services.objective_create(
        actor=lead,
        member=lead_member,
        data={"text": "Public target", "weight": 10, "confidentiality": Confidentiality.PUBLIC},
    )
    # when
    body = _all_tabs(client, world.public)
    # then
    assert "Public MoU" in body
    assert "Public target" in body
    assert "Internal memo" not in body
    assert "Internal target" not in body
    assert "Jalan Tol Contoh" not in client.get(reverse("partnerships:list")).content.decode()


def test_english_switch_changes_language_and_money_format(client: Any, world: Any) -> None:
    # given
    sign_in(client, world, "member")
    url = reverse("partnerships:tab", args=[world.partnership.pk, "needs"])
    # when: Indonesian by default
    body_id = client.get(url).content.decode()
    # then
    assert '<html lang="id">' in body_id
    assert "Rp 500.000.000,00" in body_id
    assert "Jalan Tol Contoh" in body_id
    # when: the language switch posts to set_language and comes back to the same page
    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302
    assert switched["Location"] == "/en" + url
    body_en = client.get(switched["Location"]).content.decode()
    # then
    assert '<html lang="en">' in body_en
    assert "IDR 500,000,000.00" in body_en
    assert "Example Toll Road" in body_en
    assert "Needs and commitments" in body_en


def test_title_falls_back_to_the_other_language(client: Any, world: Any) -> None:
    lead = world.users["lead_admin"]
    only_id = services.partnership_create(
        actor=lead,
        lead_organisation=world.pemda,
        data={
            "title_ind": "Hanya Bahasa",
            "form": "csr",
            "development_sector": "social_protection",
            "visibility": Visibility.PUBLIC,
        },
    )
    body = client.get("/en" + reverse("partnerships:detail", args=[only_id.pk])).content.decode()
    assert "Hanya Bahasa" in body


def test_indonesian_ui_is_translated(client: Any, world: Any) -> None:
    body = client.get(reverse("partnerships:dashboard")).content.decode()
    assert "Masuk" in body  # "Sign in"
    assert "Kemitraan" in body


def test_list_filters_and_search(client: Any, world: Any) -> None:
    sign_in(client, world, "lead_admin")
    url = reverse("partnerships:list")
    assert "Jalan Tol Contoh" in client.get(url + "?form=ppp").content.decode()
    assert "Jalan Tol Contoh" not in client.get(url + "?form=psp").content.decode()
    assert "Sekolah Bersama" in client.get(url + "?q=Schools").content.decode()
    assert "Sekolah Bersama" not in client.get(url + "?q=Tol").content.decode()
    mine = client.get(url + "?my_role=contracting_agency").content.decode()
    assert "Jalan Tol Contoh" in mine and "Sekolah Bersama" not in mine
    partial = client.get(url + "?stage=planning", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    assert partial["Vary"].count("HX-Request") == 1


def test_history_shows_who_what_and_old_new(client: Any, world: Any) -> None:
    services.partnership_update(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data={"regency": "Kota Bekasi"},
        expected_version=world.partnership.version,
    )
    sign_in(client, world, "member")
    body = client.get(
        reverse("partnerships:tab", args=[world.partnership.pk, "history"])
    ).content.decode()
    assert "lead_admin" in body
    assert "Kota Bekasi" in body


def test_history_values_read_as_on_the_rest_of_the_page(client: Any, world: Any) -> None:
    """Dates day first, amounts grouped in the reader's language, people by name, JSON as JSON;
    never a raw timestamp or a user's id."""
    p = world.partnership
    services.partnership_update(
        actor=world.users["lead_admin"],
        partnership=p,
        data={
            "start_date": datetime.date(2026, 12, 7),
            "estimated_value": Decimal("1250000000.5"),
            "sdgs": [4, 17],
        },
        expected_version=p.version,
    )
    p.refresh_from_db()
    p.created_by = world.users["member"]
    p.save()
    sign_in(client, world, "member")
    url = reverse("partnerships:tab", args=[p.pk, "history"])
    english = client.get("/en" + url.removeprefix("/en")).content.decode()
    indonesian = client.get(url.removeprefix("/en")).content.decode()
    assert "<ins>07/12/2026</ins>" in english and "<ins>07-12-2026</ins>" in indonesian
    assert "<ins>1,250,000,000.50</ins>" in english and "<ins>1.250.000.000,50</ins>" in indonesian
    assert "<ins>[4, 17]</ins>" in english
    assert f"<ins>{world.users['member'].get_username()}</ins>" in english
    assert not re.search(r"<ins>#\d+</ins>", english)


def test_history_is_paged_newest_first_and_the_download_holds_it_all(
    client: Any, world: Any
) -> None:
    p = world.partnership
    for i in range(60):
        p.refresh_from_db()
        services.partnership_update(
            actor=world.users["lead_admin"],
            partnership=p,
            data={"regency": f"Kabupaten {i:02d}"},
            expected_version=p.version,
        )
    sign_in(client, world, "member")
    url = "/en" + reverse("partnerships:tab", args=[p.pk, "history"]).removeprefix("/en")
    first = client.get(url).content.decode()
    total = int(re.search(r"Changes 1–50 of (\d+), newest first", first).group(1))
    assert total > 60
    assert "Kabupaten 59" in first and "<ins>Kabupaten 00</ins>" not in first
    assert 'aria-current="page">1<' in first
    last_page = (total + 49) // 50
    last = client.get(f"{url}?page={last_page}").content.decode()
    assert f"Changes {50 * (last_page - 1) + 1}–{total} of {total}" in last
    answer = client.get(f"{url}?export=csv")
    download = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "Kabupaten 00" in download and "Kabupaten 59" in download


# --- fixed query counts ------------------------------------------------------------------------


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world: Any, n: int) -> None:
    """Add n partnerships, partners, needs, commitments, deliveries, objectives, documents."""
    lead, member = world.users["lead_admin"], world.users["member"]
    company_member = world.partnership.members.get(organisation=world.company)
    for i in range(n):
        p = services.partnership_create(
            actor=lead,
            lead_organisation=world.pemda,
            data={
                "title_ind": f"Tambahan {i}",
                "form": "ppp",
                "development_sector": "water",
                "visibility": Visibility.PUBLIC,
            },
        )
        services.member_add(
            actor=lead, partnership=p, organisation=world.company, roles=[Role.OPERATOR]
        )
        need = services.need_create(
            actor=lead,
            partnership=world.partnership,
            data={
                "title": f"Need {i}",
                "resource_type": "expertise",
                "quantity": Decimal("10"),
                "unit": "person-days",
            },
        )
        c = services.commitment_create(
            actor=member, need=need, member=company_member, data={"quantity": Decimal("4")}
        )
        services.delivery_create(
            actor=member,
            commitment=c,
            data={"delivered_on": "2026-01-01", "quantity": Decimal("1")},
        )
        services.objective_create(
            actor=member, member=company_member, data={"text": f"Objective {i}", "weight": 5}
        )
        services.document_create(
            actor=member,
            member=company_member,
            data={"title": f"Doc {i}", "doc_type": "report"},
            file=SimpleUploadedFile(f"d{i}.pdf", b"%PDF", "application/pdf"),
        )


PAGES = {
    "dashboard": lambda w: reverse("partnerships:dashboard"),
    "list": lambda w: reverse("partnerships:list"),
    "organisations": lambda w: reverse("organisations:list"),
    "organisation": lambda w: reverse("organisations:detail", args=[w.company.pk]),
    "overview": lambda w: reverse("partnerships:detail", args=[w.partnership.pk]),
    "partners": lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "partners"]),
    "needs": lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "needs"]),
    "objectives": lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "objectives"]),
    "documents": lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "documents"]),
    "history": lambda w: reverse("partnerships:tab", args=[w.partnership.pk, "history"]),
    "delivery_form": lambda w: reverse(
        "partnerships:delivery_create", args=[w.partnership.pk, w.commitment.pk]
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_fixed_number_of_queries(
    client: Any, world: Any, page: str, django_assert_num_queries: Any
) -> None:
    # given: the page with few rows
    sign_in(client, world, "member")
    url = PAGES[page](world)
    few = _count(client, url)
    # when: many more rows of every kind
    _grow(world, 6)
    # then: the same number of queries
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
