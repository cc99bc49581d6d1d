"""Reporting a problem with a published entry, and closing the report."""

import threading
from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine, utcnow
from app.errors import Conflict, NotFound, PermissionDenied, TooManyRequests
from app.models import Language, Project, ProjectStatus, Role, User
from app.models.exchange import ProblemKind, ProblemReport, ReportStatus
from app.schemas.reports import CloseIn
from app.services import reports
from tests.factories import make_user
from tests.factories_exchange import make_entry_of, outbox
from tests.fixtures.reports import (
    REPORT_DETAILS,
    REPORT_SETTINGS,
    close_report,
    file_report,
)
from tests.support.databases import build_template


class TestReportProblem:
    def test_a_reader_reports_a_problem_it_is_open_and_recorded(
        self, session: Session, report_entry: Project, report_reader: User
    ) -> None:
        found = file_report(session, report_entry, report_reader)

        stored = session.exec(select(ProblemReport)).one()
        assert stored.status == ReportStatus.OPEN
        assert stored.kind == ProblemKind.BROKEN_LINK
        assert stored.details == REPORT_DETAILS
        assert (stored.project_id, stored.reporter_id) == (
            report_entry.id,
            report_reader.id,
        )
        assert found.id == stored.id
        assert found.project.id == report_entry.public_id
        assert found.reporter.name == "Rania Reader"
        assert found.status == ReportStatus.OPEN

    def test_mail_goes_to_the_owner_the_contact_and_the_moderators(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
        moderator: User,
        focal_point: User,
    ) -> None:
        file_report(session, report_entry, report_reader)

        by_address = {message.to_email: message for message in outbox(session)}
        assert set(by_address) == {
            contributor.email,
            "private-contact@example.org",  # the entry's contact person
            moderator.email,
        }
        assert focal_point.email not in by_address  # the entry has an owner
        assert report_reader.email not in by_address
        team = by_address[contributor.email]
        assert team.kind == reports.TEAM_KIND
        assert team.body.count("Broken link") == 1
        assert REPORT_DETAILS in team.body
        assert f"https://repo.example/projects/{report_entry.public_id}" in team.body
        assert "Rania" not in team.body  # the team is not told who reported
        desk = by_address[moderator.email]
        assert desk.kind == reports.DESK_KIND
        assert "Rania Reader" in desk.body
        assert "https://repo.example/moderation/reports/" in desk.body
        for message in by_address.values():
            assert report_reader.email not in message.body  # no one gets it

    def test_each_recipient_reads_it_in_their_language(
        self, session: Session, report_reader: User
    ) -> None:
        owner = make_user(session, language=Language.FR)
        arabic = make_user(session, role=Role.MODERATOR, language=Language.AR)
        entry = make_entry_of(session, "TN", owner=owner)

        file_report(
            session, entry, report_reader, kind=ProblemKind.OUTDATED, details=None
        )

        by_address = {message.to_email: message for message in outbox(session)}
        assert by_address[owner.email].language == Language.FR
        assert by_address[owner.email].body.startswith("Bonjour")
        assert by_address[arabic.email].language == Language.AR
        # The contact person has no account: the entry's own language (ar).
        assert by_address["private-contact@example.org"].language == Language.AR

    def test_an_entry_without_an_owner_goes_to_its_countrys_focal_points(
        self,
        session: Session,
        report_reader: User,
        focal_point: User,
        moderator: User,
    ) -> None:
        seeded = make_entry_of(
            session, "TN", contact={"name": "C", "email": "c@example.org"}
        )

        file_report(session, seeded, report_reader)

        addresses = {message.to_email for message in outbox(session)}
        assert addresses == {focal_point.email, "c@example.org", moderator.email}

    def test_the_owner_who_is_also_the_contact_gets_one_mail(
        self, session: Session, report_reader: User
    ) -> None:
        owner = make_user(session, email="team@example.org")
        entry = make_entry_of(
            session,
            "TN",
            owner=owner,
            contact={"name": "T", "email": "Team@example.org"},
        )

        file_report(session, entry, report_reader)

        addresses = [message.to_email.lower() for message in outbox(session)]
        assert addresses.count("team@example.org") == 1

    @pytest.mark.parametrize(
        "status", [ProjectStatus.SUBMITTED, ProjectStatus.ARCHIVED]
    )
    def test_an_entry_not_published_cannot_be_reported(
        self, session: Session, contributor: User, status: ProjectStatus
    ) -> None:
        own = make_entry_of(session, "TN", owner=contributor, status=status)

        with pytest.raises(Conflict) as refused:  # its owner sees it
            file_report(session, own, contributor)
        with pytest.raises(NotFound):  # anyone else does not
            file_report(session, own, make_user(session))

        assert refused.value.code == "NOT_PUBLISHED"
        assert session.exec(select(ProblemReport)).all() == []
        assert outbox(session) == []

    def test_an_unverified_reader_cannot_report(
        self, session: Session, report_entry: Project
    ) -> None:
        unverified = make_user(session, verified=False)

        with pytest.raises(PermissionDenied) as refused:
            file_report(session, report_entry, unverified)

        assert refused.value.code == "EMAIL_NOT_VERIFIED"

    def test_reports_are_limited_per_reader_per_day(
        self, session: Session, report_entry: Project, report_reader: User
    ) -> None:
        settings = REPORT_SETTINGS.model_copy(
            update={"report_limit_per_day": "2/86400"}
        )
        start = utcnow()
        for _ in range(2):
            file_report(
                session, report_entry, report_reader, settings=settings, now=start
            )

        with pytest.raises(TooManyRequests) as refused:
            file_report(
                session, report_entry, report_reader, settings=settings, now=start
            )
        # Another reader is not held back; a day later, the reader may again.
        other = make_user(session)
        file_report(session, report_entry, other, settings=settings, now=start)
        later = start + timedelta(days=1, seconds=1)
        file_report(session, report_entry, report_reader, settings=settings, now=later)

        assert refused.value.code == "REPORT_LIMIT_REACHED"
        assert refused.value.retry_after == 86_400
        assert len(session.exec(select(ProblemReport)).all()) == 4

    def test_the_default_limit_is_ten_a_day(self) -> None:
        assert Settings().report_limit_per_day == "10/86400"


class TestCloseReport:
    def test_a_moderator_closes_a_report_and_its_author_is_told(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        opened = file_report(session, report_entry, report_reader)
        before = len(outbox(session))

        closed = close_report(
            session, opened.id, moderator, resolution="The link is corrected."
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
        assert told.kind == reports.CLOSED_KIND
        assert told.to_email == report_reader.email
        assert "The link is corrected." in told.body
        assert "Broken link" in told.body

    def test_closing_twice_is_a_conflict(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        opened = file_report(session, report_entry, report_reader)
        close_report(session, opened.id, moderator)

        with pytest.raises(Conflict) as refused:
            close_report(session, opened.id, moderator, resolution="Again.")

        assert refused.value.code == "REPORT_CLOSED"
        assert len(outbox(session, kind=reports.CLOSED_KIND)) == 1

    def test_only_moderators_close_or_see_reports(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        contributor: User,
    ) -> None:
        opened = file_report(session, report_entry, report_reader)

        with pytest.raises(PermissionDenied):
            close_report(session, opened.id, contributor, resolution="Mine.")
        with pytest.raises(PermissionDenied):
            reports.list_reports(session, moderator=contributor)
        with pytest.raises(PermissionDenied):
            reports.get_report(session, report_id=opened.id, moderator=report_reader)

    def test_an_unknown_report_is_not_found(
        self, session: Session, moderator: User
    ) -> None:
        with pytest.raises(NotFound) as found:
            reports.get_report(session, report_id=999, moderator=moderator)
        with pytest.raises(NotFound):
            close_report(session, 999, moderator)

        assert found.value.code == "REPORT_NOT_FOUND"

    def test_a_resolution_is_required(self) -> None:
        with pytest.raises(ValueError, match="resolution"):
            CloseIn.model_validate({"resolution": "   "})


class TestListReports:
    def test_open_reports_first_oldest_first_then_the_last_closed(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        start = utcnow() - timedelta(days=3)
        made = [
            file_report(
                session, report_entry, report_reader, now=start + timedelta(hours=h)
            ).id
            for h in range(4)
        ]
        for number, report_id in enumerate((made[0], made[2])):
            close_report(
                session,
                report_id,
                moderator,
                now=start + timedelta(days=1, hours=number),
            )

        found = reports.list_reports(session, moderator=moderator)

        assert [item.id for item in found.items] == [made[1], made[3], made[2], made[0]]
        assert (found.total, found.open, found.page, found.pages) == (4, 2, 1, 1)

    def test_filters_by_status_and_kind_and_pages(
        self,
        session: Session,
        report_entry: Project,
        report_reader: User,
        moderator: User,
    ) -> None:
        def filed(kind: ProblemKind) -> int:
            return file_report(session, report_entry, report_reader, kind=kind).id

        outdated = filed(ProblemKind.OUTDATED)
        duplicate = filed(ProblemKind.DUPLICATE)
        third = filed(ProblemKind.DUPLICATE)
        close_report(session, third, moderator, resolution="Merged.")

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
        report_entry: Project,
        report_reader: User,
        contributor: User,
        moderator: User,
    ) -> None:
        file_report(session, report_entry, report_reader)

        def waiting(user: User) -> int | None:
            return reports.open_reports(
                session, public_id=report_entry.public_id, user=user
            )

        assert waiting(contributor) == 1
        assert waiting(moderator) == 1
        assert waiting(report_reader) is None


def test_of_two_moderators_closing_a_report_at_once_one_does(
    empty_database: str,
) -> None:
    """Both read the report open before either closes it (two web workers,
    two connections): one closes it, the other gets a 409, and its author is
    told once."""
    build_template(empty_database, demo=False)
    engine = make_engine(empty_database)
    with Session(engine, expire_on_commit=False) as session:
        reader = make_user(session, country="JO")
        closers = [make_user(session, role=Role.MODERATOR) for _ in range(2)]
        entry = make_entry_of(session, "TN")
        report_id = file_report(session, entry, reader).id
    start = threading.Barrier(2)
    outcomes: list[str] = []
    real_find = reports._find

    def find_then_wait(session: Session, report_id: int) -> ProblemReport:
        found = real_find(session, report_id)
        start.wait(timeout=10)  # both have read it open before either closes
        return found

    def close(index: int) -> None:
        with Session(engine) as session:
            try:
                close_report(session, report_id, session.merge(closers[index]))
                outcomes.append("closed")
            except Conflict as refused:
                outcomes.append(refused.code)

    with patch.object(reports, "_find", find_then_wait):
        threads = [threading.Thread(target=close, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    with Session(engine) as session:
        told = outbox(session, kind=reports.CLOSED_KIND)
    engine.dispose()

    assert sorted(outcomes) == ["REPORT_CLOSED", "closed"]
    assert [message.to_email for message in told] == [reader.email]
