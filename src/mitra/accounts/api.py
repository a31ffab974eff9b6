"""API for accounts: `POST/DELETE /api/v1/auth/token`, `GET /api/v1/auth/tokens`,
`DELETE /api/v1/auth/tokens/{id}` and `GET /api/v1/auth/me`."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status
from ninja.errors import AuthenticationError

from mitra.core.errors import NotFound

from . import selectors, services
from .auth import AUTHENTICATED, TOKEN_ONLY
from .models import ApiToken
from .schemas import ErrorOut, MembershipOut, MeOut, TokenIn, TokenInfoOut, TokenOut

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
    "/tokens",
    auth=AUTHENTICATED,
    response={200: list[TokenInfoOut], 400: ErrorOut, 401: ErrorOut},
    summary="My API tokens",
)
def tokens(request: HttpRequest) -> list[dict[str, object]]:
    """The tokens of the signed-in user that still work (never the tokens themselves: only
    their prefix), so that a lost or leaked one can be revoked."""
    current = getattr(request, "api_token", None)
    return [
        {
            "id": t.pk,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "current": current is not None and current.pk == t.pk,
        }
        for t in selectors.token_list(user=request.user)
    ]


@router.delete(
    "/tokens/{token_id}",
    auth=AUTHENTICATED,
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Revoke one of my API tokens",
)
def token_revoke(
    request: HttpRequest,
    token_id: int = Path(..., ge=1, le=2**63 - 1, description="Id of the token (see GET /tokens)."),
) -> HttpResponse:
    """Revoke a token of the signed-in user by its id (another user's token is 404)."""
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise NotFound(_("Token not found."))
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
