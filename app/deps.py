"""Dependencies shared by the API and page routes: session, settings, who is
calling and what they may do. Handlers declare who may call them in their
signature (`ModeratorUser`, `AdminUser`, ...)."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.config import Settings
from app.db import ReadReplica, session_scope
from app.errors import ErrorCode, NotAuthenticated, PermissionDenied
from app.models import Permission, TokenPurpose, User
from app.services import accounts

SESSION_COOKIE = "stocktaking_session"
API_PREFIX = "/api/"
PUBLIC_READ_METHODS = frozenset({"GET", "HEAD"})


def is_public_read(request: Request) -> bool:
    """A GET or HEAD carrying neither a session cookie nor an Authorization
    header: whatever it shows, any visitor may see, a little late."""
    return (
        request.method in PUBLIC_READ_METHODS
        and SESSION_COOKIE not in request.cookies
        and "authorization" not in request.headers
    )


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request, on an engine `create_app` built.

    Public reads go to the read replica when there is one and it answers;
    everything else (writes, and every request of a signed-in caller, so they
    read what they just wrote) goes to the primary.
    """
    replica: ReadReplica | None = request.app.state.read_replica
    if replica is not None and is_public_read(request):
        session = replica.open_session()
        if session is not None:
            with session:
                yield session
            return
    yield from session_scope(request.app.state.engine)


def get_session_factory(request: Request) -> Callable[[], Session]:
    """Sessions for work done after the answer (a background task), when the
    request's own session is closed. Always on the primary."""
    engine = request.app.state.engine
    return lambda: Session(engine)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_client_address(request: Request) -> str:
    """The caller's address, which throttling counts by. Behind a reverse proxy
    it is the proxy's unless uvicorn trusts its forwarded headers (see
    STOCKTAKING_FORWARDED_ALLOW_IPS in the README)."""
    return request.client.host if request.client else "unknown"


SessionDep = Annotated[Session, Depends(get_session)]
# An entry's public id in a path (`/projects/{project_id}/...`), API and pages.
ProjectId = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z]+$")]
SessionFactory = Annotated[Callable[[], Session], Depends(get_session_factory)]
ClientAddress = Annotated[str, Depends(get_client_address)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
bearer_scheme = HTTPBearer(
    auto_error=False, description="A token from /api/v1/auth/token"
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def get_optional_user(
    request: Request, session: SessionDep, bearer: BearerDep
) -> User | None:
    """The caller: from a bearer token (API) or the session cookie (pages).

    A bearer token that is wrong, expired or revoked is a 401, not anonymity.
    The JSON API takes bearer tokens only: a cookie is ambient authority (a form
    on another site sends it along), so under /api a session cookie is ignored
    and cross-site requests can do nothing there. Pages check a CSRF token.
    """
    if bearer is not None:
        user = accounts.user_for_token(
            session, secret=bearer.credentials, purpose=TokenPurpose.API
        )
        if user is None:
            raise NotAuthenticated(ErrorCode.INVALID_TOKEN)
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and not request.url.path.startswith(API_PREFIX):
        return accounts.user_for_token(
            session, secret=cookie, purpose=TokenPurpose.SESSION
        )
    return None


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(permission: Permission) -> Callable[[User], User]:
    """A dependency: the signed-in caller, if their role grants `permission`."""

    def caller_with_permission(user: CurrentUser) -> User:
        if not user.can(permission):
            raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
        return user

    return caller_with_permission


ContributingUser = Annotated[User, Depends(require(Permission.PROJECT_CREATE))]
ModeratorUser = Annotated[User, Depends(require(Permission.PROJECT_MODERATE))]
AdminUser = Annotated[User, Depends(require(Permission.USER_MANAGE))]
