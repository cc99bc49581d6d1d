"""Problems reported with published entries, tracked to closure in the desk.

A signed-in reader (verified address) reports what is wrong with a published
entry: out of date, wrong, a broken link, not about AI, a duplicate. The
report is routed, by email in the same transaction, to the entry's team (its
owner and its contact person; the country's focal points when no account owns
the entry) and to the moderators, who close it with a note its author reads.
The reporter's address is never shown or sent to anyone; the team is not told
who reported.
"""

import math
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, NotFound, PermissionDenied
from app.messages import PROBLEM_KIND_LABELS
from app.models import Project, User
from app.models.exchange import ProblemKind, ProblemReport, ReportStatus
from app.schemas.moderation import Person
from app.schemas.reports import (
    CloseIn,
    ReportedEntry,
    ReportIn,
    ReportPage,
    ReportPublic,
)
from app.services import mail, moderation, notifications, projects, records, throttle

TEAM_KIND = "report_received"  # to the entry's team
DESK_KIND = "report_desk"  # to the moderators
CLOSED_KIND = "report_closed"  # to the reporter
PAGE_SIZE = 50


def throttle_key(reporter: User) -> str:
    return f"report:reporter:{reporter.id}"


# --- reporting ------------------------------------------------------------------


def report_problem(
    session: Session,
    *,
    public_id: str,
    reporter: User,
    data: ReportIn,
    settings: Settings,
    now: datetime | None = None,
) -> ReportPublic:
    """Record a problem with a published entry and tell its team and the
    moderators, in one commit. 404 for an entry the reporter cannot see, 409
    NOT_PUBLISHED for one not (or no longer) public, 403 without a verified
    address, 429 past the daily limit."""
    now = now or utcnow()
    if not reporter.is_active or reporter.email_verified_at is None:
        raise PermissionDenied(ErrorCode.EMAIL_NOT_VERIFIED)
    project = projects.find_published(session, public_id, reporter)
    limit = throttle.check_all(
        session,
        key=throttle_key(reporter),
        limits=[throttle.Limit.parse(settings.report_limit_per_day)],
        code=ErrorCode.REPORT_LIMIT_REACHED,
        now=now,
    )
    assert project.id is not None and reporter.id is not None
    report = ProblemReport(
        project_id=project.id,
        reporter_id=reporter.id,
        kind=data.kind,
        details=data.details,
        status=ReportStatus.OPEN,
        created_at=now,
    )
    session.add(report)
    session.flush()
    _mail_team(
        session, project=project, report=report, reporter=reporter, settings=settings
    )
    _mail_desk(
        session, project=project, report=report, reporter=reporter, settings=settings
    )
    # Counting the report commits everything: one transaction.
    throttle.record(session, key=throttle_key(reporter), limit=limit, now=now)
    session.refresh(report)
    return _public(session, [report])[0]


def _context(project: Project, report: ProblemReport, language: str) -> dict[str, Any]:
    return {
        "title": notifications.title_in(project, language),
        "kind": PROBLEM_KIND_LABELS[report.kind],  # translated by the template
        "details": report.details,
    }


def _mail_team(
    session: Session,
    *,
    project: Project,
    report: ProblemReport,
    reporter: User,
    settings: Settings,
) -> None:
    """Its owner and its contact person; the country's focal points, who may
    edit it, when no active account owns it. Not told who reported."""
    team = notifications.entry_team(
        session, project, contact=True, focal_points_too="without_owner"
    )
    link = f"{settings.public_base_url}/projects/{project.public_id}"
    for recipient in notifications.distinct_addresses(team, exclude=[reporter]):
        mail.queue(
            session,
            kind=TEAM_KIND,
            to=recipient,
            context=_context(project, report, recipient.preferred_language)
            | {"link": link},
        )


def _mail_desk(
    session: Session,
    *,
    project: Project,
    report: ProblemReport,
    reporter: User,
    settings: Settings,
) -> None:
    link = f"{settings.public_base_url}/moderation/reports/{report.id}"
    moderators = notifications.moderators(session)
    for moderator in notifications.distinct_addresses(moderators, exclude=[reporter]):
        mail.queue(
            session,
            kind=DESK_KIND,
            to=moderator,
            context=_context(project, report, moderator.preferred_language)
            | {"link": link, "reporter": reporter.full_name},
        )


# --- the desk -------------------------------------------------------------------


def _find(session: Session, report_id: int) -> ProblemReport:
    report = session.get(ProblemReport, report_id)
    if report is None:
        raise NotFound(ErrorCode.REPORT_NOT_FOUND, loc=("path", "report_id"))
    return report


def get_report(session: Session, *, report_id: int, moderator: User) -> ReportPublic:
    moderation.require_moderator(moderator)
    return _public(session, [_find(session, report_id)])[0]


def close_report(
    session: Session,
    *,
    report_id: int,
    moderator: User,
    data: CloseIn,
    settings: Settings,
    now: datetime | None = None,
) -> ReportPublic:
    """Close an open report with a note, and tell its author; 409
    REPORT_CLOSED if it is closed already (of two moderators closing it at
    once, one does: its author is told once)."""
    moderation.require_moderator(moderator)
    report = _find(session, report_id)
    closed = session.exec(
        update(ProblemReport)
        .where(col(ProblemReport.id) == report_id)
        .where(col(ProblemReport.status) == ReportStatus.OPEN)
        .values(
            status=ReportStatus.CLOSED,
            closed_by_id=moderator.id,
            closed_at=now or utcnow(),
            resolution=data.resolution,
        )
    )
    if closed.rowcount != 1:
        session.rollback()
        raise Conflict(ErrorCode.REPORT_CLOSED)
    session.refresh(report)
    _mail_reporter(session, report=report, settings=settings)
    session.commit()
    session.refresh(report)
    return _public(session, [report])[0]


def _mail_reporter(
    session: Session, *, report: ProblemReport, settings: Settings
) -> None:
    """The report's author (if still active) reads the moderators' note."""
    reporter = session.get(User, report.reporter_id)
    project = session.get(Project, report.project_id)
    assert project is not None
    if reporter is None or not reporter.is_active:
        return
    mail.queue(
        session,
        kind=CLOSED_KIND,
        to=reporter,
        context=_context(project, report, reporter.preferred_language)
        | {
            "resolution": report.resolution,
            "link": f"{settings.public_base_url}/projects/{project.public_id}",
        },
    )


def list_reports(
    session: Session,
    *,
    moderator: User,
    status: ReportStatus | None = None,
    kinds: list[ProblemKind] | None = None,
    page: int = 1,
    limit: int = PAGE_SIZE,
) -> ReportPage:
    """The desk's reports: open ones first (the longest waiting first), then
    the closed ones (the last closed first); filtered by status and kind."""
    moderation.require_moderator(moderator)
    conditions: list[Any] = []
    if status is not None:
        conditions.append(col(ProblemReport.status) == status)
    if kinds:
        conditions.append(col(ProblemReport.kind).in_(kinds))
    is_open = col(ProblemReport.status) == ReportStatus.OPEN
    total = session.exec(
        select(func.count()).select_from(ProblemReport).where(*conditions)
    ).one()
    open_count = session.exec(
        select(func.count()).select_from(ProblemReport).where(*conditions, is_open)
    ).one()
    pages = max(1, math.ceil(total / limit))
    page = min(page, pages)
    found = session.exec(
        select(ProblemReport)
        .where(*conditions)
        .order_by(
            case((is_open, 0), else_=1),
            case((is_open, col(ProblemReport.created_at))),
            col(ProblemReport.closed_at).desc(),
            col(ProblemReport.id),
        )
        .offset((page - 1) * limit)
        .limit(limit)
    ).all()
    return ReportPage(
        items=_public(session, list(found)),
        total=total,
        open=open_count,
        page=page,
        pages=pages,
    )


def open_reports(session: Session, *, public_id: str, user: User) -> int | None:
    """How many reports on the entry wait to be closed, for those who work on
    it (its team, moderators); None for anyone else."""
    project = session.exec(
        select(Project).where(Project.public_id == public_id)
    ).first()
    if project is None or not projects.works_on(user, project):
        return None
    return session.exec(
        select(func.count())
        .select_from(ProblemReport)
        .where(ProblemReport.project_id == project.id)
        .where(ProblemReport.status == ReportStatus.OPEN)
    ).one()


# --- shapes -----------------------------------------------------------------------


def _person(user: User | None) -> Person | None:
    if user is None or user.id is None:
        return None
    return Person(id=user.id, name=user.full_name, role=user.role)


def _public(session: Session, reports: list[ProblemReport]) -> list[ReportPublic]:
    """The desk's view of `reports`: their entries and people read in one
    query each, whatever the number of reports."""
    project_ids = {report.project_id for report in reports}
    user_ids = {report.reporter_id for report in reports} | {
        report.closed_by_id for report in reports if report.closed_by_id
    }
    entries = {
        project.id: project
        for project in session.exec(
            select(Project).where(col(Project.id).in_(project_ids))
        )
    }
    people = {
        user.id: user
        for user in session.exec(select(User).where(col(User.id).in_(user_ids)))
    }
    shaped = []
    for report in reports:
        project = entries[report.project_id]
        reporter = _person(people.get(report.reporter_id))
        assert report.id is not None and reporter is not None
        shaped.append(
            ReportPublic(
                id=report.id,
                project=ReportedEntry(
                    id=project.public_id,
                    title=records.localized(project, "title"),
                    original_language=project.original_language,
                ),
                kind=report.kind,
                details=report.details,
                status=report.status,
                reporter=reporter,
                created_at=report.created_at,
                closed_by=_person(people.get(report.closed_by_id or 0)),
                closed_at=report.closed_at,
                resolution=report.resolution,
            )
        )
    return shaped
