"""The web sign-in shares the API's failed-sign-in throttle."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_sign_in_works_and_a_wrong_password_is_a_form_error(client, world):
    url = reverse("accounts:login")
    wrong = client.post(url, {"username": "member", "password": "nope"})
    assert wrong.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in wrong.content.decode()
    right = client.post(url, {"username": "member", "password": PASSWORD})
    assert right.status_code == 302


def test_five_failures_lock_the_username_even_with_the_right_password(client, world):
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "member", "password": "guess"})
    response = client.post(url, {"username": "member", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "15 menit" in body or "15 minutes" in body
    # and the API's token endpoint refuses it as well
    token = client.post(
        "/api/v1/auth/token",
        {"username": "member", "password": PASSWORD},
        content_type="application/json",
    )
    assert token.status_code == 429


def test_an_empty_password_does_not_reset_the_count_of_failures(client, world):
    # given four wrong passwords for one username
    url = reverse("accounts:login")
    for _ in range(4):
        client.post(url, {"username": "member", "password": "guess"})
    # when a form without a password comes between the guesses (no credentials were checked)
    empty = client.post(url, {"username": "member", "password": ""})
    assert empty.status_code == 200
    # then it neither counts nor clears the failures: one more guess reaches the limit
    client.post(url, {"username": "member", "password": "guess"})
    response = client.post(url, {"username": "member", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "15 menit" in body or "15 minutes" in body


def test_a_successful_sign_in_does_not_count_against_the_address(client, world):
    from mitra.accounts.services import MAX_FAILURES_PER_ADDRESS

    # given as many successful sign-ins from one address as the address may fail
    url = reverse("accounts:login")
    for _ in range(MAX_FAILURES_PER_ADDRESS + 1):
        client.post(url, {"username": "member", "password": PASSWORD})
        client.logout()
    # then the next one still goes through
    client.post(url, {"username": "member", "password": PASSWORD})
    assert "_auth_user_id" in client.session
