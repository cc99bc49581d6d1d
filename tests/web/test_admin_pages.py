"""Administration pages: accounts and invitations."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import OutboxMessage, Role, User
from tests.factories import sign_in
from tests.support.forms import post_form


def reload(session: Session, user: User) -> User:
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found


class TestUsersPage:
    def test_lists_accounts_for_admins_only(
        self, client: TestClient, session: Session, admin: User, moderator: User
    ) -> None:
        sign_in(client, session, moderator)
        forbidden = client.get("/admin/users")
        sign_in(client, session, admin)
        page = client.get("/admin/users?lang=en")

        assert forbidden.status_code == 403
        assert page.status_code == 200
        assert moderator.email in page.text

    def test_changes_a_role_and_country(
        self, client: TestClient, session: Session, admin: User, contributor: User
    ) -> None:
        sign_in(client, session, admin)

        response = post_form(
            client,
            f"/admin/users/{contributor.id}?lang=en",
            [("role", "focal_point"), ("country", "TN"), ("is_active", "yes")],
            form="/admin/users",
        )

        assert response.status_code == 303
        changed = reload(session, contributor)
        assert changed.role == Role.FOCAL_POINT
        assert "The account is updated." in client.get("/admin/users?lang=en").text

    def test_a_focal_point_without_a_country_is_refused_in_place(
        self, client: TestClient, session: Session, admin: User, moderator: User
    ) -> None:
        sign_in(client, session, admin)

        response = post_form(
            client,
            f"/admin/users/{moderator.id}?lang=fr",
            [("role", "focal_point"), ("country", ""), ("is_active", "yes")],
            form="/admin/users",
        )

        assert response.status_code == 422
        assert 'role="alert"' in response.text
        assert reload(session, moderator).role == Role.MODERATOR

    def test_disabling_an_account(
        self, client: TestClient, session: Session, admin: User, contributor: User
    ) -> None:
        sign_in(client, session, admin)

        post_form(
            client,
            f"/admin/users/{contributor.id}",
            [("role", "contributor"), ("country", "TN")],
            form="/admin/users",
        )

        assert reload(session, contributor).is_active is False


class TestInvitations:
    def test_invites_by_email(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        sign_in(client, session, admin)

        response = post_form(
            client,
            "/admin/invitations?lang=en",
            [
                ("full_name", "Nour"),
                ("email", "nour@example.org"),
                ("role", "focal_point"),
                ("country", "JO"),
                ("preferred_language", "ar"),
            ],
            form="/admin/users",
        )

        assert response.status_code == 303
        invited = session.exec(
            select(User).where(User.email == "nour@example.org")
        ).one()
        assert invited.password_hash is None
        assert session.exec(select(OutboxMessage)).all()

    def test_errors_re_render_with_the_typed_values(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        sign_in(client, session, admin)

        response = post_form(
            client,
            "/admin/invitations?lang=en",
            [("full_name", "Nour"), ("email", "not-an-email"), ("role", "moderator")],
            form="/admin/users",
        )

        assert response.status_code == 422
        assert 'value="Nour"' in response.text
        assert (
            'id="e-email"' in response.text
            or 'aria-describedby="e-email"' in response.text
        )
