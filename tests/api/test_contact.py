"""Contact an entry's team over the API: the same rules as the pages, and no
answer holds an email address."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ContactBlock, ContactThread, Project, ProjectStatus, User
from app.services import contact, contact_measures
from tests.factories import bearer, make_project
from tests.factories_exchange import outbox
from tests.factories_exchange_contact import (
    SENDER_EMAIL,
    SETTINGS,
    TEAM_CONTACT,
    make_sender,
    team_access,
    write,
)

MESSAGE = {
    "purpose": "partner",
    "subject": "A partnership on health data",
    "body": "Our ministry runs a similar programme.",
    "organization": "Ministry of Health (fictional)",
    "country": "JO",
}


def no_address(text: str, *addresses: str) -> bool:
    return not any(address in text for address in addresses)


class TestContactTeam:
    def test_a_reader_writes_and_gets_the_conversation_without_addresses(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["side"] == "sender"
        assert body["entry"]["id"] == contact_entry.public_id
        assert body["reply_to_sender"] is False
        assert [m["body"] for m in body["messages"]] == [MESSAGE["body"]]
        assert no_address(response.text, SENDER_EMAIL, TEAM_CONTACT, contributor.email)
        assert "@" not in response.text
        relayed = outbox(session, kind=contact.RELAY_KIND)
        assert {m.to_email for m in relayed} == {TEAM_CONTACT, contributor.email}
        assert all(m.reply_to is None for m in relayed)

    def test_reply_to_only_when_asked(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact",
            json={**MESSAGE, "reply_to_sender": True},
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 201
        assert SENDER_EMAIL not in response.text
        assert all(m.reply_to == SENDER_EMAIL for m in outbox(session))

    def test_a_visitor_must_sign_in(
        self, client: TestClient, contact_entry: Project
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact", json=MESSAGE
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
        contact_entry: Project,
        contact_sender: User,
        change: dict[str, str],
        loc: list[str],
        kind: str,
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact?lang=fr",
            json={**MESSAGE, **change},
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 422, response.text
        [problem] = response.json()["detail"]
        assert problem["loc"] == loc
        assert problem["type"] == kind
        assert session.exec(select(ContactThread)).all() == []

    def test_the_sixth_of_a_day_is_429_with_retry_after(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        for _ in range(5):
            write(session, contact_entry, contact_sender)

        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact?lang=en",
            json=MESSAGE,
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 23 * 3600
        [problem] = response.json()["detail"]
        assert problem["type"] == "CONTACT_LIMIT_REACHED"
        assert "5 teams" in problem["msg"]

    def test_a_blocked_sender_is_refused_with_a_reason(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        write(session, contact_entry, contact_sender)
        team = team_access(session)
        contact_measures.block_sender(session, access=team)

        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "CONTACT_BLOCKED"

    def test_an_unconfirmed_address_is_refused(
        self, client: TestClient, session: Session, contact_entry: Project
    ) -> None:
        unconfirmed = make_sender(session, verified=False)

        response = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, unconfirmed),
        )

        assert response.status_code == 403
        assert response.json()["detail"][0]["type"] == "EMAIL_NOT_VERIFIED"

    def test_a_draft_is_not_found(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        contact_sender: User,
    ) -> None:
        draft = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)

        response = client.post(
            f"/api/v1/projects/{draft.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 404

    def test_an_unpublished_entry_its_viewer_sees_is_409(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        submitted = make_project(
            session, owner=contributor, status=ProjectStatus.SUBMITTED
        )

        response = client.post(
            f"/api/v1/projects/{submitted.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, moderator),
        )

        assert response.status_code == 409
        assert response.json()["detail"][0]["type"] == "NOT_PUBLISHED"


class TestMyMessages:
    def test_each_side_lists_and_answers_its_conversations(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id

        sent = client.get(
            "/api/v1/me/messages", headers=bearer(session, contact_sender)
        )
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
        [mailed] = outbox(session, kind=contact.ANSWER_KIND)
        assert mailed.to_email == SENDER_EMAIL

    def test_a_stranger_cannot_read_a_conversation(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        other_contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id

        response = client.get(
            f"/api/v1/me/messages/{thread_id}",
            headers=bearer(session, other_contributor),
        )

        assert response.status_code == 404

    def test_the_sixth_follow_up_of_a_day_is_429(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        for _ in range(5):
            contact.reply(session, access=access, body="Any news?", settings=SETTINGS)

        response = client.post(
            f"/api/v1/me/messages/{access.thread.id}/replies?lang=en",
            json={"body": "And now?"},
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 23 * 3600
        [problem] = response.json()["detail"]
        assert problem["type"] == "CONTACT_MESSAGE_LIMIT_REACHED"
        assert "5 messages" in problem["msg"]

    def test_a_follow_up_to_an_unpublished_entry_is_409_and_not_mailed(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        contact_entry.status = ProjectStatus.ARCHIVED
        session.add(contact_entry)
        session.commit()

        response = client.post(
            f"/api/v1/me/messages/{thread_id}/replies",
            json={"body": "Still there?"},
            headers=bearer(session, contact_sender),
        )

        assert response.status_code == 409
        assert response.json()["detail"][0]["type"] == "NOT_PUBLISHED"
        assert outbox(session, kind=contact.FOLLOW_UP_KIND) == []

    def test_either_side_reports_a_conversation(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
        moderator: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id

        reported = client.post(
            f"/api/v1/me/messages/{thread_id}/report",
            json={"reason": "Insults"},
            headers=bearer(session, contributor),
        )
        again = client.post(
            f"/api/v1/me/messages/{thread_id}/report",
            json={"reason": "Still insults"},
            headers=bearer(session, contact_sender),
        )
        empty = client.post(
            f"/api/v1/me/messages/{thread_id}/report",
            json={"reason": ""},
            headers=bearer(session, contact_sender),
        )

        assert reported.status_code == again.status_code == 200
        assert reported.json()["reported"] is True
        assert empty.status_code == 422
        session.expire_all()
        thread = session.get(ContactThread, thread_id)
        assert thread is not None
        assert thread.report_reason == "Insults"  # a second report changes nothing
        told = outbox(session, kind=contact.REPORTED_KIND)
        assert [m.to_email for m in told] == [moderator.email]
        assert "@" not in reported.text

    def test_the_owner_blocks_the_sender_and_the_sender_may_not(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        contributor: User,
    ) -> None:
        thread_id = write(session, contact_entry, contact_sender).thread.id
        path = f"/api/v1/me/messages/{thread_id}/block"

        by_sender = client.post(path, json={}, headers=bearer(session, contact_sender))
        blocked = client.post(
            path, json={"reason": "Spam"}, headers=bearer(session, contributor)
        )

        assert by_sender.status_code == 403
        assert blocked.status_code == 200
        assert blocked.json()["sender_blocked"] is True
        assert session.exec(select(ContactBlock)).one().blocked_by_id == contributor.id


class TestSuspensions:
    def test_a_moderator_suspends_a_sender_and_lifts_it(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        headers = bearer(session, moderator)

        suspended = client.post(
            "/api/v1/moderation/messages/suspensions",
            json={"sender_id": contact_sender.id, "reason": "Abuse"},
            headers=headers,
        )
        refused = client.post(
            f"/api/v1/projects/{contact_entry.public_id}/contact",
            json=MESSAGE,
            headers=bearer(session, contact_sender),
        )
        lifted = client.delete(
            f"/api/v1/moderation/messages/suspensions/{contact_sender.id}",
            headers=headers,
        )

        assert suspended.status_code == 201
        assert suspended.json()["sender_id"] == contact_sender.id
        assert suspended.json()["reason"] == "Abuse"
        assert "@" not in suspended.text
        assert refused.status_code == 403
        assert refused.json()["detail"][0]["type"] == "CONTACT_SUSPENDED"
        assert lifted.status_code == 204
        write(session, contact_entry, contact_sender)

    def test_only_moderators_and_only_known_people(
        self,
        client: TestClient,
        session: Session,
        contact_sender: User,
        contributor: User,
        moderator: User,
    ) -> None:
        path = "/api/v1/moderation/messages/suspensions"

        by_contributor = client.post(
            path,
            json={"sender_id": contact_sender.id},
            headers=bearer(session, contributor),
        )
        unknown = client.post(
            path, json={"sender_id": 999_999}, headers=bearer(session, moderator)
        )
        lift = client.delete(
            f"{path}/{contact_sender.id}", headers=bearer(session, contributor)
        )

        assert by_contributor.status_code == lift.status_code == 403
        assert unknown.status_code == 404
        assert unknown.json()["detail"][0]["type"] == "USER_NOT_FOUND"
        assert session.exec(select(ContactBlock)).all() == []


class TestMessageLog:
    def test_moderators_read_metadata_and_the_text_only_once_reported(
        self,
        client: TestClient,
        session: Session,
        contact_entry: Project,
        contact_sender: User,
        moderator: User,
    ) -> None:
        access = write(session, contact_entry, contact_sender)
        headers = bearer(session, moderator)

        before = client.get("/api/v1/moderation/messages", headers=headers)
        contact_measures.report_thread(
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
