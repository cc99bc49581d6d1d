"""Administration page of undelivered emails: list them, retry one."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import utcnow
from app.models import Language, OutboxMessage, User
from tests.factories import sign_in
from tests.support.forms import post_form


def parked(session: Session, *, subject: str = "Published: a title") -> OutboxMessage:
    message = OutboxMessage(
        kind="decision",
        to_email="reader@example.org",
        language=Language.FR,
        subject=subject,
        body="B",
        attempts=8,
        last_error="ValueError: Header values may not contain linefeed",
        failed_at=utcnow() - timedelta(hours=1),
    )
    session.add(message)
    session.commit()
    session.refresh(message)
    return message


def reloaded(session: Session, message: OutboxMessage) -> OutboxMessage:
    session.expire_all()
    found = session.get(OutboxMessage, message.id)
    assert found is not None
    return found


class TestMailPage:
    def test_a_contributor_gets_403(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        assert client.get("/admin/mail").status_code == 403

    def test_an_admin_sees_each_parked_message(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session, subject="<script>alert(1)</script>")
        sign_in(client, session, admin)

        page = client.get("/admin/mail?lang=en")

        assert page.status_code == 200
        assert "reader@example.org" in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert" not in page.text
        assert "ValueError: Header values may not contain linefeed" in page.text
        assert f'action="/admin/mail/{message.id}/retry?lang=en"' in page.text
        assert 'href="/admin/mail?lang=en"' in page.text  # in the admin's menu
        assert " style=" not in page.text.split("<main", 1)[1]

    def test_the_page_is_translated(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        parked(session)
        sign_in(client, session, admin)

        french = client.get("/admin/mail?lang=fr").text
        arabic = client.get("/admin/mail?lang=ar").text

        assert "Courriels non remis" in french
        assert "Relancer" in french
        assert "الرسائل غير المُسلَّمة" in arabic

    def test_without_parked_messages_the_page_says_so(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        sign_in(client, session, admin)

        page = client.get("/admin/mail?lang=en")

        assert "No undelivered emails." in page.text


class TestRetryFromThePage:
    def test_an_admin_retries_a_message(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session)
        sign_in(client, session, admin)

        response = post_form(
            client, f"/admin/mail/{message.id}/retry?lang=en", [], form="/admin/mail"
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/admin/mail?lang=en"
        retried = reloaded(session, message)
        assert (retried.failed_at, retried.attempts) == (None, 0)
        page = client.get("/admin/mail?lang=en").text
        assert "The email is queued again." in page
        assert "No undelivered emails." in page

    def test_a_contributor_cannot_retry(
        self, client: TestClient, session: Session, admin: User, contributor: User
    ) -> None:
        message = parked(session)
        sign_in(client, session, admin)
        token_page = "/admin/mail"
        client.get(token_page)
        sign_in(client, session, contributor)

        response = client.post(
            f"/admin/mail/{message.id}/retry",
            data={"csrf_token": client.cookies.get("csrftoken") or ""},
            follow_redirects=False,
        )

        assert response.status_code == 403
        assert reloaded(session, message).failed_at is not None

    def test_a_post_without_the_csrf_token_is_refused(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session)
        sign_in(client, session, admin)
        client.get("/admin/mail")

        response = client.post(
            f"/admin/mail/{message.id}/retry", data={}, follow_redirects=False
        )

        assert response.status_code == 403
        assert reloaded(session, message).failed_at is not None

    def test_retrying_twice_is_not_found(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session)
        sign_in(client, session, admin)
        path = f"/admin/mail/{message.id}/retry?lang=en"
        post_form(client, path, [], form="/admin/mail")

        again = post_form(client, path, [], form="/admin/mail")

        assert again.status_code == 404
