"""Public pages: home, catalog, project, country, action line, dashboard.

Routes are thin: they call the same services as the API and shape a view.
"""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from app.deps import OptionalUser, SessionDep
from app.errors import ErrorCode, NotFound
from app.i18n import list_separator, request_locale, translate
from app.messages import (
    CHART_TITLES,
    EXPORT_COLUMNS,
    FACET_TITLES,
    FILTER_TITLES,
    IMPLEMENTATION_STATUS_LABELS,
    LANGUAGE_NAMES,
    SCOPE_LABELS,
    SEARCHED_INSTEAD,
    SORT_LABELS,
    SUGGEST_DROP,
    SUGGEST_FILTER,
)
from app.models import ActionLine, Country, Sdg, User
from app.schemas.project import ProjectPublic
from app.schemas.search import (
    ProjectSearchPage,
    SearchParams,
    SortOrder,
    SuggestionKind,
)
from app.services import filters as catalog
from app.services import projects, search
from app.services.exports import Labels
from app.web.rendering import format_number, render

router = APIRouter(include_in_schema=False)


def _names(session: Session, locale: str) -> dict[str, dict[Any, str]]:
    return Labels(session, locale).names


def _query(params: SearchParams, **changes: Any) -> str:
    values = params.model_dump(exclude_defaults=True, mode="json") | changes
    return urlencode(
        {k: v for k, v in values.items() if v not in (None, [])}, doseq=True
    )


@router.get("/", name="home_page", response_class=HTMLResponse)
def home_page(
    request: Request, session: SessionDep, user: OptionalUser
) -> HTMLResponse:
    locale = request_locale(request)
    found = search.search_projects(session, params=SearchParams(limit=6), locale=locale)
    lines = {f.value: f.count for f in found.facets["action_line"]}
    sdg_counts = {f.value: f.count for f in found.facets["sdg"]}
    action_lines = [
        {
            "code": line.code,
            "name": getattr(line, f"name_{locale}"),
            "count": lines.get(line.code, 0),
        }
        for line in session.exec(
            select(ActionLine).order_by(col(ActionLine.sort_order))
        ).all()
    ]
    sdgs = [
        {
            "number": s.number,
            "name": getattr(s, f"name_{locale}"),
            "color": s.color,
            "count": sdg_counts.get(s.number, 0),
        }
        for s in session.exec(select(Sdg).order_by(col(Sdg.number))).all()
    ]
    return render(
        request,
        "home.html",
        {
            "current_user": user,
            "total": found.total,
            "countries_covered": len(found.facets["country"]),
            "newest": found.items,
            "action_lines": action_lines,
            "sdgs": sdgs,
            "names": _names(session, locale),
        },
    )


Removal = Annotated[
    str | None, Query(max_length=80, pattern=r"^[a-z_]+:[A-Za-z0-9._-]+$")
]


def _without(params: SearchParams, removal: str) -> SearchParams:
    """`params` less one filter value, named `"<filter>:<value>"` by its chip."""
    name, _, value = removal.partition(":")
    if name not in catalog.FILTERS:
        return params
    kept = [v for v in getattr(params, name) if str(v) != value]
    return params.model_copy(update={name: kept, "cursor": None})


def _suggestion_links(
    page: ProjectSearchPage, params: SearchParams, locale: str
) -> list[dict[str, str]]:
    """The answer's suggestions as links: the filter added, the query spelt
    another way, or a filter left out."""
    links = []
    for suggestion in page.suggestions:
        count = format_number(suggestion.count, locale)
        if suggestion.kind == SuggestionKind.FILTER:
            assert suggestion.filter is not None
            term = suggestion.label or str(suggestion.value)
            if suggestion.filter == "action_line":
                term = f"{suggestion.value} {term}"
            chosen = [*getattr(params, suggestion.filter), suggestion.value]
            text = translate(locale, SUGGEST_FILTER, term=term, count=count)
            href = _query(params, cursor=None, **{suggestion.filter: chosen})
        elif suggestion.kind == SuggestionKind.SPELLING:
            continue  # said above the results (`_searched_instead`)
        else:
            assert suggestion.filter is not None
            name = translate(locale, FILTER_TITLES[suggestion.filter])
            text = translate(locale, SUGGEST_DROP, filter=name, count=count)
            dropped: dict[str, Any] = {suggestion.filter: None}
            if suggestion.filter == "year":
                dropped = {"year_from": None, "year_to": None}
            href = _query(params, cursor=None, **dropped)
        links.append({"text": text, "href": "/projects?" + href})
    return links


def _searched_instead(page: ProjectSearchPage, locale: str) -> dict[str, str] | None:
    """What the results are for when a word of the query was found nowhere and
    its closest spelling was searched instead: the corrected query (whose
    words the cards mark) and the sentence saying so."""
    spelt = [s for s in page.suggestions if s.kind == SuggestionKind.SPELLING]
    if not spelt:
        return None
    corrected = spelt[0].q or ""  # the query as searched: every correction
    words = list_separator(locale).join(s.word or "" for s in spelt)
    text = translate(locale, SEARCHED_INSTEAD, q=corrected, word=words)
    return {"q": corrected, "text": text}


@router.get("/projects", name="catalog_page", response_model=None)
def catalog_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    params: Annotated[SearchParams, Query()],
    remove: Removal = None,
) -> Response:
    """The catalog. A chip's "remove" button posts the filter form with
    `remove=<filter>:<value>` and lands on the page without that value, so each
    chip costs one button whatever the number of filters (not a link repeating
    every other value)."""
    if remove is not None:
        url = "/projects?" + _query(_without(params, remove), cursor=None)
        return RedirectResponse(url, status_code=303)
    locale = request_locale(request)
    page = search.search_projects(session, params=params, locale=locale)
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    facets = [
        {
            "name": name,
            "title": translate(locale, FACET_TITLES[name]),
            "entries": [
                {
                    "value": entry.value,
                    "label": entry.label,
                    "count": entry.count,
                    "selected": entry.value in (getattr(params, name, None) or []),
                }
                for entry in entries
            ],
        }
        for name, entries in page.facets.items()
        if name != "year"
    ]
    shown = {
        (name, entry.value)
        for name, entries in page.facets.items()
        for entry in entries
    }
    chips = []
    for name in catalog.FILTERS:
        for value in getattr(params, name):
            label = next(
                (e.label for e in page.facets.get(name, []) if e.value == value),
                str(value),
            )
            chips.append(
                {
                    "label": label,
                    "name": name,
                    "value": value,
                    # Not among the checkboxes: kept by a hidden field.
                    "hidden": (name, value) not in shown,
                }
            )
    return render(
        request,
        "projects/catalog.html",
        {
            "current_user": user,
            "page": page,
            "params": params,
            "sort": sort.value,
            "sorts": [
                (s.value, translate(locale, SORT_LABELS[s.value])) for s in SortOrder
            ],
            "facets": facets,
            "chips": chips,
            "suggestions": _suggestion_links(page, params, locale),
            "searched_instead": _searched_instead(page, locale),
            "names": _names(session, locale),
            "export_base": "/api/v1/projects/export?"
            + _query(params, cursor=None, limit=None, sort=None),
            "permalink": "/projects?" + _query(params, cursor=None),
            "next_page": "/projects?" + _query(params, cursor=page.next_cursor)
            if page.next_cursor
            else None,
        },
    )


def _facts(
    project: ProjectPublic, names: dict[str, dict[Any, str]], locale: str
) -> list[tuple[str, str]]:
    org = project.lead_organization
    comma = list_separator(locale)

    def label(key: str) -> str:
        return translate(locale, EXPORT_COLUMNS[key])

    return [
        (label("lead_organization"), org.name or "" if org else ""),
        (
            label("entity_type"),
            names["entity_type"].get(org.entity_type, "") if org else "",
        ),
        (label("partners"), comma.join(p.name or "" for p in project.partners)),
        (
            label("scope"),
            translate(locale, SCOPE_LABELS[project.scope]) if project.scope else "",
        ),
        (label("activity_type"), names["activity_type"].get(project.activity_type, "")),
        (
            label("implementation_status"),
            translate(
                locale, IMPLEMENTATION_STATUS_LABELS[project.implementation_status]
            )
            if project.implementation_status
            else "",
        ),
        (
            label("start_date"),
            project.start_date.isoformat() if project.start_date else "",
        ),
        (label("end_date"), project.end_date.isoformat() if project.end_date else ""),
        (label("website"), project.website or ""),
        (
            label("technologies"),
            comma.join(names["technology"][t] for t in project.technologies),
        ),
        (
            label("target_groups"),
            comma.join(names["target_group"][t] for t in project.target_groups),
        ),
        (label("keywords"), comma.join(project.keywords)),
    ]


@router.get("/projects/{project_id}", name="project_page", response_class=HTMLResponse)
def project_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    project_id: Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z]+$")],
) -> HTMLResponse:
    locale = request_locale(request)
    project = projects.get_public_project(session, project_id)
    names = _names(session, locale)
    sections = [
        {
            "heading": translate(locale, EXPORT_COLUMNS[key]),
            "text": getattr(project, key),
        }
        for key in ("summary", "description", "impact", "challenges")
    ]
    return render(
        request,
        "projects/detail.html",
        {
            "current_user": user,
            "project": project,
            "names": names,
            "sections": sections,
            "facts": _facts(project, names, locale),
            "language_names": {
                k: translate(locale, v) for k, v in LANGUAGE_NAMES.items()
            },
        },
    )


def _taxonomy_page(
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
    page = search.search_projects(session, params=params, locale=locale)
    query = _query(params, limit=None, lang=locale)
    return render(
        request,
        "taxonomy/detail.html",
        {
            "current_user": user,
            "heading": heading,
            "description": None,
            "page": page,
            "names": _names(session, locale),
            "catalog": "/projects?" + query,
            "chart": f"/charts/{chart}.svg?{query}",
            "chart_alt": translate(locale, CHART_TITLES[chart]),
        },
    )


@router.get("/countries/{iso2}", name="country_page", response_class=HTMLResponse)
def country_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    iso2: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")],
) -> HTMLResponse:
    country = session.get(Country, iso2.upper())
    if country is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "iso2"))
    locale = request_locale(request)
    return _taxonomy_page(
        request,
        session,
        user,
        heading=getattr(country, f"name_{locale}"),
        filters={"country": [country.iso2]},
        chart="action-lines",
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
    line = session.get(ActionLine, code)
    if line is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "code"))
    locale = request_locale(request)
    return _taxonomy_page(
        request,
        session,
        user,
        heading=f"{line.code} {getattr(line, f'name_{locale}')}",
        filters={"action_line": [line.code]},
        chart="countries",
    )


@router.get("/dashboard", name="dashboard_page", response_class=HTMLResponse)
def dashboard_page(request: Request, user: OptionalUser) -> HTMLResponse:
    locale = request_locale(request)
    charts = [
        {"name": name, "title": translate(locale, title)}
        for name, title in CHART_TITLES.items()
    ]
    return render(request, "dashboard.html", {"current_user": user, "charts": charts})
