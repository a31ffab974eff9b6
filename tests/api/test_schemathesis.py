"""Property-based input against the OpenAPI document (schemathesis 4): every check, stateless and
stateful, on the database the suite runs on (SQLite, or PostgreSQL through DATABASE_URL).

Every documented operation is called with generated input (valid and invalid), authenticated as
the lead admin with a fresh Bearer token per call (so revoking the token in one case does not
disturb the next), and its answer passes *all* of schemathesis' checks: no server error, status
codes, content types, headers and bodies as documented, an unsupported method refused, a missing
token refused, schema-violating input refused (negative_data_rejection) and schema-valid input
accepted (positive_data_acceptance, see below). Then a stateful run follows the links schemathesis
infers from the document (create a partnership → read, edit, delete it; create a need → commit to
it → deliver; create a risk → simulate ...) with the same checks, plus its own (a created resource
is there, a deleted one is gone).

Schema-valid input may still be refused by a rule of the domain that no schema can state (a
partnership needs an active lead, a name already taken, a need with commitments cannot be deleted,
a risk model the simulation cannot run): the API answers those with a message of its own (`detail`
a string, or field errors of Django's codes), documented as 4xx. The positive check lets exactly
those through; a schema-valid input refused by the input schema itself (a pydantic error: a
documented constraint that is not the one applied) still fails it.

Bounded for `make test`: ~15 examples per operation and ~10 stateful scenarios, deterministic;
`make soak` runs more (MITRA_SCHEMATHESIS_EXAMPLES, MITRA_STATEFUL_EXAMPLES).
"""

from __future__ import annotations

import os
from typing import Any, get_args

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from pydantic_core.core_schema import ErrorType
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
)

from mitra.config.wsgi import application
from tests.api.conftest import issue_token
from tests.conftest import build_world

EXAMPLES = int(os.environ.get("MITRA_SCHEMATHESIS_EXAMPLES", "15"))
STATEFUL_EXAMPLES = int(os.environ.get("MITRA_STATEFUL_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none")

#: The error types of the input schemas (pydantic): a schema-valid input refused with one of these
#: means the OpenAPI document promises what the schema does not keep.
SCHEMA_ERRORS = frozenset(get_args(ErrorType))
#: Django's codes for what a schema can say (a length, a blank, a choice, a range): a schema-valid
#: input refused with one of these is a mismatch too.
SCHEMA_LIKE_CODES = frozenset(
    {"blank", "null", "required", "max_length", "min_length", "invalid_choice", "min_value"}
    | {"max_value", "max_digits", "max_decimal_places", "max_whole_digits"}
)


def refused_by_a_domain_rule(response: Any) -> bool:
    """A 4xx that a rule of the domain gave (a message, or Django's field codes), not the schema."""
    if response.status_code not in (400, 409, 422):
        return False
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return False
    if isinstance(detail, str):
        return True
    return isinstance(detail, list) and bool(detail) and all(map(_domain_error, detail))


def _domain_error(error: Any) -> bool:
    if not isinstance(error, dict):
        return False
    if error.get("type") == "invalid_choice" and error.get("loc", [""])[-1] == "unit":
        # A need's unit is read from its code, an alias or its label in either language, in any
        # case ('Hectares', 'orang-hari'): no enum can list that, its description says so.
        return True
    return error.get("type") not in SCHEMA_ERRORS | SCHEMA_LIKE_CODES


def schema_valid_input_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, except for a refusal by a domain rule (see the module doc)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if refused_by_a_domain_rule(response):
            return None
        raise


def excluded_for(path: str) -> list[Any]:
    excluded: list[Any] = [positive_data_acceptance]
    if path.endswith("/download"):
        # The file itself, in its own media type: no JSON schema describes its bytes.
        excluded += [content_type_conformance, response_schema_conformance]
    return excluded


@pytest.fixture
def lead_admin(db: Any) -> Any:
    # The WSGI handler closes "old" connections when a request starts and finishes, which would
    # close the test's transaction; Django's own test client disconnects the same receivers.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield build_world().users["lead_admin"]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_check_holds(case: schemathesis.Case, lead_admin: Any) -> None:
    headers = {"Authorization": f"Bearer {issue_token(lead_admin)}"}
    case.call_and_validate(
        headers=headers,
        excluded_checks=excluded_for(case.path),
        additional_checks=[schema_valid_input_accepted],
    )


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Chains of calls along the links schemathesis infers from the document."""

    user: Any = None

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": {"Authorization": f"Bearer {issue_token(self.user)}"}}

    def validate_response(
        self,
        response: Any,
        case: schemathesis.Case,
        additional_checks: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        case.validate_response(
            response,
            headers=kwargs.get("headers"),  # the token is ours, not generated (ignored_auth)
            excluded_checks=excluded_for(case.path),
            additional_checks=[*(additional_checks or []), schema_valid_input_accepted],
            transport_kwargs=kwargs or None,
            recorder=getattr(self, "recorder", None),
        )


def test_stateful_links(lead_admin: Any) -> None:
    transitions = [name for name in dir(Workflow) if "___2" in name]
    # The inferred links are there (create → read/edit/delete), or the run would test nothing.
    assert any(n.startswith("POST_api_v1_partnerships___201_") for n in transitions), transitions
    assert any("PostNeed__POST_api_v1_needs_need_id_commitments" in n for n in transitions)
    Workflow.user = lead_admin
    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
