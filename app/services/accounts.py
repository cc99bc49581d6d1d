"""Accounts: registration and verification, sign-in tokens, password reset,
invitations and user administration.

Secrets handed out (tokens, emailed links) are stored only as hashes; emailed
links are single-use and expire.
"""

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app.config import Settings
from app.db import utcnow
from app.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from app.i18n import translate
from app.messages import ROLE_LABELS
from app.models import Country, Role, TokenPurpose, User, UserToken
from app.models.user import COUNTRY_ROLES, SINGLE_USE_PURPOSES
from app.schemas.user import (
    AccountIn,
    InvitationIn,
    RegistrationIn,
    UserPublic,
    UserUpdate,
)
from app.security import hash_password, hash_secret, new_secret, verify_password
from app.services import mail, throttle

LINK_PATHS = {
    TokenPurpose.VERIFY_EMAIL: "/verify-email",
    TokenPurpose.RESET_PASSWORD: "/reset-password",
    TokenPurpose.INVITATION: "/invitations/accept",
}


def _lifetime(settings: Settings, purpose: TokenPurpose) -> timedelta:
    hours = {
        TokenPurpose.API: settings.api_token_lifetime_hours,
        TokenPurpose.SESSION: settings.session_lifetime_hours,
        TokenPurpose.VERIFY_EMAIL: settings.verification_link_hours,
        TokenPurpose.RESET_PASSWORD: settings.reset_link_hours,
        TokenPurpose.INVITATION: settings.invitation_link_hours,
    }[purpose]
    return timedelta(hours=hours)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.exec(
        select(User).where(User.email == normalize_email(email))
    ).first()


def issue_token(
    session: Session, *, user: User, purpose: TokenPurpose, settings: Settings
) -> tuple[str, UserToken]:
    """A new secret for `user`; only its hash is stored. Not committed here."""
    secret = new_secret()
    assert user.id is not None
    token = UserToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=hash_secret(secret),
        expires_at=utcnow() + _lifetime(settings, purpose),
    )
    session.add(token)
    return secret, token


def _live_token(
    session: Session, secret: str, purpose: TokenPurpose
) -> UserToken | None:
    token = session.exec(
        select(UserToken).where(UserToken.token_hash == hash_secret(secret))
    ).first()
    if (
        token is None
        or token.purpose != purpose
        or token.revoked_at is not None
        or token.expires_at <= utcnow()
    ):
        return None
    return token


def user_for_token(
    session: Session, *, secret: str, purpose: TokenPurpose
) -> User | None:
    """The active user a sign-in secret belongs to, if it is valid."""
    token = _live_token(session, secret, purpose)
    if token is None:
        return None
    user = session.get(User, token.user_id)
    return user if user is not None and user.is_active else None


def _use_link(session: Session, secret: str, purpose: TokenPurpose) -> User:
    """Consume a single-use emailed link: its user, or 422 INVALID_TOKEN."""
    assert purpose in SINGLE_USE_PURPOSES
    token = _live_token(session, secret, purpose)
    user = session.get(User, token.user_id) if token else None
    if token is None or user is None:
        raise InvalidInput(ErrorCode.INVALID_TOKEN, loc=("body", "token"))
    token.revoked_at = utcnow()
    session.add(token)
    return user


def _send_link(
    session: Session,
    *,
    user: User,
    purpose: TokenPurpose,
    settings: Settings,
    **context: object,
) -> None:
    secret, _token = issue_token(session, user=user, purpose=purpose, settings=settings)
    link = f"{settings.public_base_url}{LINK_PATHS[purpose]}?token={secret}"
    hours = int(_lifetime(settings, purpose).total_seconds() // 3600)
    mail.queue(
        session,
        kind=purpose.value,
        to=user,
        context={"link": link, "hours": hours, **context},
    )


def _check_role_country(session: Session, role: Role, country: str | None) -> None:
    if role in COUNTRY_ROLES and country is None:
        raise InvalidInput(ErrorCode.COUNTRY_REQUIRED, loc=("body", "country"))
    if role not in COUNTRY_ROLES and country is not None:
        raise InvalidInput(ErrorCode.COUNTRY_NOT_ALLOWED, loc=("body", "country"))
    if country is not None and session.get(Country, country) is None:
        raise InvalidInput(
            ErrorCode.UNKNOWN_CODE, loc=("body", "country"), code=country
        )


def _insert_user(session: Session, user: User) -> User:
    """Store a new account (flushed, not committed). Two requests for one
    address at the same moment both pass the check before it; the database's
    unique index decides, and the loser gets the 409, not a 500."""
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(ErrorCode.EMAIL_TAKEN, loc=("body", "email")) from error
    return user


def _check_email_free(session: Session, email: str) -> None:
    if find_user(session, email) is not None:
        raise Conflict(ErrorCode.EMAIL_TAKEN, loc=("body", "email"))


def register(
    session: Session, *, data: RegistrationIn, client: str, settings: Settings
) -> None:
    """A new contributor, unverified until they open the emailed link.

    The answer is the same whether the address is new or already has an account
    (no enumeration): for a known address its owner is emailed instead ("you
    already have an account"), after the same password hashing as a new one.
    """
    throttle.hit(
        session,
        key=f"register:client:{client}",
        limit=_limit(settings.registration_limit_per_client),
    )
    _check_role_country(session, Role.CONTRIBUTOR, data.country)
    password_hash = hash_password(data.password)
    existing = find_user(session, data.email)
    if existing is None:
        user = User(
            email=normalize_email(data.email),
            full_name=data.full_name,
            organization=data.organization,
            role=Role.CONTRIBUTOR,
            country_iso2=data.country,
            preferred_language=data.preferred_language,
            password_hash=password_hash,
        )
        try:
            _insert_user(session, user)
        except Conflict:  # registered at the same moment by another request
            existing = find_user(session, data.email)
        else:
            _send_link(
                session, user=user, purpose=TokenPurpose.VERIFY_EMAIL, settings=settings
            )
    if existing is not None:
        _tell_account_exists(session, user=existing, settings=settings)
    session.commit()


def _tell_account_exists(session: Session, *, user: User, settings: Settings) -> None:
    mail.queue(
        session,
        kind="account_exists",
        to=user,
        context={
            "login_link": f"{settings.public_base_url}/login",
            "reset_link": f"{settings.public_base_url}/reset-password",
        },
    )


def verify_email(session: Session, *, secret: str) -> User:
    user = _use_link(session, secret, TokenPurpose.VERIFY_EMAIL)
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    session.commit()
    return user


def _limit(text: str) -> throttle.Limit:
    return throttle.Limit.parse(text)


def authenticate(
    session: Session, *, email: str, password: str, client: str, settings: Settings
) -> User:
    """The user with these credentials, allowed to sign in; else 401 or 403.

    Throttled before any password is hashed (argon2 costs ~0.5 s of CPU): every
    attempt counts against the client address, failed ones against the account.
    When an account's limit is reached its owner is told by email.
    """
    address = normalize_email(email)
    account_key, account_limit = (
        f"sign-in:account:{address}",
        _limit(settings.sign_in_limit_per_account),
    )
    throttle.check(session, key=account_key, limit=account_limit)
    throttle.hit(
        session,
        key=f"sign-in:client:{client}",
        limit=_limit(settings.sign_in_limit_per_client),
    )
    user = find_user(session, address)
    if not verify_password(password, user.password_hash if user else None):
        failures = throttle.record(session, key=account_key, limit=account_limit)
        if user is not None and failures == account_limit.attempts:
            _notify_sign_in_paused(
                session, user=user, limit=account_limit, settings=settings
            )
        raise NotAuthenticated(ErrorCode.INVALID_CREDENTIALS)
    assert user is not None
    if not user.is_active:
        raise PermissionDenied(ErrorCode.ACCOUNT_DISABLED)
    if user.email_verified_at is None:
        raise PermissionDenied(ErrorCode.EMAIL_NOT_VERIFIED)
    return user


def _notify_sign_in_paused(
    session: Session, *, user: User, limit: throttle.Limit, settings: Settings
) -> None:
    """Tell the owner that wrong passwords paused sign-in to their account."""
    mail.queue(
        session,
        kind="sign_in_paused",
        to=user,
        context={
            "attempts": limit.attempts,
            "minutes": max(1, limit.seconds // 60),
            "reset_link": f"{settings.public_base_url}/reset-password",
        },
    )
    session.commit()


def sign_in(
    session: Session, *, user: User, purpose: TokenPurpose, settings: Settings
) -> tuple[str, UserToken]:
    """Issue a bearer token or a session for a signed-in user."""
    secret, token = issue_token(session, user=user, purpose=purpose, settings=settings)
    session.commit()
    session.refresh(token)
    return secret, token


def revoke_token(session: Session, *, secret: str) -> None:
    """Sign out: the token stops working at once."""
    session.exec(
        update(UserToken)
        .where(col(UserToken.token_hash) == hash_secret(secret))
        .where(col(UserToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    session.commit()


def request_password_reset(
    session: Session, *, email: str, client: str, settings: Settings
) -> None:
    """Count a reset request against its client and its address (429 when one
    is used up). Whether a link goes out is decided later, by
    `send_reset_link`, after the answer: this part does the same work for an
    address that has an account and one that has none."""
    address = normalize_email(email)
    throttle.hit(
        session,
        key=f"reset:client:{client}",
        limit=_limit(settings.reset_limit_per_client),
    )
    throttle.hit(
        session,
        key=f"reset:address:{address}",
        limit=_limit(settings.reset_limit_per_address),
    )


def send_reset_link(
    make_session: Callable[[], Session], *, email: str, settings: Settings
) -> None:
    """Email a reset link if the account exists; run after the answer is sent
    (a background task), so its timing tells nothing about the address."""
    with make_session() as session:
        user = find_user(session, email)
        if user is not None and user.is_active:
            _send_link(
                session,
                user=user,
                purpose=TokenPurpose.RESET_PASSWORD,
                settings=settings,
            )
            session.commit()


def _revoke_sign_ins(session: Session, user: User) -> None:
    session.exec(
        update(UserToken)
        .where(col(UserToken.user_id) == user.id)
        .where(col(UserToken.purpose).in_([TokenPurpose.API, TokenPurpose.SESSION]))
        .where(col(UserToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def reset_password(session: Session, *, secret: str, password: str) -> User:
    """Set a new password from a reset link; every existing sign-in ends."""
    user = _use_link(session, secret, TokenPurpose.RESET_PASSWORD)
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    session.add(user)
    _revoke_sign_ins(session, user)
    session.commit()
    return user


def invite(
    session: Session, *, inviter: User, data: InvitationIn, settings: Settings
) -> User:
    """Create an account with `data.role` and email its owner a link to accept."""
    _check_email_free(session, data.email)
    _check_role_country(session, data.role, data.country)
    user = User(
        email=normalize_email(data.email),
        full_name=data.full_name,
        organization=data.organization,
        role=data.role,
        country_iso2=data.country,
        preferred_language=data.preferred_language,
    )
    _insert_user(session, user)
    role = translate(user.preferred_language, ROLE_LABELS[data.role])
    _send_link(
        session,
        user=user,
        purpose=TokenPurpose.INVITATION,
        settings=settings,
        inviter=inviter.full_name,
        role=role,
    )
    session.commit()
    return user


def accept_invitation(session: Session, *, secret: str, password: str) -> User:
    user = _use_link(session, secret, TokenPurpose.INVITATION)
    user.password_hash = hash_password(password)
    user.email_verified_at = utcnow()
    session.add(user)
    session.commit()
    return user


def create_user(session: Session, *, data: AccountIn) -> User:
    """A verified account, for the console (the first admin, scripts)."""
    _check_email_free(session, data.email)
    _check_role_country(session, data.role, data.country)
    user = User(
        email=normalize_email(data.email),
        full_name=data.full_name,
        role=data.role,
        country_iso2=data.country,
        preferred_language=data.preferred_language,
        password_hash=hash_password(data.password),
        email_verified_at=utcnow(),
    )
    _insert_user(session, user)
    session.commit()
    session.refresh(user)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.id))).all())


def update_user(session: Session, *, user_id: int, data: UserUpdate) -> User:
    """Change a user's role, country or active flag (an admin's decision)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, loc=("path", "user_id"))
    changes = data.model_dump(exclude_unset=True)
    role = changes.get("role", user.role)
    country = changes.get("country", user.country_iso2)
    if role not in COUNTRY_ROLES and "country" not in changes:
        country = None
    _check_role_country(session, role, country)
    user.role, user.country_iso2 = role, country
    if "is_active" in changes and changes["is_active"] is not None:
        user.is_active = changes["is_active"]
        if not user.is_active:
            _revoke_sign_ins(session, user)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def to_public(user: User) -> UserPublic:
    assert user.id is not None
    return UserPublic(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        organization=user.organization,
        role=user.role,
        country=user.country_iso2,
        preferred_language=user.preferred_language,
        email_verified=user.email_verified_at is not None,
        is_active=user.is_active,
        created_at=user.created_at,
    )
