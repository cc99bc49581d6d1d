"""Email: messages are queued in the outbox inside the caller's transaction and
delivered later by the mail worker, so none is lost when SMTP is down.

Templates are `app/templates/email/<kind>.txt` (first line `Subject: ...`),
rendered in the recipient's language through the gettext catalogs.
"""

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app import encoding
from app.config import Settings
from app.db import utcnow
from app.errors import ErrorCode, NotFound
from app.i18n import translations
from app.models import Language, OutboxMessage, User

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
SUBJECT_MAX_CHARS = 300  # the outbox column's size
ERROR_MAX_CHARS = 2000
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
# How often the worker queues the saved searches' due digests.
DIGESTS_EVERY = timedelta(minutes=1)
_HEADERS = HeaderRegistry()
LONG_HEADER_LINES = policy.default.clone(max_line_length=998)


@lru_cache
def _environment(language: str) -> jinja2.Environment:
    """One template environment per language (gettext installed per language)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # plain-text mail, never HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    return environment


@lru_cache
def _templates(kind: str, language: str) -> tuple[jinja2.Template, jinja2.Template]:
    """The subject line and the body of `kind`, as two templates: a line break
    in a value (an old title) cannot move text from the subject into the body."""
    environment = _environment(language)
    assert environment.loader is not None
    source, _path, _uptodate = environment.loader.get_source(environment, f"{kind}.txt")
    first, _, rest = source.partition("\n")
    subject = first.removeprefix("Subject:")
    return environment.from_string(subject), environment.from_string(rest)


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of message `kind` in `language`."""
    subject, body = _templates(kind, language)
    return subject.render(**context).strip(), body.render(**context).strip() + "\n"


@dataclass(frozen=True)
class Recipient:
    """Someone mailed who may have no account: an entry's contact person."""

    email: str
    preferred_language: Language
    full_name: str = ""


def queue(
    session: Session,
    *,
    kind: str,
    to: User | Recipient,
    context: dict[str, Any],
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMessage:
    """Add a message to `to` in their language; committed with the caller's change.

    `reply_to`: the Reply-To address (a relayed message whose sender chose to
    give theirs); `unsubscribe_url`: the alert's one-click unsubscribe link,
    sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058)."""
    language = to.preferred_language
    subject, body = render(kind, language, {"recipient": to, **context})
    subject = encoding.header_text(subject)
    if len(subject) > SUBJECT_MAX_CHARS:  # a long title must not break the insert
        subject = subject[: SUBJECT_MAX_CHARS - 1] + "…"
    message = OutboxMessage(
        kind=kind,
        to_email=to.email,
        language=Language(language),
        subject=subject,
        body=body,
        reply_to=reply_to,
        unsubscribe_url=unsubscribe_url,
    )
    session.add(message)
    return message


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... doubling up to an hour between attempts."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    parked: int = 0  # of `failed`: given up on, waiting for an admin


def _recipient(address: str) -> Address:
    """The stored address as exactly one mailbox, or ValueError: a header or the
    envelope never gets a recipient (or a second one) the row did not name.
    Internationalised addresses pass (the server must then offer SMTPUTF8)."""
    header = _HEADERS("To", address)  # raises on CR or LF
    assert isinstance(header, AddressHeader)
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
    mailboxes = header.addresses
    if (
        defects
        or len(mailboxes) != 1
        or mailboxes[0].addr_spec != address
        or encoding.header_text(address) != address
    ):
        raise ValueError(f"not one plain email address: {address!r}")
    return mailboxes[0]


def _smtp_send(settings: Settings, message: OutboxMessage) -> None:
    recipient = _recipient(message.to_email)
    email = EmailMessage()
    email["From"] = encoding.header_text(settings.mail_from)
    email["To"] = recipient
    email["Subject"] = encoding.header_text(message.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    if message.reply_to:
        email["Reply-To"] = _recipient(message.reply_to)
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{encoding.header_text(message.unsubscribe_url)}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # set_content clears Content-* headers: set ours after.
    email.set_content(encoding.mail_body_text(message.body), charset="utf-8")
    email["Content-Language"] = message.language.value
    if message.unsubscribe_url:
        # A link has no space to fold at: within the default 78 columns the
        # generator would cut it into RFC 2047 encoded words, which no mail
        # client reads as a link. A header line may run to 998 (RFC 5322).
        email.policy = LONG_HEADER_LINES
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email, to_addrs=[recipient.addr_spec])


def _claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """The next due message (not sent, not parked). On PostgreSQL a row another
    worker holds is skipped (FOR UPDATE SKIP LOCKED) and this one stays locked
    until the transaction ends, so two workers never send the same message."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.sent_at).is_(None))
        .where(col(OutboxMessage.failed_at).is_(None))
        .where(col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def _server_unreachable(error: Exception) -> bool:
    """Refused, timed out or dropped: the next message would fail the same way.

    smtplib's errors are OSErrors too; those about one message (a refused
    recipient, a 5xx reply) are not the server being away.
    """
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _record_failure(
    message: OutboxMessage, error: Exception, *, now: datetime, settings: Settings
) -> None:
    """Keep the error and set the retry time; park the message after
    `mail_max_attempts` failures of its own. An unreachable server does not
    count toward parking: an outage must not park the whole queue."""
    message.last_error = encoding.header_text(f"{type(error).__name__}: {error}")[
        :ERROR_MAX_CHARS
    ]
    message.next_attempt_at = now + retry_delay(message.attempts)
    its_own = not _server_unreachable(error)
    if its_own and message.attempts >= settings.mail_max_attempts:
        message.failed_at = now


def deliver_due(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    batch: int = 50,
    send: Callable[[Settings, OutboxMessage], None] = _smtp_send,
) -> DeliveryReport:
    """Send up to `batch` due messages, each claimed, sent and marked in its own
    transaction: one handed to SMTP is committed as sent before the next is
    tried, and one that fails, for whatever reason, is recorded and retried
    later without holding back the others. An unreachable server ends the round.
    """
    now = now or utcnow()
    report = DeliveryReport()
    for _ in range(batch):
        message = _claim_next(session, now)
        if message is None:
            break
        message.attempts += 1
        try:
            send(settings, message)
        except Exception as error:  # any failure is this message's, not the round's
            _record_failure(message, error, now=now, settings=settings)
            report.failed += 1
            report.parked += message.failed_at is not None
            session.add(message)
            session.commit()
            if _server_unreachable(error):
                break  # the rest waits for the next round
            continue
        # Were this commit lost, the message would go again: at least once.
        message.sent_at = utcnow()
        message.last_error = None
        session.add(message)
        session.commit()
        report.sent += 1
    return report


def failed_messages(session: Session) -> list[OutboxMessage]:
    """Parked messages (given up after `mail_max_attempts`), oldest first."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.failed_at).is_not(None))
        .where(col(OutboxMessage.sent_at).is_(None))
        .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
    )
    return list(session.exec(query).all())


def retry_failed(session: Session, *, message_id: int) -> OutboxMessage:
    """Put a parked message back in the queue, due now, with a fresh count of
    attempts (an admin's decision, once the cause is fixed)."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.failed_at is None or message.sent_at is not None:
        raise NotFound(ErrorCode.MESSAGE_NOT_FOUND, loc=("path", "message_id"))
    message.failed_at = None
    message.attempts = 0
    message.next_attempt_at = utcnow()
    session.add(message)
    session.commit()
    session.refresh(message)
    return message


def run_worker(
    engine: Engine, settings: Settings, stop: threading.Event, *, once: bool = False
) -> DeliveryReport:
    """Deliver due messages every `mail_worker_interval_seconds` until `stop`;
    every DIGESTS_EVERY, first queue the saved searches' due digests.

    Errors other than SMTP's (a database hiccup) are logged and the loop goes on.
    """
    # Here, not at the top: digests queues its mail through this module.
    from app.services import digests

    total = DeliveryReport()
    digests_at = utcnow()
    while not stop.is_set():
        if utcnow() >= digests_at:
            digests_at = utcnow() + DIGESTS_EVERY
            try:
                with Session(engine) as session:
                    digests.send_due_digests(session, settings=settings)
            except Exception:  # as below: the deliveries still go
                logger.exception("saved-search digests failed")
        try:
            with Session(engine) as session:
                report = deliver_due(session, settings)
            total.sent += report.sent
            total.failed += report.failed
        except Exception:  # the loop must survive anything; the next round retries
            logger.exception("mail worker round failed")
        if once:
            break
        stop.wait(settings.mail_worker_interval_seconds)
    return total
