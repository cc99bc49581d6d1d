"""Admins list the emails the worker gave up on and queue them again (API)."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import utcnow
from app.models import Language, OutboxMessage, User
from tests.factories import bearer

FAILED = "/api/v1/outbox/failed"


def parked(session: Session, **values: str) -> OutboxMessage:
    """A message the worker gave up on."""
    message = OutboxMessage(
        kind="comment",
        to_email=values.get("to_email", "reader@example.org"),
        language=Language.EN,
        subject=values.get("subject", "New comment on: a title"),
        body="Secret link: https://repo.example/reset?token=abc\n",
        attempts=8,
        last_error="SMTPRecipientsRefused: {'reader@example.org': (550, 'no')}",
        failed_at=utcnow() - timedelta(minutes=5),
    )
    session.add(message)
    session.commit()
    session.refresh(message)
    return message


class TestListFailedMessages:
    def test_a_contributor_cannot_see_them(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        parked(session)

        response = client.get(FAILED, headers=bearer(session, contributor))

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "PERMISSION_DENIED"

    def test_anonymous_callers_must_sign_in(self, client: TestClient) -> None:
        assert client.get(FAILED).status_code == 401

    def test_an_admin_sees_parked_messages_without_their_bodies(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session, subject="a\rb <i>x</i>")
        session.add(
            OutboxMessage(
                kind="comment",
                to_email="waiting@example.org",
                language=Language.EN,
                subject="Waiting",
                body="B",
            )
        )
        session.commit()

        response = client.get(FAILED, headers=bearer(session, admin))

        assert response.status_code == 200
        (listed,) = response.json()
        assert listed["id"] == message.id
        assert listed["subject"] == "a\rb <i>x</i>"
        assert listed["attempts"] == 8
        assert listed["last_error"].startswith("SMTPRecipientsRefused")
        assert listed["failed_at"]
        assert "body" not in listed
        assert "token=abc" not in response.text


class TestRetryMessage:
    def test_a_contributor_cannot_retry(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        message = parked(session)

        response = client.post(
            f"/api/v1/outbox/{message.id}/retry", headers=bearer(session, contributor)
        )

        assert response.status_code == 403
        session.refresh(message)
        assert message.failed_at is not None

    def test_an_admin_queues_it_again(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session)

        response = client.post(
            f"/api/v1/outbox/{message.id}/retry", headers=bearer(session, admin)
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["attempts"], body["failed_at"]) == (
            message.id,
            0,
            None,
        )
        session.refresh(message)
        assert message.failed_at is None
        assert message.attempts == 0
        assert message.next_attempt_at <= utcnow()
        assert client.get(FAILED, headers=bearer(session, admin)).json() == []

    def test_a_message_that_is_not_parked_is_not_found(
        self, client: TestClient, session: Session, admin: User
    ) -> None:
        message = parked(session)
        headers = bearer(session, admin)
        client.post(f"/api/v1/outbox/{message.id}/retry", headers=headers)

        again = client.post(f"/api/v1/outbox/{message.id}/retry", headers=headers)
        unknown = client.post("/api/v1/outbox/999999/retry", headers=headers)

        assert again.status_code == unknown.status_code == 404
        assert again.json()["detail"][0]["type"] == "MESSAGE_NOT_FOUND"
        assert again.json()["detail"][0]["loc"] == ["path", "message_id"]

    def test_the_endpoints_are_documented(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]

        assert {"401", "403"} <= set(paths[FAILED]["get"]["responses"])
        retry = paths["/api/v1/outbox/{message_id}/retry"]["post"]["responses"]
        assert {"401", "403", "404", "422"} <= set(retry)
