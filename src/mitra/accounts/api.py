"""API for accounts: `POST/DELETE /api/v1/auth/token` and `GET /api/v1/auth/me`."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.errors import AuthenticationError

from . import selectors, services
from .auth import AUTHENTICATED, TOKEN_ONLY
from .schemas import ErrorOut, MembershipOut, MeOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Issue an API token",
)
def token_create(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, object]]:
    """Exchange a username and password for a Bearer token (valid 30 days).

    Wrong username or password both answer 401 with the same message; repeated failures answer 429.
    """
    token, raw = services.token_issue(
        username=payload.username,
        password=payload.password,
        client=services.client_address(request),
        request=request,
    )
    return Status(201, {"token": raw, "prefix": token.prefix, "expires_at": token.expires_at})


@router.delete(
    "/token",
    auth=TOKEN_ONLY,
    response={204: None, 400: ErrorOut, 401: ErrorOut},
    summary="Revoke the current token",
)
def token_delete(request: HttpRequest) -> HttpResponse:
    """Revoke the token this request is authenticated with."""
    token = getattr(request, "api_token", None)
    if token is None:  # pragma: no cover - TOKEN_ONLY guarantees it
        raise AuthenticationError()
    services.token_revoke(token=token)
    return HttpResponse(status=204)


@router.get(
    "/me",
    auth=AUTHENTICATED,
    response={200: MeOut, 400: ErrorOut, 401: ErrorOut},
    summary="The current user",
)
def me(request: HttpRequest) -> MeOut:
    """Who the token or session belongs to, and their organisations."""
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        is_staff=user.is_staff,
        organisations=[
            MembershipOut(
                organisation_id=m.organisation_id,
                organisation_name=m.organisation.name,
                role=m.role,
            )
            for m in selectors.user_memberships(user=user)
        ],
    )
