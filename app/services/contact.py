"""Contact an entry's team through the relay: the rules, once.

A signed-in person with a confirmed address writes to the team of a published
entry; the message is relayed by email (the outbox, in the same transaction)
to the entry's contact and its owner, and each side answers through the
repository. No address is ever shown: the team reads the sender's name, not
their email, and gets it as Reply-To only when the sender ticked that; the
sender never sees the team's addresses.

The team opens a conversation from the relayed mail's link, without an
account: the link holds a random token of which only the SHA-256 is stored.
Each new relayed mail of a conversation carries a fresh token (only the hash
is kept, so an old mail's link cannot be sent again): the newest mail's link
is the one that works, which also ends the life of a forwarded or leaked one.

Reading (each side's pages, the moderators' log) is app/services/contact_log.py.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, or_, select

from app.config import Settings
from app.db import utcnow
from app.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from app.messages import CONTACT_PURPOSE_LABELS
from app.models import (
    ContactBlock,
    ContactMessage,
    ContactThread,
    Country,
    Language,
    Permission,
    Project,
    ProjectStatus,
    Role,
    User,
)
from app.schemas.contact import Side, TeamMessageIn
from app.security import hash_secret, new_secret
from app.services import mail, projects, throttle

RELAY_KIND = "contact_relay"  # the first message, to the team
FOLLOW_UP_KIND = "contact_follow_up"  # the sender wrote again, to the team
ANSWER_KIND = "contact_answer"  # the team answered, to the sender
REPORTED_KIND = "contact_reported"  # to the moderators


@dataclass(frozen=True)
class Access:
    """Who reads a conversation: its sender, or its team (signed in as the
    entry's owner or focal point, or `user` None: from the mailed link)."""

    thread: ContactThread
    project: Project
    side: Side
    user: User | None


def throttle_key(sender: User) -> str:
    return f"contact:sender:{sender.id}"


def title_of(project: Project, language: str) -> str:
    """The entry's title in `language`, else its original language's."""
    for lang in (language, project.original_language.value, "ar", "en", "fr"):
        title = getattr(project, f"title_{lang}")
        if title:
            return str(title)
    return project.public_id


def country_name(session: Session, iso2: str | None, language: str) -> str | None:
    country = session.get(Country, iso2) if iso2 else None
    return getattr(country, f"name_{language}") if country else None


def relay_link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/messages/reply/{token}"


# --- who may write --------------------------------------------------------------


def _published(session: Session, public_id: str, viewer: User | None) -> Project:
    """The entry to write to: 404 if `viewer` cannot see it, and also (as
    NOT_PUBLISHED) if they can but it is not published."""
    project = projects.find_project(session, public_id, viewer)
    if project.status != ProjectStatus.APPROVED:
        raise NotFound(ErrorCode.NOT_PUBLISHED, loc=("path", "project_id"))
    return project


def _refusal(session: Session, *, sender: User, project: Project) -> ErrorCode | None:
    """Why `sender` may not write to `project`'s team now (None: they may)."""
    if sender.email_verified_at is None:
        return ErrorCode.EMAIL_NOT_VERIFIED
    if projects.is_submitter(sender, project):
        return ErrorCode.CONTACT_OWN_ENTRY
    blocks = session.exec(
        select(ContactBlock.project_id)
        .where(ContactBlock.sender_id == sender.id)
        .where(
            or_(
                col(ContactBlock.project_id).is_(None),
                col(ContactBlock.project_id) == project.id,
            )
        )
    ).all()
    if None in blocks:
        return ErrorCode.CONTACT_SUSPENDED
    if blocks:
        return ErrorCode.CONTACT_BLOCKED
    return None


def _check_may_write(session: Session, *, sender: User, project: Project) -> None:
    refusal = _refusal(session, sender=sender, project=project)
    if refusal is not None:
        raise PermissionDenied(refusal)


def _team(project: Project, owner: User | None) -> list[User | mail.Recipient]:
    """Whom a relayed message goes to: the owner's account and the entry's
    contact, once when they are the same address."""
    team: list[User | mail.Recipient] = []
    if owner is not None and owner.is_active:
        team.append(owner)
    contact = (project.contact_email or "").strip()
    if contact and all(
        isinstance(member, User) and member.email.lower() != contact.lower()
        for member in team
    ):
        team.append(
            mail.Recipient(
                email=contact,
                preferred_language=Language(project.original_language),
                full_name=project.contact_name or "",
            )
        )
    return team


def _owner(session: Session, project: Project) -> User | None:
    return session.get(User, project.owner_id) if project.owner_id else None


def writing_state(session: Session, *, public_id: str, user: User | None) -> str:
    """What the entry page's contact panel offers `user`: "sign_in", "open",
    "unreachable", or the refusal's code in lower case ("contact_blocked")."""
    if user is None:
        return "sign_in"
    project = _published(session, public_id, user)
    refusal = _refusal(session, sender=user, project=project)
    if refusal is not None:
        return refusal.value.lower()
    if not _team(project, _owner(session, project)):
        return "unreachable"
    return "open"


def _check_limits(
    session: Session, *, sender: User, settings: Settings, now: datetime
) -> throttle.Limit:
    """Refuse a sender over either limit (429 with Retry-After); the longest
    window, which the new message is counted in."""
    limits = [
        throttle.Limit.parse(settings.contact_limit_per_day),
        throttle.Limit.parse(settings.contact_limit_per_week),
    ]
    for limit in limits:
        try:
            throttle.check(session, key=throttle_key(sender), limit=limit, now=now)
        except TooManyRequests as refused:
            raise TooManyRequests(
                ErrorCode.CONTACT_LIMIT_REACHED,
                retry_after=refused.retry_after,
                limit=limit.attempts,
                minutes=max(1, math.ceil(refused.retry_after / 60)),
            ) from refused
    return max(limits, key=lambda limit: limit.seconds)


# --- writing --------------------------------------------------------------------


def start_thread(
    session: Session,
    *,
    project_public_id: str,
    sender: User,
    data: TeamMessageIn,
    settings: Settings,
    now: datetime | None = None,
) -> Access:
    """Write to a published entry's team: the conversation, its first message
    and the relayed mails, committed together; refused when unconfirmed, own
    entry, blocked, suspended, unreachable or over the limits. The sender's
    access to the new conversation."""
    now = now or utcnow()
    project = _published(session, project_public_id, sender)
    _check_may_write(session, sender=sender, project=project)
    owner = _owner(session, project)
    team = _team(project, owner)
    if not team:
        raise Conflict(ErrorCode.CONTACT_UNREACHABLE)
    if data.country and session.get(Country, data.country) is None:
        raise InvalidInput(
            ErrorCode.UNKNOWN_CODE, loc=("body", "country"), code=data.country
        )
    longest = _check_limits(session, sender=sender, settings=settings, now=now)
    assert project.id is not None and sender.id is not None
    token = new_secret()
    thread = ContactThread(
        project_id=project.id,
        sender_id=sender.id,
        purpose=data.purpose,
        subject=data.subject,
        sender_organization=data.organization or None,
        sender_country_iso2=data.country,
        reply_to_sender=data.reply_to_sender,
        reply_token_hash=hash_secret(token),
        created_at=now,
    )
    session.add(thread)
    session.flush()  # the thread's id, for its message
    assert thread.id is not None
    session.add(
        ContactMessage(
            thread_id=thread.id,
            author_id=sender.id,
            from_team=False,
            body=data.body,
            created_at=now,
        )
    )
    _mail_team(
        session,
        RELAY_KIND,
        thread=thread,
        project=project,
        sender=sender,
        team=team,
        body=data.body,
        link=relay_link(settings, token),
    )
    # Counting the message commits everything: one transaction.
    throttle.record(session, key=throttle_key(sender), limit=longest, now=now)
    session.refresh(thread)
    return Access(thread=thread, project=project, side="sender", user=sender)


def _mail_team(
    session: Session,
    kind: str,
    *,
    thread: ContactThread,
    project: Project,
    sender: User,
    team: list[User | mail.Recipient],
    body: str,
    link: str,
) -> None:
    """The sender's message to each team member, in their language. The
    sender's address is in no mail unless they chose to give it (Reply-To)."""
    for member in team:
        language = member.preferred_language.value
        mail.queue(
            session,
            kind=kind,
            to=member,
            context={
                "title": title_of(project, language),
                "sender_name": sender.full_name,
                "organization": thread.sender_organization,
                "country": country_name(session, thread.sender_country_iso2, language),
                "purpose": CONTACT_PURPOSE_LABELS[thread.purpose.value],
                "subject": thread.subject,
                "body": body,
                "link": link,
                "reply_to": thread.reply_to_sender,
            },
            reply_to=sender.email if thread.reply_to_sender else None,
        )


def _thread_by_token(session: Session, token: str) -> ContactThread:
    thread = session.exec(
        select(ContactThread).where(
            ContactThread.reply_token_hash == hash_secret(token)
        )
    ).first()
    if thread is None:
        raise NotFound(ErrorCode.INVALID_TOKEN, loc=("path", "token"))
    return thread


def access_by_token(session: Session, *, token: str) -> Access:
    """The team's access from the relayed mail's link; 404 if it is not the
    newest link of a conversation."""
    thread = _thread_by_token(session, token)
    project = session.get(Project, thread.project_id)
    assert project is not None  # the thread goes with its entry (CASCADE)
    return Access(thread=thread, project=project, side="team", user=None)


def access_for(session: Session, *, thread_id: int, user: User) -> Access:
    """A signed-in side's access: the sender, or the entry's owner or focal
    point (the team); 404 for anyone else (moderators use the log)."""
    thread = session.get(ContactThread, thread_id)
    project = session.get(Project, thread.project_id) if thread else None
    if thread is None or project is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "thread_id"))
    if thread.sender_id == user.id:
        return Access(thread=thread, project=project, side="sender", user=user)
    if projects.is_submitter(user, project):
        return Access(thread=thread, project=project, side="team", user=user)
    raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "thread_id"))


def reply(
    session: Session,
    *,
    access: Access,
    body: str,
    settings: Settings,
    now: datetime | None = None,
) -> ContactMessage:
    """Add a message to the conversation and mail the other side: the team's
    answer to the sender (a link to their page), the sender's to the team (a
    fresh link, and their address as Reply-To only if they chose so)."""
    now = now or utcnow()
    thread, project = access.thread, access.project
    sender = session.get(User, thread.sender_id)
    assert sender is not None
    if access.side == "sender":
        _check_may_write(session, sender=sender, project=project)
    assert thread.id is not None
    message = ContactMessage(
        thread_id=thread.id,
        author_id=access.user.id if access.user else None,
        from_team=access.side == "team",
        body=body,
        created_at=now,
    )
    session.add(message)
    if access.side == "team":
        _mail_sender(
            session,
            thread=thread,
            project=project,
            sender=sender,
            body=body,
            link=f"{settings.public_base_url}/me/messages/{thread.id}",
        )
    else:
        token = new_secret()
        thread.reply_token_hash = hash_secret(token)
        session.add(thread)
        _mail_team(
            session,
            FOLLOW_UP_KIND,
            thread=thread,
            project=project,
            sender=sender,
            team=_team(project, _owner(session, project)),
            body=body,
            link=relay_link(settings, token),
        )
    session.commit()
    session.refresh(message)
    return message


def _mail_sender(
    session: Session,
    *,
    thread: ContactThread,
    project: Project,
    sender: User,
    body: str,
    link: str,
) -> None:
    """The team's answer to the sender: no team address in it, no Reply-To."""
    mail.queue(
        session,
        kind=ANSWER_KIND,
        to=sender,
        context={
            "title": title_of(project, sender.preferred_language.value),
            "subject": thread.subject,
            "body": body,
            "link": link,
        },
    )


# --- the team's and the moderators' measures ------------------------------------


def block_sender(
    session: Session,
    *,
    access: Access,
    reason: str | None = None,
    now: datetime | None = None,
) -> ContactBlock:
    """The team stops the sender writing to this entry (again: no change)."""
    if access.side != "team":
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    thread = access.thread
    existing = session.exec(
        select(ContactBlock)
        .where(ContactBlock.sender_id == thread.sender_id)
        .where(ContactBlock.project_id == thread.project_id)
    ).first()
    if existing is not None:
        return existing
    block = ContactBlock(
        sender_id=thread.sender_id,
        project_id=thread.project_id,
        blocked_by_id=access.user.id if access.user else None,
        reason=reason,
        created_at=now or utcnow(),
    )
    session.add(block)
    session.commit()
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
    for moderator in _moderators(session):
        mail.queue(
            session,
            kind=REPORTED_KIND,
            to=moderator,
            context={
                "title": title_of(access.project, moderator.preferred_language.value),
                "reason": reason,
                "link": f"{settings.public_base_url}/moderation/messages",
            },
        )
    session.commit()
    session.refresh(thread)
    return thread


def _moderators(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(col(User.role).in_([Role.MODERATOR, Role.ADMIN]))
            .where(col(User.is_active).is_(True))
        ).all()
    )


def check_moderator(user: User) -> None:
    if not user.can(Permission.PROJECT_MODERATE):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)


def suspend_sender(
    session: Session,
    *,
    sender_id: int,
    moderator: User,
    reason: str | None = None,
    now: datetime | None = None,
) -> ContactBlock:
    """A moderator stops a person writing to any entry's team (until lifted);
    their conversations stay readable by both sides."""
    check_moderator(moderator)
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
    """The person may write again (the teams' own blocks stay)."""
    check_moderator(moderator)
    session.exec(
        delete(ContactBlock)
        .where(col(ContactBlock.sender_id) == sender_id)
        .where(col(ContactBlock.project_id).is_(None))
    )
    session.commit()


def prune_bodies(
    session: Session, *, older_than_days: int, now: datetime | None = None
) -> int:
    """Delete the text of messages older than `older_than_days` (the retention
    setting); who wrote to which entry, when and why stays. How many went."""
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    result = session.connection().execute(
        update(ContactMessage)
        .where(col(ContactMessage.created_at) < cutoff)
        .where(col(ContactMessage.body_deleted_at).is_(None))
        .values(body=None, body_deleted_at=now)
    )
    session.commit()
    return int(result.rowcount)
