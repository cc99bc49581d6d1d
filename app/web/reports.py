"""Report a problem with a published entry; the desk's list of reports until
each is closed (pages). Both go through services.reports, as over the API."""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import CurrentUser, ModeratorUser, ProjectId, SessionDep, SettingsDep
from app.i18n import request_locale, translate
from app.messages import PROBLEM_KIND_LABELS, REPORT_STATUS_LABELS
from app.models import Permission, User
from app.models.exchange import REASON_MAX_CHARS, ProblemKind, ReportStatus
from app.schemas.project import ProjectPublic
from app.schemas.reports import CloseIn, ReportIn, ReportPage, ReportPublic
from app.services import projects, reports
from app.web import views
from app.web.forms import Errors, PostedFormDep, form_errors, parse
from app.web.rendering import render, see_other, text_in

router = APIRouter(include_in_schema=False)
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DESK = "/moderation/reports"
# The desk's tabs: a report status, or every report.
Tab = Literal["open", "closed", "all"]


def kinds(locale: str) -> list[tuple[str, str]]:
    """The kinds of problem, named in `locale`, in their order."""
    return [
        (kind.value, translate(locale, PROBLEM_KIND_LABELS[kind]))
        for kind in ProblemKind
    ]


def _sign_in(public_id: str, locale: str) -> str:
    return "/login?" + urlencode({"next": f"/projects/{public_id}?lang={locale}"})


def _form(public_id: str, locale: str) -> dict[str, Any]:
    """What the report form needs, on the entry page and on its own page."""
    return {
        "action": f"/projects/{public_id}/reports?lang={locale}",
        "kinds": kinds(locale),
        "max_chars": REASON_MAX_CHARS,
    }


def panel(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """The entry page's "Report a problem" disclosure: the form for a
    signed-in reader, a link to sign in for a visitor; for the entry's team
    and moderators, how many reports wait to be closed."""
    del settings  # every panel is given them; this one needs none
    public_id = project.id
    waiting = (
        reports.open_reports(session, public_id=public_id, user=user)
        if user is not None
        else None
    )
    return _form(public_id, locale) | {
        "signed_in": user is not None,
        "verified": user is not None and user.email_verified_at is not None,
        "sign_in": _sign_in(public_id, locale),
        "open_reports": waiting,
        "desk": user is not None and user.can(Permission.PROJECT_MODERATE),
    }


# --- reporting ----------------------------------------------------------------


def _report_form(
    request: Request,
    session: Session,
    user: User,
    public_id: str,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The report form on a page of its own (linked from the entry page, and
    shown again with its errors: a 422)."""
    locale = request_locale(request)
    project = projects.get_public_project(session, public_id)
    title, title_lang = text_in(project.title, locale, project.original_language)
    return render(
        request,
        "reports/form.html",
        {
            "current_user": user,
            "project_id": public_id,
            "title": title,
            "title_lang": title_lang,
            "report": _form(public_id, locale),
            "errors": errors or {},
            "values": values or {},
        },
        status_code=422 if errors else 200,
    )


@router.get(
    "/projects/{project_id}/report",
    name="report_problem_form",
    response_class=HTMLResponse,
)
def report_problem_form(
    request: Request, session: SessionDep, user: CurrentUser, project_id: ProjectId
) -> HTMLResponse:
    return _report_form(request, session, user, project_id)


@router.post(
    "/projects/{project_id}/reports", name="report_problem_page", response_model=None
)
def report_problem_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    project_id: ProjectId,
) -> Response:
    """Send the report; a missing kind or too long details come back (422)
    on the form's own page, with what was typed."""
    locale = request_locale(request)
    values: dict[str, str] = {}
    with form_errors(locale) as refused:
        values = form.values()  # a failed CSRF check is a form error too
        fields = {k: v for k, v in values.items() if k in ReportIn.model_fields}
        data = parse(ReportIn, fields, locale)
        reports.report_problem(
            session, public_id=project_id, reporter=user, data=data, settings=settings
        )
    if not refused:
        entry = f"/projects/{project_id}?lang={locale}"
        return see_other(request, entry, flash="problem_reported")
    return _report_form(request, session, user, project_id, refused.errors, values)


# --- the desk -----------------------------------------------------------------


def _shown(report: ReportPublic, locale: str) -> dict[str, Any]:
    """A report as the desk's pages show it."""
    title, title_lang = text_in(
        report.project.title, locale, report.project.original_language
    )
    return {
        "report": report,
        "title": title or report.project.id,
        "title_lang": title_lang,
        "kind": translate(locale, PROBLEM_KIND_LABELS[report.kind]),
        "status": translate(locale, REPORT_STATUS_LABELS[report.status]),
        "href": f"{DESK}/{report.id}?lang={locale}",
        "entry_href": f"/projects/{report.project.id}?lang={locale}",
    }


def _desk_view(
    found: ReportPage, tab: Tab, kind: list[ProblemKind], locale: str
) -> dict[str, Any]:
    """The desk's list: its reports, its tabs, its filter and its pages."""
    query = [("status", tab), *(("kind", k.value) for k in kind), ("lang", locale)]

    def link(page: int) -> str:
        return f"{DESK}?" + urlencode([*query, ("page", str(page))])

    return {
        "found": found,
        "items": [_shown(report, locale) for report in found.items],
        "kinds": kinds(locale),
        "tabs": [
            (
                name,
                translate(locale, REPORT_STATUS_LABELS[name]),
                f"{DESK}?" + urlencode({"status": name, "lang": locale}),
            )
            for name in ("open", "closed", "all")
        ],
        "chosen": {"status": tab, "kind": [k.value for k in kind]},
        "nav": views.page_links(found.page, found.pages, link),
    }


@router.get(DESK, name="reports_page", response_class=HTMLResponse)
def reports_page(
    request: Request,
    session: SessionDep,
    moderator: ModeratorUser,
    status: Annotated[Tab, Query()] = "open",
    kind: Annotated[list[ProblemKind], Query(max_length=5)] = [],  # noqa: B006
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The reported problems: the open ones, the closed ones, or all."""
    locale = request_locale(request)
    found = reports.list_reports(
        session,
        moderator=moderator,
        status=None if status == "all" else ReportStatus(status),
        kinds=kind,
        page=page,
    )
    view = _desk_view(found, status, kind, locale)
    return render(request, "reports/list.html", {"current_user": moderator, **view})


def _detail(
    request: Request,
    session: Session,
    moderator: User,
    report_id: int,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """A report, and the form that closes it (again with its errors: a 422)."""
    locale = request_locale(request)
    report = reports.get_report(session, report_id=report_id, moderator=moderator)
    return render(
        request,
        "reports/detail.html",
        {
            "current_user": moderator,
            "item": _shown(report, locale),
            "max_chars": REASON_MAX_CHARS,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=422 if errors else 200,
    )


@router.get(f"{DESK}/{{report_id}}", name="report_page", response_class=HTMLResponse)
def report_page(
    request: Request, session: SessionDep, moderator: ModeratorUser, report_id: ReportId
) -> HTMLResponse:
    return _detail(request, session, moderator, report_id)


@router.post(
    f"{DESK}/{{report_id}}/close", name="close_report_page", response_model=None
)
def close_report_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    report_id: ReportId,
) -> Response:
    """Close the report; a missing note comes back (422) beside its box."""
    locale = request_locale(request)
    values: dict[str, str] = {}
    with form_errors(locale) as refused:
        values = form.values()
        data = parse(CloseIn, {"resolution": values.get("resolution", "")}, locale)
        reports.close_report(
            session,
            report_id=report_id,
            moderator=moderator,
            data=data,
            settings=settings,
        )
    if not refused:
        return see_other(request, f"{DESK}?lang={locale}", flash="report_closed")
    return _detail(request, session, moderator, report_id, refused.errors, values)
