"""Contact an entry's team through the relay: the JSON API. The same services
as the pages; no answer holds an email address."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.i18n import request_locale
from app.schemas.contact import (
    ContactThreadPublic,
    MessageLog,
    MyMessages,
    ReplyIn,
    TeamMessageIn,
)
from app.services import contact, contact_log

router = APIRouter(tags=["exchange"])
ThreadId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/projects/{project_id}/contact",
    name="contact_team",
    summary="Write to a published entry's team (relayed by email)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def contact_team(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    message: TeamMessageIn,
) -> ContactThreadPublic:
    """Needs a confirmed address. The team reads your name, organisation and
    country, never your address unless `reply_to_sender` is true (it is then
    the relayed mail's Reply-To). Limited per day and per week: 429 with
    Retry-After."""
    access = contact.start_thread(
        session,
        project_public_id=project_id,
        sender=user,
        data=message,
        settings=settings,
    )
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.get(
    "/me/messages",
    name="list_my_messages",
    summary="The conversations you started, and those with your entries' teams",
    responses=responses(401),
)
def list_my_messages(
    request: Request, session: SessionDep, user: CurrentUser
) -> MyMessages:
    return contact_log.my_messages(session, user=user, locale=request_locale(request))


@router.get(
    "/me/messages/{thread_id}",
    name="get_my_thread",
    summary="One of your conversations, with its messages",
    responses=responses(401, 404),
)
def get_my_thread(
    request: Request, session: SessionDep, user: CurrentUser, thread_id: ThreadId
) -> ContactThreadPublic:
    access = contact.access_for(session, thread_id=thread_id, user=user)
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.post(
    "/me/messages/{thread_id}/replies",
    name="reply_in_thread",
    summary="Answer in one of your conversations (the other side is mailed)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 422),
)
def reply_in_thread(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    thread_id: ThreadId,
    answer: ReplyIn,
) -> ContactThreadPublic:
    access = contact.access_for(session, thread_id=thread_id, user=user)
    contact.reply(session, access=access, body=answer.body, settings=settings)
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.get(
    "/moderation/messages",
    name="list_message_log",
    summary="The message log (moderators): metadata; text only once reported",
    responses=responses(401, 403, 422),
)
def list_message_log(
    request: Request,
    session: SessionDep,
    moderator: ModeratorUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> MessageLog:
    return contact_log.moderator_log(
        session, moderator=moderator, locale=request_locale(request), page=page
    )
