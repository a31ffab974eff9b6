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


def test_every_admin_changelist_and_change_page_opens(superuser_client, world, rf):
    request = rf.get("/")
    request.user = world.users["staff"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert superuser_client.get(changelist).status_code == 200, changelist
        obj = model_admin.get_queryset(request).first()
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
            "title_ind": "Equity (corrected)",
            "title_en": "",
            "resource_type": "cash",
            "description_ind": "",
            "description_en": "",
            "quantity": "500000000.00",
            "unit": "",
            "currency": "IDR",
            "due_date": "",
            "version": "1",
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


def test_a_stale_admin_save_is_refused_and_changes_nothing(superuser_client, world):
    # given staff opened the need at version 1, and the lead admin then saved version 2
    from mitra.partnerships import services

    need = world.need
    services.need_update(
        actor=world.users["lead_admin"],
        need=need,
        expected_version=1,
        data={"title": "Equity (lead)"},
    )
    url = reverse("admin:partnerships_need_change", args=[need.pk])
    # when staff save their copy of version 1
    response = superuser_client.post(
        url,
        {
            "partnership": need.partnership_id,
            "title_ind": "Equity (staff)",
            "title_en": "",
            "resource_type": "cash",
            "description_ind": "",
            "description_en": "",
            "quantity": "500000000.00",
            "unit": "",
            "currency": "IDR",
            "due_date": "",
            "version": "1",
        },
    )
    # then the form is shown again with the error, and the lead's change stands
    assert response.status_code == 200
    assert (
        "Someone else saved" in response.content.decode()
        or "Data sudah diubah pengguna lain" in response.content.decode()
    )
    stored = Need.objects.get(pk=need.pk)
    assert (stored.title, stored.version) == ("Equity (lead)", 2)


def test_owner_only_items_stay_out_of_the_admin(superuser_client, world):
    # the company's owner-only objective, document and commitment: not listed, not opened
    for name, item in (
        ("objective", world.secret_objective),
        ("document", world.secret_document),
        ("commitment", world.secret_commitment),
    ):
        changelist = superuser_client.get(reverse(f"admin:partnerships_{name}_changelist"))
        assert changelist.status_code == 200
        change = reverse(f"admin:partnerships_{name}_change", args=[item.pk])
        assert change not in changelist.content.decode()
        assert superuser_client.get(change).status_code in (302, 404)
        history = reverse(f"admin:partnerships_{name}_history", args=[item.pk])
        assert superuser_client.get(history).status_code == 404
    body = superuser_client.get(reverse("admin:partnerships_objective_changelist")).content
    assert b"Walk away" not in body


@pytest.mark.parametrize("target", ["partnership", "need"])
def test_delete_confirmation_never_shows_owner_only_items(superuser_client, world, target):
    # given a partnership (and its need) holding a company's owner-only pledge and model
    obj = world.partnership if target == "partnership" else world.need
    url = reverse(f"admin:partnerships_{target}_delete", args=[obj.pk])
    # when platform staff open the delete confirmation
    html = superuser_client.get(url).content.decode()
    # then the items are named as confidential, never with their amount or title
    assert "77000000" not in html and "77.000.000" not in html and "77,000,000" not in html
    assert "Confidential financial model" not in html
    assert "200000000" in html or "200.000.000" in html or "200,000,000" in html  # the shared one


def test_delivery_drop_downs_offer_no_owner_only_commitment_or_document(superuser_client, world):
    html = superuser_client.get(reverse("admin:partnerships_delivery_add")).content.decode()
    assert f'value="{world.commitment.pk}"' in html
    assert f'value="{world.secret_commitment.pk}"' not in html
    assert f'value="{world.secret_document.pk}"' not in html
    # and a delivery cannot be attached to one by posting its id
    response = superuser_client.post(
        reverse("admin:partnerships_delivery_add"),
        {
            "commitment": world.secret_commitment.pk,
            "delivered_on": "2026-02-01",
            "quantity": "1.00",
            "notes": "",
            "version": "1",
        },
    )
    assert response.status_code == 200  # the form again, with an error: nothing saved
    assert not world.secret_commitment.deliveries.exists()


def test_with_otp_required_staff_need_a_code_from_their_device(client, world, settings):
    from io import StringIO

    from django.core.management import call_command
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import PASSWORD

    settings.MITRA_ADMIN_OTP = True
    staff = world.users["staff"]
    out = StringIO()
    call_command("staff_otp", staff.username, stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    device = TOTPDevice.objects.get(user=staff)
    # a password alone no longer opens the admin
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.logout()
    answer = client.post(
        "/admin/login/",
        {"username": staff.username, "password": PASSWORD, "otp_device": device.persistent_id},
    )
    assert answer.status_code == 200 and client.get("/admin/").status_code == 302
    # the password and the current code do
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    answer = client.post(
        "/admin/login/",
        {
            "username": staff.username,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code,
        },
    )
    assert answer.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_production_requires_the_second_factor():
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['SECRET_KEY'] = 'x' * 60; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'mitra.config.settings.production'; "
        "django.setup(); from django.conf import settings; print(settings.MITRA_ADMIN_OTP)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
