"""Contact an entry's team through the relay: the rules (no HTTP)."""

from datetime import timedelta
from email.message import Message

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import make_engine, utcnow
from app.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from app.messages import ErrorCode
from app.models import (
    ContactBlock,
    ContactMessage,
    ContactThread,
    Project,
    ProjectStatus,
    Role,
    User,
)
from app.security import hash_secret
from app.services import contact, contact_log, mail
from tests.factories import make_project, make_user
from tests.factories_exchange_contact import (
    SENDER_EMAIL,
    SETTINGS,
    TEAM_CONTACT,
    make_sender,
    outbox,
    team_token,
    write,
)
from tests.support.smtp import SmtpServer


@pytest.fixture
def sender(session: Session) -> User:
    return make_sender(session)


@pytest.fixture
def entry(session: Session, contributor: User) -> Project:
    """A published Tunisian entry owned by `contributor`, its contact private."""
    return make_project(session, owner=contributor)


class TestWriteToTheTeam:
    def test_sender_writes_and_the_team_is_mailed_without_the_senders_address(
        self, session: Session, entry: Project, sender: User, contributor: User
    ) -> None:
        access = write(session, entry, sender)

        relayed = outbox(session, contact.RELAY_KIND)
        assert {m.to_email for m in relayed} == {contributor.email, TEAM_CONTACT}
        for relay in relayed:
            assert relay.reply_to is None
            assert SENDER_EMAIL not in relay.body + relay.subject
            assert "Rania Haddad" in relay.body
            assert "Ministry of Digital Economy (fictional)" in relay.body
            assert "Replicating your platform in Jordan" in relay.subject
            assert "Can we talk?" in relay.body
            assert "/messages/reply/" in relay.body
        by_address = {m.to_email: m for m in relayed}
        # Each in their language: the contact in the entry's (Arabic), the owner in his.
        assert "الأردن" in by_address[TEAM_CONTACT].body
        assert "Jordan" in by_address[contributor.email].body
        assert "Replicate it in my country" in by_address[contributor.email].body
        assert "answer through the repository" in by_address[contributor.email].body
        thread = access.thread
        assert thread.sender_id == sender.id
        assert thread.project_id == entry.id
        token = team_token(session)
        assert thread.reply_token_hash == hash_secret(token) != token
        [first] = session.exec(select(ContactMessage)).all()
        assert first.body is not None
        assert first.body.endswith("Can we talk?")

    def test_reply_to_is_the_senders_address_only_when_ticked(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        write(session, entry, sender, reply_to_sender=True)

        relayed = outbox(session, contact.RELAY_KIND)
        assert relayed
        assert all(m.reply_to == SENDER_EMAIL for m in relayed)
        assert all(SENDER_EMAIL not in m.body for m in relayed)
        assert all("writes to them directly" in m.body for m in relayed[:1])

    def test_the_owner_is_mailed_once_when_the_contact_is_their_address(
        self, session: Session, sender: User
    ) -> None:
        owner = make_user(session, email="owner@team.example")
        project = make_project(
            session,
            owner=owner,
            contact={"name": "Owner", "email": "Owner@Team.example"},
        )

        write(session, project, sender)

        assert [m.to_email for m in outbox(session)] == ["owner@team.example"]

    def test_an_entry_without_owner_or_contact_cannot_be_reached(
        self, session: Session, sender: User
    ) -> None:
        project = make_project(session, owner=None)
        project.contact_email = None
        session.add(project)
        session.commit()

        with pytest.raises(Conflict) as refused:
            write(session, project, sender)

        assert refused.value.code == ErrorCode.CONTACT_UNREACHABLE
        assert outbox(session) == []

    def test_an_unpublished_entry_is_refused(
        self, session: Session, contributor: User, sender: User, moderator: User
    ) -> None:
        submitted = make_project(
            session, owner=contributor, status=ProjectStatus.SUBMITTED
        )

        with pytest.raises(NotFound) as hidden:
            write(session, submitted, sender)
        with pytest.raises(NotFound) as unpublished:  # moderators see it exists
            write(session, submitted, moderator)

        assert hidden.value.code == ErrorCode.PROJECT_NOT_FOUND
        assert unpublished.value.code == ErrorCode.NOT_PUBLISHED
        assert session.exec(select(func.count()).select_from(ContactThread)).one() == 0

    def test_an_unconfirmed_address_is_refused(
        self, session: Session, entry: Project
    ) -> None:
        unconfirmed = make_sender(session, verified=False)

        with pytest.raises(PermissionDenied) as refused:
            write(session, entry, unconfirmed)

        assert refused.value.code == ErrorCode.EMAIL_NOT_VERIFIED

    def test_the_owner_and_the_focal_point_cannot_write_to_their_own_entry(
        self,
        session: Session,
        entry: Project,
        contributor: User,
        focal_point: User,
    ) -> None:
        for team_member in (contributor, focal_point):
            with pytest.raises(PermissionDenied) as refused:
                write(session, entry, team_member)
            assert refused.value.code == ErrorCode.CONTACT_OWN_ENTRY

    def test_an_unknown_country_is_a_field_error(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            write(session, entry, sender, country="ZZ")

        assert refused.value.detail()[0]["loc"] == ["body", "country"]


class TestLimits:
    def test_the_sixth_message_of_a_day_waits(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        start = utcnow()
        for minute in range(5):
            write(session, entry, sender, now=start + timedelta(minutes=minute))

        with pytest.raises(TooManyRequests) as refused:
            write(session, entry, sender, now=start + timedelta(minutes=10))

        error = refused.value
        assert error.code == ErrorCode.CONTACT_LIMIT_REACHED
        # Free again when the first leaves the day's window.
        assert error.retry_after == 24 * 3600 - 10 * 60
        assert error.headers == {"Retry-After": str(error.retry_after)}
        assert "5 teams" in error.detail("en")[0]["msg"]
        assert session.exec(select(func.count()).select_from(ContactThread)).one() == 5
        write(session, entry, sender, now=start + timedelta(days=1, seconds=1))

    def test_the_week_limit_holds_across_days(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        start = utcnow()
        for day in range(4):
            for minute in range(5):
                when = start + timedelta(days=day, minutes=minute)
                write(session, entry, sender, now=when)
        fifth_day = start + timedelta(days=4, hours=1)

        with pytest.raises(TooManyRequests) as refused:
            write(session, entry, sender, now=fifth_day)

        assert "20 teams" in refused.value.detail("en")[0]["msg"]
        assert refused.value.retry_after == int(
            (start + timedelta(days=7) - fifth_day).total_seconds()
        )
        write(session, entry, sender, now=start + timedelta(days=7, seconds=1))

    def test_each_sender_has_their_own_count(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        settings = SETTINGS.model_copy(update={"contact_limit_per_day": "1/86400"})
        other = make_sender(session, email="other.sender@example.org")

        write(session, entry, sender, settings=settings)
        write(session, entry, other, settings=settings)

        with pytest.raises(TooManyRequests):
            write(session, entry, sender, settings=settings)


class TestAnswers:
    def test_the_team_answers_from_the_link_and_the_sender_is_mailed(
        self, session: Session, entry: Project, sender: User, contributor: User
    ) -> None:
        access = write(session, entry, sender)
        team = contact.access_by_token(session, token=team_token(session))

        answer = contact.reply(
            session, access=team, body="Gladly: here is how.", settings=SETTINGS
        )

        assert answer.from_team
        assert answer.author_id is None
        [mailed] = outbox(session, contact.ANSWER_KIND)
        assert mailed.to_email == SENDER_EMAIL
        assert mailed.reply_to is None
        assert f"https://repo.example/me/messages/{access.thread.id}" in mailed.body
        assert "Gladly: here is how." in mailed.body
        for address in (TEAM_CONTACT, contributor.email):
            assert address not in mailed.body

    def test_the_sender_answers_and_the_team_gets_a_fresh_link(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        access = write(session, entry, sender, reply_to_sender=True)
        first_token = team_token(session)

        contact.reply(session, access=access, body="Any news?", settings=SETTINGS)

        follow_ups = outbox(session, contact.FOLLOW_UP_KIND)
        assert len(follow_ups) == 2
        assert all(m.reply_to == SENDER_EMAIL for m in follow_ups)
        assert all("Any news?" in m.body for m in follow_ups)
        new_token = team_token(session)
        assert new_token != first_token
        with pytest.raises(NotFound):
            contact.access_by_token(session, token=first_token)
        assert contact.access_by_token(session, token=new_token).side == "team"

    def test_the_owner_and_the_focal_point_answer_signed_in(
        self,
        session: Session,
        entry: Project,
        sender: User,
        contributor: User,
        focal_point: User,
        other_contributor: User,
    ) -> None:
        thread_id = write(session, entry, sender).thread.id
        assert thread_id is not None

        for member in (contributor, focal_point):
            access = contact.access_for(session, thread_id=thread_id, user=member)
            assert access.side == "team"
            contact.reply(session, access=access, body="Hello", settings=SETTINGS)
        with pytest.raises(NotFound):
            contact.access_for(session, thread_id=thread_id, user=other_contributor)

        view = contact_log.thread_view(
            session,
            access=contact.access_for(session, thread_id=thread_id, user=sender),
            locale="en",
        )
        assert [m.from_team for m in view.messages] == [False, True, True]
        assert "@" not in view.model_dump_json()


class TestBlocksAndSuspensions:
    def test_a_sender_the_team_blocked_cannot_write_to_that_entry(
        self, session: Session, entry: Project, sender: User, contributor: User
    ) -> None:
        access = write(session, entry, sender)
        team = contact.access_by_token(session, token=team_token(session))

        block = contact.block_sender(session, access=team, reason="Spam")

        assert block.blocked_by_id is None
        assert block.project_id == entry.id
        with pytest.raises(PermissionDenied) as again:
            write(session, entry, sender)
        assert again.value.code == ErrorCode.CONTACT_BLOCKED
        with pytest.raises(PermissionDenied):
            contact.reply(session, access=access, body="Please", settings=SETTINGS)
        other_entry = make_project(session, owner=contributor)
        write(session, other_entry, sender)  # only this entry's team blocked them

    def test_the_owner_blocks_signed_in_and_only_the_team_may(
        self, session: Session, entry: Project, sender: User, contributor: User
    ) -> None:
        access = write(session, entry, sender)
        assert access.thread.id is not None

        with pytest.raises(PermissionDenied):
            contact.block_sender(session, access=access)
        owner = contact.access_for(
            session, thread_id=access.thread.id, user=contributor
        )
        block = contact.block_sender(session, access=owner)
        twice = contact.block_sender(session, access=owner)

        assert block.blocked_by_id == contributor.id
        assert twice.id == block.id

    def test_a_suspended_sender_cannot_write_to_any_team_until_lifted(
        self,
        session: Session,
        entry: Project,
        sender: User,
        moderator: User,
    ) -> None:
        contact.suspend_sender(
            session, sender_id=sender.id or 0, moderator=moderator, reason="Abuse"
        )

        with pytest.raises(PermissionDenied) as refused:
            write(session, entry, sender)
        assert refused.value.code == ErrorCode.CONTACT_SUSPENDED
        assert "suspended" in refused.value.detail("en")[0]["msg"]

        contact.lift_suspension(session, sender_id=sender.id or 0, moderator=moderator)
        write(session, entry, sender)

    def test_only_moderators_suspend(
        self, session: Session, sender: User, contributor: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            contact.suspend_sender(
                session, sender_id=sender.id or 0, moderator=contributor
            )
        assert session.exec(select(ContactBlock)).all() == []


class TestModeratorLog:
    def test_the_log_shows_who_wrote_to_which_entry_but_not_the_text(
        self, session: Session, entry: Project, sender: User, moderator: User
    ) -> None:
        write(session, entry, sender)

        log = contact_log.moderator_log(session, moderator=moderator, locale="en")

        [row] = log.items
        assert row.sender.name == "Rania Haddad"
        assert row.entry.id == entry.public_id
        assert row.purpose == "replicate"
        assert row.message_count == 1
        assert row.subject is None
        assert row.messages is None
        shown = log.model_dump_json()
        assert "Can we talk" not in shown
        assert "Replicating" not in shown
        assert "@" not in shown

    def test_a_report_opens_the_text_to_the_moderators_and_tells_them(
        self,
        session: Session,
        entry: Project,
        sender: User,
        moderator: User,
        admin: User,
    ) -> None:
        write(session, entry, sender)
        team = contact.access_by_token(session, token=team_token(session))

        contact.report_thread(session, access=team, reason="Insults", settings=SETTINGS)

        [row] = contact_log.moderator_log(
            session, moderator=moderator, locale="en"
        ).items
        assert row.reported_at is not None
        assert row.report_reason == "Insults"
        assert row.subject == "Replicating your platform in Jordan"
        assert row.messages
        assert "Can we talk?" in (row.messages[0].body or "")
        told = outbox(session, contact.REPORTED_KIND)
        assert {m.to_email for m in told} == {moderator.email, admin.email}
        assert all("Can we talk" not in m.body for m in told)

    def test_only_moderators_read_the_log(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            contact_log.moderator_log(session, moderator=contributor, locale="en")


class TestRetention:
    def test_old_texts_are_deleted_and_nothing_else(
        self, session: Session, entry: Project, sender: User
    ) -> None:
        now = utcnow()
        old = write(session, entry, sender, now=now - timedelta(days=200))
        contact.reply(
            session,
            access=old,
            body="A later word",
            settings=SETTINGS,
            now=now - timedelta(days=10),
        )
        write(session, entry, sender, now=now - timedelta(days=179))
        before = [
            (t.id, t.subject, t.purpose, t.created_at, t.sender_id)
            for t in session.exec(select(ContactThread)).all()
        ]

        pruned = contact.prune_bodies(session, older_than_days=180, now=now)

        assert pruned == 1
        session.expire_all()
        messages = session.exec(
            select(ContactMessage).order_by(col(ContactMessage.created_at))
        ).all()
        first_words = "We would like to learn how you trained the model.\nCan we talk?"
        assert [m.body for m in messages] == [None, first_words, "A later word"]
        assert messages[0].body_deleted_at is not None
        assert all(m.body_deleted_at is None for m in messages[1:])
        after = [
            (t.id, t.subject, t.purpose, t.created_at, t.sender_id)
            for t in session.exec(select(ContactThread)).all()
        ]
        assert after == before
        assert contact.prune_bodies(session, older_than_days=180, now=now) == 0


class TestRelayedMail:
    def test_delivered_headers_carry_reply_to_only_when_ticked(
        self,
        session: Session,
        entry: Project,
        sender: User,
        contributor: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        write(session, entry, sender, subject="Not ticked")
        write(session, entry, sender, subject="Ticked", reply_to_sender=True)

        report = mail.deliver_due(session, mail_settings)

        assert report.sent == 4
        received: list[Message] = smtp_server.inbox.messages
        assert {m["To"] for m in received} == {contributor.email, TEAM_CONTACT}
        for delivered in received:
            raw = delivered.as_string()
            ticked = "Ticked" in str(delivered["Subject"]) and "Not" not in str(
                delivered["Subject"]
            )
            assert delivered["Reply-To"] == (SENDER_EMAIL if ticked else None)
            body = smtp_server.inbox.body(delivered)
            assert SENDER_EMAIL not in body
            if not ticked:
                assert SENDER_EMAIL not in raw


class TestPruneCommand:
    def test_operator_prunes_message_texts_past_the_retention_setting(
        self, empty_database: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("STOCKTAKING_DATABASE_URL", empty_database)
        monkeypatch.setenv("STOCKTAKING_CONTACT_RETENTION_DAYS", "30")
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
            assert runner.invoke(cli, ["seed"]).exit_code == 0
            engine = make_engine(empty_database)
            with Session(engine) as session:
                owner = make_user(session, role=Role.CONTRIBUTOR)
                entry = make_project(session, owner=owner)
                sender = make_sender(session)
                write(session, entry, sender, now=utcnow() - timedelta(days=31))
                write(session, entry, sender, now=utcnow() - timedelta(days=29))

            pruned = runner.invoke(cli, ["prune-messages"])

            assert pruned.exit_code == 0, pruned.output
            assert "1 texts of more than 30 days deleted" in pruned.output
            with Session(engine) as session:
                bodies = session.exec(
                    select(ContactMessage.body).order_by(col(ContactMessage.id))
                ).all()
            engine.dispose()
            assert bodies[0] is None
            assert bodies[1] is not None
        finally:
            get_settings.cache_clear()
