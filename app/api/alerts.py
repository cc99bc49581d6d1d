"""Follows and saved searches: the JSON API (the same services as /me/alerts)."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.deps import CurrentUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.schemas.subscriptions import (
    FollowPublic,
    SavedSearchCreate,
    SavedSearchPublic,
    SavedSearchUpdate,
)
from app.services import saved_searches, subscriptions

router = APIRouter(tags=["exchange"])

SearchId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/me/saved-searches",
    name="list_saved_searches",
    summary="My saved searches",
    responses=responses(401),
)
def list_saved_searches(
    session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> list[SavedSearchPublic]:
    """The newest first, each with its private feed's address."""
    return saved_searches.list_saved_searches(session, user=user, settings=settings)


@router.post(
    "/me/saved-searches",
    name="create_saved_search",
    summary="Save a catalog search and be alerted to it",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 409, 422),
)
def create_saved_search(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    data: SavedSearchCreate,
) -> SavedSearchPublic:
    """`query` takes the catalog's parameters (as in GET /projects, or a
    catalog page's address); paging, sort and `lang` are left out. A digest
    of the entries published since the last one comes `frequency`, in
    `language` (default: the account's); every digest has a one-click
    unsubscribe link. 409 past 50 saved searches."""
    return saved_searches.save_search(session, user=user, data=data, settings=settings)


@router.patch(
    "/me/saved-searches/{search_id}",
    name="update_saved_search",
    summary="Rename a saved search or change its digests",
    responses=responses(401, 404, 422),
)
def update_saved_search(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    search_id: SearchId,
    data: SavedSearchUpdate,
) -> SavedSearchPublic:
    return saved_searches.update_saved_search(
        session, user=user, search_id=search_id, data=data, settings=settings
    )


@router.post(
    "/me/saved-searches/{search_id}/feed",
    name="renew_saved_search_feed",
    summary="Give a saved search's private feed a new address",
    responses=responses(401, 404, 422),
)
def renew_saved_search_feed(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, search_id: SearchId
) -> SavedSearchPublic:
    """For an address that was shared: `feed_url` is new, and the old
    address answers 404 from now on."""
    return saved_searches.renew_feed(
        session, user=user, search_id=search_id, settings=settings
    )


@router.delete(
    "/me/saved-searches/{search_id}",
    name="delete_saved_search",
    summary="Delete a saved search (its digests and feed stop)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 422),
)
def delete_saved_search(
    session: SessionDep, user: CurrentUser, search_id: SearchId
) -> None:
    saved_searches.delete_saved_search(session, user=user, search_id=search_id)


@router.get(
    "/me/follows",
    name="list_follows",
    summary="The entries I follow",
    responses=responses(401),
)
def list_follows(session: SessionDep, user: CurrentUser) -> list[FollowPublic]:
    """The latest followed first; `published` false for one archived since."""
    return subscriptions.list_follows(session, user=user)


@router.post(
    "/projects/{project_id}/follow",
    name="follow_project",
    summary="Follow a published entry",
    responses=responses(401, 404, 409, 422),
)
def follow_project(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> FollowPublic:
    """Emails come when a revision is published, a relation is accepted or
    the entry is designated a good practice. Following twice changes nothing."""
    return subscriptions.follow(session, user=user, public_id=project_id)


@router.delete(
    "/projects/{project_id}/follow",
    name="unfollow_project",
    summary="Stop following an entry",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 422),
)
def unfollow_project(
    session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> None:
    """Not following it is no error."""
    subscriptions.unfollow(session, user=user, public_id=project_id)
