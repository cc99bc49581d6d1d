"""Account shapes: registration, sign-in, tokens, invitations, user admin."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.languages import Language
from app.models.user import Role
from app.schemas.common import SINGLE_LINE, Iso2

PASSWORD_MIN_LENGTH = 10

Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=256)]
PersonName = Annotated[
    str, StringConstraints(min_length=1, max_length=200), *SINGLE_LINE
]
Secret = Annotated[str, StringConstraints(min_length=10, max_length=200)]


class Credentials(BaseModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class RegistrationIn(BaseModel):
    """A contributor signing up for their organisation in one member state."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    email: EmailStr
    password: Password
    full_name: PersonName
    organization: PersonName
    country: Iso2
    preferred_language: Language = Language.AR


class AccountIn(BaseModel):
    """A verified account made from the console (the first admin, scripts):
    the same email, name and password rules as registration, so every account
    it makes can sign in."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    email: EmailStr
    password: Password
    full_name: PersonName
    role: Role
    country: Iso2 | None = None
    preferred_language: Language = Language.AR


class TokenIn(BaseModel):
    """A secret from an emailed link."""

    token: Secret


class PasswordResetRequest(BaseModel):
    email: EmailStr


class PasswordResetIn(BaseModel):
    token: Secret
    password: Password


class InvitationIn(BaseModel):
    """An admin invites a focal point, moderator or admin (or a contributor)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    email: EmailStr
    full_name: PersonName
    role: Role
    country: Iso2 | None = None
    organization: PersonName | None = None
    preferred_language: Language = Language.AR


class AcceptInvitationIn(BaseModel):
    token: Secret
    password: Password


class UserPublic(BaseModel):
    """A user as the user themself and admins see them."""

    id: int
    email: str
    full_name: str
    organization: str | None
    role: Role
    country: str | None
    preferred_language: Language
    email_verified: bool
    is_active: bool
    created_at: datetime


class UserUpdate(BaseModel):
    """What an admin may change on an account."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    country: Iso2 | None = None
    is_active: bool | None = None
