"""The OpenAPI document and the docs page."""

from __future__ import annotations

from typing import Any

import pytest
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


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document names its components after the schema classes: two classes with one
    # name (e.g. an ObjectiveOut in two apps) silently document one app's operations with the
    # other's schema, and clients and schemathesis then check the wrong fields.
    import importlib
    import inspect
    import pkgutil
    from collections import defaultdict

    import ninja

    import mitra

    owners: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.walk_packages(mitra.__path__, "mitra."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not (leaf in {"api", "schemas"} or leaf.endswith("_api")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, ninja.Schema)
                and value.__module__ == info.name
            ):
                owners[name].add(info.name)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}


def test_no_body_field_reads_a_number_as_true_or_false():
    # pydantic's lax bool reads 0/1 and "yes"/"off" as booleans while the document says
    # "boolean": schemathesis then sees a schema-violating body accepted (ST201). A JSON body's
    # booleans are strict; query parameters (always strings) are not input schemas' bodies.
    import importlib
    import pkgutil

    from pydantic import StrictBool

    import mitra
    from mitra.accounts.schemas import InSchema
    from mitra.partnerships.schemas import PartnershipFilters

    for info in pkgutil.walk_packages(mitra.__path__, "mitra."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf in {"api", "schemas"} or leaf.endswith("_api"):
            importlib.import_module(info.name)

    def subclasses(cls: type) -> set[type]:
        return {c for s in cls.__subclasses__() for c in (s, *subclasses(s))}

    loose = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in subclasses(InSchema)
        if cls is not PartnershipFilters
        for name, field in cls.model_fields.items()
        if field.annotation in (bool, bool | None)
        and not any(getattr(m, "strict", False) for m in field.metadata)
    ]
    assert loose == []
    assert StrictBool  # the type to use


def test_a_boolean_is_not_read_as_a_number(db: Any) -> None:
    # pydantic reads true as 1 and false as 0; a number field refuses them (schemathesis ST201:
    # `"version": false` was taken for version 0 of a new approval policy).
    from django.utils import translation
    from pydantic import ValidationError

    from mitra.coordination.schemas import ApprovalPolicyIn
    from mitra.disputes.schemas import DisputeEscalateIn

    with translation.override("en"):
        for make in (
            lambda: ApprovalPolicyIn(required_approvals=1, version=False),
            lambda: ApprovalPolicyIn(required_approvals=True, version=0),
            lambda: ApprovalPolicyIn(required_approvals=1, approver_ids=[True], version=0),
            lambda: DisputeEscalateIn(version=True),
        ):
            with pytest.raises(ValidationError, match="A number is expected"):
                make()
    assert ApprovalPolicyIn(required_approvals=2, approver_ids=[3, 4], version=0).version == 0
