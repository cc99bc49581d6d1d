"""Opening and reading relayed conversations: who may open one (its sender
and the entry's owner signed in, the team from the mailed link), each side's
view, "my messages", and the moderators' log, which shows the metadata only
(who wrote to which entry, when, why) and the text of a conversation only
once it is reported.

A fixed number of queries per page: threads, then their entries, senders,
message counts and blocks in one query each. No shape holds an address.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import ErrorCode, NotFound
from app.models import ContactBlock, ContactMessage, ContactThread, Project, User
from app.schemas.contact import (
    ContactEntry,
    ContactMessagePublic,
    ContactSender,
    ContactThreadPublic,
    ContactThreadSummary,
    MessageLog,
    MessageLogRow,
    MyMessages,
    Side,
)
from app.security import hash_secret
from app.services import moderation, notifications
from app.services.contact import Access

MY_MESSAGES_LIMIT = 200
LOG_PAGE_SIZE = 50


def access_by_token(
    session: Session, *, token: str, settings: Settings, now: datetime | None = None
) -> Access:
    """The team's access from the relayed mail's link; 404 INVALID_TOKEN if
    it is not the newest link of a conversation, or if the sender's newest
    message (the one that mailed it) is older than the retention period."""
    thread = session.exec(
        select(ContactThread).where(
            ContactThread.reply_token_hash == hash_secret(token)
        )
    ).first()
    if thread is None or _link_mailed_at(session, thread) < (now or utcnow()) - (
        timedelta(days=settings.contact_retention_days)
    ):
        raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))
    project = session.get(Project, thread.project_id)
    assert project is not None  # the thread goes with its entry (CASCADE)
    return Access(thread=thread, project=project, side="team", user=None)


def _link_mailed_at(session: Session, thread: ContactThread) -> datetime:
    """When the newest link was mailed: with the sender's newest message."""
    newest = session.exec(
        select(func.max(ContactMessage.created_at))
        .where(ContactMessage.thread_id == thread.id)
        .where(col(ContactMessage.from_team).is_(False))
    ).one()
    return newest or thread.created_at


def access_for(session: Session, *, thread_id: int, user: User) -> Access:
    """A signed-in side's access: the sender, or the entry's owner (the
    team); 404 for anyone else, focal points too (a private conversation;
    moderators read the log)."""
    thread = session.get(ContactThread, thread_id)
    project = session.get(Project, thread.project_id) if thread else None
    if thread is None or project is None:
        raise NotFound(ErrorCode.THREAD_NOT_FOUND, loc=("path", "thread_id"))
    if thread.sender_id == user.id:
        return Access(thread=thread, project=project, side="sender", user=user)
    if project.owner_id == user.id and user.is_active:
        return Access(thread=thread, project=project, side="team", user=user)
    raise NotFound(ErrorCode.THREAD_NOT_FOUND, loc=("path", "thread_id"))


# --- reading --------------------------------------------------------------------


def _entries(session: Session, ids: set[int], locale: str) -> dict[int, ContactEntry]:
    found = session.exec(select(Project).where(col(Project.id).in_(ids))).all()
    return {
        project.id: ContactEntry(
            id=project.public_id, title=notifications.title_in(project, locale)
        )
        for project in found
        if project.id is not None
    }


def _senders(
    session: Session, threads: Sequence[ContactThread]
) -> dict[int, ContactSender]:
    """Each thread's sender as its team sees them (the organisation and country
    they gave when writing), by thread id."""
    ids = {thread.sender_id for thread in threads}
    names = dict(
        session.exec(select(User.id, User.full_name).where(col(User.id).in_(ids))).all()
    )
    return {
        thread.id: ContactSender(
            id=thread.sender_id,
            name=names.get(thread.sender_id, ""),
            organization=thread.sender_organization,
            country=thread.sender_country_iso2,
        )
        for thread in threads
        if thread.id is not None
    }


def _stats(session: Session, ids: set[int]) -> dict[int, tuple[int, datetime]]:
    """(message count, last message's time) by thread id."""
    rows = session.exec(
        select(
            ContactMessage.thread_id,
            func.count(),
            func.max(ContactMessage.created_at),
        )
        .where(col(ContactMessage.thread_id).in_(ids))
        .group_by(col(ContactMessage.thread_id))
    ).all()
    return {thread_id: (count, last) for thread_id, count, last in rows}


def _blocks(
    session: Session, threads: Sequence[ContactThread]
) -> tuple[set[tuple[int, int]], set[int]]:
    """(sender, entry) pairs the teams blocked, and the suspended senders."""
    rows = session.exec(
        select(ContactBlock.sender_id, ContactBlock.project_id).where(
            col(ContactBlock.sender_id).in_({t.sender_id for t in threads})
        )
    ).all()
    blocked = {(sender, project) for sender, project in rows if project is not None}
    suspended = {sender for sender, project in rows if project is None}
    return blocked, suspended


def _messages(session: Session, ids: set[int]) -> dict[int, list[ContactMessagePublic]]:
    found: dict[int, list[ContactMessagePublic]] = {thread_id: [] for thread_id in ids}
    rows = session.exec(
        select(ContactMessage)
        .where(col(ContactMessage.thread_id).in_(ids))
        .order_by(col(ContactMessage.id))
    ).all()
    for message in rows:
        found[message.thread_id].append(
            ContactMessagePublic.model_validate(message, from_attributes=True)
        )
    return found


def thread_view(
    session: Session, *, access: Access, locale: str
) -> ContactThreadPublic:
    """The conversation as `access`'s side reads it."""
    thread = access.thread
    assert thread.id is not None and access.project.id is not None
    blocked, _suspended = _blocks(session, [thread])
    return ContactThreadPublic(
        id=thread.id,
        side=access.side,
        entry=_entries(session, {access.project.id}, locale)[access.project.id],
        sender=_senders(session, [thread])[thread.id],
        purpose=thread.purpose,
        subject=thread.subject,
        reply_to_sender=thread.reply_to_sender,
        created_at=thread.created_at,
        reported=thread.reported_at is not None,
        sender_blocked=(thread.sender_id, thread.project_id) in blocked,
        messages=_messages(session, {thread.id})[thread.id],
    )


def _summaries(
    session: Session, threads: Sequence[ContactThread], side: Side, locale: str
) -> list[ContactThreadSummary]:
    ids = {thread.id for thread in threads if thread.id is not None}
    entries = _entries(session, {thread.project_id for thread in threads}, locale)
    senders = _senders(session, threads)
    stats = _stats(session, ids)
    summaries = []
    for thread in threads:
        assert thread.id is not None
        count, last = stats.get(thread.id, (0, thread.created_at))
        summaries.append(
            ContactThreadSummary(
                id=thread.id,
                side=side,
                entry=entries[thread.project_id],
                sender=senders[thread.id],
                purpose=thread.purpose,
                subject=thread.subject,
                created_at=thread.created_at,
                last_message_at=last,
                message_count=count,
                reported=thread.reported_at is not None,
            )
        )
    return summaries


def my_messages(session: Session, *, user: User, locale: str) -> MyMessages:
    """The conversations `user` started, and those written to the teams of
    the entries they own (a private conversation: not to focal points);
    newest first."""
    newest = (col(ContactThread.created_at).desc(), col(ContactThread.id).desc())
    sent = session.exec(
        select(ContactThread)
        .where(ContactThread.sender_id == user.id)
        .order_by(*newest)
        .limit(MY_MESSAGES_LIMIT)
    ).all()
    received = session.exec(
        select(ContactThread)
        .where(
            col(ContactThread.project_id).in_(
                select(Project.id).where(Project.owner_id == user.id)
            )
        )
        .where(ContactThread.sender_id != user.id)
        .order_by(*newest)
        .limit(MY_MESSAGES_LIMIT)
    ).all()
    return MyMessages(
        sent=_summaries(session, sent, "sender", locale),
        received=_summaries(session, received, "team", locale),
    )


def moderator_log(
    session: Session, *, moderator: User, locale: str, page: int = 1
) -> MessageLog:
    """Who wrote to which entry, when and why, newest first; a conversation's
    subject and messages only once it is reported as abuse."""
    moderation.require_moderator(moderator)
    total = session.exec(select(func.count()).select_from(ContactThread)).one()
    threads = session.exec(
        select(ContactThread)
        .order_by(col(ContactThread.created_at).desc(), col(ContactThread.id).desc())
        .offset((page - 1) * LOG_PAGE_SIZE)
        .limit(LOG_PAGE_SIZE)
    ).all()
    return MessageLog(
        items=_log_rows(session, threads, locale),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / LOG_PAGE_SIZE)),
    )


def _log_rows(
    session: Session, threads: Sequence[ContactThread], locale: str
) -> list[MessageLogRow]:
    ids = {thread.id for thread in threads if thread.id is not None}
    reported = {t.id for t in threads if t.id is not None and t.reported_at}
    entries = _entries(session, {thread.project_id for thread in threads}, locale)
    senders = _senders(session, threads)
    stats = _stats(session, ids)
    blocked, suspended = _blocks(session, threads)
    texts = _messages(session, reported) if reported else {}
    rows = []
    for thread in threads:
        assert thread.id is not None
        count, last = stats.get(thread.id, (0, thread.created_at))
        shown = thread.id in reported
        rows.append(
            MessageLogRow(
                id=thread.id,
                entry=entries[thread.project_id],
                sender=senders[thread.id],
                purpose=thread.purpose,
                created_at=thread.created_at,
                last_message_at=last,
                message_count=count,
                reported_at=thread.reported_at,
                report_reason=thread.report_reason,
                sender_suspended=thread.sender_id in suspended,
                sender_blocked=(thread.sender_id, thread.project_id) in blocked,
                subject=thread.subject if shown else None,
                messages=texts[thread.id] if shown else None,
            )
        )
    return rows
