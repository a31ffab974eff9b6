"""Token and session authentication of the API."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from mitra.accounts.models import ApiToken, hash_token
from mitra.accounts.services import MAX_FAILURES_PER_USERNAME
from mitra.partnerships.models import Partnership
from tests.api.conftest import API, ApiClient, World, issue_token
from tests.conftest import PASSWORD

TOKEN_URL = f"{API}/auth/token"


def test_issue_token_stores_only_its_hash(world: World) -> None:
    # given the lead admin's credentials
    client = ApiClient()

    # when a token is requested
    before = timezone.now()
    response = client.post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})

    # then a Bearer token valid 30 days comes back once, and only its SHA-256 is stored
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert body["token_type"] == "Bearer"
    assert body["prefix"] == raw[:8]
    token = ApiToken.objects.get()
    assert token.user == world.users["lead_admin"]
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.key_hash, token.prefix}
    assert (
        before + datetime.timedelta(days=30) - datetime.timedelta(seconds=5)
        <= token.expires_at
        <= timezone.now() + datetime.timedelta(days=30)
    )
    # (DjangoJSONEncoder writes milliseconds)
    returned = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(returned - token.expires_at) < datetime.timedelta(milliseconds=1)


def test_token_authenticates_and_sets_request_user_for_the_audit_trail(world: World) -> None:
    # given a token issued through the API, and no session
    raw = (
        ApiClient()
        .post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})
        .json()["token"]
    )
    client = ApiClient(token=raw)

    # when it is used to read and to write
    me = client.get_json(f"{API}/auth/me")
    response = client.patch_json(
        f"{API}/partnerships/{world.partnership.pk}",
        {"version": 1, "title_en": "Toll Road, revised"},
    )

    # then the user is the token's user, seen by permissions and by the history
    assert me.status_code == 200
    assert me.json() == {
        "id": world.users["lead_admin"].pk,
        "username": "lead_admin",
        "is_staff": False,
        "organisations": [
            {
                "organisation_id": world.pemda.pk,
                "organisation_name": "Pemda Jawa Barat",
                "role": "admin",
            }
        ],
    }
    assert response.status_code == 200
    latest = Partnership.history.filter(id=world.partnership.pk).latest("history_date")
    assert latest.history_user == world.users["lead_admin"]
    assert latest.title_en == "Toll Road, revised"
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("username", "password"),
    [("lead_admin", "wrong-password"), ("nobody-here", PASSWORD), ("nobody-here", "wrong")],
)
def test_wrong_credentials_answer_401_without_telling_which_part(
    world: World, username: str, password: str
) -> None:
    # when a token is requested with a wrong username and/or password
    response = ApiClient().post_json(
        TOKEN_URL, {"username": username, "password": password}, headers={"Accept-Language": "en"}
    )

    # then the answer is the same 401 whatever was wrong, and no token exists
    assert response.status_code == 401
    assert response.json() == {"detail": "The username or password is not correct."}
    assert ApiToken.objects.count() == 0


def test_inactive_user_gets_no_token(world: World) -> None:
    # given a deactivated user
    user = world.users["member"]
    user.is_active = False
    user.save()

    # when they ask for a token, then it is the same 401
    response = ApiClient().post_json(TOKEN_URL, {"username": "member", "password": PASSWORD})
    assert response.status_code == 401
    assert ApiToken.objects.count() == 0


def test_repeated_failures_are_throttled(world: World) -> None:
    # given as many failed sign-ins as allowed
    client = ApiClient()
    for _ in range(MAX_FAILURES_PER_USERNAME):
        assert (
            client.post_json(TOKEN_URL, {"username": "lead_admin", "password": "x"}).status_code
            == 401
        )

    # when one more attempt comes, even with the right password
    response = client.post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})

    # then it is refused with 429, and no token is issued
    assert response.status_code == 429
    assert "detail" in response.json()
    assert ApiToken.objects.count() == 0


def test_expired_token_is_refused(world: World) -> None:
    # given a token that expired a minute ago
    raw = issue_token(world.users["member"])
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client = ApiClient(token=raw)

    # when it is used, even on a public read
    private = client.get_json(f"{API}/auth/me")
    public = client.get_json(f"{API}/partnerships")

    # then both answer 401 (the client learns its token lapsed)
    assert private.status_code == 401
    assert public.status_code == 401
    assert private["WWW-Authenticate"] == "Bearer"
    assert "detail" in private.json()


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000]
)
def test_malformed_or_unknown_authorization_is_401(world: World, header: str) -> None:
    response = Client().get(f"{API}/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_revoke_current_token(world: World) -> None:
    # given two tokens of the same user
    raw = issue_token(world.users["member"])
    other = issue_token(world.users["member"])
    client = ApiClient(token=raw)

    # when the first is revoked
    response = client.delete_json(TOKEN_URL)

    # then it no longer works, and the other one still does
    assert response.status_code == 204
    assert client.get_json(f"{API}/auth/me").status_code == 401
    assert ApiClient(token=other).get_json(f"{API}/auth/me").status_code == 200
    assert ApiToken.objects.count() == 1


def test_revoke_needs_a_token(world: World) -> None:
    client = ApiClient()
    client.force_login(world.users["member"])
    assert client.delete_json(TOKEN_URL).status_code == 401
    assert ApiClient().delete_json(TOKEN_URL).status_code == 401


def test_session_writes_need_the_csrf_token(world: World) -> None:
    # given a signed-in browser session with CSRF checks on
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["lead_admin"])
    client.get("/api/v1/auth/me")  # reads are fine without it
    url = f"{API}/partnerships/{world.partnership.pk}"

    # when a write comes without the CSRF token
    refused = client.patch(url, {"version": 1, "title_en": "X"}, content_type="application/json")

    # then it is refused, nothing changes; with the token it passes
    assert refused.status_code == 403
    assert "detail" in refused.json()
    world.partnership.refresh_from_db()
    assert world.partnership.version == 1
    client.cookies["csrftoken"] = "a" * 32
    accepted = client.patch(
        url,
        {"version": 1, "title_en": "X"},
        content_type="application/json",
        headers={"X-CSRFToken": "a" * 32},
    )
    assert accepted.status_code == 200
    assert accepted.json()["title_en"] == "X"


def test_token_requests_need_no_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    raw = issue_token(world.users["lead_admin"])
    response = client.patch(
        f"{API}/partnerships/{world.partnership.pk}",
        {"version": 1},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200


def test_unauthenticated_write_is_401_json(world: World) -> None:
    response = ApiClient().post_json(f"{API}/partnerships", {"title_ind": "X"})
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.fixture
def database_cache(settings, db):
    """The production cache (a table in the database), as `mitra serve` uses it."""
    from django.core.management import call_command

    # (changing CACHES makes Django drop its cache connections: the next use opens the table)
    settings.CACHES = {
        "default": {
            "BACKEND": "mitra.core.caches.AtomicDatabaseCache",
            "LOCATION": "mitra_test_cache",
        }
    }
    call_command("createcachetable", verbosity=0)


@pytest.mark.parametrize("actor", ["lead_admin", "nobody"])
def test_failures_count_with_the_database_cache_of_production(world, database_cache, actor):
    # given the database cache (production), and as many failures as allowed for one username
    client = ApiClient()
    for _ in range(MAX_FAILURES_PER_USERNAME):
        answer = client.post_json(TOKEN_URL, {"username": actor, "password": "wrong"})
        assert answer.status_code == 401
    # when the right password comes next, it is still refused: the failures were kept, not
    # rolled back with the refused request's transaction
    response = client.post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})
    assert response.status_code == (429 if actor == "lead_admin" else 201)


def test_many_usernames_from_one_address_are_throttled_with_the_database_cache(
    world, database_cache
):
    from mitra.accounts.services import MAX_FAILURES_PER_ADDRESS

    client = ApiClient()
    for n in range(MAX_FAILURES_PER_ADDRESS):
        client.post_json(TOKEN_URL, {"username": f"guess{n}", "password": "x"})
    response = client.post_json(TOKEN_URL, {"username": "someone-else", "password": "x"})
    assert response.status_code == 429


def test_behind_a_proxy_one_client_does_not_lock_out_the_others(world, settings):
    from mitra.accounts.services import MAX_FAILURES_PER_ADDRESS

    # given Mitra behind one reverse proxy (every request comes from its address)
    settings.MITRA_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = ApiClient(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for n in range(MAX_FAILURES_PER_ADDRESS + 1):
        attacker.post_json(TOKEN_URL, {"username": f"guess{n}", "password": "x"})
    assert attacker.post_json(TOKEN_URL, {"username": "x", "password": "x"}).status_code == 429
    # when another client signs in through the same proxy, it is not locked out
    other = ApiClient(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = other.post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})
    assert response.status_code == 201
    # and an address the client wrote itself (left of the proxy's) changes nothing
    spoofing = ApiClient(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert spoofing.post_json(TOKEN_URL, {"username": "x", "password": "x"}).status_code == 429


def test_without_trusted_proxies_the_forwarded_header_is_ignored(world, settings):
    from mitra.accounts.services import MAX_FAILURES_PER_ADDRESS

    settings.MITRA_TRUSTED_PROXIES = 0
    for n in range(MAX_FAILURES_PER_ADDRESS):
        ApiClient(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").post_json(
            TOKEN_URL, {"username": f"guess{n}", "password": "x"}
        )
    fresh = ApiClient(HTTP_X_FORWARDED_FOR="192.0.2.1")  # a forged header does not help
    assert fresh.post_json(TOKEN_URL, {"username": "y", "password": "x"}).status_code == 429


def test_the_admin_sign_in_is_throttled_like_the_others(world, client):
    staff = world.users["staff"]
    for _ in range(MAX_FAILURES_PER_USERNAME):
        answer = client.post("/admin/login/", {"username": staff.username, "password": "wrong"})
        assert answer.status_code == 200
    answer = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert answer.status_code == 200  # refused: the form again, not a redirect into the admin
    assert "15" in answer.content.decode()  # "Try again in 15 minutes"
    # and the lock is shared: the API refuses the same account from the same address
    response = ApiClient().post_json(TOKEN_URL, {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429


def test_a_user_lists_and_revokes_their_own_tokens_only(world):
    # given two tokens of the member (one on a lost laptop) and one of another user
    first = ApiClient().post_json(TOKEN_URL, {"username": "member", "password": PASSWORD}).json()
    second = ApiClient().post_json(TOKEN_URL, {"username": "member", "password": PASSWORD}).json()
    other = ApiClient().post_json(TOKEN_URL, {"username": "lead_admin", "password": PASSWORD})
    client = ApiClient(token=second["token"])
    listed = client.get_json(f"{API}/auth/tokens").json()
    assert [t["prefix"] for t in listed] == [second["prefix"], first["prefix"]]
    assert [t["current"] for t in listed] == [True, False]
    assert "token" not in listed[0]  # never the token itself
    # when the member revokes the lost one, it stops working; the current one still works
    lost = next(t for t in listed if t["prefix"] == first["prefix"])
    assert client.delete_json(f"{API}/auth/tokens/{lost['id']}").status_code == 204
    assert ApiClient(token=first["token"]).get_json(f"{API}/auth/me").status_code == 401
    assert client.get_json(f"{API}/auth/me").status_code == 200
    # and another user's token is not theirs to revoke (404, it keeps working)
    theirs = ApiToken.objects.get(prefix=other.json()["prefix"])
    assert client.delete_json(f"{API}/auth/tokens/{theirs.pk}").status_code == 404
    assert ApiClient(token=other.json()["token"]).get_json(f"{API}/auth/me").status_code == 200
