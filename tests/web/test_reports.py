"""Report a problem (pages): the entry page's disclosure, the form, and the
desk's list and report pages."""

import re
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import OutboxMessage, Project, User
from app.models.exchange import ProblemKind, ReportStatus
from tests.factories import sign_in
from tests.fixtures.reports import file_report, stored_reports
from tests.support.forms import post_form


def reported(session: Session, entry: Project, reader: User) -> int:
    """A duplicate reported with `entry`: the report's id."""
    found = file_report(
        session,
        entry,
        reader,
        kind=ProblemKind.DUPLICATE,
        details="Same as another entry.",
    )
    return found.id


class TestTheEntryPagePanel:
    def test_a_visitor_is_asked_to_sign_in(
        self, client: TestClient, report_entry: Project
    ) -> None:
        page = client.get(f"/projects/{report_entry.public_id}?lang=en")

        assert page.status_code == 200
        assert "Report a problem with this entry" in page.text
        login = "/login?" + urlencode(
            {"next": f"/projects/{report_entry.public_id}?lang=en"}
        )
        assert f'href="{login.replace("&", "&amp;")}"' in page.text
        assert 'name="kind"' not in page.text

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_a_signed_in_reader_gets_the_form(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        lang: str,
    ) -> None:
        sign_in(client, session, report_reader)

        page = client.get(f"/projects/{report_entry.public_id}?lang={lang}")

        assert page.status_code == 200
        assert f'<html lang="{lang}"' in page.text
        assert "<details>" in page.text
        assert (
            f'action="/projects/{report_entry.public_id}/reports?lang={lang}"'
            in page.text
        )
        for kind in ProblemKind:
            assert f'name="kind" value="{kind.value}"' in page.text
        assert 'name="details"' in page.text
        assert "style=" not in page.text  # the strict CSP allows no inline style

    def test_the_team_sees_how_many_reports_wait(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
    ) -> None:
        reported(session, report_entry, report_reader)
        sign_in(client, session, contributor)

        page = client.get(f"/projects/{report_entry.public_id}?lang=en")

        assert "1 reported problem with this entry waits" in page.text


class TestReportForm:
    def test_a_report_is_sent_and_confirmed(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
        moderator: User,
    ) -> None:
        sign_in(client, session, report_reader)
        here = f"/projects/{report_entry.public_id}?lang=en"

        response = post_form(
            client,
            f"/projects/{report_entry.public_id}/reports?lang=en",
            [("kind", "broken_link"), ("details", "The site is down.\nSince May.")],
            form=here,
        )

        assert response.status_code == 303
        assert response.headers["location"] == here
        (stored,) = stored_reports(session)
        assert stored.kind == ProblemKind.BROKEN_LINK
        assert stored.details == "The site is down.\nSince May."
        assert stored.reporter_id == report_reader.id
        mailed = set(session.exec(select(OutboxMessage.to_email)).all())
        assert {contributor.email, moderator.email} <= mailed
        confirmed = client.get(response.headers["location"])
        assert "the entry&#39;s team and the moderators are told" in confirmed.text

    def test_a_missing_kind_comes_back_422_with_what_was_typed(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
    ) -> None:
        sign_in(client, session, report_reader)

        response = post_form(
            client,
            f"/projects/{report_entry.public_id}/reports?lang=fr",
            [("details", "Texte à garder")],
            form=f"/projects/{report_entry.public_id}?lang=fr",
        )

        assert response.status_code == 422
        assert 'id="error-summary"' in response.text
        assert 'id="e-f-report-kind"' in response.text
        assert "Texte à garder" in response.text
        assert '<html lang="fr"' in response.text
        assert stored_reports(session) == []

    def test_details_too_long_come_back_next_to_their_box(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
    ) -> None:
        sign_in(client, session, report_reader)

        response = post_form(
            client,
            f"/projects/{report_entry.public_id}/reports?lang=en",
            [("kind", "wrong"), ("details", "x" * 2001)],
            form=f"/projects/{report_entry.public_id}/report?lang=en",
        )

        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.text
        assert 'id="e-f-report-details"' in response.text
        assert re.search(r'value="wrong" checked', response.text)

    def test_a_post_without_its_token_is_refused(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
    ) -> None:
        sign_in(client, session, report_reader)

        response = client.post(
            f"/projects/{report_entry.public_id}/reports",
            data={"kind": "wrong", "csrf_token": "forged"},
            follow_redirects=False,
        )

        assert response.status_code == 422
        assert stored_reports(session) == []

    def test_a_visitor_posting_is_sent_to_sign_in(
        self, client: TestClient, report_entry: Project
    ) -> None:
        response = client.post(
            f"/projects/{report_entry.public_id}/reports",
            data={"kind": "wrong"},
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


class TestTheDeskPages:
    def test_reports_are_listed_with_entry_kind_reporter_and_date(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)
        sign_in(client, session, moderator)

        page = client.get("/moderation/reports?lang=en")

        assert page.status_code == 200
        assert f'href="/moderation/reports/{report_id}?lang=en"' in page.text
        assert f'href="/projects/{report_entry.public_id}?lang=en"' in page.text
        assert "Duplicate of another entry" in page.text
        assert "Rania Reader" in page.text
        assert report_reader.email not in page.text
        assert "style=" not in page.text

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_the_desk_renders_in_each_language(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
        lang: str,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)
        sign_in(client, session, moderator)

        listing = client.get(f"/moderation/reports?lang={lang}")
        detail = client.get(f"/moderation/reports/{report_id}?lang={lang}")

        assert listing.status_code == detail.status_code == 200
        assert f'<html lang="{lang}"' in detail.text
        assert 'name="resolution"' in detail.text

    def test_closed_reports_are_under_their_own_tab(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)
        sign_in(client, session, moderator)
        detail = f"/moderation/reports/{report_id}?lang=en"

        response = post_form(
            client,
            f"/moderation/reports/{report_id}/close?lang=en",
            [("resolution", "Merged into the other entry.")],
            form=detail,
        )
        open_tab = client.get("/moderation/reports?lang=en")
        closed_tab = client.get("/moderation/reports?status=closed&lang=en")
        closed_page = client.get(detail)

        assert response.status_code == 303
        assert response.headers["location"] == "/moderation/reports?lang=en"
        (stored,) = stored_reports(session)
        assert stored.status == ReportStatus.CLOSED
        assert stored.closed_by_id == moderator.id
        assert stored.resolution == "Merged into the other entry."
        assert f"/moderation/reports/{report_id}?" not in open_tab.text
        assert "The report is closed" in open_tab.text
        assert f"/moderation/reports/{report_id}?" in closed_tab.text
        assert "Merged into the other entry." in closed_page.text
        assert 'name="resolution"' not in closed_page.text

    def test_closing_without_a_note_comes_back_422(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)
        sign_in(client, session, moderator)

        response = post_form(
            client,
            f"/moderation/reports/{report_id}/close?lang=en",
            [("resolution", "  ")],
            form=f"/moderation/reports/{report_id}?lang=en",
        )

        assert response.status_code == 422
        assert 'id="e-f-resolution"' in response.text
        assert stored_reports(session)[0].status == ReportStatus.OPEN

    def test_closing_twice_is_a_409_page(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)
        sign_in(client, session, moderator)
        form = f"/moderation/reports/{report_id}?lang=en"
        close = f"/moderation/reports/{report_id}/close?lang=en"
        token_page = client.get(form).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', token_page)
        assert token
        fields = {"csrf_token": token.group(1), "resolution": "Done."}

        first = client.post(close, data=fields, follow_redirects=False)
        second = client.post(close, data=fields, follow_redirects=False)

        assert first.status_code == 303
        assert second.status_code == 409
        assert "This report is already closed." in second.text

    def test_only_moderators_open_the_desk(
        self,
        client: TestClient,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
    ) -> None:
        report_id = reported(session, report_entry, report_reader)

        anonymous = client.get("/moderation/reports", follow_redirects=False)
        sign_in(client, session, contributor)
        listing = client.get("/moderation/reports?lang=ar")
        detail = client.get(f"/moderation/reports/{report_id}")

        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")
        assert listing.status_code == 403
        assert '<html lang="ar"' in listing.text
        assert detail.status_code == 403
