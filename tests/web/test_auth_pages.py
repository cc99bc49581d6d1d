"""Sign-in, sign-out, registration and email confirmation pages."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.deps import SESSION_COOKIE
from app.models import OutboxMessage, User
from app.services import mail
from tests.factories import PASSWORD, bearer, make_user
from tests.support.databases import Database
from tests.support.smtp import SmtpServer


def csrf(client: TestClient, path: str) -> str:
    """Open the form page and take its CSRF token (the cookie is kept)."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


class TestSignIn:
    def test_signs_in_with_a_session_cookie_and_redirects(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        token = csrf(client, "/login?lang=en")

        response = client.post(
            "/login?lang=en",
            data={"csrf_token": token, "email": user.email, "password": PASSWORD},
            follow_redirects=False,
        )

        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert SESSION_COOKIE in cookie
        assert "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        home = client.get(response.headers["location"])
        assert "You are signed in." in home.text
        assert user.full_name in home.text  # the sign-out button names them

    def test_wrong_password_re_renders_with_the_message_and_the_email(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        token = csrf(client, "/login?lang=fr")

        response = client.post(
            "/login?lang=fr",
            data={"csrf_token": token, "email": user.email, "password": "nope"},
        )

        assert response.status_code == 422
        assert f'value="{user.email}"' in response.text
        assert 'role="alert"' in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")

    def test_a_post_without_the_csrf_token_is_refused(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        csrf(client, "/login")

        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD}
        )

        assert response.status_code == 422
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")

    def test_sign_out_revokes_the_session(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        token = csrf(client, "/login")
        client.post(
            "/login",
            data={"csrf_token": token, "email": user.email, "password": PASSWORD},
        )
        assert client.get("/me/projects").status_code == 200
        signed_in_token = csrf(client, "/me/projects")

        out = client.post(
            "/logout", data={"csrf_token": signed_in_token}, follow_redirects=False
        )

        assert out.status_code == 303
        again = client.get("/me/projects", follow_redirects=False)
        assert again.status_code == 303
        assert again.headers["location"].startswith("/login")


class TestRegistration:
    def test_register_then_confirm_by_the_emailed_link(
        self,
        db: Database,
        client: TestClient,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        token = csrf(client, "/register?lang=ar")
        form = {
            "csrf_token": token,
            "full_name": "سلمى",
            "organization": "مختبر قرطاج للبيانات",
            "country": "TN",
            "email": "salma@example.org",
            "password": "a long enough password",
            "preferred_language": "ar",
        }

        registered = client.post("/register?lang=ar", data=form, follow_redirects=False)
        assert registered.status_code == 303
        with db.make_session() as worker:
            mail.deliver_due(worker, mail_settings)
        secret = smtp_server.inbox.link_token("salma@example.org")

        page = client.get(f"/verify-email?token={secret}&lang=ar")
        confirm = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert confirm
        confirmed = client.post(
            "/verify-email?lang=ar",
            data={"csrf_token": confirm.group(1), "token": secret},
            follow_redirects=False,
        )
        assert confirmed.status_code == 303
        with db.make_session() as check:
            user = check.exec(
                select(User).where(User.email == "salma@example.org")
            ).one()
            assert user.email_verified_at is not None

    def test_invalid_fields_re_render_in_arabic_without_the_password(
        self, db: Database, client: TestClient
    ) -> None:
        token = csrf(client, "/register?lang=ar")

        response = client.post(
            "/register?lang=ar",
            data={
                "csrf_token": token,
                "full_name": "سلمى",
                "organization": "",
                "country": "TN",
                "email": "not-an-address",
                "password": "short-pass",
            },
        )

        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.text
        assert "short-pass" not in response.text
        assert 'value="سلمى"' in response.text
        with db.make_session() as check:
            assert check.exec(select(OutboxMessage)).all() == []


class TestPasswordPages:
    def test_reset_by_the_emailed_link_then_sign_in(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        user = make_user(session)
        asked = client.post(
            "/reset-password?lang=en",
            data={"csrf_token": csrf(client, "/reset-password"), "email": user.email},
            follow_redirects=False,
        )
        assert asked.status_code == 303
        with db.make_session() as worker:
            mail.deliver_due(worker, mail_settings)
        secret = smtp_server.inbox.link_token(user.email)

        form = client.get(f"/reset-password?token={secret}&lang=en")
        assert "Choose a new password" in form.text
        done = client.post(
            "/reset-password/confirm?lang=en",
            data={
                "csrf_token": csrf(client, f"/reset-password?token={secret}"),
                "token": secret,
                "password": "a brand new password",
            },
            follow_redirects=False,
        )

        assert done.status_code == 303
        signed_in = client.post(
            "/api/v1/auth/token",
            json={"email": user.email, "password": "a brand new password"},
        )
        assert signed_in.status_code == 200

    def test_a_used_or_forged_link_re_renders_with_the_error(
        self, client: TestClient
    ) -> None:
        response = client.post(
            "/reset-password/confirm?lang=fr",
            data={
                "csrf_token": csrf(client, "/reset-password?token=forged-token-123"),
                "token": "forged-token-123",
                "password": "a brand new password",
            },
        )

        assert response.status_code == 422
        assert 'role="alert"' in response.text

    def test_an_invited_person_chooses_a_password_and_can_sign_in(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        admin: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        invited = client.post(
            "/api/v1/invitations",
            json={
                "email": "fp.ma@example.org",
                "full_name": "FP",
                "role": "focal_point",
                "country": "MA",
            },
            headers=bearer(session, admin),
        )
        assert invited.status_code == 201
        with db.make_session() as worker:
            mail.deliver_due(worker, mail_settings)
        secret = smtp_server.inbox.link_token("fp.ma@example.org")

        accepted = client.post(
            "/invitations/accept?lang=ar",
            data={
                "csrf_token": csrf(client, f"/invitations/accept?token={secret}"),
                "token": secret,
                "password": "focal point password",
            },
            follow_redirects=False,
        )

        assert accepted.status_code == 303
        assert (
            client.post(
                "/api/v1/auth/token",
                json={"email": "fp.ma@example.org", "password": "focal point password"},
            ).status_code
            == 200
        )
