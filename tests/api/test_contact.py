"""Contact an entry's team over the API: the same rules as the pages, and no
answer holds an email address."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ContactThread, Project, ProjectStatus, User
from app.services import contact
from tests.factories import bearer, make_project
from tests.factories_exchange_contact import (
    SENDER_EMAIL,
    TEAM_CONTACT,
    make_sender,
    outbox,
    team_token,
    write,
)

MESSAGE = {
    "purpose": "partner",
    "subject": "A partnership on health data",
    "body": "Our ministry runs a similar programme.",
    "organization": "Ministry of Health (fictional)",
    "country": "JO",
}


@pytest.fixture
def sender(session: Session) -> User:
    return make_sender(session)


@pytest.fixture
def entry(session: Session, contributor: User) -> Project:
    return make_project(session, owner=contributor)


def no_address(text: str, *addresses: str) -> bool:
    return not any(address in text for address in addresses)


class TestContactTeam:
    def test_a_reader_writes_and_gets_the_conversation_without_addresses(
        self,
        client: TestClient,
        session: Session,
        entry: Project,
        sender: User,
        contributor: User,
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, sender),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["side"] == "sender"
        assert body["entry"]["id"] == entry.public_id
        assert body["reply_to_sender"] is False
        assert [m["body"] for m in body["messages"]] == [MESSAGE["body"]]
        assert no_address(response.text, SENDER_EMAIL, TEAM_CONTACT, contributor.email)
        assert "@" not in response.text
        relayed = outbox(session, contact.RELAY_KIND)
        assert {m.to_email for m in relayed} == {TEAM_CONTACT, contributor.email}
        assert all(m.reply_to is None for m in relayed)

    def test_reply_to_only_when_asked(
        self, client: TestClient, session: Session, entry: Project, sender: User
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact",
            json={**MESSAGE, "reply_to_sender": True},
            headers=bearer(session, sender),
        )

        assert response.status_code == 201
        assert SENDER_EMAIL not in response.text
        assert all(m.reply_to == SENDER_EMAIL for m in outbox(session))

    def test_a_visitor_must_sign_in(self, client: TestClient, entry: Project) -> None:
        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact", json=MESSAGE
        )

        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("change", "loc", "kind"),
        [
            ({"subject": ""}, ["body", "subject"], "string_too_short"),
            ({"subject": "x" * 201}, ["body", "subject"], "string_too_long"),
            ({"subject": "a\nb"}, ["body", "subject"], "TEXT_HAS_LINE_BREAK"),
            ({"body": "y" * 5001}, ["body", "body"], "string_too_long"),
            ({"body": "bad\x00"}, ["body", "body"], "TEXT_HAS_NUL"),
            ({"purpose": "sell"}, ["body", "purpose"], "enum"),
            ({"country": "ZZ"}, ["body", "country"], "UNKNOWN_CODE"),
            ({"cc": "x@example.org"}, ["body", "cc"], "extra_forbidden"),
        ],
    )
    def test_bad_input_is_a_field_error_never_a_500(
        self,
        client: TestClient,
        session: Session,
        entry: Project,
        sender: User,
        change: dict[str, str],
        loc: list[str],
        kind: str,
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact?lang=fr",
            json={**MESSAGE, **change},
            headers=bearer(session, sender),
        )

        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        assert problem["loc"] == loc
        assert problem["type"] == kind
        assert session.exec(select(ContactThread)).all() == []

    def test_the_sixth_of_a_day_is_429_with_retry_after(
        self, client: TestClient, session: Session, entry: Project, sender: User
    ) -> None:
        for _ in range(5):
            write(session, entry, sender)

        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact?lang=en",
            json=MESSAGE,
            headers=bearer(session, sender),
        )

        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 23 * 3600
        [problem] = response.json()["detail"]
        assert problem["type"] == "CONTACT_LIMIT_REACHED"
        assert "5 teams" in problem["msg"]

    def test_a_blocked_sender_is_refused_with_a_reason(
        self, client: TestClient, session: Session, entry: Project, sender: User
    ) -> None:
        write(session, entry, sender)
        team = contact.access_by_token(session, token=team_token(session))
        contact.block_sender(session, access=team)

        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, sender),
        )

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "CONTACT_BLOCKED"

    def test_an_unconfirmed_address_is_refused(
        self, client: TestClient, session: Session, entry: Project
    ) -> None:
        unconfirmed = make_sender(session, verified=False)

        response = client.post(
            f"/api/v1/projects/{entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, unconfirmed),
        )

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "EMAIL_NOT_VERIFIED"

    def test_a_draft_is_not_found(
        self, client: TestClient, session: Session, contributor: User, sender: User
    ) -> None:
        draft = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)

        response = client.post(
            f"/api/v1/projects/{draft.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, sender),
        )

        assert response.status_code == 404


class TestMyMessages:
    def test_each_side_lists_and_answers_its_conversations(
        self,
        client: TestClient,
        session: Session,
        entry: Project,
        sender: User,
        contributor: User,
    ) -> None:
        thread_id = write(session, entry, sender).thread.id

        sent = client.get("/api/v1/me/messages", headers=bearer(session, sender))
        received = client.get(
            "/api/v1/me/messages", headers=bearer(session, contributor)
        )
        answered = client.post(
            f"/api/v1/me/messages/{thread_id}/replies",
            json={"body": "Let us talk."},
            headers=bearer(session, contributor),
        )

        assert [t["id"] for t in sent.json()["sent"]] == [thread_id]
        assert sent.json()["received"] == []
        assert [t["id"] for t in received.json()["received"]] == [thread_id]
        assert received.json()["received"][0]["sender"]["name"] == "Rania Haddad"
        assert answered.status_code == 201
        assert [m["from_team"] for m in answered.json()["messages"]] == [False, True]
        for response in (sent, received, answered):
            assert "@" not in response.text
        [mailed] = outbox(session, contact.ANSWER_KIND)
        assert mailed.to_email == SENDER_EMAIL

    def test_a_stranger_cannot_read_a_conversation(
        self,
        client: TestClient,
        session: Session,
        entry: Project,
        sender: User,
        other_contributor: User,
    ) -> None:
        thread_id = write(session, entry, sender).thread.id

        response = client.get(
            f"/api/v1/me/messages/{thread_id}",
            headers=bearer(session, other_contributor),
        )

        assert response.status_code == 404


class TestMessageLog:
    def test_moderators_read_metadata_and_the_text_only_once_reported(
        self,
        client: TestClient,
        session: Session,
        entry: Project,
        sender: User,
        moderator: User,
    ) -> None:
        access = write(session, entry, sender)
        headers = bearer(session, moderator)

        before = client.get("/api/v1/moderation/messages", headers=headers)
        contact.report_thread(
            session,
            access=access,
            reason="Spam",
            settings=client.app.state.settings,  # type: ignore[attr-defined]
        )
        after = client.get("/api/v1/moderation/messages", headers=headers)

        [row] = before.json()["items"]
        assert row["sender"]["name"] == "Rania Haddad"
        assert row["purpose"] == "replicate"
        assert row["message_count"] == 1
        assert row["subject"] is None
        assert row["messages"] is None
        assert "Can we talk" not in before.text
        [reported] = after.json()["items"]
        assert reported["report_reason"] == "Spam"
        assert "Can we talk?" in reported["messages"][0]["body"]
        for response in (before, after):
            assert "@" not in response.text

    def test_others_are_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        response = client.get(
            "/api/v1/moderation/messages", headers=bearer(session, contributor)
        )

        assert response.status_code == 403
