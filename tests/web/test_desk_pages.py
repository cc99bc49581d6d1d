"""The moderators' desk (pages): queue, review, decisions, comments."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.config import Settings
from app.models import ModerationEvent, Project, ProjectStatus, User
from app.schemas.project import ProjectUpdate
from app.services import revisions
from tests.factories import make_project, make_user, sign_in
from tests.support.forms import post_form


def status_of(session: Session, entry: Project) -> ProjectStatus:
    session.expire_all()
    found = session.exec(select(Project).where(Project.id == entry.id)).one()
    return found.status


class TestQueue:
    def test_lists_what_waits_oldest_first_with_counts_per_country(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        first = make_project(
            session,
            status=ProjectStatus.SUBMITTED,
            owner=contributor,
            title={"ar": "الأول"},
        )
        second = make_project(
            session,
            status=ProjectStatus.SUBMITTED,
            owner=contributor,
            title={"ar": "الثاني"},
        )
        make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        sign_in(client, session, moderator)

        page = client.get("/moderation?lang=en")

        assert page.status_code == 200
        assert page.text.index(first.public_id) < page.text.index(second.public_id)
        assert "Tunisia: 2" in page.text
        assert "2 entries" in page.text

    def test_filters_by_country(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, moderator)

        assert entry.public_id not in client.get("/moderation?country=EG").text
        assert entry.public_id in client.get("/moderation?country=TN").text

    def test_only_moderators_may_open_the_desk(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        anonymous = client.get("/moderation", follow_redirects=False)
        sign_in(client, session, contributor)
        forbidden = client.get("/moderation?lang=fr")

        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")
        assert forbidden.status_code == 403
        assert '<html lang="fr"' in forbidden.text


class TestReview:
    def test_shows_the_record_contact_endorsement_and_history(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        focal_point: User,
        moderator: User,
    ) -> None:
        from app.services import moderation

        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        moderation.endorse(
            session, public_id=entry.public_id, user=focal_point, reason=None
        )
        sign_in(client, session, moderator)

        page = client.get(f"/moderation/{entry.public_id}?lang=en")

        assert page.status_code == 200
        assert "private-contact@example.org" in page.text  # moderators see the contact
        assert "Test Organisation (fictional) (Academia, Tunisia" in page.text
        assert "entity_type" not in page.text  # names, not the record's keys
        assert "Endorsed by the country" in page.text
        assert "Endorsed by the focal point" in page.text  # the history line
        for action in ("approve", "request_changes", "reject"):
            assert f'value="{action}"' in page.text

    def test_request_changes_needs_a_reason_shown_next_to_the_box(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=ar"

        response = post_form(
            client,
            f"/moderation/{entry.public_id}/decision?lang=ar",
            [("action", "request_changes"), ("reason", "")],
            form=review,
        )

        assert response.status_code == 422
        assert 'id="e-reason"' in response.text
        assert '<html lang="ar" dir="rtl"' in response.text
        assert status_of(session, entry) == ProjectStatus.SUBMITTED

    def test_decisions_move_the_entry_and_redirect_with_a_notice(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=en"

        asked = post_form(
            client,
            f"/moderation/{entry.public_id}/decision?lang=en",
            [("action", "request_changes"), ("reason", "Add the budget range.")],
            form=review,
        )

        assert asked.status_code == 303
        assert status_of(session, entry) == ProjectStatus.CHANGES_REQUESTED
        assert "Decision recorded" in client.get(asked.headers["location"]).text
        event = session.exec(
            select(ModerationEvent).order_by(col(ModerationEvent.id).desc())
        ).first()
        assert event is not None
        assert event.reason == "Add the budget range."

    def test_an_action_that_is_not_a_decision_is_refused_in_place(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, moderator)

        response = post_form(
            client,
            f"/moderation/{entry.public_id}/decision?lang=en",
            [("action", "submit")],
            form=f"/moderation/{entry.public_id}?lang=en",
        )

        assert response.status_code == 422
        assert 'class="error" role="alert"' in response.text
        assert status_of(session, entry) == ProjectStatus.SUBMITTED

    def test_a_decision_the_status_does_not_allow_is_a_409_page(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        sign_in(client, session, moderator)

        response = post_form(
            client,
            f"/moderation/{entry.public_id}/decision?lang=en",
            [("action", "approve")],
            form=f"/moderation/{entry.public_id}?lang=en",
        )

        assert response.status_code == 409
        assert status_of(session, entry) == ProjectStatus.DRAFT

    def test_a_revision_shows_its_diff_and_its_approval_publishes_it(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.APPROVED, owner=contributor)
        revisions.edit_project(
            session,
            public_id=entry.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {"version": entry.version, "website": "https://new-site.example"}
            ),
            settings=Settings(),
        )
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=en"

        page = client.get(review)
        response = post_form(
            client,
            f"/moderation/{entry.public_id}/decision?lang=en",
            [("target", "revision"), ("action", "approve")],
            form=review,
        )

        assert "<del><bdi>https://test-platform.example/</bdi></del>" in page.text
        assert "<ins><bdi>https://new-site.example/</bdi></ins>" in page.text
        assert response.status_code == 303
        public = client.get(f"/api/v1/projects/{entry.public_id}").json()
        assert public["website"] == "https://new-site.example/"

    def test_comments_are_added_and_an_empty_one_is_refused(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, moderator)
        review = f"/moderation/{entry.public_id}?lang=en"
        path = f"/moderation/{entry.public_id}/comments?lang=en"

        empty = post_form(client, path, [("body", "  ")], form=review)
        sent = post_form(client, path, [("body", "Nice work")], form=review)

        assert empty.status_code == 422
        assert 'id="e-body"' in empty.text
        assert sent.status_code == 303
        assert "Nice work" in client.get(review).text

    def test_a_decision_without_csrf_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        admin = make_user(session, role="admin")  # type: ignore[arg-type]
        sign_in(client, session, admin)

        response = client.post(
            f"/moderation/{entry.public_id}/decision", data={"action": "approve"}
        )

        assert response.status_code == 403
        assert status_of(session, entry) == ProjectStatus.SUBMITTED
