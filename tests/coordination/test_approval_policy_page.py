"""An organisation's administrators set its approval policy in the web app (and the API): the
number of approvals required and its designated approvers, checked, versioned and audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mitra.coordination import selectors, services
from mitra.coordination.models import ApprovalPolicy
from mitra.core.errors import PermissionDenied, StaleEdit
from tests.api.conftest import API, client_for
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def login(world: World, name: str) -> Client:
    client = Client()
    assert client.login(username=world.users[name].username, password=PASSWORD)
    return client


def page(world: World) -> str:
    with translation.override("en"):
        return reverse("coordination:approval_policy", args=[world.company.pk])


def test_the_organisation_page_links_to_it_for_its_admins_only(kpbu: World) -> None:
    with translation.override("en"):
        detail = reverse("organisations:detail", args=[kpbu.company.pk])
    assert (
        'data-testid="approval-policy-link"'
        in login(kpbu, "company_admin").get(detail).content.decode()
    )
    assert (
        'data-testid="approval-policy-link"'
        not in login(kpbu, "member").get(detail).content.decode()
    )
    assert login(kpbu, "company_admin").get(page(kpbu)).status_code == 200
    assert login(kpbu, "member").get(page(kpbu)).status_code == 403  # staff, not admin
    assert login(kpbu, "outsider").get(page(kpbu)).status_code == 403


def test_fewer_approvers_than_required_is_a_field_error(kpbu: World) -> None:
    admin = login(kpbu, "company_admin")
    answer = admin.post(
        page(kpbu),
        {"required_approvals": 2, "approvers": [kpbu.users["company_admin"].pk], "version": 0},
    )
    assert answer.status_code == 400
    assert "Choose at least as many approvers as approvals required (2)." in (
        answer.content.decode()
    )
    # nobody designated: its one administrator cannot give two approvals
    answer = admin.post(page(kpbu), {"required_approvals": 2, "version": 0})
    assert answer.status_code == 400
    assert "its administrators approve, and it has 1" in answer.content.decode()
    answer = admin.post(page(kpbu), {"required_approvals": 11, "version": 0})
    assert answer.status_code == 400
    assert not ApprovalPolicy.objects.exists()


def test_saving_the_policy_is_versioned_and_audited(kpbu: World) -> None:
    admin = login(kpbu, "company_admin")
    both = [kpbu.users["company_admin"].pk, kpbu.users["member"].pk]
    saved = admin.post(page(kpbu), {"required_approvals": 2, "approvers": both, "version": 0})
    assert saved.status_code == 302
    policy = ApprovalPolicy.objects.get(organisation=kpbu.company)
    assert policy.required_approvals == 2
    assert sorted(u.pk for u in policy.approvers.all()) == sorted(both)
    assert policy.history.first().history_user == kpbu.users["company_admin"]
    # someone else saved meanwhile: the copy opened at version 0 is refused, nothing written
    stale = admin.post(page(kpbu), {"required_approvals": 1, "version": 0})
    assert stale.status_code in (400, 409)
    policy.refresh_from_db()
    assert policy.required_approvals == 2
    again = admin.post(
        page(kpbu),
        {"required_approvals": 1, "approvers": both[:1], "version": policy.version},
    )
    assert again.status_code == 302
    policy.refresh_from_db()
    assert (policy.required_approvals, policy.version) == (1, 2)
    assert [u.pk for u in policy.approvers.all()] == both[:1]
    with pytest.raises(StaleEdit):
        services.approval_policy_set(
            actor=kpbu.users["company_admin"],
            organisation=kpbu.company,
            required_approvals=1,
            approver_ids=[],
            expected_version=1,
        )


def test_only_its_admins_or_staff_set_it(kpbu: World) -> None:
    for name in ("member", "ngo_user", "lead_admin"):
        with pytest.raises(PermissionDenied):
            services.approval_policy_set(
                actor=kpbu.users[name],
                organisation=kpbu.company,
                required_approvals=1,
                approver_ids=[],
                expected_version=None,
            )
    policy = services.approval_policy_set(
        actor=kpbu.users["staff"],
        organisation=kpbu.company,
        required_approvals=1,
        approver_ids=[kpbu.users["member"].pk],
        expected_version=None,
    )
    assert policy.version == 1
    with pytest.raises(ValidationError) as refused:
        services.approval_policy_set(
            actor=kpbu.users["staff"],
            organisation=kpbu.company,
            required_approvals=1,
            approver_ids=[kpbu.users["outsider"].pk],
            expected_version=1,
        )
    assert "approvers" in refused.value.message_dict


def test_the_policy_governs_the_sign_off_and_shows_on_the_tab(kpbu: World) -> None:
    services.approval_policy_set(
        actor=kpbu.users["company_admin"],
        organisation=kpbu.company,
        required_approvals=2,
        approver_ids=[kpbu.users["company_admin"].pk, kpbu.users["member"].pk],
        expected_version=None,
    )
    state = selectors.lifecycle_state(partnership=kpbu.partnership)
    company = next(
        m
        for p in state.step("kpbu.signing").parties
        for m in p.members
        if m.member.organisation_id == kpbu.company.pk
    )
    assert company.required == 2 and company.status == "pending"
    with translation.override("en"):
        tab = reverse("partnerships:tab", args=[kpbu.partnership.pk, "lifecycle"])
    english = login(kpbu, "lead_admin").get(tab).content.decode()
    assert "PT Contoh Infrastruktur" in english and "0 of 2 approvals" in english


def put(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_the_api_reads_and_sets_the_policy(kpbu: World) -> None:
    url = f"{API}/organisations/{kpbu.company.pk}/approval-policy"
    api = client_for(kpbu, "company_admin")
    read = api.get_json(url).json()
    assert read["required_approvals"] == 1 and read["admins_approve"] is True
    assert read["version"] == 0
    both = [kpbu.users["company_admin"].pk, kpbu.users["member"].pk]
    saved = put(api, url, {"required_approvals": 2, "approver_ids": both, "version": 0})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1 and sorted(saved.json()["approver_ids"]) == sorted(both)
    short = put(api, url, {"required_approvals": 3, "approver_ids": both, "version": 1})
    assert short.status_code == 422
    stale = put(api, url, {"required_approvals": 1, "approver_ids": both, "version": 0})
    assert stale.status_code == 409
    member = client_for(kpbu, "member")
    assert (
        put(member, url, {"required_approvals": 1, "approver_ids": [], "version": 1}).status_code
        == 403
    )
    assert client_for(kpbu, "outsider").get_json(url).status_code == 403
