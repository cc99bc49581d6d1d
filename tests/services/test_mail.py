"""Outgoing mail: queued with the event, delivered by the worker, never lost."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import InvalidInput
from app.models import Language, OutboxMessage, ProjectStatus, Role, User
from app.services import mail, moderation
from tests.factories import make_project, make_user
from tests.support.smtp import SmtpServer


def outbox(session: Session) -> list[OutboxMessage]:
    return list(
        session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    )


def submit_one(session: Session, owner: User, settings: Settings) -> None:
    draft = make_project(session, status=ProjectStatus.DRAFT, owner=owner)
    moderation.submit_project(
        session, public_id=draft.public_id, user=owner, settings=settings
    )


class TestQueueing:
    def test_a_submission_queues_mail_for_moderators_and_the_focal_point(
        self,
        session: Session,
        contributor: User,
        focal_point: User,
        other_focal_point: User,
        moderator: User,
        mail_settings: Settings,
    ) -> None:
        submit_one(session, contributor, mail_settings)

        recipients = {message.to_email for message in outbox(session)}
        assert recipients == {moderator.email, focal_point.email}
        assert other_focal_point.email not in recipients

    def test_each_message_is_in_its_recipients_language(
        self, session: Session, contributor: User, mail_settings: Settings
    ) -> None:
        arabic = make_user(session, role=Role.MODERATOR, language=Language.AR)
        french = make_user(session, role=Role.MODERATOR, language=Language.FR)

        submit_one(session, contributor, mail_settings)

        by_recipient = {m.to_email: m for m in outbox(session)}
        assert "مراجعة" in by_recipient[arabic.email].subject
        assert "examen" in by_recipient[french.email].subject.lower()
        assert "منصة تجريبية" in by_recipient[arabic.email].body  # Arabic title

    def test_a_long_title_gives_a_shortened_subject(
        self, session: Session, moderator: User
    ) -> None:
        message = mail.queue(
            session,
            kind="project_submitted",
            to=moderator,
            context={
                "title": "T" * 300,
                "country": "Tunisia",
                "submitter": "S",
                "link": "L",
            },
        )
        session.commit()

        assert len(message.subject) == 300
        assert message.subject.endswith("…")

    def test_nothing_is_queued_when_the_event_fails(
        self,
        session: Session,
        contributor: User,
        mail_settings: Settings,
        moderator: User,
    ) -> None:
        draft = make_project(
            session, status=ProjectStatus.DRAFT, owner=contributor, complete=False
        )

        with pytest.raises(InvalidInput):
            moderation.submit_project(
                session,
                public_id=draft.public_id,
                user=contributor,
                settings=mail_settings,
            )

        assert outbox(session) == []
        assert moderator.email


class TestDelivery:
    def test_messages_reach_the_smtp_server(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        submit_one(session, contributor, mail_settings)

        report = mail.deliver_due(session, mail_settings)

        assert (report.sent, report.failed) == (1, 0)
        (received,) = smtp_server.inbox.to(moderator.email)
        assert received["Subject"].startswith("Submitted for review")
        assert received["Date"]
        assert received["Message-ID"]
        assert "https://repo.example/moderation/" in smtp_server.inbox.body(received)
        assert outbox(session)[0].sent_at is not None

    def test_reply_to_and_one_click_unsubscribe_only_when_the_row_says(
        self,
        session: Session,
        moderator: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        context = {"title": "T", "country": "Tunisia", "submitter": "S", "link": "L"}
        team = mail.Recipient("team@example.org", Language.EN)
        mail.queue(session, kind="project_submitted", to=moderator, context=context)
        mail.queue(
            session,
            kind="project_submitted",
            to=team,
            context=context,
            reply_to="sender@example.net",
            unsubscribe_url="https://repo.example/alerts/unsubscribe/abc",
        )
        session.commit()

        assert mail.deliver_due(session, mail_settings).sent == 2

        (plain,) = smtp_server.inbox.to(moderator.email)
        assert plain["Reply-To"] is None
        assert plain["List-Unsubscribe"] is None
        (relayed,) = smtp_server.inbox.to("team@example.org")
        assert relayed["Reply-To"] == "sender@example.net"
        assert relayed["List-Unsubscribe"] == (
            "<https://repo.example/alerts/unsubscribe/abc>"
        )
        assert relayed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_smtp_down_then_up_again_loses_nothing(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        submit_one(session, contributor, mail_settings)
        smtp_server.stop()

        down = mail.deliver_due(session, mail_settings)

        (waiting,) = outbox(session)
        assert (down.sent, down.failed) == (0, 1)
        assert waiting.sent_at is None
        assert waiting.attempts == 1
        assert waiting.last_error
        assert waiting.next_attempt_at > utcnow()

        smtp_server.start()
        too_early = mail.deliver_due(session, mail_settings)
        assert too_early.sent == 0  # it waits for its retry time

        later = mail.deliver_due(
            session, mail_settings, now=utcnow() + timedelta(hours=1)
        )

        assert later.sent == 1
        assert len(smtp_server.inbox.to(moderator.email)) == 1
        session.refresh(waiting)
        assert waiting.sent_at is not None
        assert waiting.attempts == 2

    def test_retry_delays_grow_and_are_capped(self) -> None:
        delays = [mail.retry_delay(n) for n in (1, 2, 3, 10, 20)]

        assert delays[:3] == [
            timedelta(seconds=30),
            timedelta(minutes=1),
            timedelta(minutes=2),
        ]
        assert delays[3] == delays[4] == timedelta(hours=1)

    def test_the_worker_loop_delivers_and_stops(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        submit_one(session, contributor, mail_settings)
        bind = session.get_bind()  # the test's engine (or its transaction's connection)

        report = mail.run_worker(bind, mail_settings, threading.Event(), once=True)  # type: ignore[arg-type]

        assert report.sent == 1
        assert smtp_server.inbox.to(moderator.email)
