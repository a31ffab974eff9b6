"""The OpenAPI document and the docs page."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_openapi_document_is_complete(db: Any) -> None:
    # when the document is fetched anonymously
    response = Client().get("/api/openapi.json")

    # then every schema field and parameter is described, every operation is tagged, and the
    # allowed values of choices are listed
    assert response.status_code == 200
    schema = response.json()
    undescribed = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("tags"), (method, path)
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (method, path, parameter["name"])
    need_in = schema["components"]["schemas"]["NeedCreateIn"]["properties"]
    assert need_in["resource_type"]["enum"][:2] == ["cash", "land"]
    assert need_in["title"]["maxLength"] == 200
    assert set(schema["components"]["securitySchemes"]) == {"BearerAuth", "SessionAuth"}


def test_docs_page_is_served(db: Any) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_public_reads_declare_that_anonymous_access_is_allowed():
    from mitra.config.api import api

    schema = api.get_openapi_schema()
    listing = schema["paths"]["/api/v1/partnerships"]["get"]
    assert {} in listing["security"] and {"BearerAuth": []} in listing["security"]
    history = schema["paths"]["/api/v1/partnerships/{partnership_id}/history"]["get"]
    assert {} not in history["security"]  # partners only: credentials required
    create = schema["paths"]["/api/v1/partnerships"]["post"]
    assert {} not in create["security"]
