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
    Language,
    Project,
    ProjectStatus,
    Role,
    User,
)
from app.security import hash_secret
from app.services import contact, contact_log, contact_measures, mail
from tests.factories import make_project, make_user
from tests.factories_exchange import outbox
from tests.factories_exchange_contact import (
    SENDER_EMAIL,
    SETTINGS,
    TEAM_CONTACT,
    make_sender,
    team_access,
    team_token,
    write,
)
from tests.support.smtp import SmtpServer


def thread_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(ContactThread)).one()


class TestWriteToTheTeam:
    def test_sender_writes_and_the_team_is_mailed_without_the_senders_address(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)

        relayed = outbox(session, kind=contact.RELAY_KIND)
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
        assert thread.sender_id == contact_sender.id
        assert thread.project_id == contact_entry.id
        token = team_token(session)
        assert thread.reply_token_hash == hash_secret(token) != token
        [first] = session.exec(select(ContactMessage)).all()
        assert first.body is not None
        assert first.body.endswith("Can we talk?")

    def test_the_focal_points_are_not_mailed_a_private_conversation(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        focal_point: User,
    ) -> None:
        write(session, contact_entry, contact_sender)

        assert focal_point.email not in {m.to_email for m in outbox(session)}

    def test_reply_to_is_the_senders_address_only_when_ticked_and_the_team_is_warned(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        write(session, contact_entry, contact_sender, reply_to_sender=True)

        relayed = outbox(session, kind=contact.RELAY_KIND)
        assert len(relayed) == 2
        assert all(m.reply_to == SENDER_EMAIL for m in relayed)
        assert all(SENDER_EMAIL not in m.body for m in relayed)
        [in_english] = [m for m in relayed if m.to_email != TEAM_CONTACT]
        assert "writes to them directly" in in_english.body
        assert "shows them your email address" in in_english.body

    def test_the_owner_is_mailed_once_when_the_contact_is_their_address(
        self, session: Session, contact_sender: User
    ) -> None:
        owner = make_user(session, email="owner@team.example")
        project = make_project(
            session,
            owner=owner,
            contact={"name": "Owner", "email": "Owner@Team.example"},
        )

        write(session, project, contact_sender)

        assert [m.to_email for m in outbox(session)] == ["owner@team.example"]

    def test_an_entry_without_owner_or_contact_cannot_be_reached(
        self, session: Session, contact_sender: User, focal_point: User
    ) -> None:
        """Not even through its country's focal point: a private conversation."""
        project = make_project(session, owner=None)
        project.contact_email = None
        session.add(project)
        session.commit()
        assert focal_point.country_iso2 == project.home_country_iso2

        with pytest.raises(Conflict) as refused:
            write(session, project, contact_sender)

        assert refused.value.code == ErrorCode.CONTACT_UNREACHABLE
        assert outbox(session) == []

    def test_an_unpublished_entry_is_refused(
        self,
        session: Session,
        contributor: User,
        contact_sender: User,
        moderator: User,
    ) -> None:
        submitted = make_project(
            session, owner=contributor, status=ProjectStatus.SUBMITTED
        )

        with pytest.raises(NotFound) as hidden:
            write(session, submitted, contact_sender)
        with pytest.raises(Conflict) as unpublished:  # moderators see it exists
            write(session, submitted, moderator)

        assert hidden.value.code == ErrorCode.PROJECT_NOT_FOUND
        assert unpublished.value.code == ErrorCode.NOT_PUBLISHED
        assert thread_count(session) == 0

    def test_an_unconfirmed_address_is_refused(
        self, session: Session, contact_entry: Project
    ) -> None:
        unconfirmed = make_sender(session, verified=False)

        with pytest.raises(PermissionDenied) as refused:
            write(session, contact_entry, unconfirmed)

        assert refused.value.code == ErrorCode.EMAIL_NOT_VERIFIED

    def test_the_owner_and_the_contact_person_cannot_write_to_their_own_entry(
        self, session: Session, contact_entry: Project, contributor: User
    ) -> None:
        contact_person = make_sender(session, email=TEAM_CONTACT.upper())

        for team_member in (contributor, contact_person):
            with pytest.raises(PermissionDenied) as refused:
                write(session, contact_entry, team_member)
            assert refused.value.code == ErrorCode.CONTACT_OWN_ENTRY

    def test_a_focal_point_of_the_country_writes_like_anyone(
        self, session: Session, contact_entry: Project, focal_point: User
    ) -> None:
        access = write(session, contact_entry, focal_point)

        assert access.side == "sender"

    def test_an_unknown_country_is_a_field_error(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            write(session, contact_entry, contact_sender, country="ZZ")

        assert refused.value.detail()[0]["loc"] == ["body", "country"]


class TestLimits:
    def test_the_sixth_message_of_a_day_waits(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        start = utcnow()
        for minute in range(5):
            when = start + timedelta(minutes=minute)
            write(session, contact_entry, contact_sender, now=when)

        with pytest.raises(TooManyRequests) as refused:
            write(
                session,
                contact_entry,
                contact_sender,
                now=start + timedelta(minutes=10),
            )

        error = refused.value
        assert error.code == ErrorCode.CONTACT_LIMIT_REACHED
        # Free again when the first leaves the day's window.
        assert error.retry_after == 24 * 3600 - 10 * 60
        assert error.headers == {"Retry-After": str(error.retry_after)}
        assert "5 teams" in error.detail("en")[0]["msg"]
        assert thread_count(session) == 5
        later = start + timedelta(days=1, seconds=1)
        write(session, contact_entry, contact_sender, now=later)

    def test_the_week_limit_holds_across_days(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        start = utcnow()
        for day in range(4):
            for minute in range(5):
                when = start + timedelta(days=day, minutes=minute)
                write(session, contact_entry, contact_sender, now=when)
        fifth_day = start + timedelta(days=4, hours=1)

        with pytest.raises(TooManyRequests) as refused:
            write(session, contact_entry, contact_sender, now=fifth_day)

        assert "20 teams" in refused.value.detail("en")[0]["msg"]
        assert refused.value.retry_after == int(
            (start + timedelta(days=7) - fifth_day).total_seconds()
        )
        later = start + timedelta(days=7, seconds=1)
        write(session, contact_entry, contact_sender, now=later)

    def test_each_sender_has_their_own_count(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        settings = SETTINGS.model_copy(update={"contact_limit_per_day": "1/86400"})
        other = make_sender(session, email="other.sender@example.org")

        write(session, contact_entry, contact_sender, settings=settings)
        write(session, contact_entry, other, settings=settings)

        with pytest.raises(TooManyRequests):
            write(session, contact_entry, contact_sender, settings=settings)

    def test_the_sixth_follow_up_of_a_day_waits_and_is_not_mailed(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        start = utcnow()
        access = write(session, contact_entry, contact_sender, now=start)
        for minute in range(1, 6):
            when = start + timedelta(minutes=minute)
            contact.reply(
                session, access=access, body="Any news?", settings=SETTINGS, now=when
            )

        with pytest.raises(TooManyRequests) as refused:
            contact.reply(
                session,
                access=access,
                body="And now?",
                settings=SETTINGS,
                now=start + timedelta(minutes=10),
            )

        error = refused.value
        assert error.code == ErrorCode.CONTACT_MESSAGE_LIMIT_REACHED
        assert error.retry_after == 24 * 3600 - 9 * 60
        assert "5 messages" in error.detail("en")[0]["msg"]
        assert len(outbox(session, kind=contact.FOLLOW_UP_KIND)) == 5 * 2
        # Counted apart from the conversations they start (a key of its own).
        write(session, contact_entry, contact_sender, now=start + timedelta(hours=1))

    def test_the_teams_answers_are_capped_per_conversation(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        start = utcnow()
        write(session, contact_entry, contact_sender, now=start)
        team = team_access(session, now=start)
        for minute in range(5):
            when = start + timedelta(minutes=minute)
            contact.reply(session, access=team, body="Yes", settings=SETTINGS, now=when)

        with pytest.raises(TooManyRequests) as refused:
            contact.reply(
                session, access=team, body="Yes", settings=SETTINGS, now=start
            )

        assert refused.value.code == ErrorCode.CONTACT_MESSAGE_LIMIT_REACHED
        assert len(outbox(session, kind=contact.ANSWER_KIND)) == 5
        write(session, contact_entry, contact_sender, subject="Another", now=start)
        other = team_access(session, now=start)
        assert other.thread.id != team.thread.id
        contact.reply(session, access=other, body="Yes", settings=SETTINGS, now=start)


class TestAnswers:
    def test_the_team_answers_from_the_link_and_the_sender_is_mailed(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        team = team_access(session)

        answer = contact.reply(
            session, access=team, body="Gladly: here is how.", settings=SETTINGS
        )

        assert answer.from_team
        assert answer.author_id is None
        [mailed] = outbox(session, kind=contact.ANSWER_KIND)
        assert mailed.to_email == SENDER_EMAIL
        assert mailed.reply_to is None
        assert f"https://repo.example/me/messages/{access.thread.id}" in mailed.body
        assert "Gladly: here is how." in mailed.body
        for address in (TEAM_CONTACT, contributor.email):
            assert address not in mailed.body

    def test_the_sender_answers_and_the_team_gets_a_fresh_link(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        access = write(session, contact_entry, contact_sender, reply_to_sender=True)
        first_token = team_token(session)

        contact.reply(session, access=access, body="Any news?", settings=SETTINGS)

        follow_ups = outbox(session, kind=contact.FOLLOW_UP_KIND)
        assert len(follow_ups) == 2
        assert all(m.reply_to == SENDER_EMAIL for m in follow_ups)
        assert all("Any news?" in m.body for m in follow_ups)
        new_token = team_token(session)
        assert new_token != first_token
        with pytest.raises(NotFound):
            contact_log.access_by_token(session, token=first_token, settings=SETTINGS)
        assert team_access(session).side == "team"

    def test_a_follow_up_to_an_entry_no_longer_published_is_refused(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        team = team_access(session)
        contact_entry.status = ProjectStatus.ARCHIVED
        session.add(contact_entry)
        session.commit()

        with pytest.raises(Conflict) as refused:
            contact.reply(
                session, access=access, body="Still there?", settings=SETTINGS
            )

        assert refused.value.code == ErrorCode.NOT_PUBLISHED
        assert outbox(session, kind=contact.FOLLOW_UP_KIND) == []
        # The team may still answer what was written to them.
        contact.reply(session, access=team, body="We are", settings=SETTINGS)

    def test_the_link_expires_with_the_retention_period(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        start = utcnow()
        access = write(session, contact_entry, contact_sender, now=start)
        retention = timedelta(days=SETTINGS.contact_retention_days)
        token = team_token(session)

        team = contact_log.access_by_token(
            session, token=token, settings=SETTINGS, now=start + retention
        )
        contact.reply(session, access=team, body="Late", settings=SETTINGS, now=start)
        with pytest.raises(NotFound) as expired:  # the team's answer is no renewal
            contact_log.access_by_token(
                session, token=token, settings=SETTINGS, now=start + retention * 1.01
            )

        assert expired.value.code == ErrorCode.INVALID_TOKEN
        later = start + retention
        contact.reply(
            session, access=access, body="Hello?", settings=SETTINGS, now=later
        )
        assert team_access(session, now=later + retention).side == "team"

    def test_the_owner_answers_signed_in_and_no_focal_point_reads_it(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
        focal_point: User,
        other_contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        assert thread_id is not None

        owner = contact_log.access_for(session, thread_id=thread_id, user=contributor)
        contact.reply(session, access=owner, body="Hello", settings=SETTINGS)
        for stranger in (focal_point, other_contributor):
            with pytest.raises(NotFound) as hidden:
                contact_log.access_for(session, thread_id=thread_id, user=stranger)
            assert hidden.value.code == ErrorCode.THREAD_NOT_FOUND

        assert owner.side == "team"
        view = contact_log.thread_view(
            session,
            access=contact_log.access_for(
                session, thread_id=thread_id, user=contact_sender
            ),
            locale="en",
        )
        assert [m.from_team for m in view.messages] == [False, True]
        assert "@" not in view.model_dump_json()


class TestBlocksAndSuspensions:
    def test_a_sender_the_team_blocked_cannot_write_to_that_entry(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)

        block = contact_measures.block_sender(
            session, access=team_access(session), reason="Spam"
        )

        assert block.blocked_by_id is None
        assert block.project_id == contact_entry.id
        with pytest.raises(PermissionDenied) as again:
            write(session, contact_entry, contact_sender)
        assert again.value.code == ErrorCode.CONTACT_BLOCKED
        with pytest.raises(PermissionDenied):
            contact.reply(session, access=access, body="Please", settings=SETTINGS)
        other_entry = make_project(session, owner=contributor)
        write(session, other_entry, contact_sender)  # only this entry's team

    def test_the_owner_blocks_signed_in_and_only_the_team_may(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        assert access.thread.id is not None

        with pytest.raises(PermissionDenied):
            contact_measures.block_sender(session, access=access)
        owner = contact_log.access_for(
            session, thread_id=access.thread.id, user=contributor
        )
        block = contact_measures.block_sender(session, access=owner)

        assert block.blocked_by_id == contributor.id

    def test_a_double_click_blocks_once(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        """The second of two clicks meets the (sender, entry) unique constraint:
        the block is already there, no error."""
        write(session, contact_entry, contact_sender)
        first = contact_measures.block_sender(session, access=team_access(session))

        second = contact_measures.block_sender(session, access=team_access(session))

        assert second.id == first.id
        assert len(session.exec(select(ContactBlock)).all()) == 1

    def test_a_suspended_sender_cannot_write_to_any_team_until_lifted(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        sender_id = contact_sender.id or 0
        contact_measures.suspend_sender(
            session, sender_id=sender_id, moderator=moderator, reason="Abuse"
        )

        with pytest.raises(PermissionDenied) as refused:
            write(session, contact_entry, contact_sender)
        assert refused.value.code == ErrorCode.CONTACT_SUSPENDED
        assert "suspended" in refused.value.detail("en")[0]["msg"]

        contact_measures.lift_suspension(
            session, sender_id=sender_id, moderator=moderator
        )
        write(session, contact_entry, contact_sender)

    def test_only_moderators_suspend(
        self, session: Session, contact_sender: User, contributor: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            contact_measures.suspend_sender(
                session, sender_id=contact_sender.id or 0, moderator=contributor
            )
        assert session.exec(select(ContactBlock)).all() == []


class TestModeratorLog:
    def test_the_log_shows_who_wrote_to_which_entry_but_not_the_text(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        write(session, contact_entry, contact_sender)

        log = contact_log.moderator_log(session, moderator=moderator, locale="en")

        [row] = log.items
        assert row.sender.name == "Rania Haddad"
        assert row.entry.id == contact_entry.public_id
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
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
        admin: User,
    ) -> None:
        write(session, contact_entry, contact_sender)

        contact_measures.report_thread(
            session, access=team_access(session), reason="Insults", settings=SETTINGS
        )

        [row] = contact_log.moderator_log(
            session, moderator=moderator, locale="en"
        ).items
        assert row.reported_at is not None
        assert row.report_reason == "Insults"
        assert row.subject == "Replicating your platform in Jordan"
        assert row.messages
        assert "Can we talk?" in (row.messages[0].body or "")
        told = outbox(session, kind=contact.REPORTED_KIND)
        assert {m.to_email for m in told} == {moderator.email, admin.email}
        assert all("Can we talk" not in m.body for m in told)

    def test_only_moderators_read_the_log(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(PermissionDenied):
            contact_log.moderator_log(session, moderator=contributor, locale="en")


class TestRetention:
    def test_old_texts_are_deleted_and_nothing_else(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        now = utcnow()
        old = write(
            session, contact_entry, contact_sender, now=now - timedelta(days=200)
        )
        contact.reply(
            session,
            access=old,
            body="A later word",
            settings=SETTINGS,
            now=now - timedelta(days=10),
        )
        write(session, contact_entry, contact_sender, now=now - timedelta(days=179))
        before = [
            (t.id, t.subject, t.purpose, t.created_at, t.sender_id)
            for t in session.exec(select(ContactThread)).all()
        ]

        pruned = contact_measures.prune_bodies(session, older_than_days=180, now=now)

        assert pruned.messages == 1
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
        again = contact_measures.prune_bodies(session, older_than_days=180, now=now)
        assert again.messages == 0

    def test_the_relayed_mails_lose_their_text_and_reply_to_once_sent(
        self, session: Session, contact_entry: Project, contact_sender: User
    ) -> None:
        """Sent or parked relayed mails past the retention period keep no text,
        link nor address; a mail still to send, or a recent one, is left alone."""
        now = utcnow()
        long_ago = now - timedelta(days=200)
        write(session, contact_entry, contact_sender, reply_to_sender=True)
        team = team_access(session)
        contact.reply(session, access=team, body="Fine, thanks", settings=SETTINGS)
        for mailed in outbox(session):  # queued, sent or parked long ago
            mailed.created_at = long_ago
            session.add(mailed)
        owners, contacts = sorted(
            outbox(session, kind=contact.RELAY_KIND),
            key=lambda m: m.language != Language.EN,
        )
        owners.sent_at = long_ago
        contacts.failed_at = long_ago
        session.commit()
        write(session, contact_entry, contact_sender, reply_to_sender=True)
        recent = outbox(session, kind=contact.RELAY_KIND)[2:]
        for mailed in recent:
            mailed.sent_at = now
            session.add(mailed)
        session.commit()

        pruned = contact_measures.prune_bodies(session, older_than_days=180, now=now)

        assert pruned.mails == 2
        session.expire_all()
        assert owners.body == (
            "The text of this message was deleted after the retention period."
        )
        assert contacts.body != owners.body
        for blanked in (owners, contacts):
            assert blanked.reply_to is None
            assert "/messages/reply/" not in blanked.body
            assert "Can we talk?" not in blanked.body
        [unsent] = outbox(session, kind=contact.ANSWER_KIND)
        assert "Fine, thanks" in unsent.body
        for mailed in recent:
            assert "Can we talk?" in mailed.body
            assert mailed.reply_to == SENDER_EMAIL
        again = contact_measures.prune_bodies(session, older_than_days=180, now=now)
        assert again.mails == 0


class TestRelayedMail:
    def test_delivered_headers_carry_reply_to_only_when_ticked(
        self,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        write(session, contact_entry, contact_sender, subject="Not ticked")
        write(
            session,
            contact_entry,
            contact_sender,
            subject="Ticked",
            reply_to_sender=True,
        )

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
            assert "0 relayed emails blanked" in pruned.output  # none sent yet
            with Session(engine) as session:
                bodies = session.exec(
                    select(ContactMessage.body).order_by(col(ContactMessage.id))
                ).all()
            engine.dispose()
            assert bodies[0] is None
            assert bodies[1] is not None
        finally:
            get_settings.cache_clear()
