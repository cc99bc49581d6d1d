"""Saved searches' digests, on a controlled clock: what each lists, when it
comes, the grace that no late commit slips through, and how they are run."""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import make_engine, utcnow
from app.models import Language, ProjectStatus, Role, User
from app.models.exchange import AlertFrequency, SavedSearch
from app.services import digests, mail
from tests.factories import make_user
from tests.factories_exchange import outbox
from tests.fixtures.alerts import SAVED_AT, make_published_entry, make_saved_search
from tests.support.smtp import SmtpServer

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
WEEK = timedelta(days=7)
GRACE = digests.DIGEST_GRACE
# The first check at which a weekly digest of the searches saved at SAVED_AT
# is made: a week, and the grace after it.
WEEK_DUE = SAVED_AT + WEEK + GRACE


def digest(session: Session, now: datetime) -> int:
    return digests.send_due_digests(session, settings=SETTINGS, now=now)


def listed(session: Session) -> list[str]:
    """The entries listed by every digest queued so far, digest by digest."""
    return [
        line.removeprefix("- ")
        for message in outbox(session, kind="alert_digest")
        for line in message.body.splitlines()
        if line.startswith("- ")
    ]


class TestDigest:
    def test_a_digest_lists_exactly_the_matching_entries_published_since_the_last(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        week_end = SAVED_AT + WEEK
        make_published_entry(session, "Before the last digest", published_at=SAVED_AT)
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )
        make_published_entry(session, "New two", published_at=week_end)
        make_published_entry(
            session,
            "New but about health",
            published_at=SAVED_AT + timedelta(days=2),
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )
        make_published_entry(
            session, "Within the grace", published_at=week_end + timedelta(seconds=1)
        )
        make_published_entry(
            session,
            "A draft",
            status=ProjectStatus.DRAFT,
            published_at=SAVED_AT + timedelta(days=3),
        )
        make_published_entry(
            session,
            "Archived since",
            status=ProjectStatus.ARCHIVED,
            published_at=SAVED_AT + timedelta(days=3),
        )

        assert digest(session, WEEK_DUE) == 1

        (message,) = outbox(session, kind="alert_digest")
        assert message.to_email == contributor.email
        assert message.subject == "2 new entries for your alert: E-learning"
        assert listed(session) == ["New two", "New one"]  # the newest first
        assert message.unsubscribe_url
        assert message.unsubscribe_url in message.body
        session.refresh(saved)
        assert saved.last_sent_at == week_end  # where the next digest starts

    def test_the_next_digest_covers_only_what_is_new_since(
        self, session: Session, contributor: User
    ) -> None:
        make_saved_search(session, contributor)
        make_published_entry(
            session, "First week", published_at=SAVED_AT + timedelta(days=1)
        )
        digest(session, WEEK_DUE)
        make_published_entry(
            session, "Second week", published_at=SAVED_AT + WEEK + timedelta(days=1)
        )

        assert digest(session, WEEK_DUE + WEEK) == 1

        assert listed(session) == ["First week", "Second week"]

    def test_a_weekly_digest_waits_a_week_and_the_grace(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )

        assert digest(session, WEEK_DUE - timedelta(seconds=1)) == 0

        session.refresh(saved)
        assert saved.last_sent_at == SAVED_AT
        assert digest(session, WEEK_DUE) == 1

    def test_a_monthly_digest_waits_thirty_days(
        self, session: Session, contributor: User
    ) -> None:
        make_saved_search(session, contributor, frequency=AlertFrequency.MONTHLY)
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )

        assert digest(session, SAVED_AT + timedelta(days=29)) == 0
        assert digest(session, SAVED_AT + timedelta(days=30) + GRACE) == 1

    def test_an_immediate_alert_comes_at_the_first_check_after_the_grace(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(
            session, contributor, frequency=AlertFrequency.IMMEDIATELY
        )
        assert digest(session, SAVED_AT + timedelta(minutes=1)) == 0
        published = SAVED_AT + timedelta(minutes=2)
        make_published_entry(session, "Just out", published_at=published)

        assert digest(session, published + GRACE - timedelta(seconds=1)) == 0
        assert digest(session, published + GRACE) == 1
        assert digest(session, published + GRACE + timedelta(minutes=1)) == 0

        (message,) = outbox(session, kind="alert_digest")
        assert message.subject == "1 new entry for your alert: E-learning"
        session.refresh(saved)
        assert saved.last_sent_at == published

    def test_nothing_new_sends_nothing_and_the_next_digest_starts_here(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        make_published_entry(
            session,
            "Not matching",
            published_at=SAVED_AT + timedelta(days=1),
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )

        assert digest(session, WEEK_DUE) == 0

        assert outbox(session, kind="alert_digest") == []
        session.refresh(saved)
        assert saved.last_sent_at == SAVED_AT + WEEK

    def test_the_digest_is_in_the_saved_searchs_language(
        self, session: Session, contributor: User
    ) -> None:
        arabic = make_user(session, language=Language.AR, full_name="سلمى")
        make_saved_search(session, arabic, name="التعليم الإلكتروني")
        make_saved_search(
            session, contributor, language=Language.FR, name="Apprentissage"
        )
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )

        assert digest(session, WEEK_DUE) == 2

        sent = {m.to_email: m for m in outbox(session, kind="alert_digest")}
        in_arabic, in_french = sent[arabic.email], sent[contributor.email]
        assert in_arabic.language == Language.AR
        assert "مبادرة جديدة" in in_arabic.subject
        assert "التعليم الإلكتروني" in in_arabic.subject
        assert "مرحبًا سلمى" in in_arabic.body
        assert "- New one بالعربية" in in_arabic.body  # the title in Arabic
        assert "?lang=ar" in in_arabic.body
        assert in_french.language == Language.FR
        assert "nouvelle" in in_french.subject
        assert "- New one" in in_french.body  # no French title: the original's
        assert "?lang=fr" in in_french.body

    def test_a_long_digest_lists_the_first_and_counts_the_rest(
        self, session: Session, contributor: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(digests, "DIGEST_SIZE", 2)
        make_saved_search(session, contributor)
        for day in (1, 2, 3, 4):
            make_published_entry(
                session, f"Day {day}", published_at=SAVED_AT + timedelta(days=day)
            )

        digest(session, WEEK_DUE)

        (message,) = outbox(session, kind="alert_digest")
        assert message.subject.startswith("4 new entries")
        assert listed(session) == ["Day 4", "Day 3"]
        assert "And 2 more." in message.body

    def test_words_searched_are_part_of_the_saved_search(
        self, session: Session, contributor: User
    ) -> None:
        make_saved_search(session, contributor, "q=tomography")
        make_published_entry(
            session,
            "Tomography for schools",
            published_at=SAVED_AT + timedelta(days=1),
        )
        make_published_entry(
            session, "Something else", published_at=SAVED_AT + timedelta(days=1)
        )

        digest(session, WEEK_DUE)

        assert listed(session) == ["Tomography for schools"]

    def test_a_disabled_account_gets_no_digest(self, session: Session) -> None:
        user = make_user(session, role=Role.CONTRIBUTOR)
        make_saved_search(session, user)
        user.is_active = False
        session.add(user)
        session.commit()
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )

        assert digest(session, WEEK_DUE) == 0


class TestDigestGrace:
    """A digest covers the entries published up to DIGEST_GRACE before its
    check: an approval stamped just before a check, and committed just after
    it, is in the next digest instead of none."""

    def test_an_entry_published_inside_the_grace_is_in_the_next_digest(
        self, session: Session, contributor: User
    ) -> None:
        make_saved_search(session, contributor, frequency=AlertFrequency.IMMEDIATELY)
        now = SAVED_AT + timedelta(hours=1)
        make_published_entry(
            session, "Ten minutes ago", published_at=now - timedelta(minutes=10)
        )
        make_published_entry(
            session, "Just approved", published_at=now - timedelta(seconds=30)
        )

        assert digest(session, now) == 1
        assert listed(session) == ["Ten minutes ago"]
        assert digest(session, now + timedelta(minutes=1)) == 0  # still in the grace
        assert digest(session, now + GRACE) == 1

        assert listed(session) == ["Ten minutes ago", "Just approved"]

    def test_an_approval_committed_after_a_check_is_not_lost(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(
            session, contributor, frequency=AlertFrequency.IMMEDIATELY
        )
        now = SAVED_AT + timedelta(hours=1)
        make_published_entry(
            session, "Already out", published_at=now - timedelta(minutes=10)
        )
        assert digest(session, now) == 1
        # Stamped 30 s before that check, committed (seen) only after it.
        make_published_entry(
            session, "Committed late", published_at=now - timedelta(seconds=30)
        )

        assert digest(session, now + GRACE) == 1

        assert listed(session) == ["Already out", "Committed late"]
        session.refresh(saved)
        assert saved.last_sent_at == now

    def test_no_entry_is_listed_twice_or_passed_over(
        self, session: Session, contributor: User
    ) -> None:
        make_saved_search(session, contributor, frequency=AlertFrequency.IMMEDIATELY)
        titles = [f"Entry {n}" for n in range(1, 9)]
        for n, title in enumerate(titles, start=1):  # every 45 s: some on a bound
            make_published_entry(
                session, title, published_at=SAVED_AT + n * timedelta(seconds=45)
            )

        for minute in range(1, 11):  # the worker's checks, every minute
            digest(session, SAVED_AT + timedelta(minutes=minute))

        assert Counter(listed(session)) == Counter(titles)


class TestRunningDigests:
    def test_the_mail_worker_queues_and_delivers_due_digests(
        self,
        session: Session,
        contributor: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        make_saved_search(session, contributor, now=utcnow() - timedelta(days=8))
        make_published_entry(
            session, "New one", published_at=utcnow() - GRACE - timedelta(minutes=1)
        )
        bind = session.get_bind()  # the test's engine (or its transaction's connection)

        mail.run_worker(bind, mail_settings, threading.Event(), once=True)  # type: ignore[arg-type]

        (received,) = smtp_server.inbox.to(contributor.email)
        assert received["Subject"] == "1 new entry for your alert: E-learning"
        assert received["List-Unsubscribe"].startswith(
            "<https://repo.example/alerts/unsubscribe/s"
        )
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_the_console_sends_digests_as_of_a_chosen_time(
        self, empty_database: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("STOCKTAKING_DATABASE_URL", empty_database)
        get_settings.cache_clear()
        runner = CliRunner()
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])
        saved_at = (utcnow() - timedelta(days=10)).replace(microsecond=0)
        engine = make_engine(empty_database)
        with Session(engine) as own:
            make_saved_search(own, make_user(own), now=saved_at)
            make_published_entry(
                own, "New one", published_at=saved_at + timedelta(days=1)
            )
        early = saved_at + timedelta(days=5)
        due = saved_at + WEEK + GRACE  # the first moment the digest is due
        due_at_plus_one = f"{due + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}+01:00"

        first = runner.invoke(cli, ["send-digests", "--now", early.isoformat()])
        sent = runner.invoke(cli, ["send-digests", "--now", due_at_plus_one])
        wrong = runner.invoke(cli, ["send-digests", "--now", "next tuesday"])
        get_settings.cache_clear()

        assert first.output.strip() == "digests: 0 queued"
        assert sent.exit_code == 0, sent.output
        assert sent.output.strip() == "digests: 1 queued"
        assert wrong.exit_code == 2
        engine.dispose()

    def test_the_console_refuses_a_time_in_the_future(
        self, empty_database: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("STOCKTAKING_DATABASE_URL", empty_database)
        get_settings.cache_clear()
        runner = CliRunner()
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])
        engine = make_engine(empty_database)
        with Session(engine) as own:
            saved = make_saved_search(own, make_user(own), now=utcnow())
            before = saved.last_sent_at
        tomorrow = (utcnow() + timedelta(days=1)).isoformat()

        refused = runner.invoke(cli, ["send-digests", "--now", tomorrow])
        get_settings.cache_clear()

        assert refused.exit_code == 2
        message = " ".join(refused.output.replace("│", " ").split())  # unboxed
        assert "is in the future: the entries published until then" in message
        with Session(engine) as own:
            (after,) = own.exec(select(SavedSearch)).all()
            assert after.last_sent_at == before  # nothing moved ahead
        engine.dispose()
