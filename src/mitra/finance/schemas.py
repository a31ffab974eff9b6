"""Schemas of the finance API (the model itself travels as the spec JSON, read by hand)."""

from __future__ import annotations

from typing import Any

#: The body of PUT .../finance-model and the answer of its GET, for the OpenAPI document.
SPEC_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": True,
    "description": "A finance-model spec (finance-model.schema.json, spec version 1.0), the "
    "file `mitra finance` reads.",
}
