"""Good practices (pages): /good-practices, the badge and citation on the
entry page, the sections leading the country and action-line pages, and the
desk's designate and withdraw forms (drawn on the review page, app/web/desk.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import ModeratorUser, OptionalUser, ProjectId, SessionDep, SettingsDep
from app.i18n import request_locale
from app.models import User
from app.schemas.good_practices import (
    DesignationIn,
    GoodPracticeFilters,
    GoodPracticeParams,
    WithdrawalIn,
)
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectFilters
from app.services import catalog_index, designations, profiles
from app.services import filters as catalog
from app.taxonomies import labelled
from app.web import desk, views
from app.web.forms import PostedFormDep, form_errors, parse
from app.web.good_practice_views import badge, card, citation
from app.web.rendering import render, see_other

router = APIRouter(include_in_schema=False)

SECTION_SIZE = 3  # good practices listed where they lead a country or line page


def _catalog_filters(filters: GoodPracticeFilters) -> ProjectFilters:
    """The catalog's part of `filters` (no designation year, page or size)."""
    return ProjectFilters.model_validate(
        filters.model_dump(include=set(ProjectFilters.model_fields))
    )


def _options(session: Session, params: GoodPracticeParams, locale: str) -> Any:
    """The filter form's choices: member states, action lines, years."""
    terms = catalog_index.snapshot(session).terms
    lines = terms.names(locale)["action_line"]
    parents = terms.parents()
    return {
        "country": [
            (iso2, name, iso2 in params.country)
            for iso2, name in profiles.member_states(session, locale)
        ],
        "action_line": [
            (
                code,
                ("— " if code in parents else "") + labelled("action_line", code, name),
                code in params.action_line,
            )
            for code in terms.ordered["action_line"]
            if (name := lines.get(code)) is not None
        ],
        "year": [
            (year, str(year), year in params.year)
            for year in designations.designation_years(session)
        ],
    }


def _list_view(
    session: Session, params: GoodPracticeParams, locale: str
) -> dict[str, Any]:
    """The page's cards, filter form, links and pages."""
    found = designations.good_practices(session, params=params)
    names = views.term_names(session, locale)
    filters = views.query_string(params, limit=None, page=None, lang=locale)
    base = views.query_string(params, page=None, lang=locale)
    return {
        "total": found.total,
        "cards": [card(item, names, locale) for item in found.items],
        "options": _options(session, params, locale),
        "filtered": bool(params.country or params.action_line or params.year),
        "catalog": catalog.catalog_url(
            _catalog_filters(params), locale, good_practice="true"
        ),
        "feed": f"/feeds/good-practices.atom?{filters}",
        "nav": views.page_links(
            params.page,
            max(1, -(-found.total // params.limit)),
            lambda page: f"/good-practices?{base}&page={page}",
        ),
    }


@router.get("/good-practices", name="good_practices_page", response_class=HTMLResponse)
def good_practices_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    params: Annotated[GoodPracticeParams, Query()],
) -> HTMLResponse:
    """The entries AICTO designated good practices, newest designation first."""
    view = _list_view(session, params, request_locale(request))
    return render(request, "good_practices/list.html", {"current_user": user, **view})


def section(
    session: Session, *, filters: GoodPracticeFilters, locale: str
) -> dict[str, Any] | None:
    """The good practices leading a country's or an action line's page: a few,
    and a link to all of them on /good-practices (None: there are none)."""
    found = designations.good_practices(
        session,
        params=GoodPracticeParams(
            **filters.model_dump(exclude_defaults=True), limit=SECTION_SIZE
        ),
    )
    if not found.total:
        return None
    names = views.term_names(session, locale)
    query = views.query_string(filters, lang=locale)
    return {
        "total": found.total,
        "cards": [card(item, names, locale) for item in found.items],
        "more": f"/good-practices?{query}",
    }


def panel(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """The entry page's badge and citation, when a designation is in force
    (the public record carries it)."""
    del session, user, settings  # every panel is given them; this one needs none
    found = project.good_practice
    if found is None:
        return {}
    return {
        "badge": badge(found, locale),
        "citation": citation(found, locale, project.original_language.value),
        "more": f"/good-practices?lang={locale}",
    }


# --- the desk's forms -------------------------------------------------------------


def _reviewed(request: Request, project_id: str, flash: str) -> Response:
    url = f"/moderation/{project_id}?lang={request_locale(request)}"
    return see_other(request, url, flash=flash)


@router.post(
    "/moderation/{project_id}/good-practice",
    name="designate_page",
    response_model=None,
)
def designate_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    settings: SettingsDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
) -> Response:
    """Designate the entry a good practice; a missing citation or a bad year
    re-renders the review page (422) with the messages beside the fields."""
    locale = request_locale(request)
    fields = {k: v[-1] for k, v in form.action().items() if v[-1].strip()}
    with form_errors(locale) as refused:
        data = parse(DesignationIn, fields, locale)
        designations.designate(
            session,
            public_id=project_id,
            moderator=moderator,
            data=data,
            settings=settings,
        )
    if not refused:
        return _reviewed(request, project_id, "designated")
    return desk.review(
        request, session, moderator, project_id, refused.errors, values=fields
    )


@router.post(
    "/moderation/{project_id}/good-practice/withdraw",
    name="withdraw_designation_page",
    response_model=None,
)
def withdraw_designation_page(
    request: Request,
    form: PostedFormDep,
    session: SessionDep,
    moderator: ModeratorUser,
    project_id: ProjectId,
) -> Response:
    """Withdraw the designation; without a reason, the review page again (422)."""
    locale = request_locale(request)
    reason = (form.action().get("withdrawal_reason") or [""])[-1].strip()
    with form_errors(locale) as refused:
        withdrawal = parse(WithdrawalIn, {"reason": reason or None}, locale)
        designations.withdraw(
            session, public_id=project_id, moderator=moderator, reason=withdrawal.reason
        )
    if not refused:
        return _reviewed(request, project_id, "designation_withdrawn")
    errors = {"withdrawal_reason": refused.errors.pop("reason", [])} | refused.errors
    values = {"withdrawal_reason": reason}
    return desk.review(request, session, moderator, project_id, errors, values=values)
