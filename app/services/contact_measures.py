"""The relay's measures: a team blocks a sender, either side reports a
conversation as abuse, a moderator suspends a sender, and the retention of
the texts (app/services/contact.py writes and answers)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from app.config import Settings
from app.db import utcnow
from app.errors import ErrorCode, NotFound, PermissionDenied
from app.i18n import translate
from app.messages import N_
from app.models import ContactBlock, ContactMessage, ContactThread, Language, User
from app.models.outbox import OutboxMessage
from app.services import mail, moderation, notifications
from app.services.contact import KINDS, REPORTED_KIND, Access

# What a relayed mail's outbox row reads once its retention period is over.
DELETED_TEXT = N_("The text of this message was deleted after the retention period.")


def block_sender(
    session: Session,
    *,
    access: Access,
    reason: str | None = None,
    now: datetime | None = None,
) -> ContactBlock:
    """The team stops the sender writing to this entry. Blocking again (a
    second click, even at the same moment) changes nothing: the existing
    block."""
    if access.side != "team":
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    sender_id, project_id = access.thread.sender_id, access.thread.project_id
    block = ContactBlock(
        sender_id=sender_id,
        project_id=project_id,
        blocked_by_id=access.user.id if access.user else None,
        reason=reason,
        created_at=now or utcnow(),
    )
    session.add(block)
    try:
        session.commit()
    except IntegrityError:  # (sender, entry) is unique: already blocked
        session.rollback()
        existing = session.exec(
            select(ContactBlock)
            .where(ContactBlock.sender_id == sender_id)
            .where(ContactBlock.project_id == project_id)
        ).first()
        if existing is None:
            raise
        return existing
    session.refresh(block)
    return block


def report_thread(
    session: Session,
    *,
    access: Access,
    reason: str,
    settings: Settings,
    now: datetime | None = None,
) -> ContactThread:
    """Either side reports the conversation as abuse: from then on the
    moderators may read it, and they are told. A second report changes nothing."""
    thread = access.thread
    if thread.reported_at is not None:
        return thread
    thread.reported_at = now or utcnow()
    thread.reported_by_id = access.user.id if access.user else None
    thread.report_reason = reason
    session.add(thread)
    for moderator in notifications.moderators(session):
        mail.queue(
            session,
            kind=REPORTED_KIND,
            to=moderator,
            context={
                "title": notifications.title_in(
                    access.project, moderator.preferred_language.value
                ),
                "reason": reason,
                "link": f"{settings.public_base_url}/moderation/messages",
            },
        )
    session.commit()
    session.refresh(thread)
    return thread


def suspend_sender(
    session: Session,
    *,
    sender_id: int,
    moderator: User,
    reason: str | None = None,
    now: datetime | None = None,
) -> ContactBlock:
    """A moderator stops a person writing to any entry's team (until lifted);
    their conversations stay readable by both sides. Again: no change."""
    moderation.require_moderator(moderator)
    if session.get(User, sender_id) is None:
        raise NotFound(ErrorCode.USER_NOT_FOUND, loc=("body", "sender_id"))
    existing = session.exec(
        select(ContactBlock)
        .where(ContactBlock.sender_id == sender_id)
        .where(col(ContactBlock.project_id).is_(None))
    ).first()
    if existing is not None:
        return existing
    block = ContactBlock(
        sender_id=sender_id,
        project_id=None,
        blocked_by_id=moderator.id,
        reason=reason,
        created_at=now or utcnow(),
    )
    session.add(block)
    session.commit()
    session.refresh(block)
    return block


def lift_suspension(session: Session, *, sender_id: int, moderator: User) -> None:
    """The person may write again (the teams' own blocks stay); lifting a
    suspension there is not is no error."""
    moderation.require_moderator(moderator)
    session.exec(
        delete(ContactBlock)
        .where(col(ContactBlock.sender_id) == sender_id)
        .where(col(ContactBlock.project_id).is_(None))
    )
    session.commit()


# --- retention --------------------------------------------------------------------


@dataclass(frozen=True)
class Pruned:
    messages: int  # texts of messages deleted
    mails: int  # relayed mails blanked in the outbox


def prune_bodies(
    session: Session, *, older_than_days: int, now: datetime | None = None
) -> Pruned:
    """Delete what the relay keeps of texts older than `older_than_days` (the
    retention setting), in one commit: the messages' texts, and in the outbox
    the relayed mails' text (a line saying it was deleted, in the mail's
    language) and Reply-To, once they are sent or parked (a mail still to send
    is left alone). Who wrote to which entry, when and why stays."""
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    connection = session.connection()
    messages = connection.execute(
        update(ContactMessage)
        .where(col(ContactMessage.created_at) < cutoff)
        .where(col(ContactMessage.body_deleted_at).is_(None))
        .values(body=None, body_deleted_at=now)
    ).rowcount
    mails = 0
    for language in Language:
        blank = translate(language.value, DELETED_TEXT)
        mails += connection.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.kind).in_(KINDS))
            .where(col(OutboxMessage.language) == language)
            .where(col(OutboxMessage.created_at) < cutoff)
            .where(
                or_(
                    col(OutboxMessage.sent_at).is_not(None),
                    col(OutboxMessage.failed_at).is_not(None),
                )
            )
            .where(
                or_(
                    col(OutboxMessage.body) != blank,
                    col(OutboxMessage.reply_to).is_not(None),
                )
            )
            .values(body=blank, reply_to=None)
        ).rowcount
    session.commit()
    return Pruned(messages=int(messages), mails=int(mails))
