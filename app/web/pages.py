"""Public pages: home, catalog, project, country, action line, dashboard.

Routes are thin: they call the same services as the API, shape the view with
app/web/views.py and render it; no SQL here.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import OptionalUser, SessionDep
from app.errors import ErrorCode, NotFound
from app.i18n import request_locale, translate
from app.messages import CHART_TITLES, SORT_LABELS
from app.models import User
from app.schemas.good_practices import GoodPracticeFilters
from app.schemas.search import (
    DEFAULT_PAGE_SIZE,
    SearchParams,
    SortOrder,
)
from app.services import projects, search
from app.taxonomies import labelled
from app.web import good_practices, views
from app.web.charts import inline_chart
from app.web.exchange import entry_panels
from app.web.rendering import render, text_in

router = APIRouter(include_in_schema=False)


@router.get("/", name="home_page", response_class=HTMLResponse)
def home_page(
    request: Request, session: SessionDep, user: OptionalUser
) -> HTMLResponse:
    locale = request_locale(request)
    found = search.search_projects(session, params=SearchParams(limit=6), locale=locale)
    return render(
        request,
        "home.html",
        {
            "current_user": user,
            "total": found.total,
            "countries_covered": len(found.facets["country"]),
            "newest": found.items,
            **views.home_lists(session, found, locale),
            "names": views.term_names(session, locale),
        },
    )


@router.get("/projects", name="catalog_page", response_model=None)
def catalog_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    params: Annotated[SearchParams, Query()],
    remove: views.FilterValue = None,
) -> Response:
    """The catalog. A chip's "remove" button posts the filter form with
    `remove=<filter>:<value>` and lands on the page without that value, so each
    chip costs one button whatever the number of filters (not a link repeating
    every other value)."""
    if remove is not None:
        url = "/projects?" + views.query_string(
            views.without(params, remove), cursor=None
        )
        return RedirectResponse(url, status_code=303)
    locale = request_locale(request)
    page = search.search_projects(session, params=params, locale=locale)
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    # The same entries elsewhere: the filters, not the page or the sort.
    filters = views.query_string(
        params, cursor=None, page=None, limit=None, sort=None, lang=locale
    )
    return render(
        request,
        "projects/catalog.html",
        {
            "current_user": user,
            "page": page,
            "params": params,
            "default_limit": DEFAULT_PAGE_SIZE,
            "sort": sort.value,
            "sorts": [
                (s.value, translate(locale, SORT_LABELS[s.value])) for s in SortOrder
            ],
            **views.catalog_view(session, page, params, locale),
            "export_base": f"/api/v1/projects/export?{filters}",
            "permalink": "/projects?" + views.query_string(params, cursor=None),
            "dashboard": f"/dashboard?{filters}",
            "feed": f"/feeds/projects.atom?{filters}",
        },
    )


@router.get("/projects/{project_id}", name="project_page", response_class=HTMLResponse)
def project_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    project_id: Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z]+$")],
) -> HTMLResponse:
    locale = request_locale(request)
    project = projects.get_public_project(session, project_id)
    names = views.term_names(session, locale)
    title, _shown_in = text_in(project.title, locale, project.original_language)
    settings = request.app.state.settings
    url = f"{settings.public_base_url}/projects/{project.id}"
    return render(
        request,
        "projects/detail.html",
        {
            "current_user": user,
            "project": project,
            "groups": views.entry_groups(project, names, locale),
            "offers": views.offers_view(project, locale),
            "cite_url": url,
            "citation": views.citation(project, title, url, locale),
            "exchange": entry_panels(
                session, project, user, locale=locale, settings=settings
            ),
        },
    )


def taxonomy_page(
    request: Request,
    session: SessionDep,
    user: User | None,
    *,
    heading: str,
    filters: dict[str, Any],
    chart: str,
) -> HTMLResponse:
    locale = request_locale(request)
    params = SearchParams(**filters, limit=20)
    leading = GoodPracticeFilters(**filters)
    page = search.search_projects(session, params=params, locale=locale)
    query = views.query_string(params, limit=None, lang=locale)
    return render(
        request,
        "taxonomy/detail.html",
        {
            "current_user": user,
            "heading": heading,
            "description": None,
            "page": page,
            "names": views.term_names(session, locale),
            "catalog": "/projects?" + query,
            "chart": inline_chart(session, chart, params, locale),
            "chart_name": chart,
            "chart_url": f"/charts/{chart}.svg?{query}",
            "chart_csv": f"/charts/{chart}.csv?{query}",
            "chart_alt": translate(locale, CHART_TITLES[chart]),
            "good_practices": good_practices.section(
                session, filters=leading, locale=locale
            ),
        },
    )


@router.get(
    "/action-lines/{code}", name="action_line_page", response_class=HTMLResponse
)
def action_line_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    code: Annotated[str, Path(pattern=r"^C[0-9.]{1,5}$")],
) -> HTMLResponse:
    locale = request_locale(request)
    name = views.term_name(session, "action_line", code, locale)
    if name is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "code"))
    return taxonomy_page(
        request,
        session,
        user,
        heading=labelled("action_line", code, name),
        filters={"action_line": [code]},
        chart="countries",
    )


@router.get("/favicon.ico", name="favicon")
def favicon() -> RedirectResponse:
    """What a browser asks for where no page told it (a JSON answer, the API
    docs): the site's icon."""
    return RedirectResponse("/static/img/favicon.svg", status_code=301)
