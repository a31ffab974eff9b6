"""`mitra demo`: realistic partnerships, the documented logins, and only on demand."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from mitra.partnerships.models import Commitment, Delivery, Document, Objective, Partnership
from mitra.partnerships.selectors import partnership_list

pytestmark = pytest.mark.django_db


def test_demo_loads_the_five_partnerships_and_logins():
    # given an empty database, when the demo is loaded
    out = StringIO()
    call_command("demo", stdout=out)
    # then the five forms are there, with one partners-only and one draft
    forms = sorted(Partnership.objects.values_list("form", flat=True))
    assert forms == ["pentahelix", "ppp", "ppp", "psp", "triple_helix"]
    visibilities = set(Partnership.objects.values_list("visibility", flat=True))
    assert {"public", "partners", "draft"} <= visibilities
    assert Commitment.objects.count() >= 10 and Delivery.objects.exists()
    assert Objective.objects.exists() and Document.objects.exists()
    # and the documented logins work with the documented password
    for username in ("pemda", "lsm", "swasta", "kampus", "admin"):
        assert authenticate(username=username, password="mitra-demo") is not None, username
    assert get_user_model().objects.get(username="admin").is_staff
    assert "pemda" in out.getvalue() and "mitra-demo" in out.getvalue()


def test_pemda_leads_the_school_psp():
    call_command("demo", stdout=StringIO())
    pemda = get_user_model().objects.get(username="pemda")
    led = partnership_list(user=pemda, filters={"my_role": "lead"})
    assert [p.form for p in led] == ["psp"]


def test_toll_road_has_the_expected_cast():
    call_command("demo", stdout=StringIO())
    toll = Partnership.objects.get(development_sector="toll_road")
    roles = {m.organisation.sector: m.roles for m in toll.members.select_related("organisation")}
    assert "contracting_agency" in roles["public"] or "guarantor" in roles["public"]
    all_roles = {r for m in toll.members.all() for r in m.roles}
    assert {
        "contracting_agency",
        "project_company",
        "financier",
        "guarantor",
        "community_liaison",
    } <= all_roles


def test_demo_refuses_a_database_with_data_and_if_empty_is_a_no_op():
    call_command("demo", stdout=StringIO())
    count = Partnership.objects.count()
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Partnership.objects.count() == count
    assert "already has data" in out.getvalue()


def test_no_demo_data_without_the_command():
    assert not get_user_model().objects.filter(username="pemda").exists()
    assert not Partnership.objects.exists()
