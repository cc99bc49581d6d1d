"""Problem reports over the API: reporting, the desk's list, closing."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import OutboxMessage, Project, ProjectStatus, User
from app.models.exchange import ProblemReport, ReportStatus
from tests.factories import bearer
from tests.factories_exchange import make_entry_of


def send(
    client: TestClient, session: Session, entry: Project, user: User, **body: Any
) -> Any:
    """`user` reports a problem with `entry` over the API."""
    return client.post(
        f"/api/v1/projects/{entry.public_id}/reports",
        json=body or {"kind": "outdated", "details": "The pilot ended in 2023."},
        headers=bearer(session, user),
    )


class TestReportProblem:
    def test_a_signed_in_reader_reports_and_the_team_and_desk_are_mailed(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
        moderator: User,
    ) -> None:
        response = send(client, session, report_entry, report_reader)

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["kind"] == "outdated"
        assert body["status"] == "open"
        assert body["project"]["id"] == report_entry.public_id
        assert body["reporter"]["name"] == "Rania Reader"
        assert report_reader.email not in response.text
        mailed = set(session.exec(select(OutboxMessage.to_email)).all())
        assert {contributor.email, moderator.email} <= mailed

    def test_anonymous_callers_must_sign_in(
        self, client: TestClient, report_entry: Project
    ) -> None:
        response = client.post(
            f"/api/v1/projects/{report_entry.public_id}/reports", json={"kind": "wrong"}
        )

        assert response.status_code == 401

    def test_field_errors_are_422(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
    ) -> None:
        response = send(
            client,
            session,
            report_entry,
            report_reader,
            kind="boring",
            details="x" * 2001,
        )

        assert response.status_code == 422
        locs = [error["loc"] for error in response.json()["detail"]]
        assert ["body", "kind"] in locs
        assert ["body", "details"] in locs
        assert session.exec(select(ProblemReport)).all() == []

    def test_an_entry_not_published_is_refused(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        report_reader: User,
    ) -> None:
        draft = make_entry_of(
            session, "TN", owner=contributor, status=ProjectStatus.DRAFT
        )

        own = send(client, session, draft, contributor)
        other = send(client, session, draft, report_reader)

        assert own.status_code == 409
        assert own.json()["detail"][0]["type"] == "NOT_PUBLISHED"
        assert other.status_code == 404

    def test_past_the_daily_limit_is_429(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
    ) -> None:
        for _ in range(10):
            assert send(client, session, report_entry, report_reader).status_code == 201

        refused = send(client, session, report_entry, report_reader)

        assert refused.status_code == 429
        assert refused.json()["detail"][0]["type"] == "REPORT_LIMIT_REACHED"
        assert int(refused.headers["retry-after"]) > 0


class TestTheDesk:
    def test_reports_reach_the_desk_and_are_closed_there(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = send(client, session, report_entry, report_reader).json()["id"]
        headers = bearer(session, moderator)

        listed = client.get("/api/v1/moderation/reports", headers=headers)
        closed = client.post(
            f"/api/v1/moderation/reports/{report_id}/close",
            json={"resolution": "Marked as completed."},
            headers=headers,
        )
        again = client.post(
            f"/api/v1/moderation/reports/{report_id}/close",
            json={"resolution": "Once more."},
            headers=headers,
        )
        closed_list = client.get(
            "/api/v1/moderation/reports", params={"status": "closed"}, headers=headers
        )

        assert listed.status_code == 200
        assert [item["id"] for item in listed.json()["items"]] == [report_id]
        assert listed.json()["open"] == 1
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        assert closed.json()["resolution"] == "Marked as completed."
        assert closed.json()["closed_by"]["id"] == moderator.id
        assert again.status_code == 409
        assert again.json()["detail"][0]["type"] == "REPORT_CLOSED"
        assert [item["id"] for item in closed_list.json()["items"]] == [report_id]
        session.expire_all()
        stored = session.get(ProblemReport, report_id)
        assert stored is not None
        assert stored.status == ReportStatus.CLOSED
        last = session.exec(
            select(OutboxMessage).order_by(col(OutboxMessage.id).desc())
        ).first()
        assert last is not None
        assert last.to_email == report_reader.email

    def test_a_resolution_is_required(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = send(client, session, report_entry, report_reader).json()["id"]

        response = client.post(
            f"/api/v1/moderation/reports/{report_id}/close",
            json={"resolution": ""},
            headers=bearer(session, moderator),
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "resolution"]

    def test_contributors_may_not_see_or_close_reports(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
    ) -> None:
        report_id = send(client, session, report_entry, report_reader).json()["id"]
        headers = bearer(session, contributor)

        listed = client.get("/api/v1/moderation/reports", headers=headers)
        one = client.get(f"/api/v1/moderation/reports/{report_id}", headers=headers)
        closed = client.post(
            f"/api/v1/moderation/reports/{report_id}/close",
            json={"resolution": "Fixed by me."},
            headers=headers,
        )

        assert (listed.status_code, one.status_code, closed.status_code) == (
            403,
            403,
            403,
        )

    def test_filters_by_kind(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        send(client, session, report_entry, report_reader, kind="duplicate")
        wrong = send(client, session, report_entry, report_reader, kind="wrong").json()[
            "id"
        ]

        response = client.get(
            "/api/v1/moderation/reports",
            params={"kind": "wrong"},
            headers=bearer(session, moderator),
        )

        assert [item["id"] for item in response.json()["items"]] == [wrong]

    def test_an_unknown_report_is_404(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        response = client.get(
            "/api/v1/moderation/reports/4242", headers=bearer(session, moderator)
        )

        assert response.status_code == 404
        assert response.json()["detail"][0]["type"] == "REPORT_NOT_FOUND"
