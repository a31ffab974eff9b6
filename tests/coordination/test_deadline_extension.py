"""Extending a step's deadline: the lead partner's administrators, with a reason; recorded (who,
when, from which date to which), shown in the step's history on the tab, audited, and the
countdown follows the new date."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mitra.coordination import selectors, services
from mitra.coordination.history import coordination_history
from mitra.coordination.models import DeadlineExtension
from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.notifications.models import Notification
from mitra.partnerships.models import Partnership
from tests.conftest import PASSWORD, World
from tests.coordination.conftest import file_document

pytestmark = pytest.mark.django_db
STEP = "kpbu.financial_close"


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def signed(world: World) -> datetime.date:
    """The agreement is signed: financial close is due 12 months later. Returns the due date."""
    p = world.partnership
    Partnership.objects.filter(pk=p.pk).update(stage="transaction")
    p.refresh_from_db()
    file_document(world, "kpbu_agreement")
    for name in ("lead_admin", "company_admin"):
        services.sign_off(
            actor=world.users[name], partnership=p, step="kpbu.signing", decision="approve"
        )
    due = selectors.lifecycle_state(partnership=p).step(STEP).deadline.due
    assert due is not None
    return due


def extend(world: World, name: str = "lead_admin", **kwargs: Any) -> DeadlineExtension:
    args = {"step": STEP, "reason": "Lenders need a second appraisal"}
    args.update(kwargs)
    return services.deadline_extend(actor=world.users[name], partnership=world.partnership, **args)


def test_the_lead_extends_with_a_reason_and_the_countdown_follows(kpbu: World) -> None:
    due = signed(kpbu)
    new = due + datetime.timedelta(days=90)
    record = extend(kpbu, to_date=new, expected_due=due)
    assert (record.from_date, record.to_date, record.actor) == (due, new, kpbu.users["lead_admin"])
    assert record.created_at is not None
    d = selectors.lifecycle_state(partnership=kpbu.partnership, today=due).step(STEP).deadline
    assert (d.due, d.original_due, d.days_left, d.level) == (new, due, 90, "ok")
    assert [e.pk for e in d.extensions] == [record.pk]
    # audited, on the History tab, and the partners are told
    assert record.history.first().history_user == kpbu.users["lead_admin"]
    entries = coordination_history(kpbu.users["lead_admin"], kpbu.partnership)
    assert any("Deadline extension" in str(e.object_type) for e in entries)
    told = Notification.objects.filter(kind="coordination.deadline_extended")
    assert kpbu.users["company_admin"] in [n.recipient for n in told]
    from mitra.notifications.kinds import message

    notice = told.first()
    with translation.override("en"):  # each reader reads the dates day first, in their language
        assert f"{new:%d/%m/%Y}" in message(notice.kind, notice.params)
    with translation.override("id"):
        assert f"{new:%d-%m-%Y}" in message(notice.kind, notice.params)
    # a second extension starts from the new date
    later = extend(kpbu, to_date=new + datetime.timedelta(days=30), reason="Again")
    assert later.from_date == new


def test_what_is_refused(kpbu: World) -> None:
    with pytest.raises(ApplicationError):  # the deadline has not started: nothing to extend
        extend(kpbu, to_date=timezone.localdate() + datetime.timedelta(days=400))
    due = signed(kpbu)
    later = due + datetime.timedelta(days=30)
    for name in ("company_admin", "member", "ngo_user", "outsider"):
        with pytest.raises(PermissionDenied):
            extend(kpbu, name, to_date=later)
    with pytest.raises(ValidationError) as no_reason:
        extend(kpbu, to_date=later, reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as earlier:
        extend(kpbu, to_date=due)
    assert "to_date" in earlier.value.message_dict
    with pytest.raises(ApplicationError, match="not be extended"):
        extend(kpbu, step="kpbu.signing", to_date=later)
    with pytest.raises(ApplicationError, match="after you opened"):
        extend(kpbu, to_date=later, expected_due=due - datetime.timedelta(days=1))
    assert not DeadlineExtension.objects.exists()


def test_the_tab_shows_the_form_and_the_extensions(kpbu: World) -> None:
    due = signed(kpbu)
    lead = Client()
    assert lead.login(username="lead_admin", password=PASSWORD)
    tab = reverse("partnerships:tab", args=[kpbu.partnership.pk, "lifecycle"])
    assert 'data-testid="extend-form"' in lead.get(tab).content.decode()
    url = reverse("coordination:extend", args=[kpbu.partnership.pk])
    new = due + datetime.timedelta(days=60)
    refused = lead.post(url, {"step": STEP, "due": due.isoformat(), "to_date": new.isoformat()})
    assert refused.status_code == 400
    assert 'data-testid="extend-errors"' in refused.content.decode()
    saved = lead.post(
        url,
        {"step": STEP, "due": due.isoformat(), "to_date": new.isoformat(), "reason": "Lenders"},
    )
    assert saved.status_code == 302
    page = lead.get(tab).content.decode()
    assert 'data-testid="extension"' in page and "Lenders" in page
    assert "extended by lead_admin" in page
    # another partner sees the history but not the form
    company = Client()
    assert company.login(username="company_admin", password=PASSWORD)
    other = company.get(tab).content.decode()
    assert 'data-testid="extension"' in other and 'data-testid="extend-form"' not in other


def test_the_api_lists_the_extensions(kpbu: World) -> None:
    from tests.api.conftest import API, client_for

    due = signed(kpbu)
    extend(kpbu, to_date=due + datetime.timedelta(days=10))
    body = (
        client_for(kpbu, "company_admin")
        .get_json(f"{API}/partnerships/{kpbu.partnership.pk}/lifecycle")
        .json()
    )
    step = next(s for st in body["stages"] for s in st["steps"] if s["key"] == STEP)
    deadline = step["deadline"]
    assert deadline["original_due"] == due.isoformat()
    assert deadline["due"] == (due + datetime.timedelta(days=10)).isoformat()
    [ext] = deadline["extensions"]
    assert (ext["from_date"], ext["reason"], ext["by"]) == (
        due.isoformat(),
        "Lenders need a second appraisal",
        "lead_admin",
    )


def test_a_met_deadline_says_so(kpbu: World) -> None:
    signed(kpbu)
    tab = reverse("partnerships:tab", args=[kpbu.partnership.pk, "lifecycle"])  # /en/...
    lead = Client()
    assert lead.login(username="lead_admin", password=PASSWORD)
    assert 'data-testid="deadline-met"' not in lead.get(tab).content.decode()
    file_document(kpbu, "loan_agreement")
    for name in ("lead_admin", "company_admin"):
        services.sign_off(
            actor=kpbu.users[name], partnership=kpbu.partnership, step=STEP, decision="approve"
        )
    page = lead.get(tab).content.decode()
    assert re.search(r'data-testid="deadline-met">met<', page)
    assert 'data-testid="extend-form"' not in page  # nothing left to extend
    assert "terpenuhi" in lead.get(tab.removeprefix("/en")).content.decode()  # Indonesian
