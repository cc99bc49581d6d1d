"""Contact an entry's team through the relay: writing and answering.

A signed-in person with a confirmed address writes to the team of a published
entry; the message is relayed by email (the outbox, in the same transaction)
to the entry's team as `team_of` defines it (its owner and its contact: a
private conversation, no focal point), and each side answers through the
repository. No page or answer shows an address: the team reads the sender's
name, not their email, and gets it as Reply-To only when the sender ticked
that; the sender never sees the team's addresses.

The team opens a conversation from the relayed mail's link, without an
account. The link holds a random token; the conversation keeps only its
SHA-256. Each new relayed mail of a conversation carries a fresh token, so
the newest mail's link is the one that works, which also ends the life of a
forwarded or leaked one; and a link stops working once the sender's newest
message is older than the retention period (`contact_retention_days`).

The relayed mail itself (its text, the link in clear, the sender's address
as Reply-To when they gave it) is an outbox row: it waits there until it is
sent, and stays, like every sent mail, until the retention period, when
contact_measures.prune_bodies blanks its text and Reply-To with the
messages' own texts.

Limits: a sender starts at most `contact_limit_per_day` and
`contact_limit_per_week` conversations; their later messages (to any team)
are counted apart, under a key of their own with the same numbers, and so
are a team's answers in each conversation.

Blocks, suspensions, reports and retention are app/services/contact_measures.py;
opening and reading a conversation (each side's access and pages, the
moderators' log) is app/services/contact_log.py.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, InvalidInput, PermissionDenied
from app.messages import CONTACT_PURPOSE_LABELS
from app.models import (
    ContactBlock,
    ContactMessage,
    ContactThread,
    Country,
    Project,
    ProjectStatus,
    User,
)
from app.schemas.contact import Side, TeamMessageIn
from app.security import hash_secret, new_secret
from app.services import mail, notifications, projects, throttle
from app.services.notifications import Recipient

RELAY_KIND = "contact_relay"  # the first message, to the team
FOLLOW_UP_KIND = "contact_follow_up"  # the sender wrote again, to the team
ANSWER_KIND = "contact_answer"  # the team answered, to the sender
REPORTED_KIND = "contact_reported"  # to the moderators
KINDS = (RELAY_KIND, FOLLOW_UP_KIND, ANSWER_KIND, REPORTED_KIND)


@dataclass(frozen=True)
class Access:
    """Who reads a conversation: its sender, or its team (signed in as the
    entry's owner, or `user` None: from the mailed link)."""

    thread: ContactThread
    project: Project
    side: Side
    user: User | None


def thread_key(sender: User) -> str:
    """The count of the conversations `sender` started."""
    return f"contact:sender:{sender.id}"


def follow_up_key(sender: User) -> str:
    """The count of `sender`'s later messages, in any conversation."""
    return f"contact:follow-up:{sender.id}"


def team_answer_key(thread: ContactThread) -> str:
    """The count of the team's answers in one conversation."""
    return f"contact:team-answers:{thread.id}"


def limits(settings: Settings) -> list[throttle.Limit]:
    return [
        throttle.Limit.parse(settings.contact_limit_per_day),
        throttle.Limit.parse(settings.contact_limit_per_week),
    ]


def team_of(session: Session, project: Project) -> list[Recipient]:
    """Whom a relayed message goes to: the entry's owner and its contact,
    each address once; never the focal points (a private conversation)."""
    return notifications.entry_team(
        session, project, contact=True, focal_points_too="never"
    )


def country_name(session: Session, iso2: str | None, language: str) -> str | None:
    country = session.get(Country, iso2) if iso2 else None
    return getattr(country, f"name_{language}") if country else None


def relay_link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url}/messages/reply/{token}"


# --- who may write --------------------------------------------------------------


def _refusal(
    session: Session, *, sender: User, project: Project, team: list[Recipient]
) -> ErrorCode | None:
    """Why `sender` may not write to `project`'s team now (None: they may).
    Their own entry: they own it or are its contact (they are in its team)."""
    if sender.email_verified_at is None:
        return ErrorCode.EMAIL_NOT_VERIFIED
    address = sender.email.casefold()
    if project.owner_id == sender.id or any(
        member.email.casefold() == address for member in team
    ):
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


def _writable_team(
    session: Session, *, sender: User, project: Project
) -> list[Recipient]:
    """The team `sender` may write to now: 403 with the refusal's code, 409
    when the entry has no one to mail."""
    team = team_of(session, project)
    refusal = _refusal(session, sender=sender, project=project, team=team)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if not team:
        raise Conflict(ErrorCode.CONTACT_UNREACHABLE)
    return team


def writing_state(session: Session, *, public_id: str, user: User | None) -> str:
    """What the entry page's contact panel offers `user`: "sign_in", "open",
    "unreachable", or the refusal's code in lower case ("contact_blocked")."""
    if user is None:
        return "sign_in"
    project = projects.find_published(session, public_id, user)
    team = team_of(session, project)
    refusal = _refusal(session, sender=user, project=project, team=team)
    if refusal is not None:
        return refusal.value.lower()
    return "open" if team else "unreachable"


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
    project = projects.find_published(session, project_public_id, sender)
    team = _writable_team(session, sender=sender, project=project)
    if data.country and session.get(Country, data.country) is None:
        raise InvalidInput(
            ErrorCode.UNKNOWN_CODE, loc=("body", "country"), code=data.country
        )
    key = thread_key(sender)
    longest = throttle.check_all(
        session,
        key=key,
        limits=limits(settings),
        code=ErrorCode.CONTACT_LIMIT_REACHED,
        now=now,
    )
    thread, token = _open_thread(session, project, sender, data, now=now)
    access = Access(thread=thread, project=project, side="sender", user=sender)
    _add_message(session, access, body=data.body, now=now)
    _mail_team(
        session, RELAY_KIND, access, team, data.body, relay_link(settings, token)
    )
    # Counting the message commits everything: one transaction.
    throttle.record(session, key=key, limit=longest, now=now)
    session.refresh(thread)
    return access


def _open_thread(
    session: Session,
    project: Project,
    sender: User,
    data: TeamMessageIn,
    *,
    now: datetime,
) -> tuple[ContactThread, str]:
    """The new conversation (flushed: it has its id) and its link's token."""
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
    session.flush()
    return thread, token


def _add_message(
    session: Session, access: Access, *, body: str, now: datetime
) -> ContactMessage:
    """A message of `access`'s side (its author: the signed-in person, or
    none for the team from the mailed link)."""
    assert access.thread.id is not None
    message = ContactMessage(
        thread_id=access.thread.id,
        author_id=access.user.id if access.user else None,
        from_team=access.side == "team",
        body=body,
        created_at=now,
    )
    session.add(message)
    return message


def _mail_team(
    session: Session,
    kind: str,
    access: Access,
    team: list[Recipient],
    body: str,
    link: str,
) -> None:
    """The sender's message to each team member, in their language. The
    sender's address is in no mail unless they chose to give it (Reply-To)."""
    thread, sender = access.thread, access.user
    assert sender is not None  # the sender's side writes signed in
    for member in team:
        language = member.preferred_language.value
        mail.queue(
            session,
            kind=kind,
            to=member,
            context={
                "title": notifications.title_in(access.project, language),
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


# --- answering --------------------------------------------------------------------


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
    fresh link, and their address as Reply-To only if they chose so). Each
    side's messages are counted (429 over the contact limits)."""
    now = now or utcnow()
    if access.side == "team":
        message = _team_answer(session, access, body, settings=settings, now=now)
    else:
        message = _follow_up(session, access, body, settings=settings, now=now)
    session.refresh(message)
    return message


def _team_answer(
    session: Session, access: Access, body: str, *, settings: Settings, now: datetime
) -> ContactMessage:
    """The team's answer, mailed to the sender: no team address in it, no
    Reply-To. Counted per conversation."""
    thread = access.thread
    sender = session.get(User, thread.sender_id)
    assert sender is not None
    key = team_answer_key(thread)
    longest = throttle.check_all(
        session,
        key=key,
        limits=limits(settings),
        code=ErrorCode.CONTACT_MESSAGE_LIMIT_REACHED,
        now=now,
    )
    message = _add_message(session, access, body=body, now=now)
    mail.queue(
        session,
        kind=ANSWER_KIND,
        to=sender,
        context={
            "title": notifications.title_in(
                access.project, sender.preferred_language.value
            ),
            "subject": thread.subject,
            "body": body,
            "link": f"{settings.public_base_url}/me/messages/{thread.id}",
        },
    )
    throttle.record(session, key=key, limit=longest, now=now)  # commits
    return message


def _follow_up(
    session: Session, access: Access, body: str, *, settings: Settings, now: datetime
) -> ContactMessage:
    """The sender writes again: refused like a first message (and when the
    entry is no longer published: 409), counted apart from the conversations
    they start, mailed to the team with a fresh link."""
    assert access.user is not None
    if access.project.status != ProjectStatus.APPROVED:
        raise Conflict(ErrorCode.NOT_PUBLISHED)
    team = _writable_team(session, sender=access.user, project=access.project)
    key = follow_up_key(access.user)
    longest = throttle.check_all(
        session,
        key=key,
        limits=limits(settings),
        code=ErrorCode.CONTACT_MESSAGE_LIMIT_REACHED,
        now=now,
    )
    message = _add_message(session, access, body=body, now=now)
    token = new_secret()
    access.thread.reply_token_hash = hash_secret(token)
    session.add(access.thread)
    _mail_team(session, FOLLOW_UP_KIND, access, team, body, relay_link(settings, token))
    throttle.record(session, key=key, limit=longest, now=now)  # commits
    return message
