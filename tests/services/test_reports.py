"""Reporting a problem with a published entry, and closing the report."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, NotFound, PermissionDenied, TooManyRequests
from app.models import Language, OutboxMessage, Project, ProjectStatus, Role, User
from app.models.exchange import ProblemKind, ProblemReport, ReportStatus
from app.schemas.reports import CloseIn, ReportIn
from app.services import reports
from tests.factories import make_project, make_user

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")


def outbox(session: Session) -> list[OutboxMessage]:
    return list(
        session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    )


def report(
    session: Session,
    entry: Project,
    reporter: User,
    *,
    kind: ProblemKind = ProblemKind.BROKEN_LINK,
    details: str | None = "The website no longer answers.",
    settings: Settings = SETTINGS,
    **kwargs: Any,
) -> Any:
    return reports.report_problem(
        session,
        public_id=entry.public_id,
        reporter=reporter,
        data=ReportIn(kind=kind, details=details),
        settings=settings,
        **kwargs,
    )


@pytest.fixture
def reader(session: Session) -> User:
    return make_user(session, country="JO", full_name="Rania Reader")


@pytest.fixture
def entry(session: Session, contributor: User) -> Project:
    return make_project(session, owner=contributor)


class TestReportProblem:
    def test_a_reader_reports_a_problem_it_is_open_and_recorded(
        self, session: Session, entry: Project, reader: User
    ) -> None:
        found = report(session, entry, reader)

        stored = session.exec(select(ProblemReport)).one()
        assert stored.status == ReportStatus.OPEN
        assert stored.kind == ProblemKind.BROKEN_LINK
        assert stored.details == "The website no longer answers."
        assert (stored.project_id, stored.reporter_id) == (entry.id, reader.id)
        assert found.id == stored.id
        assert found.project.id == entry.public_id
        assert found.reporter.name == "Rania Reader"
        assert found.status == ReportStatus.OPEN

    def test_mail_goes_to_the_owner_the_contact_and_the_moderators(
        self,
        session: Session,
        entry: Project,
        reader: User,
        contributor: User,
        moderator: User,
        focal_point: User,
    ) -> None:
        report(session, entry, reader)

        by_address = {message.to_email: message for message in outbox(session)}
        assert set(by_address) == {
            contributor.email,
            "private-contact@example.org",  # the entry's contact person
            moderator.email,
        }
        assert focal_point.email not in by_address  # the entry has an owner
        assert reader.email not in by_address
        team = by_address[contributor.email]
        assert team.body.count("Broken link") == 1
        assert "The website no longer answers." in team.body
        assert f"https://repo.example/projects/{entry.public_id}" in team.body
        assert "Rania" not in team.body  # the team is not told who reported
        desk = by_address[moderator.email]
        assert "Rania Reader" in desk.body
        assert "https://repo.example/moderation/reports/" in desk.body
        for message in by_address.values():
            assert reader.email not in message.body  # no one gets the address

    def test_each_recipient_reads_it_in_their_language(
        self, session: Session, reader: User
    ) -> None:
        owner = make_user(session, language=Language.FR)
        arabic = make_user(session, role=Role.MODERATOR, language=Language.AR)
        entry = make_project(session, owner=owner)

        report(session, entry, reader, kind=ProblemKind.OUTDATED, details=None)

        by_address = {message.to_email: message for message in outbox(session)}
        assert by_address[owner.email].language == Language.FR
        assert by_address[owner.email].body.startswith("Bonjour")
        assert by_address[arabic.email].language == Language.AR
        # The contact person has no account: the entry's own language (ar).
        assert by_address["private-contact@example.org"].language == Language.AR

    def test_an_entry_without_an_owner_goes_to_its_countrys_focal_points(
        self, session: Session, reader: User, focal_point: User, moderator: User
    ) -> None:
        seeded = make_project(session, contact={"name": "C", "email": "c@example.org"})

        report(session, seeded, reader)

        addresses = {message.to_email for message in outbox(session)}
        assert addresses == {focal_point.email, "c@example.org", moderator.email}

    def test_the_owner_who_is_also_the_contact_gets_one_mail(
        self, session: Session, reader: User
    ) -> None:
        owner = make_user(session, email="team@example.org")
        entry = make_project(
            session, owner=owner, contact={"name": "T", "email": "Team@example.org"}
        )

        report(session, entry, reader)

        addresses = [message.to_email.lower() for message in outbox(session)]
        assert addresses.count("team@example.org") == 1

    @pytest.mark.parametrize(
        "status", [ProjectStatus.SUBMITTED, ProjectStatus.ARCHIVED]
    )
    def test_an_entry_not_published_cannot_be_reported(
        self, session: Session, contributor: User, status: ProjectStatus
    ) -> None:
        own = make_project(session, owner=contributor, status=status)

        with pytest.raises(Conflict) as refused:  # its owner sees it
            report(session, own, contributor)
        with pytest.raises(NotFound):  # anyone else does not
            report(session, own, make_user(session))

        assert refused.value.code == "NOT_PUBLISHED"
        assert session.exec(select(ProblemReport)).all() == []
        assert outbox(session) == []

    def test_an_unverified_reader_cannot_report(
        self, session: Session, entry: Project
    ) -> None:
        unverified = make_user(session, verified=False)

        with pytest.raises(PermissionDenied) as refused:
            report(session, entry, unverified)

        assert refused.value.code == "EMAIL_NOT_VERIFIED"

    def test_reports_are_limited_per_reader_per_day(
        self, session: Session, entry: Project, reader: User
    ) -> None:
        settings = SETTINGS.model_copy(update={"report_limit_per_day": "2/86400"})
        start = utcnow()
        report(session, entry, reader, settings=settings, now=start)
        report(session, entry, reader, settings=settings, now=start)

        with pytest.raises(TooManyRequests) as refused:
            report(session, entry, reader, settings=settings, now=start)
        # Another reader is not held back; a day later, the reader may again.
        report(session, entry, make_user(session), settings=settings, now=start)
        report(
            session,
            entry,
            reader,
            settings=settings,
            now=start + timedelta(days=1, seconds=1),
        )

        assert refused.value.code == "REPORT_LIMIT_REACHED"
        assert refused.value.retry_after == 86_400
        assert len(session.exec(select(ProblemReport)).all()) == 4

    def test_the_default_limit_is_ten_a_day(self) -> None:
        assert Settings().report_limit_per_day == "10/86400"


class TestCloseReport:
    def test_a_moderator_closes_a_report_and_its_author_is_told(
        self, session: Session, entry: Project, reader: User, moderator: User
    ) -> None:
        opened = report(session, entry, reader)
        before = len(outbox(session))

        closed = reports.close_report(
            session,
            report_id=opened.id,
            moderator=moderator,
            data=CloseIn(resolution="The link is corrected."),
            settings=SETTINGS,
        )

        stored = session.get(ProblemReport, opened.id)
        assert stored is not None
        assert stored.status == ReportStatus.CLOSED
        assert stored.closed_by_id == moderator.id
        assert stored.closed_at is not None
        assert stored.resolution == "The link is corrected."
        assert closed.closed_by is not None
        assert closed.closed_by.name == moderator.full_name
        (told,) = outbox(session)[before:]
        assert told.to_email == reader.email
        assert "The link is corrected." in told.body
        assert "Broken link" in told.body

    def test_closing_twice_is_a_conflict(
        self, session: Session, entry: Project, reader: User, moderator: User
    ) -> None:
        opened = report(session, entry, reader)
        note = CloseIn(resolution="Done.")
        reports.close_report(
            session,
            report_id=opened.id,
            moderator=moderator,
            data=note,
            settings=SETTINGS,
        )

        with pytest.raises(Conflict) as refused:
            reports.close_report(
                session,
                report_id=opened.id,
                moderator=moderator,
                data=note,
                settings=SETTINGS,
            )

        assert refused.value.code == "REPORT_CLOSED"

    def test_only_moderators_close_or_see_reports(
        self, session: Session, entry: Project, reader: User, contributor: User
    ) -> None:
        opened = report(session, entry, reader)

        with pytest.raises(PermissionDenied):
            reports.close_report(
                session,
                report_id=opened.id,
                moderator=contributor,
                data=CloseIn(resolution="Mine."),
                settings=SETTINGS,
            )
        with pytest.raises(PermissionDenied):
            reports.list_reports(session, moderator=contributor)
        with pytest.raises(PermissionDenied):
            reports.get_report(session, report_id=opened.id, moderator=reader)

    def test_an_unknown_report_is_not_found(
        self, session: Session, moderator: User
    ) -> None:
        with pytest.raises(NotFound):
            reports.get_report(session, report_id=999, moderator=moderator)

    def test_a_resolution_is_required(self) -> None:
        with pytest.raises(ValueError, match="resolution"):
            CloseIn.model_validate({"resolution": "   "})


class TestListReports:
    def test_open_reports_first_oldest_first_then_the_last_closed(
        self, session: Session, entry: Project, reader: User, moderator: User
    ) -> None:
        start = utcnow() - timedelta(days=3)
        made = [
            report(session, entry, reader, now=start + timedelta(hours=hour)).id
            for hour in range(4)
        ]
        for number, report_id in enumerate((made[0], made[2])):
            reports.close_report(
                session,
                report_id=report_id,
                moderator=moderator,
                data=CloseIn(resolution="Done."),
                settings=SETTINGS,
                now=start + timedelta(days=1, hours=number),
            )

        found = reports.list_reports(session, moderator=moderator)

        assert [item.id for item in found.items] == [made[1], made[3], made[2], made[0]]
        assert (found.total, found.open, found.page, found.pages) == (4, 2, 1, 1)

    def test_filters_by_status_and_kind_and_pages(
        self, session: Session, entry: Project, reader: User, moderator: User
    ) -> None:
        outdated = report(session, entry, reader, kind=ProblemKind.OUTDATED).id
        duplicate = report(session, entry, reader, kind=ProblemKind.DUPLICATE).id
        third = report(session, entry, reader, kind=ProblemKind.DUPLICATE).id
        reports.close_report(
            session,
            report_id=third,
            moderator=moderator,
            data=CloseIn(resolution="Merged."),
            settings=SETTINGS,
        )

        open_ones = reports.list_reports(
            session, moderator=moderator, status=ReportStatus.OPEN
        )
        duplicates = reports.list_reports(
            session, moderator=moderator, kinds=[ProblemKind.DUPLICATE]
        )
        second_page = reports.list_reports(
            session, moderator=moderator, page=2, limit=2
        )

        assert [item.id for item in open_ones.items] == [outdated, duplicate]
        assert [item.id for item in duplicates.items] == [duplicate, third]
        assert [item.id for item in second_page.items] == [third]
        assert (second_page.page, second_page.pages) == (2, 2)

    def test_the_team_sees_how_many_reports_wait(
        self,
        session: Session,
        entry: Project,
        reader: User,
        contributor: User,
        moderator: User,
    ) -> None:
        report(session, entry, reader)

        assert (
            reports.open_reports(session, public_id=entry.public_id, user=contributor)
            == 1
        )
        assert (
            reports.open_reports(session, public_id=entry.public_id, user=moderator)
            == 1
        )
        assert (
            reports.open_reports(session, public_id=entry.public_id, user=reader)
            is None
        )
