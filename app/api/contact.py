"""Contact an entry's team through the relay: the JSON API. The same services
as the pages (writing, answering, reporting, blocking; the moderators' log
and suspensions); no answer holds an email address."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.i18n import request_locale
from app.schemas.contact import (
    ContactThreadPublic,
    MessageLog,
    MyMessages,
    NoteIn,
    ReplyIn,
    ReportIn,
    SuspensionIn,
    SuspensionPublic,
    TeamMessageIn,
)
from app.services import contact, contact_log, contact_measures

router = APIRouter(tags=["exchange"])
ThreadId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SenderId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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
    responses=responses(401, 404, 422),
)
def get_my_thread(
    request: Request, session: SessionDep, user: CurrentUser, thread_id: ThreadId
) -> ContactThreadPublic:
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.post(
    "/me/messages/{thread_id}/replies",
    name="reply_in_thread",
    summary="Answer in one of your conversations (the other side is mailed)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def reply_in_thread(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    thread_id: ThreadId,
    answer: ReplyIn,
) -> ContactThreadPublic:
    """Your answer (the team's: counted per conversation; the sender's:
    refused like a first message, 409 once the entry is no longer published,
    counted apart from the conversations started; both limited like them)."""
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    contact.reply(session, access=access, body=answer.body, settings=settings)
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.post(
    "/me/messages/{thread_id}/report",
    name="report_thread",
    summary="Report one of your conversations as abuse (the moderators read it)",
    responses=responses(401, 404, 422),
)
def report_thread(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    thread_id: ThreadId,
    report: ReportIn,
) -> ContactThreadPublic:
    """Either side; a second report changes nothing."""
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    contact_measures.report_thread(
        session, access=access, reason=report.reason, settings=settings
    )
    return contact_log.thread_view(
        session, access=access, locale=request_locale(request)
    )


@router.post(
    "/me/messages/{thread_id}/block",
    name="block_thread_sender",
    summary="Block the sender of a conversation to your entry",
    responses=responses(401, 403, 404, 422),
)
def block_thread_sender(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    thread_id: ThreadId,
    note: NoteIn,
) -> ContactThreadPublic:
    """The entry's team only (403 for the sender); they can then no longer
    write to this entry. Blocking twice changes nothing."""
    access = contact_log.access_for(session, thread_id=thread_id, user=user)
    contact_measures.block_sender(session, access=access, reason=note.reason)
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


@router.post(
    "/moderation/messages/suspensions",
    name="suspend_sender",
    summary="Suspend a sender from writing to any entry's team (moderators)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 422),
)
def suspend_sender(
    session: SessionDep, moderator: ModeratorUser, suspension: SuspensionIn
) -> SuspensionPublic:
    """`sender_id` as the log shows it; suspending again changes nothing."""
    block = contact_measures.suspend_sender(
        session,
        sender_id=suspension.sender_id,
        moderator=moderator,
        reason=suspension.reason,
    )
    return SuspensionPublic(
        sender_id=block.sender_id, reason=block.reason, created_at=block.created_at
    )


@router.delete(
    "/moderation/messages/suspensions/{sender_id}",
    name="lift_suspension",
    summary="Lift a sender's suspension (moderators)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 422),
)
def lift_suspension(
    session: SessionDep, moderator: ModeratorUser, sender_id: SenderId
) -> None:
    """The teams' own blocks stay; lifting none is no error."""
    contact_measures.lift_suspension(session, sender_id=sender_id, moderator=moderator)
