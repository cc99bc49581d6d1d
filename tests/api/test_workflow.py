"""The whole journey over the API, and the workflow's answers to wrong moves."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.models import ProjectStatus, User
from app.services import mail
from tests.factories import bearer, make_project, project_data
from tests.support.databases import Database
from tests.support.smtp import SmtpServer

DRAFT = {"original_language": "ar", "title": {"ar": "مساعد زراعي ذكي"}}


CONTRIBUTOR_EMAIL = "lina@example.org"


def register_and_sign_in(
    client: TestClient, db: Database, smtp_server: SmtpServer, settings: Settings
) -> dict[str, str]:
    """A new contributor registers, confirms the emailed link and signs in."""
    password = "lina's long password"
    post(
        client,
        "/api/v1/auth/register",
        {},
        email=CONTRIBUTOR_EMAIL,
        password=password,
        full_name="Lina",
        organization="Medjerda Valley Farmers Network (fictional)",
        country="TN",
        preferred_language="en",
    )
    with db.make_session() as worker_session:
        mail.deliver_due(worker_session, settings)
    token = smtp_server.inbox.link_token(CONTRIBUTOR_EMAIL)
    post(client, "/api/v1/auth/verify-email", {}, token=token)
    token = post(
        client, "/api/v1/auth/token", {}, email=CONTRIBUTOR_EMAIL, password=password
    )
    return {"Authorization": f"Bearer {token['access_token']}"}


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = client.post(path, json=body or None, headers=headers)
    assert response.status_code < 300, response.text
    return response.json()


class TestJourney:
    def test_submit_request_changes_resubmit_approve_then_public(
        self,
        db: Database,
        client: TestClient,
        session: Session,
        focal_point: User,
        moderator: User,
        smtp_server: SmtpServer,
        mail_settings: Settings,
    ) -> None:
        owner = register_and_sign_in(client, db, smtp_server, mail_settings)
        mod = bearer(session, moderator)
        draft = post(client, "/api/v1/projects", owner, **DRAFT)
        assert (draft["status"], draft["version"]) == ("draft", 1)
        entry = f"/api/v1/projects/{draft['id']}"

        incomplete = client.post(f"{entry}/submit", headers=owner)
        assert incomplete.status_code == 422
        assert ["record", "summary"] in [e["loc"] for e in incomplete.json()["detail"]]

        complete = project_data(
            title={"ar": "مساعد زراعي ذكي", "en": "Smart farm assistant"}
        )
        edited = client.patch(entry, json={"version": 1, **complete}, headers=owner)
        assert edited.status_code == 200, edited.text
        assert post(client, f"{entry}/submit", owner)["status"] == "submitted"
        post(client, f"{entry}/endorse", bearer(session, focal_point))

        queue = client.get("/api/v1/moderation/queue", headers=mod).json()
        assert [(i["id"], i["endorsed"]) for i in queue["items"]] == [
            (draft["id"], True)
        ]
        assert queue["counts_by_country"] == {"TN": 1}

        changes = post(
            client,
            f"{entry}/decision",
            mod,
            action="request_changes",
            reason="Add the start date of the pilot.",
        )
        assert changes["status"] == "changes_requested"
        assert client.get(entry).status_code == 404  # still not public

        post(client, f"{entry}/comments", owner, body="Done: see the new dates.")
        version = client.get(f"{entry}/record", headers=owner).json()["version"]
        client.patch(
            entry, json={"version": version, "start_date": "2025-03-01"}, headers=owner
        )
        post(client, f"{entry}/submit", owner)
        approved = post(client, f"{entry}/decision", mod, action="approve")
        assert approved["status"] == "approved"

        public = client.get(entry)
        assert public.status_code == 200
        assert public.json()["start_date"] == "2025-03-01"
        assert "contact" not in public.json()
        listed = client.get("/api/v1/projects").json()["items"]
        assert draft["id"] in [item["id"] for item in listed]

        history = client.get(f"{entry}/history", headers=owner).json()
        assert [(h["action"], h["to_status"]) for h in history] == [
            ("submit", "submitted"),
            ("endorse", "submitted"),
            ("request_changes", "changes_requested"),
            ("submit", "submitted"),
            ("approve", "approved"),
        ]
        assert history[2]["reason"] == "Add the start date of the pilot."
        assert history[2]["actor"]["role"] == "moderator"

        with db.make_session() as worker_session:
            mail.deliver_due(worker_session, mail_settings)
        inbox = smtp_server.inbox
        assert inbox.to(moderator.email)  # submissions and the comment
        assert inbox.to(focal_point.email)
        decisions = [m["Subject"] for m in inbox.to(CONTRIBUTOR_EMAIL)]
        assert any("Changes requested" in s for s in decisions)
        assert any("Published" in s for s in decisions)
        reasons = [inbox.body(m) for m in inbox.to(CONTRIBUTOR_EMAIL)]
        assert any("Add the start date of the pilot." in body for body in reasons)


class TestWrongMoves:
    def test_a_decision_not_allowed_now_is_409_with_the_allowed_actions(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(
            session, status=ProjectStatus.APPROVED, owner=contributor
        )

        response = client.post(
            f"/api/v1/projects/{project.public_id}/decision",
            json={"action": "reject", "reason": "Too late."},
            headers=bearer(session, moderator),
        )

        assert response.status_code == 409
        body = response.json()
        assert body["detail"][0]["type"] == "INVALID_TRANSITION"
        assert body["allowed_actions"] == ["archive"]
        assert body["status"] == "approved"

    def test_a_stale_version_is_409_with_the_current_version(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        headers = bearer(session, contributor)
        path = f"/api/v1/projects/{project.public_id}"
        client.patch(path, json={"version": 1, "keywords": ["a"]}, headers=headers)

        stale = client.patch(
            path, json={"version": 1, "keywords": ["b"]}, headers=headers
        )

        assert stale.status_code == 409
        assert stale.json()["current_version"] == 2
        assert stale.json()["detail"][0]["type"] == "STALE_VERSION"

    def test_rejecting_without_a_reason_is_refused(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(
            session, status=ProjectStatus.SUBMITTED, owner=contributor
        )

        response = client.post(
            f"/api/v1/projects/{project.public_id}/decision",
            json={"action": "reject"},
            headers=bearer(session, moderator),
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "reason"]

    def test_blank_reasons_comments_and_names_are_refused(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(
            session, status=ProjectStatus.SUBMITTED, owner=contributor
        )
        path = f"/api/v1/projects/{project.public_id}"
        headers = bearer(session, moderator)

        reason = client.post(
            f"{path}/decision",
            json={"action": "reject", "reason": "   "},
            headers=headers,
        )
        comment = client.post(f"{path}/comments", json={"body": " "}, headers=headers)
        draft = client.post(
            "/api/v1/projects",
            json={**DRAFT, "lead_organization": {"name": "  "}},
            headers=bearer(session, contributor),
        )

        assert reason.status_code == comment.status_code == draft.status_code == 422
        assert ["body", "lead_organization", "name"] in [
            error["loc"] for error in draft.json()["detail"]
        ]

    def test_validation_messages_follow_the_requests_language(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        path = f"/api/v1/projects/{project.public_id}"
        body = {"version": 1, "start_date": "2025-05-01", "end_date": "2024-01-01"}
        headers = bearer(session, contributor)

        messages = {
            lang: client.patch(
                f"{path}?lang={lang}", json=body, headers=headers
            ).json()["detail"][0]["msg"]
            for lang in ("ar", "en", "fr")
        }

        assert messages["en"] == "The end date cannot be before the start date."
        assert "تاريخ" in messages["ar"]
        assert "date" in messages["fr"]
        assert messages["fr"] != messages["en"]

    def test_an_unknown_field_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        response = client.patch(
            f"/api/v1/projects/{project.public_id}",
            json={"version": 1, "colour": "blue"},
            headers=bearer(session, contributor),
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "colour"]

    def test_owner_deletes_a_draft_but_not_a_submitted_entry(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        headers = bearer(session, contributor)
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        sent = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)

        deleted = client.delete(f"/api/v1/projects/{draft.public_id}", headers=headers)
        refused = client.delete(f"/api/v1/projects/{sent.public_id}", headers=headers)

        assert deleted.status_code == 204
        assert refused.status_code == 409
        assert refused.json()["detail"][0]["type"] == "NOT_A_DRAFT"
        gone = client.get(f"/api/v1/projects/{draft.public_id}/record", headers=headers)
        assert gone.status_code == 404


class TestMyProjects:
    def test_focal_point_sees_every_entry_of_their_country(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        focal_point: User,
        other_focal_point: User,
    ) -> None:
        entry = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        mine = client.get("/api/v1/me/projects", headers=bearer(session, focal_point))
        theirs = client.get(
            "/api/v1/me/projects", headers=bearer(session, other_focal_point)
        )

        assert [p["id"] for p in mine.json()] == [entry.public_id]
        assert mine.json()[0]["contact"]["email"] == "private-contact@example.org"
        assert theirs.json() == []
