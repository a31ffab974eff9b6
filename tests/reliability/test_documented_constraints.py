"""What the OpenAPI document promises is what the API refuses (and accepts): the mismatches the
schemathesis run found, one deterministic test each (each failed before its fix)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.partnerships.schemas import NON_NEGATIVE_AMOUNT_PATTERN, POSITIVE_AMOUNT_PATTERN
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> Any:
    from mitra.config.api import api

    return api.get_openapi_schema(path_prefix="")


def component(document: Any, name: str) -> Any:
    return document["components"]["schemas"][name]


def string_branch(prop: Any) -> Any:
    branches = prop.get("anyOf", [prop])
    for branch in branches:
        for inner in branch.get("anyOf", [branch]):
            if inner.get("type") == "string":
                return inner
    raise AssertionError(prop)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("12.50", True),
        ("0.01", True),
        ("90000000000000000", True),
        ("1e2", False),
        (" 1", False),
        ("+1", False),
        ("1_000", False),
        ("0", False),
        ("1.001", False),
        ("", False),
        ("90000000000000000.01", False),
    ],
)
def test_an_amount_string_is_accepted_exactly_when_it_matches_the_documented_pattern(
    world: World, document: Any, text: str, ok: bool
) -> None:
    pattern = string_branch(component(document, "NeedCreateIn")["properties"]["quantity"])
    assert pattern["pattern"] == POSITIVE_AMOUNT_PATTERN
    assert bool(re.fullmatch(POSITIVE_AMOUNT_PATTERN, text)) is ok
    client = client_for(world, "lead_admin")
    body = {"title": "Dana", "resource_type": "cash", "quantity": text, "currency": "IDR"}
    response = client.post_json(f"{API}/partnerships/{world.partnership.pk}/needs", body)
    assert response.status_code == (201 if ok else 422), response.content
    assert re.fullmatch(NON_NEGATIVE_AMOUNT_PATTERN, "0")


def test_numbers_document_two_places(document: Any) -> None:
    quantity = component(document, "NeedCreateIn")["properties"]["quantity"]
    number = next(b for b in quantity["anyOf"] if b.get("type") == "number")
    assert number == {"type": "number", "exclusiveMinimum": 0, "maximum": 9e16, "multipleOf": 0.01}


def test_government_support_documents_each_once(world: World, document: Any) -> None:
    prop = component(document, "PartnershipUpdateIn")["properties"]["government_support"]
    assert prop["uniqueItems"] is True


def test_free_text_documents_that_nul_is_refused_and_unknown_keys_are_ignored(
    world: World, document: Any
) -> None:
    title = component(document, "NeedCreateIn")["properties"]["title"]
    assert title["pattern"] == "^[^\\u0000]*$"
    client = client_for(world, "lead_admin")
    url = f"{API}/partnerships/{world.partnership.pk}/needs"
    body = {"title": "Dana", "resource_type": "cash", "quantity": "5", "currency": "IDR"}
    assert client.post_json(url, {**body, "title": "Da\x00na"}).status_code == 422
    # a key the schema does not read is ignored, whatever it holds
    assert client.post_json(url, {**body, "note\x00": {"x": "\x00"}}).status_code == 201


def test_a_boolean_is_a_json_boolean(world: World) -> None:
    client = client_for(world, "member")
    url = f"{API}/needs/{world.need.pk}/commitments"
    refused = client.post_json(url, {"quantity": "1", "confirm_over_pledge": "yes"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"][-1] == "confirm_over_pledge"
    assert client.post_json(url, {"quantity": "1", "confirm_over_pledge": True}).status_code == 201


@pytest.mark.parametrize("moment", ["0", "0.5", "1700000000"])
def test_updated_since_is_a_moment_not_a_unix_time(world: World, moment: str) -> None:
    response = ApiClient().get(f"{API}/ocds/release-package", {"updated_since": moment})
    assert response.status_code == 422


def test_updated_since_accepts_rfc_3339(world: World) -> None:
    response = ApiClient().get(
        f"{API}/ocds/release-package", {"updated_since": "2026-01-01T00:00:00+07:00"}
    )
    assert response.status_code == 200


def _upload(client: ApiClient, world: World, **fields: Any) -> Any:
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    data = {"title": "Studi", "doc_type": "preliminary_study", "file": png, **fields}
    return client.post(f"{API}/partnerships/{world.partnership.pk}/documents", data)


def test_a_form_field_sent_twice_is_refused(world: World) -> None:
    client = client_for(world, "lead_admin")
    response = _upload(client, world, title=["One", "Two"])
    assert response.status_code == 422
    assert any(e["loc"][-1] == "title" for e in response.json()["detail"])


def test_an_empty_revision_or_a_null_owner_take_their_defaults(world: World) -> None:
    client = client_for(world, "lead_admin")
    response = _upload(client, world, revision="", organisation_id="null")
    assert response.status_code == 201, response.content
    assert response.json()["revision"] == "1.0"


def test_an_uploaded_file_documents_one_byte_at_least(document: Any) -> None:
    body = document["paths"]["/v1/partnerships/{partnership_id}/documents"]["post"]
    schema = body["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"]["minLength"] == 1
