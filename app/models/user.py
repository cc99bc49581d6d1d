"""Accounts, roles and the permissions each role grants (defined once, here)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.languages import Language
from app.models.project import enum_column


class Role(StrEnum):
    CONTRIBUTOR = "contributor"
    FOCAL_POINT = "focal_point"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Permission(StrEnum):
    """What a role may do, as `resource:action`."""

    PROJECT_CREATE = "project:create"
    PROJECT_EDIT_COUNTRY = "project:edit-country"  # any entry of one's own country
    PROJECT_ENDORSE = "project:endorse"
    PROJECT_MODERATE = "project:moderate"  # see all, decide, archive, the queue
    USER_MANAGE = "user:manage"
    TAXONOMY_EDIT = "taxonomy:edit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CONTRIBUTOR: frozenset({Permission.PROJECT_CREATE}),
    Role.FOCAL_POINT: frozenset(
        {
            Permission.PROJECT_CREATE,
            Permission.PROJECT_EDIT_COUNTRY,
            Permission.PROJECT_ENDORSE,
        }
    ),
    Role.MODERATOR: frozenset({Permission.PROJECT_MODERATE}),
    Role.ADMIN: frozenset(
        {Permission.PROJECT_MODERATE, Permission.USER_MANAGE, Permission.TAXONOMY_EDIT}
    ),
}

# Roles bound to one member state; moderators and admins work for AICTO.
COUNTRY_ROLES = frozenset({Role.CONTRIBUTOR, Role.FOCAL_POINT})


class User(SQLModel, table=True):
    """A person who signs in: contributor, focal point, moderator or admin."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    full_name: str = Field(max_length=200)
    organization: str | None = Field(default=None, max_length=300)
    role: Role = Field(sa_column=enum_column(Role, "role", nullable=False))
    country_iso2: str | None = Field(
        default=None, foreign_key="country.iso2", max_length=2
    )
    preferred_language: Language = Field(
        default=Language.AR,
        sa_column=enum_column(Language, "preferred_language", nullable=False),
    )
    # Null until the person sets one (an invitation not yet accepted).
    password_hash: str | None = Field(default=None, max_length=255)
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def can(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role]


class TokenPurpose(StrEnum):
    API = "api"  # bearer token from POST /api/v1/auth/token
    SESSION = "session"  # the pages' session cookie
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"


SINGLE_USE_PURPOSES = frozenset(
    {TokenPurpose.VERIFY_EMAIL, TokenPurpose.RESET_PASSWORD, TokenPurpose.INVITATION}
)


class UserToken(SQLModel, table=True):
    """A secret handed to a user, stored only as its SHA-256 hash.

    Sign-in tokens are revocable and expire; emailed links are also single-use
    (`revoked_at` is set when they are used).
    """

    __tablename__ = "user_token"
    __table_args__ = (Index(None, "user_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    purpose: TokenPurpose = Field(
        sa_column=enum_column(TokenPurpose, "token_purpose", nullable=False)
    )
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
