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
from mitra.disputes.models import Dispute, EventLink, Grievance, PoliticalEvent
from mitra.notifications.models import Notification
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
from mitra.results.models import Indicator, Period, Result, Update
from mitra.workplan.models import Decision, Meeting, Task
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
    Dispute,
    Grievance,
    PoliticalEvent,
    EventLink,
    Result,
    Indicator,
    Period,
    Update,
    Meeting,
    Decision,
    Task,
    Notification,
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

# Valid bodies for the appraisal writes, so that their rows test permission, not validation.
VFM_BODY = {
    "currency": "IDR",
    "amount_unit": 1000000000,
    "discount_rate": "0",
    "base_year": 2025,
    "psc_start_year": 2026,
    "psc_capex": [100],
    "competitive_neutrality": "10",
    "transferable_risk": "20",
    "retained_risk": "5",
    "guarantee_calls": "2",
    "other_costs": "3",
    "payments_source": "entered",
    "payments": {"start_year": 2026, "availability_payment": [50, 50]},
}
CHECKLIST_BODY = {"answers": {"market": {"answer": "yes", "note": "ok"}}}
FISCAL_BODY = {
    "discount_rate": "0.08",
    "base_year": 2025,
    "commitments_source": "entered",
    "commitments": {"start_year": 2026, "availability_payment": [50, 50]},
}
GUARANTEE_BODY = {
    "code": "PII",
    "name": "PT PII",
    "start_year": 2027,
    "expected": [1, 1],
    "p95": [4, 4],
}
STRESS_BODY = {"name": "Interest +150 bp", "shocks": [{"type": "interest", "bp": 150}]}
BUDGET_BODY = {
    "kind": "APBD",
    "label": "APBD",
    "source": "Perda",
    "years": [{"year": 2026, "amount": "1200000000000.00"}],
}

# Valid bodies for the disputes, results and workplan writes (issue 16 and after).
DISPUTE_BODY = {"title": "Late availability payment", "dispute_type": "payment"}
GRIEVANCE_BODY = {"description": "Dust from the works covers the school.", "desa": "Cibiru"}
EVENT_BODY = {"kind": "election", "title": "Pilkada Jawa Barat", "date": "2029-11-27"}
PERIOD_BODY = {"start": "2026-01-01", "end": "2026-06-30", "target_value": "100"}
UPDATE_BODY = {"numerator": "40"}
MEETING_BODY = {"title": "Steering committee", "starts_at": "2026-03-02T09:00:00+07:00"}
TASK_BODY = {"title": "Land survey", "start_date": "2026-02-01", "due_date": "2026-03-31"}


def _membership(w: World, org: Organisation) -> int:
    return w.partnership.members.get(organisation=org).pk


def _indicator_body(w: World) -> dict[str, Any]:
    return {
        "result_title": "Households connected",
        "title": "New household connections",
        "unit": "count",
        "reporter": _membership(w, w.company),
        "verifier": _membership(w, w.pemda),
    }


def _decision_body(w: World) -> dict[str, Any]:
    return {
        "title": "Adopt the tariff review",
        "positions": [{"member_id": _membership(w, w.pemda), "position": "agree"}],
    }


# Objects of the disputes, results and workplan apps, made through the API by their rightful
# authors (once per test, before the snapshot: see test_permission_matrix), so that the rows on them show
# each actor's real answer rather than a 404 for everyone.
def _made(w: World, key: str, make: Callable[[], int]) -> int:
    made = w.__dict__.setdefault("_made", {})
    if key not in made:
        made[key] = make()
    return made[key]


def _post_as(w: World, actor: str, path: str, body: Any) -> int:
    response = client_for(w, actor).post_json(API + path, body)
    assert response.status_code in (200, 201), (path, response.content[:300])
    return response.json()["id"]


def _indicator(w: World) -> int:
    return _made(
        w,
        "indicator",
        lambda: _post_as(w, "lead_admin", f"{P}/{w.partnership.pk}/indicators", _indicator_body(w)),
    )


def _period(w: World) -> int:
    return _made(
        w,
        "period",
        lambda: _post_as(w, "lead_admin", f"/indicators/{_indicator(w)}/periods", PERIOD_BODY),
    )


def _draft_update(w: World) -> int:
    return _made(
        w,
        "update",
        lambda: _post_as(w, "member", f"/periods/{_period(w)}/updates", UPDATE_BODY),
    )


def _submitted_update(w: World) -> int:
    def make() -> int:
        pk = _draft_update(w)
        return _post_as(w, "member", f"/updates/{pk}/submit", {})

    return _made(w, "submitted", make)


def _dispute(w: World) -> int:
    return _made(
        w,
        "dispute",
        lambda: _post_as(
            w,
            "member",
            f"{P}/{w.partnership.pk}/disputes",
            DISPUTE_BODY | {"parties": [_membership(w, w.company)]},
        ),
    )


def _meeting(w: World) -> int:
    return _made(
        w,
        "meeting",
        lambda: _post_as(w, "lead_admin", f"{P}/{w.partnership.pk}/meetings", MEETING_BODY),
    )


def _task(w: World) -> int:
    return _made(
        w, "task", lambda: _post_as(w, "lead_admin", f"{P}/{w.partnership.pk}/tasks", TASK_BODY)
    )


def _member_notification(w: World) -> int:
    def make() -> int:
        from mitra.notifications.services import notify

        (notification,) = notify(kind="disputes.raised", users=[w.users["member"]])
        return notification.pk

    return _made(w, "notification", make)


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
    "invite a partner": Op(
        "POST",
        lambda w: "/invitations",
        lambda w: {
            "partnership_id": w.partnership.pk,
            "organisation_id": w.outsider_org.pk,
            "roles": ["research_partner"],
        },
    ),
    # lifecycle and invitations (coordination)
    "lifecycle": Op("GET", lambda w: f"{P}/{w.partnership.pk}/lifecycle"),
    "move stage": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/stage",
        lambda w: {"stage": "preparation", "version": 1},
    ),
    "sign off a step": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/sign-offs",
        lambda w: {"step": "kpbu.listing", "decision": "approve"},
    ),
    "list invitations": Op("GET", lambda w: "/invitations"),
    "get approval policy": Op("GET", lambda w: f"/organisations/{w.pemda.pk}/approval-policy"),
    "set approval policy": Op(
        "PUT",
        lambda w: f"/organisations/{w.pemda.pk}/approval-policy",
        lambda w: {"required_approvals": 1, "approver_ids": [], "version": 0},
    ),
    "accept invitation": Op("POST", lambda w: "/invitations/999999/accept", lambda w: {}),
    "decline invitation": Op("POST", lambda w: "/invitations/999999/decline", lambda w: {}),
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
    "put vfm": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/vfm", lambda w: VFM_BODY),
    "put vfm checklist": Op(
        "PUT", lambda w: f"{P}/{w.partnership.pk}/vfm/checklist", lambda w: CHECKLIST_BODY
    ),
    "get fiscal": Op("GET", lambda w: f"{P}/{w.partnership.pk}/fiscal"),
    "put fiscal": Op("PUT", lambda w: f"{P}/{w.partnership.pk}/fiscal", lambda w: FISCAL_BODY),
    "add guarantee": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees", lambda w: GUARANTEE_BODY
    ),
    "update guarantee": Op(
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees/999999",
        lambda w: GUARANTEE_BODY | {"version": 1},
    ),
    "delete guarantee": Op("DELETE", lambda w: f"{P}/{w.partnership.pk}/fiscal/guarantees/999999"),
    "list stress tests": Op("GET", lambda w: f"{P}/{w.partnership.pk}/stress-tests"),
    "add stress test": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/stress-tests", lambda w: STRESS_BODY
    ),
    "run stress tests": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/stress-tests/run", lambda w: {}
    ),
    "update stress test": Op(
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/stress-tests/999999",
        lambda w: STRESS_BODY | {"version": 1},
    ),
    "delete stress test": Op("DELETE", lambda w: f"{P}/{w.partnership.pk}/stress-tests/999999"),
    "get budget": Op("GET", lambda w: f"/organisations/{w.pemda.pk}/budget"),
    "put budget": Op("PUT", lambda w: f"/organisations/{w.pemda.pk}/budget", lambda w: BUDGET_BODY),
    "get fiscal portfolio": Op("GET", lambda w: f"/organisations/{w.pemda.pk}/fiscal-portfolio"),
    "download report pdf": Op("GET", lambda w: f"{P}/{w.partnership.pk}/report.pdf"),
    "download report xlsx": Op("GET", lambda w: f"{P}/{w.partnership.pk}/report.xlsx"),
    # matching (issue 17)
    "needs board": Op("GET", lambda w: "/needs/open"),
    "offer on a need": Op(
        "POST", lambda w: f"/needs/{w.need.pk}/offers", lambda w: {"quantity": "1"}
    ),
    "get offer": Op("GET", lambda w: "/offers/999999"),
    "update offer": Op(
        "PATCH", lambda w: "/offers/999999", lambda w: {"version": 1, "quantity": "2"}
    ),
    "accept offer": Op("POST", lambda w: "/offers/999999/accept", lambda w: {"version": 1}),
    "decline offer": Op(
        "POST", lambda w: "/offers/999999/decline", lambda w: {"version": 1, "reason": "No."}
    ),
    "withdraw offer": Op("POST", lambda w: "/offers/999999/withdraw", lambda w: {"version": 1}),
    "matches of a need": Op("GET", lambda w: f"/needs/{w.need.pk}/matches"),
    # disputes, grievances and political events (issue 16)
    "list disputes": Op("GET", lambda w: f"{P}/{w.partnership.pk}/disputes"),
    "raise dispute": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/disputes",
        lambda w: DISPUTE_BODY | {"parties": [_membership(w, w.company)]},
    ),
    "edit dispute": Op(
        "PATCH",
        lambda w: f"/disputes/{_dispute(w)}",
        lambda w: {"version": 1, "title": "Late availability payment (corrected)"},
    ),
    "escalate dispute": Op(
        "POST",
        lambda w: f"/disputes/{_dispute(w)}/escalate",
        lambda w: {"reason": "No answer", "version": 1},
    ),
    "resolve dispute": Op(
        "POST",
        lambda w: f"/disputes/{_dispute(w)}/resolve",
        lambda w: {"outcome": "Paid", "version": 1},
    ),
    "file grievance on public partnership": Op(
        "POST", lambda w: f"{P}/{w.public.pk}/grievances", lambda w: GRIEVANCE_BODY
    ),
    "file grievance on partners-only partnership": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/grievances", lambda w: GRIEVANCE_BODY
    ),
    "list political events": Op("GET", lambda w: "/political-events"),
    "enter political event": Op(
        "POST",
        lambda w: "/political-events",
        lambda w: EVENT_BODY | {"partnerships": [w.partnership.pk]},
    ),
    # an event that concerns no partnership (yet): platform staff only, the log is public
    "enter unlinked political event": Op(
        "POST", lambda w: "/political-events", lambda w: EVENT_BODY
    ),
    "exposure": Op("GET", lambda w: f"{P}/{w.partnership.pk}/exposure"),
    # results
    "list indicators": Op("GET", lambda w: f"{P}/{w.partnership.pk}/indicators"),
    "create indicator": Op("POST", lambda w: f"{P}/{w.partnership.pk}/indicators", _indicator_body),
    "list periods": Op("GET", lambda w: f"/indicators/{_indicator(w)}/periods"),
    "create period": Op(
        "POST", lambda w: f"/indicators/{_indicator(w)}/periods", lambda w: PERIOD_BODY
    ),
    "report update": Op("POST", lambda w: f"/periods/{_period(w)}/updates", lambda w: UPDATE_BODY),
    "submit update": Op(
        "POST", lambda w: f"/updates/{_draft_update(w)}/submit", lambda w: {"version": 1}
    ),
    "approve update": Op(
        "POST", lambda w: f"/updates/{_submitted_update(w)}/approve", lambda w: {}
    ),
    "return update": Op(
        "POST",
        lambda w: f"/updates/{_submitted_update(w)}/return",
        lambda w: {"comment": "The count includes last year's connections."},
    ),
    # workplan, meetings and decisions
    "list tasks": Op("GET", lambda w: f"{P}/{w.partnership.pk}/tasks"),
    "create task": Op(
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/tasks",
        lambda w: TASK_BODY | {"member_id": _membership(w, w.company)},
    ),
    "update task": Op(
        "PATCH", lambda w: f"/tasks/{_task(w)}", lambda w: {"version": 1, "title": "X"}
    ),
    "list meetings": Op("GET", lambda w: f"{P}/{w.partnership.pk}/meetings"),
    "schedule meeting": Op(
        "POST", lambda w: f"{P}/{w.partnership.pk}/meetings", lambda w: MEETING_BODY
    ),
    "record decision": Op("POST", lambda w: f"/meetings/{_meeting(w)}/decisions", _decision_body),
    # notifications: each user's own
    "list my notifications": Op("GET", lambda w: "/notifications"),
    "mark notification read": Op(
        "POST", lambda w: f"/notifications/{_member_notification(w)}/read", lambda w: {}
    ),
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
    "invite a partner": (401, 422, 403, 202, 403),
    "lifecycle": (401, 404, 200, 200, 200),
    "move stage": (401, 404, 403, 422, 403),
    "sign off a step": (401, 404, 403, 201, 403),
    "list invitations": (401, 200, 200, 200, 200),
    "get approval policy": (401, 403, 403, 200, 200),
    "set approval policy": (401, 403, 403, 200, 200),
    "accept invitation": (401, 404, 404, 404, 404),
    "decline invitation": (401, 404, 404, 404, 404),
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
    "put vfm": (401, 404, 403, 200, 403),
    "put vfm checklist": (401, 404, 403, 200, 403),
    "get fiscal": (401, 404, 200, 200, 200),
    "put fiscal": (401, 404, 403, 200, 403),
    "add guarantee": (401, 404, 403, 201, 403),
    "update guarantee": (401, 404, 404, 404, 404),
    "delete guarantee": (401, 404, 404, 404, 404),
    "list stress tests": (401, 404, 200, 200, 200),
    "add stress test": (401, 404, 403, 201, 403),
    "run stress tests": (401, 404, 403, 400, 403),
    "update stress test": (401, 404, 404, 404, 404),
    "delete stress test": (401, 404, 404, 404, 404),
    "get budget": (401, 200, 200, 200, 200),
    "put budget": (401, 403, 403, 200, 403),
    "get fiscal portfolio": (401, 200, 200, 200, 200),
    "download report pdf": (401, 404, 200, 200, 200),
    "download report xlsx": (401, 404, 200, 200, 200),
    "needs board": (200, 200, 200, 200, 200),
    "offer on a need": (401, 404, 404, 404, 404),
    "get offer": (401, 404, 404, 404, 404),
    "update offer": (401, 404, 404, 404, 404),
    "accept offer": (401, 404, 404, 404, 404),
    "decline offer": (401, 404, 404, 404, 404),
    "withdraw offer": (401, 404, 404, 404, 404),
    "matches of a need": (401, 404, 404, 200, 404),
    "list disputes": (401, 404, 200, 200, 200),
    "raise dispute": (401, 404, 201, 201, 403),
    "edit dispute": (401, 404, 200, 200, 403),
    "escalate dispute": (401, 404, 200, 200, 403),
    "resolve dispute": (401, 404, 200, 200, 403),
    "file grievance on public partnership": (201, 201, 201, 201, 201),
    "file grievance on partners-only partnership": (404, 404, 404, 404, 404),
    "list political events": (200, 200, 200, 200, 200),
    "enter political event": (401, 404, 201, 201, 201),
    "enter unlinked political event": (401, 422, 422, 422, 201),
    "exposure": (401, 404, 200, 200, 200),
    "list indicators": (401, 404, 200, 200, 200),
    "create indicator": (401, 404, 403, 201, 403),
    "list periods": (401, 404, 200, 200, 200),
    "create period": (401, 404, 403, 201, 403),
    "report update": (401, 404, 201, 403, 403),
    "submit update": (401, 404, 200, 403, 403),
    "approve update": (401, 404, 403, 200, 403),
    "return update": (401, 404, 403, 200, 403),
    "list tasks": (401, 404, 200, 200, 200),
    "create task": (401, 404, 201, 201, 403),
    "update task": (401, 404, 200, 200, 403),
    "list meetings": (401, 404, 200, 200, 200),
    "schedule meeting": (401, 404, 201, 201, 403),
    "record decision": (401, 404, 201, 201, 403),
    "list my notifications": (401, 200, 200, 200, 200),
    "mark notification read": (401, 404, 200, 404, 404),
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
    # given the world, and an operation prepared before the snapshot (e.g. an extra need, or the
    # indicator, period, update, dispute, meeting, task or notification it acts on)
    op = OPS[name]
    if op.path is OPS["delete need"].path:
        need = _extra_need(world)
        op = Op("DELETE", lambda w: f"/needs/{need.pk}")
    op.path(world)
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
