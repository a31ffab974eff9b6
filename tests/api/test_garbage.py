"""Hand-written garbage per resource: every answer is a 4xx with a JSON body, nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import API, World, client_for
from tests.api.test_permissions import snapshot

MB = "x" * (1024 * 1024)

# (actor, method, path template, body) — paths use {p} partnership, {n} need, {c} commitment,
# {d} delivery, {o} objective, {doc} document, {m} member, {org} organisation.
GOOD: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "partnership create": (
        "lead_admin",
        "POST",
        "/partnerships",
        {"title_ind": "T", "form": "ppp", "development_sector": "water"},
    ),
    "partnership update": ("lead_admin", "PATCH", "/partnerships/{p}", {"version": 1}),
    "invitation create": (
        "lead_admin",
        "POST",
        "/invitations",
        {"partnership_id": 1, "organisation_id": 1, "roles": ["operator"]},
    ),
    "member update": ("lead_admin", "PATCH", "/members/{m}", {"version": 1}),
    "need create": (
        "lead_admin",
        "POST",
        "/partnerships/{p}/needs",
        {"title": "T", "resource_type": "cash", "quantity": "1", "currency": "IDR"},
    ),
    "need update": ("lead_admin", "PATCH", "/needs/{n}", {"version": 1}),
    "commitment create": ("member", "POST", "/needs/{n}/commitments", {"quantity": "1"}),
    "commitment update": ("member", "PATCH", "/commitments/{c}", {"version": 1}),
    "delivery create": (
        "member",
        "POST",
        "/commitments/{c}/deliveries",
        {"delivered_on": "2026-01-01", "quantity": "1"},
    ),
    "delivery update": ("member", "PATCH", "/deliveries/{d}", {"version": 1}),
    "objective create": ("member", "POST", "/partnerships/{p}/objectives", {"text": "T"}),
    "objective update": ("member", "PATCH", "/objectives/{o}", {"version": 1}),
    "document update": ("member", "PATCH", "/documents/{doc}", {"version": 1}),
    "organisation create": (
        "member",
        "POST",
        "/organisations",
        {"name": "N", "sector": "social", "kind": "ngo"},
    ),
    "organisation update": ("lead_admin", "PATCH", "/organisations/{org}", {"version": 1}),
    "token": ("anonymous", "POST", "/auth/token", {"username": "u", "password": "p"}),
}

# Field-level garbage per resource: (field, value).
GARBAGE: dict[str, list[tuple[str, Any]]] = {
    "partnership create": [
        ("title_ind", MB),
        ("form", "kpbu"),
        ("development_sector", 7),
        ("estimated_value", "-1"),
        ("estimated_value", "NaN"),
        ("sdgs", [18]),
        ("sdgs", "1,2"),
        ("province", "Jawa Barat"),
        ("country", "XX"),
        ("visibility", None),
        ("title_ind", ""),
        ("title_ind", "nul\x00byte"),
        ("lead_organisation_id", -1),
        ("start_date", "2026-02-30"),
    ],
    "partnership update": [
        ("version", "one"),
        ("version", 0),
        ("stage", "done"),
        ("title_en", MB),
        ("title_ind", None),
        ("summary_en", None),
        ("estimated_value", "1e400"),
        ("estimated_value", 0.001),
    ],
    "invitation create": [
        ("roles", []),
        ("roles", ["boss"]),
        ("roles", "lead"),
        ("organisation_id", "x"),
        ("organisation_id", 2**64),
    ],
    "member update": [("roles", ["lead", "boss"]), ("left_on", "yesterday")],
    "need create": [
        ("quantity", "0"),
        ("quantity", "-5"),
        ("quantity", "Infinity"),
        ("quantity", "1.234"),
        ("resource_type", "money"),
        ("currency", "IDRX"),
        ("title", MB),
        ("unit", "u" * 31),
        ("quantity", None),
    ],
    "need update": [("quantity", 0), ("description", MB), ("due_date", 20260101)],
    "commitment create": [
        ("quantity", -1),
        ("quantity", "9e16000"),
        ("confidentiality", "secret"),
        ("notes", MB),
        ("organisation_id", 0),
    ],
    "commitment update": [("quantity", "0.00"), ("confidentiality", 3)],
    "delivery create": [
        ("quantity", "-0.01"),
        ("delivered_on", "not a date"),
        ("evidence_id", "doc"),
        ("delivered_on", None),
    ],
    "delivery update": [("quantity", "NaN"), ("evidence_id", 0)],
    "objective create": [
        ("text", "t" * 501),
        ("weight", 0),
        ("weight", 101),
        ("sdg", 0),
        ("sdg", "4"),
        ("confidentiality", "public-ish"),
    ],
    "objective update": [("weight", 1.5), ("text", "")],
    "document update": [("doc_type", "novel"), ("revision", "r" * 21), ("title", MB)],
    "organisation create": [
        ("sector", "government"),
        ("kind", "ministry"),
        ("name", MB),
        ("expertise", ["x" * 61]),
        ("expertise", ["t"] * 31),
        ("resource_types", ["gold"]),
        ("website", "w" * 201),
    ],
    "organisation update": [("short_name", "s" * 41), ("province", "ID-XX")],
    "token": [("username", MB), ("password", None), ("username", 5)],
}

CASES = [
    pytest.param(name, field, value, id=f"{name}-{field}-{i}")
    for name, items in GARBAGE.items()
    for i, (field, value) in enumerate(items)
]


def _path(world: World, template: str) -> str:
    return API + template.format(
        p=world.partnership.pk,
        n=world.need.pk,
        c=world.commitment.pk,
        d=world.delivery.pk,
        o=world.objective.pk,
        doc=world.document.pk,
        m=world.commitment.member_id,
        org=world.pemda.pk,
    )


def _send(world: World, actor: str, method: str, path: str, body: Any, **kwargs: Any) -> Any:
    client = client_for(world, actor)
    send = client.post if method == "POST" else client.patch
    return send(path, body, content_type=kwargs.pop("content_type", "application/json"), **kwargs)


@pytest.mark.parametrize(("name", "field", "value"), CASES)
def test_field_garbage_is_a_4xx_json_field_error(
    world: World, name: str, field: str, value: Any
) -> None:
    # given a valid request with one field replaced by garbage
    actor, method, template, body = GOOD[name]
    before = snapshot()

    # when it is sent
    import json

    response = _send(
        world, actor, method, _path(world, template), json.dumps({**body, field: value})
    )

    # then it is a 4xx JSON answer naming the field (422) or the rule (400), and nothing changed
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    if response.status_code == 422:
        assert any(
            field in map(str, item["loc"]) or item["loc"][-1] == "payload" for item in detail
        ), detail
    assert snapshot() == before


MALFORMED = ["{not json", "", "[]", "null", '"text"', "1", "\xff\xfe", '{"version": 1,}']


@pytest.mark.parametrize("name", list(GOOD))
def test_malformed_bodies_are_4xx(world: World, name: str) -> None:
    actor, method, template, _ = GOOD[name]
    before = snapshot()
    for body in MALFORMED:
        response = _send(world, actor, method, _path(world, template), body.encode("latin-1"))
        assert 400 <= response.status_code < 500, (body, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
    assert snapshot() == before


@pytest.mark.parametrize("name", list(GOOD))
def test_missing_fields_and_wrong_content_type_are_4xx(world: World, name: str) -> None:
    actor, method, template, _ = GOOD[name]
    path = _path(world, template)
    empty = _send(world, actor, method, path, "{}")
    form = _send(
        world, actor, method, path, "a=1&b=2", content_type="application/x-www-form-urlencoded"
    )
    broken_multipart = _send(
        world,
        actor,
        method,
        path,
        b"--zz\r\nbroken",
        content_type="multipart/form-data; boundary=zz",
    )
    for response in (empty, form, broken_multipart):
        assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships/abc",
        "/partnerships/-1",
        "/partnerships/0",
        f"/partnerships/{10**30}",
        "/needs/1.5",
        "/commitments/%00",
        "/documents/999999999/download",
        "/members/nan",
        "/organisations/1e3",
    ],
)
def test_bad_ids_are_4xx_json(world: World, path: str) -> None:
    response = client_for(world, "staff").get(API + path)
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


def test_document_upload_garbage(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world, "member")
    url = f"{API}/partnerships/{world.partnership.pk}/documents"
    before = snapshot()

    def upload(**fields: Any) -> Any:
        data = {
            "title": "T",
            "doc_type": "report",
            "file": SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf"),
            **fields,
        }
        return client.post(url, {k: v for k, v in data.items() if v is not None})

    responses = [
        upload(doc_type="novel"),
        upload(title=MB[:300]),
        upload(confidentiality="x"),
        upload(file=None),
        upload(title=None),
        upload(organisation_id="me"),
        upload(file="not a file"),
    ]
    assert [r.status_code for r in responses] == [422] * 7
    assert all(r["Content-Type"].startswith("application/json") for r in responses)
    assert snapshot() == before


@pytest.mark.parametrize("value", [0, 1735689600, 3.5])
def test_a_number_is_not_a_date(world, value):
    from tests.api.conftest import API, client_for

    client = client_for(world, "lead_admin")
    body = {"version": world.partnership.version, "start_date": value}
    response = client.patch_json(f"{API}/partnerships/{world.partnership.pk}", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "start_date"
    world.partnership.refresh_from_db()
    assert world.partnership.start_date is None
