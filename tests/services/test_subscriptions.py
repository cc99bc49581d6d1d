"""Follows and saved searches: notices, digests (on a controlled clock),
unsubscribe links and the private feed."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import make_engine, utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Language, OutboxMessage, Project, ProjectStatus, Role, User
from app.models.exchange import AlertFrequency, Follow, SavedSearch
from app.schemas.project import ProjectUpdate
from app.schemas.subscriptions import SavedSearchCreate, SavedSearchUpdate
from app.services import alert_links, digests, mail, revisions, subscriptions
from tests.factories import make_project, make_user
from tests.support.smtp import SmtpServer

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
SAVED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def outbox(session: Session, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.exec(query).all())


def entry(
    session: Session,
    title: str,
    *,
    published_at: datetime | None,
    status: ProjectStatus = ProjectStatus.APPROVED,
    **overrides: Any,
) -> Project:
    """An entry titled `title` (in English and Arabic), published at a
    chosen moment."""
    project = make_project(
        session,
        status=status,
        title={"en": title, "ar": f"{title} بالعربية"},
        **overrides,
    )
    project.published_at = published_at
    session.add(project)
    session.commit()
    session.refresh(project)
    return project


def save(
    session: Session,
    user: User,
    query: str = "action_line=C7.3",
    *,
    frequency: AlertFrequency = AlertFrequency.WEEKLY,
    now: datetime = SAVED_AT,
    **fields: Any,
) -> SavedSearch:
    data = SavedSearchCreate(
        name=fields.pop("name", "E-learning"),
        query=query,
        frequency=frequency,
        **fields,
    )
    saved = subscriptions.save_search(
        session, user=user, data=data, settings=SETTINGS, now=now
    )
    found = session.get(SavedSearch, saved.id)
    assert found is not None
    return found


def digest(session: Session, now: datetime) -> int:
    return digests.send_due_digests(session, settings=SETTINGS, now=now)


class TestFollow:
    def test_a_person_follows_a_published_entry_once(
        self, session: Session, contributor: User, other_contributor: User
    ) -> None:
        project = make_project(session, owner=contributor)

        first = subscriptions.follow(
            session, user=other_contributor, public_id=project.public_id
        )
        again = subscriptions.follow(
            session, user=other_contributor, public_id=project.public_id
        )

        assert first == again
        assert first.project_id == project.public_id
        assert first.published
        assert len(session.exec(select(Follow)).all()) == 1
        assert subscriptions.is_following(
            session, user=other_contributor, public_id=project.public_id
        )

    def test_an_owner_cannot_follow_an_unpublished_entry(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        with pytest.raises(Conflict) as refused:
            subscriptions.follow(session, user=contributor, public_id=draft.public_id)

        assert refused.value.code == "NOT_PUBLISHED"

    def test_nobody_follows_an_entry_they_cannot_see(
        self, session: Session, contributor: User, other_focal_point: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        with pytest.raises(NotFound):
            subscriptions.follow(
                session, user=other_focal_point, public_id=draft.public_id
            )

    def test_unfollowing_twice_is_no_error(
        self, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        subscriptions.follow(session, user=contributor, public_id=project.public_id)

        subscriptions.unfollow(session, user=contributor, public_id=project.public_id)
        subscriptions.unfollow(session, user=contributor, public_id=project.public_id)

        assert session.exec(select(Follow)).all() == []
        with pytest.raises(NotFound):
            subscriptions.unfollow(session, user=contributor, public_id="NOSUCHID00")


class TestFollowNotices:
    def test_each_follower_gets_a_notice_in_their_language(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, owner=contributor)
        arabic = make_user(session, language=Language.AR)
        french = make_user(session, language=Language.FR)
        gone = make_user(session, active=False)
        assert project.id is not None
        for user in (arabic, french, gone, moderator):
            assert user.id is not None
            session.add(Follow(user_id=user.id, project_id=project.id))
        session.commit()

        subscriptions.notify_followers(
            session,
            project=project,
            event="designation",
            settings=SETTINGS,
            exclude=moderator,
        )
        session.commit()

        sent = {m.to_email: m for m in outbox(session, "follow_designation")}
        assert set(sent) == {arabic.email, french.email}
        assert sent[arabic.email].language == Language.AR
        assert sent[arabic.email].subject.startswith("صُنِّفت ممارسةً جيدة: ")
        assert "منصة تجريبية" in sent[arabic.email].body  # the Arabic title
        assert f"/projects/{project.public_id}?lang=ar" in sent[arabic.email].body
        assert "bonne pratique" in sent[french.email].subject
        url = sent[french.email].unsubscribe_url
        assert url
        assert url.startswith("https://repo.example/alerts/unsubscribe/f")
        assert url in sent[french.email].body

    def test_a_published_revision_tells_the_followers_but_not_its_author(
        self,
        session: Session,
        contributor: User,
        other_contributor: User,
        moderator: User,
    ) -> None:
        project = make_project(session, owner=contributor)
        for user in (contributor, other_contributor):
            subscriptions.follow(session, user=user, public_id=project.public_id)
        update = ProjectUpdate.model_validate(
            {"version": project.version, "keywords": ["revised"]}
        )
        revisions.edit_project(
            session,
            public_id=project.public_id,
            editor=contributor,
            update=update,
            settings=SETTINGS,
        )
        assert outbox(session, "follow_revision") == []  # not before it is approved

        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )

        (notice,) = outbox(session, "follow_revision")
        assert notice.to_email == other_contributor.email
        assert notice.subject == "Updated: A test AI platform"

    def test_a_rejected_revision_tells_no_follower(
        self,
        session: Session,
        contributor: User,
        other_contributor: User,
        moderator: User,
    ) -> None:
        project = make_project(session, owner=contributor)
        subscriptions.follow(
            session, user=other_contributor, public_id=project.public_id
        )
        update = ProjectUpdate.model_validate(
            {"version": project.version, "keywords": ["revised"]}
        )
        revisions.edit_project(
            session,
            public_id=project.public_id,
            editor=contributor,
            update=update,
            settings=SETTINGS,
        )

        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="reject",
            reason="Not this time.",
            settings=SETTINGS,
        )

        assert outbox(session, "follow_revision") == []

    def test_an_unknown_event_is_a_programming_error(self, session: Session) -> None:
        with pytest.raises(ValueError, match="no follow notice"):
            subscriptions.notify_followers(
                session, project=make_project(session), event="x", settings=SETTINGS
            )


class TestSaveSearch:
    def test_the_query_is_kept_as_the_catalogs_filters_only(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(
            session,
            contributor,
            "https://repo.example/projects?q=health&action_line=C7.3"
            "&sort=title&page=3&limit=50&lang=fr&cursor=abc&sdg=4&sdg=4#top",
        )

        assert saved.query == "action_line=C7.3&sdg=4&q=health"
        assert saved.language == Language.EN  # the account's
        assert saved.last_sent_at == SAVED_AT  # digests start from now

    def test_an_unknown_code_is_refused_under_query(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            save(session, contributor, "action_line=C99&country=ZZ")

        assert refused.value.status_code == 422
        assert [e["loc"] for e in refused.value.detail()] == [
            ["body", "query", "action_line"],
            ["body", "query", "country"],
        ]
        assert session.exec(select(SavedSearch)).all() == []

    def test_an_invalid_value_is_refused_under_query(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            save(session, contributor, "year_from=soon&good_practice=false")

        locs = [e["loc"][:3] for e in refused.value.detail()]
        assert ["body", "query", "year_from"] in locs
        assert ["body", "query", "good_practice"] in locs

    def test_a_person_has_at_most_so_many_saved_searches(
        self, session: Session, contributor: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(subscriptions, "MAX_SAVED_SEARCHES", 2)
        save(session, contributor)
        save(session, contributor, "sdg=4")

        with pytest.raises(Conflict) as refused:
            save(session, contributor, "sdg=5")

        assert refused.value.code == "TOO_MANY_SAVED_SEARCHES"

    def test_only_the_owner_sees_changes_or_deletes_a_saved_search(
        self, session: Session, contributor: User, other_contributor: User
    ) -> None:
        saved = save(session, contributor)
        assert saved.id is not None

        with pytest.raises(NotFound):
            subscriptions.delete_saved_search(
                session, user=other_contributor, search_id=saved.id
            )
        changed = subscriptions.update_saved_search(
            session,
            user=contributor,
            search_id=saved.id,
            data=SavedSearchUpdate(frequency=AlertFrequency.MONTHLY),
            settings=SETTINGS,
        )

        assert changed.frequency == AlertFrequency.MONTHLY
        assert changed.name == "E-learning"
        assert (
            subscriptions.list_saved_searches(
                session, user=other_contributor, settings=SETTINGS
            )
            == []
        )


class TestDigest:
    def test_a_digest_lists_exactly_the_matching_entries_published_since_the_last(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        now = SAVED_AT + WEEK
        entry(session, "Before the last digest", published_at=SAVED_AT)
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))
        entry(session, "New two", published_at=now)
        entry(
            session,
            "New but about health",
            published_at=SAVED_AT + timedelta(days=2),
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )
        entry(session, "After now", published_at=now + timedelta(seconds=1))
        entry(
            session,
            "A draft",
            status=ProjectStatus.DRAFT,
            published_at=SAVED_AT + timedelta(days=3),
        )
        entry(
            session,
            "Archived since",
            status=ProjectStatus.ARCHIVED,
            published_at=SAVED_AT + timedelta(days=3),
        )

        assert digest(session, now) == 1

        (message,) = outbox(session, "alert_digest")
        assert message.to_email == contributor.email
        assert message.subject == "2 new entries for your alert: E-learning"
        listed = [line for line in message.body.splitlines() if line.startswith("- ")]
        assert listed == ["- New two", "- New one"]  # the newest first
        assert message.unsubscribe_url
        assert message.unsubscribe_url in message.body
        session.refresh(saved)
        assert saved.last_sent_at == now

    def test_the_next_digest_covers_only_what_is_new_since(
        self, session: Session, contributor: User
    ) -> None:
        save(session, contributor)
        entry(session, "First week", published_at=SAVED_AT + timedelta(days=1))
        digest(session, SAVED_AT + WEEK)
        entry(session, "Second week", published_at=SAVED_AT + WEEK + timedelta(days=1))

        assert digest(session, SAVED_AT + 2 * WEEK) == 1

        first, second = outbox(session, "alert_digest")
        assert "- First week" in first.body
        assert "Second week" not in first.body
        assert "- Second week" in second.body
        assert "First week" not in second.body

    def test_a_weekly_digest_waits_a_week(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))

        assert digest(session, SAVED_AT + WEEK - timedelta(seconds=1)) == 0

        session.refresh(saved)
        assert saved.last_sent_at == SAVED_AT
        assert digest(session, SAVED_AT + WEEK) == 1

    def test_a_monthly_digest_waits_thirty_days(
        self, session: Session, contributor: User
    ) -> None:
        save(session, contributor, frequency=AlertFrequency.MONTHLY)
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))

        assert digest(session, SAVED_AT + timedelta(days=29)) == 0
        assert digest(session, SAVED_AT + timedelta(days=30)) == 1

    def test_an_immediate_alert_comes_at_the_next_check(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor, frequency=AlertFrequency.IMMEDIATELY)
        assert digest(session, SAVED_AT + timedelta(minutes=1)) == 0
        entry(session, "Just out", published_at=SAVED_AT + timedelta(minutes=2))

        assert digest(session, SAVED_AT + timedelta(minutes=3)) == 1
        assert digest(session, SAVED_AT + timedelta(minutes=4)) == 0

        (message,) = outbox(session, "alert_digest")
        assert message.subject == "1 new entry for your alert: E-learning"
        session.refresh(saved)
        assert saved.last_sent_at == SAVED_AT + timedelta(minutes=3)

    def test_nothing_new_sends_nothing_and_the_next_digest_starts_here(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        entry(
            session,
            "Not matching",
            published_at=SAVED_AT + timedelta(days=1),
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )

        assert digest(session, SAVED_AT + WEEK) == 0

        assert outbox(session, "alert_digest") == []
        session.refresh(saved)
        assert saved.last_sent_at == SAVED_AT + WEEK

    def test_the_digest_is_in_the_saved_searchs_language(
        self, session: Session, contributor: User
    ) -> None:
        arabic = make_user(session, language=Language.AR, full_name="سلمى")
        save(session, arabic, name="التعليم الإلكتروني")
        save(session, contributor, language=Language.FR, name="Apprentissage")
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))

        assert digest(session, SAVED_AT + WEEK) == 2

        sent = {m.to_email: m for m in outbox(session, "alert_digest")}
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
        save(session, contributor)
        for day in (1, 2, 3, 4):
            entry(session, f"Day {day}", published_at=SAVED_AT + timedelta(days=day))

        digest(session, SAVED_AT + WEEK)

        (message,) = outbox(session, "alert_digest")
        assert message.subject.startswith("4 new entries")
        assert "- Day 4" in message.body
        assert "- Day 3" in message.body
        assert "Day 2" not in message.body
        assert "And 2 more." in message.body

    def test_words_searched_are_part_of_the_saved_search(
        self, session: Session, contributor: User
    ) -> None:
        save(session, contributor, "q=tomography")
        entry(
            session,
            "Tomography for schools",
            published_at=SAVED_AT + timedelta(days=1),
        )
        entry(session, "Something else", published_at=SAVED_AT + timedelta(days=1))

        digest(session, SAVED_AT + WEEK)

        (message,) = outbox(session, "alert_digest")
        assert "- Tomography for schools" in message.body
        assert "Something else" not in message.body

    def test_a_disabled_account_gets_no_digest(self, session: Session) -> None:
        user = make_user(session, role=Role.CONTRIBUTOR)
        save(session, user)
        user.is_active = False
        session.add(user)
        session.commit()
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))

        assert digest(session, SAVED_AT + WEEK) == 0


class TestUnsubscribe:
    def test_the_digests_link_deletes_the_saved_search(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        entry(session, "New one", published_at=SAVED_AT + timedelta(days=1))
        digest(session, SAVED_AT + WEEK)
        (message,) = outbox(session, "alert_digest")
        assert message.unsubscribe_url
        token = message.unsubscribe_url.rsplit("/", 1)[1]

        found = subscriptions.find_unsubscription(
            session, token=token, settings=SETTINGS, locale="en"
        )
        assert (found.kind, found.name, found.active) == ("search", "E-learning", True)
        subscriptions.unsubscribe(session, token=token, settings=SETTINGS, locale="en")
        again = subscriptions.unsubscribe(
            session, token=token, settings=SETTINGS, locale="en"
        )

        assert session.get(SavedSearch, saved.id) is None
        assert not again.active

    def test_a_follows_link_stops_the_follow(
        self, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        subscriptions.follow(session, user=contributor, public_id=project.public_id)
        subscriptions.notify_followers(
            session, project=project, event="relation", settings=SETTINGS
        )
        session.commit()
        (notice,) = outbox(session, "follow_relation")
        assert notice.unsubscribe_url
        token = notice.unsubscribe_url.rsplit("/", 1)[1]

        found = subscriptions.unsubscribe(
            session, token=token, settings=SETTINGS, locale="en"
        )

        assert found.kind == "follow"
        assert session.exec(select(Follow)).all() == []

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
            lambda token: "s99" + token[token.index(".") :],
            lambda token: token.split("-")[0],
            lambda _token: "",
            lambda token: "sé-" + token,
        ],
    )
    def test_an_altered_link_is_refused(
        self, session: Session, contributor: User, tamper: Any
    ) -> None:
        saved = save(session, contributor)
        token = alert_links.unsubscribe_url(
            SETTINGS, alert_links.search_payload(saved)
        ).rsplit("/", 1)[1]

        with pytest.raises(NotFound):
            subscriptions.unsubscribe(
                session, token=tamper(token), settings=SETTINGS, locale="en"
            )

        assert session.get(SavedSearch, saved.id) is not None

    def test_a_link_signed_with_another_key_is_refused(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        other = Settings(environment="test", secret_key="another-secret")
        token = alert_links.unsubscribe_url(
            other, alert_links.search_payload(saved)
        ).rsplit("/", 1)[1]

        with pytest.raises(NotFound):
            subscriptions.unsubscribe(
                session, token=token, settings=SETTINGS, locale="en"
            )


class TestPrivateFeed:
    def test_the_feed_shows_the_matching_published_entries_newest_first(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        entry(session, "Older match", published_at=SAVED_AT - WEEK)
        entry(session, "Newer match", published_at=SAVED_AT)
        entry(
            session,
            "About health",
            published_at=SAVED_AT,
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )
        entry(session, "A draft", status=ProjectStatus.DRAFT, published_at=None)
        token = alert_links.feed_token(SETTINGS, saved)

        xml = subscriptions.saved_search_feed(session, token=token, settings=SETTINGS)

        assert xml.index("Newer match") < xml.index("Older match")
        assert "About health" not in xml
        assert "A draft" not in xml
        assert "<title>E-learning</title>" in xml

    def test_a_renewed_feed_retires_the_old_address(
        self, session: Session, contributor: User
    ) -> None:
        saved = save(session, contributor)
        old = alert_links.feed_token(SETTINGS, saved)
        assert saved.id is not None

        renewed = subscriptions.renew_feed(
            session, user=contributor, search_id=saved.id, settings=SETTINGS
        )

        assert old not in renewed.feed_url
        with pytest.raises(NotFound):
            subscriptions.saved_search_feed(session, token=old, settings=SETTINGS)
        token = renewed.feed_url.rsplit("/", 1)[1].removesuffix(".atom")
        assert subscriptions.saved_search_feed(session, token=token, settings=SETTINGS)

    @pytest.mark.parametrize(
        "token", ["", "1", "1-x", "abc-def", "99999999999-x", "²-x", "-1-x"]
    )
    def test_a_wrong_token_is_not_found(self, session: Session, token: str) -> None:
        with pytest.raises(NotFound):
            subscriptions.saved_search_feed(session, token=token, settings=SETTINGS)


class TestRunningDigests:
    def test_the_mail_worker_queues_and_delivers_due_digests(
        self,
        session: Session,
        contributor: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        save(session, contributor, now=utcnow() - timedelta(days=8))
        make_project(session)  # published now, filed under C7.3
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
        engine = make_engine(empty_database)
        with Session(engine) as own:
            save(own, make_user(own))
            entry(own, "New one", published_at=SAVED_AT + timedelta(days=1))
        engine.dispose()

        early = runner.invoke(cli, ["send-digests", "--now", "2026-03-05T09:00:00"])
        due = runner.invoke(cli, ["send-digests", "--now", "2026-03-09T10:00:00+01:00"])
        wrong = runner.invoke(cli, ["send-digests", "--now", "next tuesday"])
        get_settings.cache_clear()

        assert early.output.strip() == "digests: 0 queued"
        assert due.exit_code == 0, due.output
        assert due.output.strip() == "digests: 1 queued"
        assert wrong.exit_code == 2
