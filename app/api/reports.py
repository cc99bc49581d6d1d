"""Report a problem with a published entry; the desk's list of reports until
each is closed: the JSON API."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.errors import responses
from app.models.exchange import ProblemKind, ReportStatus
from app.schemas.reports import CloseIn, ReportIn, ReportPage, ReportPublic
from app.services import reports

router = APIRouter(tags=["exchange"])
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "/projects/{project_id}/reports",
    name="report_problem",
    summary="Report a problem with a published entry",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 409, 422, 429),
)
def report_problem(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
    report: ReportIn,
) -> ReportPublic:
    """The entry's team and the moderators are emailed; the reporter's
    address is given to no one. 409 `NOT_PUBLISHED` for an entry that is not
    public; 429 `REPORT_LIMIT_REACHED` past the daily limit."""
    return reports.report_problem(
        session, public_id=project_id, reporter=user, data=report, settings=settings
    )


@router.get(
    "/moderation/reports",
    name="list_reports",
    summary="Reported problems (moderators)",
    responses=responses(401, 403, 422),
)
def list_reports(
    session: SessionDep,
    moderator: ModeratorUser,
    report_status: Annotated[
        ReportStatus | None,
        Query(alias="status", description="Only open or only closed reports."),
    ] = None,
    kind: Annotated[list[ProblemKind], Query(max_length=5)] = [],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = reports.PAGE_SIZE,
) -> ReportPage:
    """Open reports first (the longest waiting first), then the closed ones
    (the last closed first)."""
    return reports.list_reports(
        session,
        moderator=moderator,
        status=report_status,
        kinds=kind,
        page=page,
        limit=limit,
    )


@router.get(
    "/moderation/reports/{report_id}",
    name="get_report",
    summary="A reported problem (moderators)",
    responses=responses(401, 403, 404, 422),
)
def get_report(
    session: SessionDep, moderator: ModeratorUser, report_id: ReportId
) -> ReportPublic:
    return reports.get_report(session, report_id=report_id, moderator=moderator)


@router.post(
    "/moderation/reports/{report_id}/close",
    name="close_report",
    summary="Close a reported problem with a note (moderators)",
    responses=responses(401, 403, 404, 409, 422),
)
def close_report(
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    report_id: ReportId,
    note: CloseIn,
) -> ReportPublic:
    """The reporter is emailed the note. 409 `REPORT_CLOSED` if already closed."""
    return reports.close_report(
        session, report_id=report_id, moderator=moderator, data=note, settings=settings
    )
