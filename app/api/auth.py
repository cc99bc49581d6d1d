"""Accounts over the API: tokens, registration, verification, password reset,
accepting an invitation."""

from fastapi import APIRouter, BackgroundTasks, status

from app.deps import (
    BearerDep,
    ClientAddress,
    CurrentUser,
    SessionDep,
    SessionFactory,
    SettingsDep,
)
from app.errors import responses
from app.models import TokenPurpose
from app.schemas.user import (
    AcceptInvitationIn,
    Credentials,
    PasswordResetIn,
    PasswordResetRequest,
    RegistrationIn,
    TokenIn,
    TokenOut,
    UserPublic,
)
from app.services import accounts

router = APIRouter(prefix="/auth", tags=["accounts"])


@router.post(
    "/token",
    name="create_token",
    summary="Sign in: get a bearer token",
    responses=responses(401, 403, 422, 429),
)
def create_token(
    session: SessionDep,
    settings: SettingsDep,
    client: ClientAddress,
    credentials: Credentials,
) -> TokenOut:
    """Exchange email and password for a bearer token (stored hashed, revocable,
    expiring). Throttled per account and per client address (429)."""
    user = accounts.authenticate(
        session,
        email=credentials.email,
        password=credentials.password,
        client=client,
        settings=settings,
    )
    secret, token = accounts.sign_in(
        session, user=user, purpose=TokenPurpose.API, settings=settings
    )
    return TokenOut(access_token=secret, expires_at=token.expires_at)


@router.delete(
    "/token",
    name="revoke_token",
    summary="Sign out: revoke this bearer token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401),
)
def revoke_token(session: SessionDep, _user: CurrentUser, bearer: BearerDep) -> None:
    if bearer is not None:
        accounts.revoke_token(session, secret=bearer.credentials)


@router.post(
    "/register",
    name="register",
    summary="Register as a contributor",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(422, 429),
)
def register(
    session: SessionDep,
    settings: SettingsDep,
    client: ClientAddress,
    registration: RegistrationIn,
) -> dict[str, str]:
    """Create an unverified contributor account and email a verification link.

    Always 202 with the same body: an address that already has an account gets
    an email saying so, and the answer does not tell which happened."""
    accounts.register(session, data=registration, client=client, settings=settings)
    return {"status": "accepted"}


@router.post(
    "/verify-email",
    name="verify_email",
    summary="Confirm an email address",
    responses=responses(422),
)
def verify_email(session: SessionDep, link: TokenIn) -> UserPublic:
    return accounts.to_public(accounts.verify_email(session, secret=link.token))


@router.post(
    "/password-reset",
    name="request_password_reset",
    summary="Ask for a password reset link",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(422, 429),
)
def request_password_reset(
    session: SessionDep,
    make_session: SessionFactory,
    settings: SettingsDep,
    client: ClientAddress,
    request: PasswordResetRequest,
    background: BackgroundTasks,
) -> dict[str, str]:
    """Always 202: neither the answer nor its timing tells whether the account
    exists (the link is sent after the answer)."""
    accounts.request_password_reset(
        session, email=request.email, client=client, settings=settings
    )
    background.add_task(
        accounts.send_reset_link, make_session, email=request.email, settings=settings
    )
    return {"status": "accepted"}


@router.post(
    "/password-reset/confirm",
    name="reset_password",
    summary="Set a new password from a reset link",
    responses=responses(422),
)
def reset_password(session: SessionDep, reset: PasswordResetIn) -> UserPublic:
    user = accounts.reset_password(session, secret=reset.token, password=reset.password)
    return accounts.to_public(user)


@router.post(
    "/invitations/accept",
    name="accept_invitation",
    summary="Accept an invitation and choose a password",
    responses=responses(422),
)
def accept_invitation(
    session: SessionDep, acceptance: AcceptInvitationIn
) -> UserPublic:
    user = accounts.accept_invitation(
        session, secret=acceptance.token, password=acceptance.password
    )
    return accounts.to_public(user)
