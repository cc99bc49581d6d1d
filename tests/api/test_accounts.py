"""Accounts over the API: registration, verification, tokens, resets, invitations."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

from app.config import Settings
from app.db import utcnow
from app.deps import SESSION_COOKIE
from app.models import ProjectStatus, Role, TokenPurpose, User, UserToken
from app.services import accounts, mail
from tests.factories import PASSWORD, bearer, make_project, make_user
from tests.support.databases import Database
from tests.support.smtp import SmtpServer

REGISTRATION = {
    "email": "Amal.Contributor@Example.org",
    "password": "a long enough password",
    "full_name": "Amal Ben Salah",
    "organization": "Carthage Data Lab (fictional)",
    "country": "tn",
    "preferred_language": "fr",
}


def deliver(db: Database, settings: Settings) -> None:
    with db.make_session() as session:
        mail.deliver_due(session, settings)


def sign_in(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class TestRegistration:
    def test_contributor_registers_verifies_and_signs_in(
        self,
        db: Database,
        client: TestClient,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        registered = client.post("/api/v1/auth/register", json=REGISTRATION)
        assert registered.status_code == 202, registered.text
        assert registered.json() == {"status": "accepted"}
        with db.make_session() as session:
            stored = accounts.find_user(session, "amal.contributor@example.org")
            assert stored is not None
            assert (stored.role, stored.country_iso2) == ("contributor", "TN")
            assert stored.email_verified_at is None
        account = {"email": "amal.contributor@example.org"}

        unverified = client.post(
            "/api/v1/auth/token",
            json={"email": account["email"], "password": REGISTRATION["password"]},
        )
        assert unverified.status_code == 403
        assert unverified.json()["detail"][0]["type"] == "EMAIL_NOT_VERIFIED"

        deliver(db, mail_settings)
        (message,) = smtp_server.inbox.to(account["email"])
        assert message["Content-Language"] == "fr"
        token = smtp_server.inbox.link_token(account["email"])
        verified = client.post("/api/v1/auth/verify-email", json={"token": token})
        assert verified.json()["email_verified"] is True

        headers = sign_in(client, account["email"], REGISTRATION["password"])
        me = client.get("/api/v1/me", headers=headers)
        assert me.json()["full_name"] == "Amal Ben Salah"

    def test_a_verification_link_works_once(
        self,
        db: Database,
        client: TestClient,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        client.post("/api/v1/auth/register", json=REGISTRATION)
        deliver(db, mail_settings)
        token = smtp_server.inbox.link_token("amal.contributor@example.org")
        client.post("/api/v1/auth/verify-email", json={"token": token})

        again = client.post("/api/v1/auth/verify-email", json={"token": token})

        assert again.status_code == 422
        assert again.json()["detail"][0]["type"] == "INVALID_TOKEN"

    def test_a_known_address_gets_the_same_answer_and_an_email_to_its_owner(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        owner = make_user(session, email="amal.contributor@example.org")
        fresh = {**REGISTRATION, "email": "someone.new@example.org"}

        known = client.post("/api/v1/auth/register", json=REGISTRATION)
        new = client.post("/api/v1/auth/register", json=fresh)

        assert (known.status_code, known.json()) == (new.status_code, new.json())
        assert known.status_code == 202
        with db.make_session() as check:
            same = check.exec(select(User).where(User.email == owner.email)).all()
            assert len(same) == 1
            assert same[0].full_name == owner.full_name  # nothing overwritten
        deliver(db, mail_settings)
        (notice,) = smtp_server.inbox.to(owner.email)
        assert notice["Subject"] == "You already have an account"
        assert "/reset-password" in smtp_server.inbox.body(notice)
        (verification,) = smtp_server.inbox.to("someone.new@example.org")
        assert "/verify-email?token=" in smtp_server.inbox.body(verification)

    def test_invalid_registration_lists_each_field_in_the_users_language(
        self, client: TestClient
    ) -> None:
        response = client.post(
            "/api/v1/auth/register",
            json={
                **REGISTRATION,
                "email": "nope",
                "password": "short",
                "country": "XX",
            },
            headers={"Accept-Language": "ar"},
        )

        assert response.status_code == 422
        errors = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
        assert set(errors) == {("body", "email"), ("body", "password")}
        assert all(re.search("[\u0600-\u06ff]", msg) for msg in errors.values())

    def test_an_unknown_country_is_refused(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/register", json={**REGISTRATION, "country": "XX"}
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "country"]


class TestTokens:
    def test_wrong_password_and_unknown_email_look_the_same(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)

        wrong = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": "wrong"}
        )
        unknown = client.post(
            "/api/v1/auth/token", json={"email": "no@example.org", "password": "x"}
        )

        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert wrong.headers["WWW-Authenticate"] == "Bearer"

    def test_tokens_are_stored_hashed_and_expire(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
        )
        secret = response.json()["access_token"]
        stored = session.exec(select(UserToken)).one()
        assert stored.token_hash != secret
        assert secret not in stored.token_hash

        session.exec(update(UserToken).values(expires_at=utcnow() - timedelta(1)))
        session.commit()

        expired = client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        assert expired.status_code == 401
        assert expired.json()["detail"][0]["type"] == "INVALID_TOKEN"

    def test_a_revoked_token_stops_working(
        self, client: TestClient, session: Session
    ) -> None:
        headers = bearer(session, make_user(session))

        assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
        assert client.get("/api/v1/me", headers=headers).status_code == 401

    def test_a_disabled_account_cannot_sign_in(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session, active=False)

        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
        )

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "ACCOUNT_DISABLED"


class TestPasswordReset:
    def test_reset_link_sets_a_new_password_once_and_signs_out_everywhere(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        user = make_user(session)
        old_headers = bearer(session, user)

        asked = client.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert asked.status_code == 202
        deliver(db, mail_settings)
        token = smtp_server.inbox.link_token(user.email)
        new_password = "a brand new password"

        reset = client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": token, "password": new_password},
        )
        assert reset.status_code == 200
        assert client.get("/api/v1/me", headers=old_headers).status_code == 401
        sign_in(client, user.email, new_password)

        reused = client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": token, "password": "yet another password"},
        )
        assert reused.status_code == 422

    def test_the_answer_never_tells_whether_the_account_exists(
        self, client: TestClient
    ) -> None:
        response = client.post(
            "/api/v1/auth/password-reset", json={"email": "nobody@example.org"}
        )

        assert response.status_code == 202
        assert response.json() == {"status": "accepted"}


class TestInvitations:
    def test_admin_invites_a_focal_point_who_accepts(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        admin: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        invitation = {
            "email": "focal.eg@example.org",
            "full_name": "Focal Point Egypt",
            "role": "focal_point",
            "country": "EG",
            "preferred_language": "ar",
        }

        invited = client.post(
            "/api/v1/invitations", json=invitation, headers=bearer(session, admin)
        )
        assert invited.status_code == 201, invited.text
        deliver(db, mail_settings)
        (message,) = smtp_server.inbox.to("focal.eg@example.org")
        assert "جهة اتصال وطنية" in smtp_server.inbox.body(message)

        accepted = client.post(
            "/api/v1/auth/invitations/accept",
            json={
                "token": smtp_server.inbox.link_token("focal.eg@example.org"),
                "password": "focal point password",
            },
        )
        assert accepted.status_code == 200
        assert (accepted.json()["role"], accepted.json()["country"]) == (
            "focal_point",
            "EG",
        )
        sign_in(client, "focal.eg@example.org", "focal point password")

    def test_country_roles_need_a_country_and_staff_roles_have_none(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        headers = bearer(session, admin)
        base = {"email": "x@example.org", "full_name": "X"}

        no_country = client.post(
            "/api/v1/invitations", json={**base, "role": "focal_point"}, headers=headers
        )
        staff_country = client.post(
            "/api/v1/invitations",
            json={**base, "role": "moderator", "country": "EG"},
            headers=headers,
        )

        assert no_country.json()["detail"][0]["type"] == "COUNTRY_REQUIRED"
        assert staff_country.json()["detail"][0]["type"] == "COUNTRY_NOT_ALLOWED"

    def test_admin_changes_a_role_and_disables_an_account(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        user = make_user(session, role=Role.CONTRIBUTOR, country="JO")
        user_headers = bearer(session, user)
        headers = bearer(session, admin)

        promoted = client.patch(
            f"/api/v1/users/{user.id}", json={"role": "focal_point"}, headers=headers
        )
        disabled = client.patch(
            f"/api/v1/users/{user.id}", json={"is_active": False}, headers=headers
        )

        assert promoted.json()["role"] == "focal_point"
        assert promoted.json()["country"] == "JO"
        assert disabled.json()["is_active"] is False
        assert client.get("/api/v1/me", headers=user_headers).status_code == 401


class TestSessionCookie:
    def test_the_pages_session_cookie_does_not_sign_in_api_calls(
        self, client: TestClient, session: Session
    ) -> None:
        """A cookie is ambient authority (a form on another site sends it): the
        JSON API takes bearer tokens only, so cross-site requests can do nothing."""
        user = make_user(session)
        draft = make_project(session, owner=user, status=ProjectStatus.DRAFT)
        secret, _token = accounts.sign_in(
            session,
            user=user,
            purpose=TokenPurpose.SESSION,
            settings=Settings(environment="test"),
        )

        client.cookies.set(SESSION_COOKIE, secret)
        me = client.get("/api/v1/me")
        submitted = client.post(f"/api/v1/projects/{draft.public_id}/submit")

        assert me.status_code == 401
        assert submitted.status_code == 401
        session.refresh(draft)
        assert draft.status == ProjectStatus.DRAFT
        assert client.get("/me/projects").status_code == 200  # pages still do

    def test_an_api_token_is_not_a_session_cookie(
        self, client: TestClient, session: Session
    ) -> None:
        headers = bearer(session, make_user(session))

        client.cookies.set(SESSION_COOKIE, headers["Authorization"].split()[1])

        assert client.get("/api/v1/me").status_code == 401
