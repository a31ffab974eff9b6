"""The API's 422 answers for malformed input read in the caller's language (Accept-Language),
with the figures of the rule (a maximum length, the allowed values); loc and type unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from mitra.core.input_errors import MESSAGES, translated
from tests.api.conftest import API, client_for


def _errors(world: Any, body: dict[str, Any], language: str) -> dict[str, dict[str, Any]]:
    client = client_for(world, "lead_admin")
    response = client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}", body, headers={"Accept-Language": language}
    )
    assert response.status_code == 422
    return {error["loc"][-1]: error for error in response.json()["detail"]}


def test_malformed_fields_are_named_in_indonesian_and_in_english(world: Any) -> None:
    body = {"version": world.partnership.version, "start_date": "kemarin", "title_ind": "x" * 300}
    indonesian = _errors(world, body, "id")
    english = _errors(world, body, "en")
    assert english["start_date"]["msg"] == "Enter a date as YYYY-MM-DD."
    assert indonesian["start_date"]["msg"] == "Masukkan tanggal dengan format TTTT-BB-HH."
    assert english["title_ind"]["msg"].startswith("At most ")
    assert indonesian["title_ind"]["msg"].startswith("Paling banyak ")
    assert english["title_ind"]["type"] == indonesian["title_ind"]["type"] == "string_too_long"
    assert indonesian["start_date"]["loc"] == english["start_date"]["loc"]


def test_the_rule_s_figures_are_kept() -> None:
    error = {
        "type": "string_too_long",
        "loc": ["body", "x"],
        "msg": "...",
        "ctx": {"max_length": 30},
    }
    with translation.override("en"):
        assert translated(error)["msg"] == "At most 30 characters."
    assert translated(error)["msg"] == "Paling banyak 30 karakter."  # the default language
    choice = {
        "type": "enum",
        "msg": "...",
        "ctx": {"expected": "'draft', 'submitted' or 'approved'"},
    }
    with translation.override("en"):
        assert translated(choice)["msg"] == "Choose one of: 'draft', 'submitted', 'approved'."


def test_own_validators_lose_pydantic_s_prefix_and_unknown_types_keep_their_text() -> None:
    own = {
        "type": "value_error",
        "msg": "Value error, Pilih mata uang.",
        "ctx": {"error": "Pilih mata uang."},
    }
    assert translated(own)["msg"] == "Pilih mata uang."
    odd = {"type": "something_new", "msg": "Something new", "ctx": {}}
    assert translated(odd) == odd


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_every_message_is_translated(kind: str) -> None:
    with translation.override("id"):
        indonesian = str(MESSAGES[kind])
    with translation.override("en"):
        english = str(MESSAGES[kind])
    assert indonesian != english, f"{kind}: no Indonesian text"
