"""Follows: who is told what when a followed entry changes; and the
one-click unsubscribe links of follows and saved searches."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import Conflict, NotFound
from app.models import Language, ProjectStatus, User
from app.models.exchange import Follow, SavedSearch
from app.schemas.project import ProjectUpdate
from app.services import alert_links, digests, revisions, subscriptions
from tests.factories import make_project, make_user
from tests.factories_exchange import outbox
from tests.fixtures.alerts import SAVED_AT, make_published_entry, make_saved_search

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")


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

        sent = {m.to_email: m for m in outbox(session, kind="follow_designation")}
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
        assert (
            outbox(session, kind="follow_revision") == []
        )  # not before it is approved

        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )

        (notice,) = outbox(session, kind="follow_revision")
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

        assert outbox(session, kind="follow_revision") == []

    def test_an_unknown_event_is_a_programming_error(self, session: Session) -> None:
        with pytest.raises(ValueError, match="no follow notice"):
            subscriptions.notify_followers(
                session, project=make_project(session), event="x", settings=SETTINGS
            )


class TestUnsubscribe:
    def test_the_digests_link_deletes_the_saved_search(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        make_published_entry(
            session, "New one", published_at=SAVED_AT + timedelta(days=1)
        )
        digests.send_due_digests(
            session, settings=SETTINGS, now=SAVED_AT + timedelta(days=8)
        )
        (message,) = outbox(session, kind="alert_digest")
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
        (notice,) = outbox(session, kind="follow_relation")
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
        saved = make_saved_search(session, contributor)
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
        saved = make_saved_search(session, contributor)
        other = Settings(environment="test", secret_key="another-secret")
        token = alert_links.unsubscribe_url(
            other, alert_links.search_payload(saved)
        ).rsplit("/", 1)[1]

        with pytest.raises(NotFound):
            subscriptions.unsubscribe(
                session, token=token, settings=SETTINGS, locale="en"
            )
