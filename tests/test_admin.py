"""The Django admin for platform staff: every page opens, and a save is audited and versioned."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from mitra.partnerships.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, world):
    user = world.users["staff"]
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_every_admin_changelist_and_change_page_opens(superuser_client, world):
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert superuser_client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert superuser_client.get(change).status_code == 200, change


def test_an_admin_save_bumps_the_version_and_records_the_staff_user(superuser_client, world):
    # given a need at version 1
    need = world.need
    url = reverse("admin:partnerships_need_change", args=[need.pk])
    # when staff change its title in the admin
    response = superuser_client.post(
        url,
        {
            "partnership": need.partnership_id,
            "title": "Equity (corrected)",
            "resource_type": "cash",
            "description": "",
            "quantity": "500000000.00",
            "unit": "",
            "currency": "IDR",
            "due_date": "",
        },
    )
    # then it is saved, one version later, and the history names the staff user
    assert response.status_code == 302
    stored = Need.objects.get(pk=need.pk)
    assert (stored.title, stored.version) == ("Equity (corrected)", 2)
    assert stored.history.latest("history_date").history_user == world.users["staff"]


def test_non_staff_cannot_open_the_admin(client, world):
    client.force_login(world.users["lead_admin"])
    response = client.get(reverse("admin:partnerships_partnership_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
