"""Property-based garbage against the OpenAPI document (schemathesis 4): no input yields a 5xx.

Every documented operation is called with generated input (valid and invalid), authenticated as
the lead admin with a fresh Bearer token per call (so writes run, and revoking the token in one
case does not disturb the next). Bounded: ~15 examples per operation, deterministic, no deadline.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mitra.config.wsgi import application
from tests.api.conftest import issue_token
from tests.conftest import build_world

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(max_examples=15, deterministic=True, database="none")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


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
def test_no_server_errors(case: schemathesis.Case, lead_admin: Any) -> None:
    headers = {"Authorization": f"Bearer {issue_token(lead_admin)}"}
    checks = CHECKS
    if case.path.endswith("/download"):
        checks = [not_a_server_error, status_code_conformance]
    case.call_and_validate(headers=headers, checks=checks)
