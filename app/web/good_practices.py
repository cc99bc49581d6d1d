"""Good practices: the /good-practices page, the badge and citation on the
entry page, the sections leading the country and action-line pages, and the
view of the desk's designation forms (their routes are in app/web/desk.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.config import Settings
from app.deps import OptionalUser, SessionDep
from app.i18n import request_locale, translate
from app.messages import N_
from app.models import Project, User
from app.schemas.good_practices import (
    DesignationRecord,
    GoodPracticeFilters,
    GoodPracticeParams,
    GoodPracticePublic,
)
from app.schemas.project import GoodPracticeSummary, ProjectPublic
from app.schemas.search import ProjectFilters
from app.services import catalog_index, designations, profiles
from app.services import filters as catalog
from app.taxonomies import labelled
from app.web import views
from app.web.rendering import render, text_in

router = APIRouter(include_in_schema=False)

SECTION_SIZE = 3  # good practices listed where they lead a country or line page
BADGE = N_("Good practice ({year})")
BADGE_FRAMEWORK = N_("Good practice ({year}, {framework})")


def badge(found: GoodPracticeSummary | GoodPracticePublic, locale: str) -> str:
    """ "Good practice (2025, WSIS Prize 2025)" in `locale`."""
    year = str(found.year)  # a year, not a number: no grouping, Latin digits
    if found.framework:
        return translate(locale, BADGE_FRAMEWORK, year=year, framework=found.framework)
    return translate(locale, BADGE, year=year)


def _citation(
    found: GoodPracticeSummary | GoodPracticePublic, locale: str, original: str
) -> dict[str, Any]:
    """The citation in `locale`, else in another language (`lang`: the one
    shown, marked on the page as the entry page marks a fallback)."""
    text, shown_in = text_in(found.citation, locale, original)
    return {"text": text, "lang": shown_in}


def card(
    item: GoodPracticePublic, names: dict[str, dict[Any, str]], locale: str
) -> dict[str, Any]:
    """One good practice as the page's card shows it."""
    entry = item.project
    title, title_in = text_in(entry.title, locale, entry.original_language)
    return {
        "id": entry.id,
        "href": f"/projects/{entry.id}?lang={locale}",
        "title": title,
        "title_lang": title_in,
        "badge": badge(item, locale),
        "citation": _citation(item, locale, entry.original_language),
        "year": item.year,
        "framework": item.framework,
        "countries": [names["country"].get(c, c) for c in entry.countries],
        "action_lines": [
            labelled("action_line", code, names["action_line"].get(code, code))
            for code in entry.action_lines
        ],
    }


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


def _pages(params: GoodPracticeParams, total: int, locale: str) -> dict[str, Any]:
    base = views.query_string(params, page=None, lang=locale)
    last = max(1, -(-total // params.limit))
    return {
        "previous": (
            f"/good-practices?{base}&page={params.page - 1}"
            if params.page > 1
            else None
        ),
        "next": (
            f"/good-practices?{base}&page={params.page + 1}"
            if params.page < last
            else None
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
    locale = request_locale(request)
    found = designations.good_practices(session, params=params)
    names = views.term_names(session, locale)
    filters = views.query_string(params, limit=None, page=None, lang=locale)
    return render(
        request,
        "good_practices/list.html",
        {
            "current_user": user,
            "total": found.total,
            "cards": [card(item, names, locale) for item in found.items],
            "options": _options(session, params, locale),
            "filtered": bool(params.country or params.action_line or params.year),
            "catalog": catalog.catalog_url(
                _catalog_filters(params), locale, good_practice="true"
            ),
            "feed": f"/feeds/good-practices.atom?{filters}",
            "pagination": _pages(params, found.total, locale),
        },
    )


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
    project: Project | ProjectPublic,
    user: User | None,  # noqa: ARG001 - every panel's signature (app/web/exchange.py)
    *,
    locale: str,
    settings: Settings,  # noqa: ARG001 - every panel's signature
) -> dict[str, Any]:
    """The entry page's badge and citation, when a designation is in force
    (the public record carries it; a stored entry is looked up)."""
    if isinstance(project, ProjectPublic):
        found = project.good_practice
    else:
        found = designations.summary_of(session, project)
    if found is None:
        return {}
    return {
        "badge": badge(found, locale),
        "citation": _citation(found, locale, project.original_language.value),
        "more": f"/good-practices?lang={locale}",
    }


def review_panel(
    designation: DesignationRecord | None, *, approved: bool, locale: str
) -> dict[str, Any]:
    """The desk's forms: designate an approved entry not designated; withdraw
    the designation in force."""
    if designation is None:
        return {"designation": None, "designate": approved, "badge": None}
    return {
        "designation": designation,
        "designate": False,
        "badge": badge(
            GoodPracticeSummary(
                citation=designation.citation,
                year=designation.year,
                framework=designation.framework,
                designated_at=designation.designated_at,
            ),
            locale,
        ),
    }
