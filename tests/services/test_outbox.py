"""The mail worker: one message, however broken, cannot block the others, and
nothing handed to the SMTP server is sent twice."""

import smtplib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_string, policy
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import Session

from app.config import Settings
from app.db import utcnow
from app.encoding import header_text
from app.errors import NotFound
from app.models import Language, OutboxMessage
from app.services import mail
from tests.factories import make_user
from tests.support.databases import Database
from tests.support.hostile import HOSTILE
from tests.support.smtp import Inbox, SmtpServer

GOOD_1, GOOD_2 = "good1@example.org", "good2@example.org"
HOSTILE_TO = "hostile@example.org"
# Headers our messages carry: anything else was injected.
HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Content-Language",
}
FIELDS = ("subject", "body", "to_email")


@dataclass
class EnvelopeInbox(Inbox):
    """An inbox that also keeps each message's envelope recipients, and the
    message as a modern reader parses it (UTF-8 headers decoded, unfolded)."""

    deliveries: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's handler hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        # UTF-8 headers (SMTPUTF8) are text: read them as such, not as bytes.
        content = envelope.original_content.decode("utf-8")
        parsed = message_from_string(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.deliveries.append((list(envelope.rcpt_tos), parsed))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """The loopback server (as in conftest), keeping envelopes too."""
    server = SmtpServer()
    server.inbox = EnvelopeInbox()
    server.start()
    yield server
    server.stop()


def deliveries(server: SmtpServer) -> list[tuple[list[str], EmailMessage]]:
    inbox = server.inbox
    assert isinstance(inbox, EnvelopeInbox)
    return inbox.deliveries


def sent_to(server: SmtpServer, address: str) -> list[EmailMessage]:
    """Messages whose envelope named exactly `address`."""
    return [message for to, message in deliveries(server) if to == [address]]


def stored(session: Session, **values: Any) -> OutboxMessage:
    """A message written straight to the outbox (no text policy, no queue())."""
    defaults: dict[str, Any] = {
        "kind": "comment",
        "to_email": GOOD_1,
        "language": Language.EN,
        "subject": "A subject",
        "body": "A body.\n",
        "next_attempt_at": utcnow() - timedelta(minutes=1),
    }
    message = OutboxMessage(**(defaults | values))
    session.add(message)
    session.commit()
    session.refresh(message)
    return message


def reloaded(session: Session, message: OutboxMessage) -> OutboxMessage:
    session.expire_all()
    found = session.get(OutboxMessage, message.id)
    assert found is not None
    return found


def fails_for(
    message_id: int | None, error: Exception
) -> Callable[[Settings, OutboxMessage], None]:
    """A sender that raises `error` for one message and sends the others."""

    def send(settings: Settings, message: OutboxMessage) -> None:
        if message.id == message_id:
            raise error
        mail._smtp_send(settings, message)

    return send


def skip_nul_on_postgresql(db: Database, text: str) -> None:
    if db.backend == "postgresql" and "\x00" in text:
        pytest.skip("PostgreSQL text cannot hold NUL: no such row can exist there")


class TestHostileStoredText:
    @pytest.mark.parametrize("where", FIELDS)
    @pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
    def test_worker_delivers_the_others_exactly_once(
        self,
        db: Database,
        session: Session,
        smtp_server: SmtpServer,
        mail_settings: Settings,
        where: str,
        text: str,
    ) -> None:
        skip_nul_on_postgresql(db, text)
        hostile_to = f"x{text}@example.org" if where == "to_email" else HOSTILE_TO
        values = {"to_email": hostile_to} | (
            {where: text} if where != "to_email" else {}
        )
        stored(session, to_email=GOOD_1)
        hostile = stored(session, **values)
        stored(session, to_email=GOOD_2)

        first = mail.deliver_due(session, mail_settings)
        again = mail.deliver_due(session, mail_settings)
        later = mail.deliver_due(
            session, mail_settings, now=utcnow() + timedelta(hours=2)
        )

        assert len(sent_to(smtp_server, GOOD_1)) == 1
        assert len(sent_to(smtp_server, GOOD_2)) == 1
        others = sent_to(smtp_server, hostile_to)
        assert len(deliveries(smtp_server)) == 2 + len(others)  # nobody else
        hostile = reloaded(session, hostile)
        if hostile.sent_at is not None:  # delivered once, with clean headers
            (received,) = others
            assert set(received.keys()) <= HEADERS
            assert received["Subject"] == header_text(hostile.subject)
            assert received["To"].addresses[0].addr_spec == hostile.to_email
            assert (first.sent, first.failed) == (3, 0)
        else:  # refused, recorded, retried later without blocking anyone
            assert others == []
            assert hostile.last_error
            assert hostile.attempts == 2
            assert hostile.failed_at is None
            assert (first.sent, first.failed) == (2, 1)
        assert again.sent == later.sent == 0

    def test_an_injected_bcc_stays_in_the_subject(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        stored(session, subject=HOSTILE["crlf_header_injection"])

        mail.deliver_due(session, mail_settings)

        ((to, received),) = deliveries(smtp_server)
        assert received["Bcc"] is None
        assert received["Subject"] == "a Bcc: victim@example.org"
        assert to == [GOOD_1]

    def test_queue_stores_a_one_line_subject(self, session: Session) -> None:
        message = mail.queue(
            session,
            kind="comment",
            to=make_user(session),
            context={
                "title": "Title\r\nBcc: victim@example.org\u2028end",
                "author": "A",
                "body": "B",
                "link": "L",
            },
        )
        session.commit()

        assert message.subject == "New comment on: Title Bcc: victim@example.org end"
        assert message.body.startswith("Hello")  # nothing moved from the subject


class TestOneFailureDoesNotBlock:
    @pytest.mark.parametrize(
        "error",
        [
            ValueError("boom"),
            UnicodeEncodeError("ascii", "\u2028", 0, 1, "no"),
            RuntimeError("unexpected"),
            KeyError("missing"),
            smtplib.SMTPRecipientsRefused({HOSTILE_TO: (550, b"no such user")}),
            smtplib.SMTPDataError(554, b"rejected"),
            smtplib.SMTPSenderRefused(553, b"no", "no-reply@localhost"),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_the_failing_message_is_recorded_and_the_others_go(
        self,
        session: Session,
        smtp_server: SmtpServer,
        mail_settings: Settings,
        error: Exception,
    ) -> None:
        stored(session, to_email=GOOD_1)
        failing = stored(session, to_email=HOSTILE_TO)
        stored(session, to_email=GOOD_2)
        now = utcnow()

        report = mail.deliver_due(
            session, mail_settings, now=now, send=fails_for(failing.id, error)
        )

        assert (report.sent, report.failed, report.parked) == (2, 1, 0)
        assert len(smtp_server.inbox.to(GOOD_1)) == len(smtp_server.inbox.to(GOOD_2))
        assert len(smtp_server.inbox.messages) == 2
        failing = reloaded(session, failing)
        assert failing.sent_at is None
        assert failing.attempts == 1
        assert failing.last_error
        assert failing.last_error.startswith(type(error).__name__)
        assert failing.next_attempt_at == now + mail.retry_delay(1)

    def test_a_message_sent_is_committed_before_the_next_is_tried(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        class WorkerKilled(BaseException):
            """The process dies in the middle of a round."""

        first = stored(session, to_email=GOOD_1)
        second = stored(session, to_email=GOOD_2)

        def send(settings: Settings, message: OutboxMessage) -> None:
            if message.id == second.id:
                raise WorkerKilled
            mail._smtp_send(settings, message)

        with pytest.raises(WorkerKilled):
            mail.deliver_due(session, mail_settings, send=send)
        session.rollback()
        assert reloaded(session, first).sent_at is not None
        assert reloaded(session, second).attempts == 0

        report = mail.deliver_due(session, mail_settings)

        assert report.sent == 1
        assert len(smtp_server.inbox.to(GOOD_1)) == 1
        assert len(smtp_server.inbox.to(GOOD_2)) == 1

    def test_an_unreachable_server_ends_the_round(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        first = stored(session, to_email=GOOD_1)
        second = stored(session, to_email=GOOD_2)
        smtp_server.stop()

        report = mail.deliver_due(session, mail_settings)

        assert (report.sent, report.failed) == (0, 1)
        assert reloaded(session, first).attempts == 1
        assert reloaded(session, second).attempts == 0  # it waits, untouched


def rounds(
    session: Session,
    settings: Settings,
    count: int,
    *,
    send: Callable[[Settings, OutboxMessage], None],
    start: datetime,
) -> list[mail.DeliveryReport]:
    """`count` rounds, each two hours after the last (past any retry delay)."""
    return [
        mail.deliver_due(
            session, settings, now=start + timedelta(hours=2 * n), send=send
        )
        for n in range(count)
    ]


class TestParking:
    def test_after_max_attempts_a_message_is_parked_and_no_longer_due(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        settings = mail_settings.model_copy(update={"mail_max_attempts": 3})
        failing = stored(session, to_email=HOSTILE_TO)
        send = fails_for(failing.id, ValueError("bad header"))

        reports = rounds(session, settings, 5, send=send, start=utcnow())

        assert [r.failed for r in reports] == [1, 1, 1, 0, 0]
        assert [r.parked for r in reports] == [0, 0, 1, 0, 0]
        parked = reloaded(session, failing)
        assert parked.attempts == 3
        assert parked.failed_at is not None
        assert mail.failed_messages(session) == [parked]
        assert smtp_server.inbox.messages == []

    def test_an_admin_retry_puts_it_back_and_it_is_delivered(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        settings = mail_settings.model_copy(update={"mail_max_attempts": 2})
        failing = stored(session, to_email=HOSTILE_TO)
        rounds(
            session,
            settings,
            2,
            send=fails_for(failing.id, ValueError("bad")),
            start=utcnow(),
        )
        assert reloaded(session, failing).failed_at is not None

        retried = mail.retry_failed(session, message_id=failing.id or 0)

        assert (retried.failed_at, retried.attempts) == (None, 0)
        assert retried.next_attempt_at <= utcnow()
        assert mail.failed_messages(session) == []
        report = mail.deliver_due(session, settings)
        assert report.sent == 1
        assert len(smtp_server.inbox.to(HOSTILE_TO)) == 1
        delivered = reloaded(session, failing)
        assert delivered.sent_at is not None
        assert delivered.last_error is None

    def test_an_outage_does_not_park_the_queue(
        self, session: Session, smtp_server: SmtpServer, mail_settings: Settings
    ) -> None:
        settings = mail_settings.model_copy(update={"mail_max_attempts": 2})
        waiting = stored(session, to_email=GOOD_1)
        smtp_server.stop()

        rounds(session, settings, 3, send=mail._smtp_send, start=utcnow())

        still = reloaded(session, waiting)
        assert still.attempts == 3
        assert still.failed_at is None
        assert mail.failed_messages(session) == []

    def test_only_a_parked_message_can_be_retried(self, session: Session) -> None:
        waiting = stored(session)
        sent = stored(session, sent_at=utcnow())
        missing = (waiting.id or 0) + 100

        for message_id in (waiting.id, sent.id, missing):
            with pytest.raises(NotFound) as raised:
                mail.retry_failed(session, message_id=message_id or 0)
            assert raised.value.code == "MESSAGE_NOT_FOUND"
        assert reloaded(session, waiting).next_attempt_at < utcnow()


class TestFailedMessages:
    def test_admins_see_parked_messages_oldest_first(self, session: Session) -> None:
        now = utcnow()
        newer = stored(session, failed_at=now, created_at=now)
        older = stored(session, failed_at=now, created_at=now - timedelta(days=1))
        stored(session)  # waiting, not parked
        stored(session, failed_at=now, sent_at=now)  # sent after all

        assert [m.id for m in mail.failed_messages(session)] == [older.id, newer.id]


class TestRecipient:
    @pytest.mark.parametrize(
        "address",
        [
            "a.b+c@example.org",
            "مستخدم@example.org",  # internationalised: needs SMTPUTF8 to go
            "user@مثال.مصر",
            '"a b"@example.org',
        ],
    )
    def test_one_plain_mailbox_is_taken_as_it_is(self, address: str) -> None:
        assert mail._recipient(address).addr_spec == address

    @pytest.mark.parametrize(
        "address",
        [
            "",
            "a@example.org, b@example.org",
            "x@example.org>, victim@example.org",
            "Eve <eve@example.org>",
            "group: a@example.org;",
            'x=HYPERLINK("http://evil.example")@example.org',
            " a@example.org",
            *(
                f"x{text}@example.org"
                for text in HOSTILE.values()
                if header_text(text) != text
            ),
        ],
    )
    def test_anything_else_is_refused(self, address: str) -> None:
        with pytest.raises(ValueError, match=r"email address|CR or LF"):
            mail._recipient(address)
