"""User administration (admins) and the caller's own account and entries."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from app.errors import responses
from app.schemas.project import ProjectRecord
from app.schemas.user import InvitationIn, UserPublic, UserUpdate
from app.services import accounts, projects

router = APIRouter(tags=["accounts"])


@router.get("/me", name="get_me", summary="Who am I", responses=responses(401))
def get_me(user: CurrentUser) -> UserPublic:
    return accounts.to_public(user)


@router.get(
    "/me/projects",
    name="list_my_projects",
    summary="The entries I work on",
    responses=responses(401),
)
def list_my_projects(session: SessionDep, user: CurrentUser) -> list[ProjectRecord]:
    """Your own entries in every status (a focal point: also your country's)."""
    return projects.list_my_projects(session, user=user)


@router.get(
    "/users", name="list_users", summary="List users", responses=responses(401, 403)
)
def list_users(session: SessionDep, _admin: AdminUser) -> list[UserPublic]:
    return [accounts.to_public(user) for user in accounts.list_users(session)]


@router.post(
    "/invitations",
    name="invite_user",
    summary="Invite a focal point, moderator or admin",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 409, 422),
)
def invite_user(
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    invitation: InvitationIn,
) -> UserPublic:
    user = accounts.invite(session, inviter=admin, data=invitation, settings=settings)
    return accounts.to_public(user)


@router.patch(
    "/users/{user_id}",
    name="update_user",
    summary="Change a user's role, country or active flag",
    responses=responses(401, 403, 404, 422),
)
def update_user(
    session: SessionDep,
    _admin: AdminUser,
    user_id: Annotated[int, Path(ge=1, le=2**62)],
    change: UserUpdate,
) -> UserPublic:
    return accounts.to_public(
        accounts.update_user(session, user_id=user_id, data=change)
    )
