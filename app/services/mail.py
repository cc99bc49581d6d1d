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
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.i18n import translations
from app.models import Language, OutboxMessage, User

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
SUBJECT_MAX_CHARS = 300  # the outbox column's size
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


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


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of message `kind` in `language`."""
    text = _environment(language).get_template(f"{kind}.txt").render(**context)
    first, _, body = text.partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


def queue(
    session: Session,
    *,
    kind: str,
    to: User,
    context: dict[str, Any],
) -> OutboxMessage:
    """Add a message to `to` in their language; committed with the caller's change."""
    language = to.preferred_language
    subject, body = render(kind, language, {"recipient": to, **context})
    if len(subject) > SUBJECT_MAX_CHARS:  # a long title must not break the insert
        subject = subject[: SUBJECT_MAX_CHARS - 1] + "…"
    message = OutboxMessage(
        kind=kind,
        to_email=to.email,
        language=Language(language),
        subject=subject,
        body=body,
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


def _smtp_send(settings: Settings, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)  # clears Content-* headers: set ours after
    email["Content-Language"] = message.language.value
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)


def _due(session: Session, now: datetime, batch: int) -> list[OutboxMessage]:
    """Claim up to `batch` due messages. On PostgreSQL, rows another worker has
    claimed are skipped (FOR UPDATE SKIP LOCKED), so workers never double-send."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.sent_at).is_(None))
        .where(col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query).all())


def deliver_due(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    batch: int = 50,
    send: Callable[[Settings, OutboxMessage], None] = _smtp_send,
) -> DeliveryReport:
    """Send what is due; a failure is recorded and retried later, never dropped."""
    now = now or utcnow()
    report = DeliveryReport()
    for message in _due(session, now, batch):
        message.attempts += 1
        try:
            send(settings, message)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = now + retry_delay(message.attempts)
            report.failed += 1
            session.add(message)
            if isinstance(error, OSError):
                break  # the server is unreachable: the rest waits for the next round
        else:
            message.sent_at = utcnow()
            message.last_error = None
            report.sent += 1
            session.add(message)
    session.commit()
    return report


def run_worker(
    engine: Engine, settings: Settings, stop: threading.Event, *, once: bool = False
) -> DeliveryReport:
    """Deliver due messages every `mail_worker_interval_seconds` until `stop`.

    Errors other than SMTP's (a database hiccup) are logged and the loop goes on.
    """
    total = DeliveryReport()
    while not stop.is_set():
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
