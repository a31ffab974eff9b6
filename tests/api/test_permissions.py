"""The permission matrix: every API operation × the five actors of the `world` fixture.

Each row of MATRIX is one operation and the status every actor must get. A denied write (any
status other than 2xx) must leave the database exactly as it was: every row of every domain table
and every history table is compared before and after.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mitra.accounts.models import ApiToken
from mitra.analysis import read_spec_file
from mitra.organisations.models import Organisation, OrganisationMembership
from mitra.partnerships import services
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    Document,
    MemberRole,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
)
from tests.api.conftest import ACTORS, API, World, client_for

# --- what may change -----------------------------------------------------------------------------

MODELS = [
    Organisation,
    OrganisationMembership,
    Partnership,
    PartnershipMember,
    MemberRole,
    Need,
    Commitment,
    Delivery,
    Objective,
    Document,
]


def snapshot() -> dict[str, Any]:
    state: dict[str, Any] = {}
    for model in MODELS:
        state[model.__name__] = sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
        if hasattr(model, "history"):
            state[f"{model.__name__}.history"] = model.history.count()
    return state


# --- operations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    method: str
    path: Callable[[World], str]
    body: Callable[[World], Any] | None = None
    multipart: bool = False


def _player_key(w: World) -> str:
    from mitra.benefits.selectors import players_of

    return players_of(w.partnership)[0].key


def _extra_need(w: World) -> Need:
    return services.need_create(
        actor=w.users["lead_admin"],
        partnership=w.partnership,
        data={"title": "Land", "resource_type": "land", "quantity": Decimal("10"), "unit": "ha"},
    )


def _doc_form(w: World) -> dict[str, Any]:
    return {
        "title": "Report",
        "doc_type": "report",
        "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", "application/pdf"),
    }


P = "/partnerships"
TOLL_ROAD = Path(__file__).resolve().parents[2] / "examples" / "risk" / "toll-road.json"
OPS: dict[str, Op] = {
    # partnerships
    "list partnerships": Op("GET", lambda w: f"{P}"),
    "get partners-only partnership": Op("GET", lambda w: f"{P}/{w.partnership.pk}"),
    "get public partnership": Op("GET", lambda w: f"{P}/{w.public.pk}"),
    "get draft partnership": Op("GET", lambda w: f"{P}/{w.draft.pk}"),
    "create partnership": Op(
        "POST",
        lambda w: P,
        lambda w: {"title_ind": "Air Bersih", "form": "ppp", "development_sector": "water"},
    ),
    "update partnership": Op(
        "PATCH",
        lambda w: f"{P}/{w.partnership.pk}",
        lambda w: {"version": 1, "title_en": "Changed"},
    ),
    "update public partnership": Op(
        "PATCH", lambda w: f"{P}/{w.public.pk}", lambda w: {"version": 1, "title_en": "Changed"}
    ),
    "delete draft partnership": Op("DELETE", lambda w: f"{P}/{w.draft.pk}"),
    "fulfilment": Op("GET", lambda w: f"{P}/{w.partnership.pk}/fulfilment"),
    "fulfilment of public": Op("GET", lambda w: f"{P}/{w.public.pk}/fulfilment"),
    "history": Op("GET", lambda w: f"{P}/{w.partnership.pk}/history"),
    "history of public": Op("GET", lambda w: f"{P}/{w.public.pk}/history"),
    # members
    "list members": Op("GET", lambda w: f"{P}/{w.partnership.pk}/members"),
    "add member": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/members",
        lambda w: {"organisation_id": w.outsider_org.pk, "roles": ["research_partner"]},
    ),
    "get member": Op("GET", lambda w: f"/members/{w.commitment.member_id}"),
    "update member": Op(
        "PATCH",
        lambda w: f"/members/{w.commitment.member_id}",
        lambda w: {"version": 1, "roles": ["project_company", "operator"]},
    ),
    "delete member": Op(
        "DELETE", lambda w: f"/members/{w.partnership.members.get(organisation=w.ngo).pk}"
    ),
    # needs
    "list needs": Op("GET", lambda w: f"{P}/{w.partnership.pk}/needs"),
    "create need": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/needs",
        lambda w: {"title": "Land", "resource_type": "land", "quantity": "12.5", "unit": "ha"},
    ),
    "get need": Op("GET", lambda w: f"/needs/{w.need.pk}"),
    "update need": Op(
        "PATCH",
        lambda w: f"/needs/{w.need.pk}",
        lambda w: {"version": 1, "title": "Equity capital"},
    ),
    "delete need": Op("DELETE", lambda w: f"/needs/{_extra_need(w).pk}"),
    # commitments
    "list commitments": Op("GET", lambda w: f"{P}/{w.partnership.pk}/commitments"),
    "create commitment": Op(
        "POST", lambda w: f"/needs/{w.need.pk}/commitments", lambda w: {"quantity": "1000000.00"}
    ),
    "get commitment": Op("GET", lambda w: f"/commitments/{w.commitment.pk}"),
    "get secret commitment": Op("GET", lambda w: f"/commitments/{w.secret_commitment.pk}"),
    "update commitment": Op(
        "PATCH",
        lambda w: f"/commitments/{w.commitment.pk}",
        lambda w: {"version": 1, "quantity": "210000000"},
    ),
    "update secret commitment": Op(
        "PATCH",
        lambda w: f"/commitments/{w.secret_commitment.pk}",
        lambda w: {"version": 1, "notes": "changed"},
    ),
    "delete secret commitment": Op("DELETE", lambda w: f"/commitments/{w.secret_commitment.pk}"),
    # deliveries
    "list deliveries": Op("GET", lambda w: f"{P}/{w.partnership.pk}/deliveries"),
    "create delivery": Op(
        "POST",
        lambda w: f"/commitments/{w.commitment.pk}/deliveries",
        lambda w: {"delivered_on": "2026-02-01", "quantity": "1000"},
    ),
    "get delivery": Op("GET", lambda w: f"/deliveries/{w.delivery.pk}"),
    "update delivery": Op(
        "PATCH", lambda w: f"/deliveries/{w.delivery.pk}", lambda w: {"version": 1, "notes": "late"}
    ),
    "delete delivery": Op("DELETE", lambda w: f"/deliveries/{w.delivery.pk}"),
    # objectives
    "list objectives": Op("GET", lambda w: f"{P}/{w.partnership.pk}/objectives"),
    "create objective": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/objectives",
        lambda w: {"text": "Lower tariffs", "weight": 40},
    ),
    "get objective": Op("GET", lambda w: f"/objectives/{w.objective.pk}"),
    "get secret objective": Op("GET", lambda w: f"/objectives/{w.secret_objective.pk}"),
    "update objective": Op(
        "PATCH", lambda w: f"/objectives/{w.objective.pk}", lambda w: {"version": 1, "weight": 70}
    ),
    "update secret objective": Op(
        "PATCH",
        lambda w: f"/objectives/{w.secret_objective.pk}",
        lambda w: {"version": 1, "weight": 70},
    ),
    "delete secret objective": Op("DELETE", lambda w: f"/objectives/{w.secret_objective.pk}"),
    # documents
    "list documents": Op("GET", lambda w: f"{P}/{w.partnership.pk}/documents"),
    "upload document": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/documents", _doc_form, multipart=True
    ),
    "get document": Op("GET", lambda w: f"/documents/{w.document.pk}"),
    "get secret document": Op("GET", lambda w: f"/documents/{w.secret_document.pk}"),
    "download document": Op("GET", lambda w: f"/documents/{w.document.pk}/download"),
    "download secret document": Op("GET", lambda w: f"/documents/{w.secret_document.pk}/download"),
    "download public document": Op("GET", lambda w: f"/documents/{w.public_document.pk}/download"),
    "update document": Op(
        "PATCH",
        lambda w: f"/documents/{w.document.pk}",
        lambda w: {"version": 1, "revision": "1.1"},
    ),
    "delete secret document": Op("DELETE", lambda w: f"/documents/{w.secret_document.pk}"),
    # organisations
    "list organisations": Op("GET", lambda w: "/organisations"),
    "get organisation": Op("GET", lambda w: f"/organisations/{w.company.pk}"),
    "create organisation": Op(
        "POST",
        lambda w: "/organisations",
        lambda w: {"name": "Koperasi Baru", "sector": "social", "kind": "cooperative"},
    ),
    "update lead organisation": Op(
        "PATCH",
        lambda w: f"/organisations/{w.pemda.pk}",
        lambda w: {"version": 1, "website": "https://jabarprov.go.id"},
    ),
    "delete outsider organisation": Op("DELETE", lambda w: f"/organisations/{w.outsider_org.pk}"),
    # auth
    "me": Op("GET", lambda w: "/auth/me"),
    # open data: published partnerships only, for everyone (members see no more here)
    "ocds release package": Op("GET", lambda w: "/ocds/release-package"),
    "ocds record package of public partnership": Op(
        "GET", lambda w: f"{P}/{w.public.code}/ocds/record-package"
    ),
    "ocds record package of partners-only partnership": Op(
        "GET", lambda w: f"{P}/{w.partnership.code}/ocds/record-package"
    ),
    "oc4ids project package": Op("GET", lambda w: "/oc4ids/project-package"),
    "oc4ids project of partners-only partnership": Op(
        "GET", lambda w: f"{P}/{w.partnership.code}/oc4ids/project-package"
    ),
    "list my tokens": Op("GET", lambda w: "/auth/tokens"),
    "revoke one of my tokens": Op("DELETE", lambda w: "/auth/tokens/999999"),
    # The world has no risk register: these rows check the gates before any register exists
    # (who gets 401/404/403); tests/risks/test_api.py covers them on a real register.
    "list risks": Op("GET", lambda w: f"{P}/{w.partnership.pk}/risks"),
    "create risk": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/risks",
        lambda w: {
            "code": "R9",
            "title_ind": "T",
            "allocations": [{"party": 999999, "share": "1"}],
        },
    ),
    "get risk": Op("GET", lambda w: "/risks/999999"),
    "update risk": Op("PATCH", lambda w: "/risks/999999", lambda w: {"version": 1}),
    "delete risk": Op("DELETE", lambda w: "/risks/999999"),
    "get risk model": Op("GET", lambda w: f"{P}/{w.partnership.pk}/risk-model"),
    "put risk model": Op(
        "PUT", lambda w: f"{P}/{w.partnership.pk}/risk-model", lambda w: read_spec_file(TOLL_ROAD)
    ),
    "start simulation": Op("POST", lambda w: f"{P}/{w.partnership.pk}/simulations", lambda w: {}),
    "get simulation": Op("GET", lambda w: "/simulations/999999"),
    # goals (issue 13)
    "get alignment spec": Op("GET", lambda w: f"{P}/{w.partnership.pk}/alignment-spec"),
    "get alignment": Op("GET", lambda w: f"{P}/{w.partnership.pk}/alignment"),
    "list levers": Op("GET", lambda w: f"{P}/{w.partnership.pk}/levers"),
    "create lever": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/levers", lambda w: {"catalogue_key": "tariff"}
    ),
    "put objective": Op(
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/levers/999999/objective",
        lambda w: {"direction": "target", "preferred": 5, "acceptable_min": 1, "acceptable_max": 9},
    ),
    "list negotiation": Op("GET", lambda w: f"{P}/{w.partnership.pk}/negotiation"),
    "create negotiation entry": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/negotiation",
        lambda w: {"kind": "proposal", "subject": "Tariff review", "value_text": "every two years"},
    ),
    # benefits (issue 13)
    "get sharing game": Op("GET", lambda w: f"{P}/{w.partnership.pk}/sharing-game"),
    "put sharing game": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/sharing-game", lambda w: {}),
    "get sharing": Op("GET", lambda w: f"{P}/{w.partnership.pk}/sharing"),
    "put unit values": Op(
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/sharing/unit-values",
        lambda w: {"resource_type": "expertise", "unit": "person-days", "value": "1500000"},
    ),
    "put coalitions": Op(
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/sharing/coalitions",
        lambda w: {"members": [_player_key(w)], "worth": "100"},
    ),
    # finance (issue 12)
    "get finance model": Op("GET", lambda w: f"{P}/{w.partnership.pk}/finance-model"),
    "put finance model": Op(
        "PUT", lambda w: f"{P}/{w.partnership.pk}/finance-model", lambda w: {"spec_version": "9"}
    ),
    "get finance results": Op("GET", lambda w: f"{P}/{w.partnership.pk}/finance-results"),
    "get vfm": Op("GET", lambda w: f"{P}/{w.partnership.pk}/vfm"),
    "put vfm": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/vfm", lambda w: {}),
    "put vfm checklist": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/vfm/checklist", lambda w: {}),
    "get fiscal": Op("GET", lambda w: f"{P}/{w.partnership.pk}/fiscal"),
    "put fiscal": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/fiscal", lambda w: {}),
    "add guarantee": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees", lambda w: {}
    ),
    "update guarantee": Op(
        "PUT", lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees/999999", lambda w: {}
    ),
    "delete guarantee": Op("DELETE", lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees/999999"),
    "list stress tests": Op("GET", lambda w: f"{P}/{w.partnership.pk}/stress-tests"),
    "add stress test": Op("POST", lambda w: f"{P}/{w.partnership.pk}/stress-tests", lambda w: {}),
    "run stress tests": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/stress-tests/run", lambda w: {}
    ),
    "update stress test": Op(
        "PUT", lambda w: f"{P}/{w.partnership.pk}/stress-tests/999999", lambda w: {}
    ),
    "delete stress test": Op("DELETE", lambda w: f"{P}/{w.partnership.pk}/stress-tests/999999"),
    "get budget": Op("GET", lambda w: f"/organisations/{w.pemda.pk}/budget"),
    "put budget": Op("PUT", lambda w: f"/organisations/{w.pemda.pk}/budget", lambda w: {}),
    "get fiscal portfolio": Op("GET", lambda w: f"/organisations/{w.pemda.pk}/fiscal-portfolio"),
    "download report pdf": Op("GET", lambda w: f"{P}/{w.partnership.pk}/report.pdf"),
    "download report xlsx": Op("GET", lambda w: f"{P}/{w.partnership.pk}/report.xlsx"),
    # matching (issue 17)
    "needs board": Op("GET", lambda w: "/needs/open"),
    "offer on a need": Op("POST", lambda w: f"/needs/{w.need.pk}/offers", lambda w: {}),
    "get offer": Op("GET", lambda w: "/offers/999999"),
    "update offer": Op("PATCH", lambda w: "/offers/999999", lambda w: {}),
    "accept offer": Op("POST", lambda w: "/offers/999999/accept", lambda w: {}),
    "decline offer": Op("POST", lambda w: "/offers/999999/decline", lambda w: {}),
    "withdraw offer": Op("POST", lambda w: "/offers/999999/withdraw", lambda w: {}),
    "matches of a need": Op("GET", lambda w: f"/needs/{w.need.pk}/matches"),
}

# Expected status per actor. Order: anonymous, outsider, member, lead_admin, staff.
# member = staff user of the private partner (company); lead_admin = admin of the lead (pemda);
# outsider = admin of an organisation in no partnership; staff = platform staff, no organisation.
MATRIX: dict[str, tuple[int, int, int, int, int]] = {
    #                                  anon outs memb lead staff
    "list partnerships": (200, 200, 200, 200, 200),
    "get partners-only partnership": (404, 404, 200, 200, 200),
    "get public partnership": (200, 200, 200, 200, 200),
    "get draft partnership": (404, 404, 404, 200, 200),
    "create partnership": (401, 201, 403, 201, 403),
    "update partnership": (401, 404, 403, 200, 403),
    "update public partnership": (401, 403, 403, 200, 403),
    "delete draft partnership": (401, 404, 404, 204, 403),
    "fulfilment": (404, 404, 200, 200, 200),
    "fulfilment of public": (200, 200, 200, 200, 200),
    "history": (401, 404, 200, 200, 200),
    "history of public": (401, 403, 403, 200, 200),
    "list members": (404, 404, 200, 200, 200),
    "add member": (401, 404, 403, 201, 403),
    "get member": (404, 404, 200, 200, 200),
    "update member": (401, 404, 403, 200, 403),
    "delete member": (401, 404, 403, 204, 403),
    "list needs": (404, 404, 200, 200, 200),
    "create need": (401, 404, 403, 201, 403),
    "get need": (404, 404, 200, 200, 200),
    "update need": (401, 404, 403, 200, 403),
    "delete need": (401, 404, 403, 204, 403),
    "list commitments": (404, 404, 200, 200, 200),
    "create commitment": (401, 404, 201, 201, 403),
    "get commitment": (404, 404, 200, 200, 200),
    "get secret commitment": (404, 404, 200, 404, 404),
    "update commitment": (401, 404, 200, 403, 403),
    "update secret commitment": (401, 404, 200, 404, 404),
    "delete secret commitment": (401, 404, 204, 404, 404),
    "list deliveries": (404, 404, 200, 200, 200),
    "create delivery": (401, 404, 201, 403, 403),
    "get delivery": (404, 404, 200, 200, 200),
    "update delivery": (401, 404, 200, 403, 403),
    "delete delivery": (401, 404, 204, 403, 403),
    "list objectives": (404, 404, 200, 200, 200),
    "create objective": (401, 404, 201, 201, 403),
    "get objective": (404, 404, 200, 200, 200),
    "get secret objective": (404, 404, 200, 404, 404),
    "update objective": (401, 404, 200, 403, 403),
    "update secret objective": (401, 404, 200, 404, 404),
    "delete secret objective": (401, 404, 204, 404, 404),
    "list documents": (404, 404, 200, 200, 200),
    "upload document": (401, 404, 201, 201, 403),
    "get document": (404, 404, 200, 200, 200),
    "get secret document": (404, 404, 200, 404, 404),
    "download document": (404, 404, 200, 200, 200),
    "download secret document": (404, 404, 200, 404, 404),
    "download public document": (200, 200, 200, 200, 200),
    "update document": (401, 404, 200, 403, 403),
    "delete secret document": (401, 404, 204, 404, 404),
    "list organisations": (200, 200, 200, 200, 200),
    "get organisation": (200, 200, 200, 200, 200),
    "create organisation": (401, 201, 201, 201, 201),
    "update lead organisation": (401, 403, 403, 200, 403),
    "delete outsider organisation": (401, 204, 403, 403, 403),
    "me": (401, 200, 200, 200, 200),
    "ocds release package": (200, 200, 200, 200, 200),
    "ocds record package of public partnership": (200, 200, 200, 200, 200),
    "ocds record package of partners-only partnership": (404, 404, 404, 404, 404),
    "oc4ids project package": (200, 200, 200, 200, 200),
    "oc4ids project of partners-only partnership": (404, 404, 404, 404, 404),
    "list my tokens": (401, 200, 200, 200, 200),
    "revoke one of my tokens": (401, 404, 404, 404, 404),
    "list risks": (401, 404, 200, 200, 200),
    "create risk": (401, 404, 422, 422, 422),
    "get risk": (401, 404, 404, 404, 404),
    "update risk": (401, 404, 404, 404, 404),
    "delete risk": (401, 404, 404, 404, 404),
    "get risk model": (401, 404, 404, 404, 404),
    "put risk model": (401, 404, 403, 200, 403),
    "start simulation": (401, 404, 400, 400, 403),
    "get simulation": (401, 404, 404, 404, 404),
    "get alignment spec": (401, 404, 404, 404, 404),
    "get alignment": (401, 404, 404, 404, 404),
    "list levers": (401, 404, 200, 200, 200),
    "create lever": (401, 404, 201, 201, 403),
    "put objective": (401, 404, 404, 404, 404),
    "list negotiation": (401, 404, 200, 200, 200),
    "create negotiation entry": (401, 404, 201, 201, 403),
    "get sharing game": (401, 404, 200, 200, 200),
    "put sharing game": (401, 404, 422, 422, 403),
    "get sharing": (401, 404, 200, 200, 200),
    "put unit values": (401, 404, 200, 200, 403),
    "put coalitions": (401, 404, 200, 200, 403),
    "get finance model": (404, 404, 404, 404, 404),
    "put finance model": (401, 404, 403, 422, 403),
    "get finance results": (404, 404, 404, 404, 404),
    "get vfm": (401, 404, 200, 200, 200),
    "put vfm": (401, 422, 422, 422, 422),
    "put vfm checklist": (401, 422, 422, 422, 422),
    "get fiscal": (401, 404, 200, 200, 200),
    "put fiscal": (401, 422, 422, 422, 422),
    "add guarantee": (401, 422, 422, 422, 422),
    "update guarantee": (401, 422, 422, 422, 422),
    "delete guarantee": (401, 404, 404, 404, 404),
    "list stress tests": (401, 404, 200, 200, 200),
    "add stress test": (401, 422, 422, 422, 422),
    "run stress tests": (401, 404, 403, 400, 403),
    "update stress test": (401, 422, 422, 422, 422),
    "delete stress test": (401, 404, 404, 404, 404),
    "get budget": (401, 200, 200, 200, 200),
    "put budget": (401, 422, 422, 422, 422),
    "get fiscal portfolio": (401, 200, 200, 200, 200),
    "download report pdf": (401, 404, 200, 200, 200),
    "download report xlsx": (401, 404, 200, 200, 200),
    "needs board": (200, 200, 200, 200, 200),
    "offer on a need": (401, 422, 422, 422, 422),
    "get offer": (401, 404, 404, 404, 404),
    "update offer": (401, 422, 422, 422, 422),
    "accept offer": (401, 422, 422, 422, 422),
    "decline offer": (401, 422, 422, 422, 422),
    "withdraw offer": (401, 422, 422, 422, 422),
    "matches of a need": (401, 404, 404, 200, 404),
}

CASES = [
    pytest.param(name, actor, MATRIX[name][i], id=f"{name}-{actor}")
    for name in MATRIX
    for i, actor in enumerate(ACTORS)
]


def test_matrix_covers_every_operation_of_the_api(world: World) -> None:
    # given the operations in the OpenAPI document, except issuing/revoking a token (test_auth)
    import re

    from mitra.config.api import api

    schema = api.get_openapi_schema()
    documented = {
        (m.upper(), path.removeprefix("/api/v1"))
        for path, item in schema["paths"].items()
        for m in item
    }
    documented -= {("POST", "/auth/token"), ("DELETE", "/auth/token")}

    # when the matrix's requests are matched against the path templates
    requests = {(op.method, op.path(world)) for op in OPS.values()}
    covered = {
        (method, template)
        for method, template in documented
        if any(
            m == method and re.fullmatch(re.sub(r"\{[^}]+\}", r"[^/]+", template), path)
            for m, path in requests
        )
    }

    # then every documented operation is in the matrix, with a row for each
    assert documented - covered == set()
    assert set(OPS) == set(MATRIX)


def _call(world: World, actor: str, op: Op) -> Any:
    client = client_for(world, actor)
    url = API + op.path(world)
    if op.method == "GET":
        return client.get_json(url)
    if op.method == "DELETE":
        return client.delete_json(url)
    body = op.body(world) if op.body else {}
    if op.multipart:
        return client.post(url, body)
    if op.method == "POST":
        return client.post_json(url, body)
    if op.method == "PUT":
        return client.put(url, json.dumps(body), content_type="application/json")
    return client.patch_json(url, body)


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_permission_matrix(world: World, name: str, actor: str, expected: int) -> None:
    # given the world, and an operation prepared before the snapshot (e.g. an extra need)
    op = OPS[name]
    if op.path is OPS["delete need"].path:
        need = _extra_need(world)
        op = Op("DELETE", lambda w: f"/needs/{need.pk}")
    before = snapshot()

    # when the actor calls it
    response = _call(world, actor, op)

    # then the status is the expected one, every answer is JSON (or the file), and a denied write
    # changed nothing
    assert response.status_code == expected, (name, actor, response.content[:300])
    if name.startswith("download") and expected == 200:
        assert not response["Content-Type"].startswith("application/json")
    elif expected != 204:
        assert response["Content-Type"].startswith("application/json")
    if op.method != "GET" and not 200 <= expected < 300:
        assert snapshot() == before


def test_token_auth_gives_the_same_answers_as_the_session(world: World) -> None:
    # given a Bearer token for each signed-in actor, and no session
    from tests.api.conftest import ApiClient, issue_token

    for actor in ["outsider", "member", "lead_admin", "staff"]:
        client = ApiClient(token=issue_token(world.users[actor]))
        i = ACTORS.index(actor)
        for name in [
            "get partners-only partnership",
            "get secret document",
            "download secret document",
            "history of public",
            "get draft partnership",
        ]:
            # when the actor reads with the token
            response = client.get_json(API + OPS[name].path(world))
            # then the answer is the matrix's
            assert response.status_code == MATRIX[name][i], (name, actor)
    assert ApiToken.objects.count() == 4


@pytest.mark.parametrize("actor", ACTORS)
def test_confidential_items_never_appear_in_other_organisations_lists(
    world: World, actor: str
) -> None:
    # given the company's owner-only commitment, objective and document
    client = client_for(world, actor)
    own = actor == "member"
    pk = world.partnership.pk
    responses = {
        kind: client.get_json(f"{API}/partnerships/{pk}/{kind}")
        for kind in ("commitments", "objectives", "documents")
    }
    if actor in ("anonymous", "outsider"):
        assert {r.status_code for r in responses.values()} == {404}
        return

    # when the lists are read, then the secret items appear for the company's users only
    ids = {kind: {item["id"] for item in r.json()["items"]} for kind, r in responses.items()}
    assert (world.secret_commitment.pk in ids["commitments"]) is own
    assert (world.secret_objective.pk in ids["objectives"]) is own
    assert (world.secret_document.pk in ids["documents"]) is own
    assert world.commitment.pk in ids["commitments"]
    assert world.objective.pk in ids["objectives"]
    assert world.document.pk in ids["documents"]
    history = client.get_json(f"{API}/partnerships/{pk}/history?limit=100").json()["items"]
    labels = {entry["object_label"] for entry in history}
    assert ("Walk away below 11% equity IRR" in labels) is own
    assert ("Confidential financial model" in labels) is own
    assert "Shared minutes" in labels
    assert b"77000000" not in b"".join(r.content for r in responses.values()) or own


@pytest.mark.parametrize(
    ("actor", "pledged", "gap"),
    [
        ("member", "277000000.00", "223000000.00"),
        ("lead_admin", "200000000.00", "300000000.00"),
        ("staff", "200000000.00", "300000000.00"),
        ("ngo_user", "200000000.00", "300000000.00"),
    ],
)
def test_fulfilment_totals_leave_out_confidential_commitments(
    world: World, actor: str, pledged: str, gap: str
) -> None:
    # given the need of 500,000,000 with 200,000,000 (partners) + 77,000,000 (owner-only) pledged
    client = client_for(world, actor)

    # when the fulfilment is read
    body = client.get_json(f"{API}/partnerships/{world.partnership.pk}/fulfilment").json()

    # then the owner-only pledge counts only for its own organisation, nowhere else
    need = body["needs"][0]
    assert need["need"]["quantity"] == "500000000.00"
    assert need["pledged"] == pledged
    assert need["gap"] == gap
    assert need["delivered"] == "50000000.00"
    # and hidden commitments are counted, never summed (issue 10: no false gap)
    assert need["hidden_commitments"] == (0 if actor == "member" else 1)
    assert len(need["commitments"]) == (2 if actor == "member" else 1)
    assert body["members"][0]["pledged"] == pledged
    assert body["members"][0]["delivered"] == "50000000.00"
    assert body["members"][0]["measure"] == "IDR"
    if actor != "member":
        assert "77000000" not in str(body)


def test_anonymous_sees_only_public_items_of_a_public_partnership(world: World) -> None:
    # given the public partnership with a public MoU, and a partners-only report added to it
    lead = world.users["lead_admin"]
    member = world.public.members.get(organisation=world.pemda)
    services.document_create(
        actor=lead,
        member=member,
        data={"title": "Internal note", "doc_type": "minutes"},
        file=SimpleUploadedFile("note.pdf", b"%PDF note", "application/pdf"),
    )
    client = client_for(world, "anonymous")

    # when an anonymous visitor lists the documents and partnerships
    documents = client.get_json(f"{API}/partnerships/{world.public.pk}/documents").json()
    partnerships = client.get_json(f"{API}/partnerships").json()

    # then only public ones appear
    assert [d["title"] for d in documents["items"]] == ["Public MoU"]
    assert documents["count"] == 1
    assert [p["code"] for p in partnerships["items"]] == [world.public.code]
    assert partnerships["count"] == 1


def test_denied_write_by_outsider_on_visible_public_partnership_changes_nothing(
    world: World,
) -> None:
    # given the public partnership, visible to the outsider
    before = snapshot()
    client = client_for(world, "outsider")

    # when the outsider tries to add a need and an objective
    need = client.post_json(
        f"{API}/partnerships/{world.public.pk}/needs",
        {
            "title": "Teachers",
            "resource_type": "expertise",
            "quantity": "10",
            "unit": "person-days",
        },
    )
    objective = client.post_json(
        f"{API}/partnerships/{world.public.pk}/objectives", {"text": "Hijack"}
    )

    # then both are refused (403: the partnership is visible) and nothing changed
    assert need.status_code == 403
    assert objective.status_code == 403
    assert snapshot() == before
    assert Delivery.objects.filter(delivered_on=datetime.date(2026, 2, 1)).count() == 0
