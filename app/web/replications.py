"""The public list of entries replicated in other countries (/replications):
"Replicated in N countries" as a figure to sort by, or the newest first.
Mounted through app/web/relations.py's router."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.deps import OptionalUser, SessionDep
from app.i18n import request_locale
from app.schemas.relations import (
    ReplicatedEntry,
    ReplicatedPage,
    ReplicatedParams,
    ReplicatedSort,
)
from app.services import replications
from app.web import views
from app.web.rendering import render, text_in

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
# Deep enough for any repository; ReplicatedParams caps the offset at 100,000.
MAX_PAGE = 2_000
SORTS: tuple[ReplicatedSort, ...] = ("replications", "newest")


def _row(item: ReplicatedEntry, names: dict[Any, str], locale: str) -> dict[str, Any]:
    title, shown_in = text_in(item.title, locale, item.original_language)
    return {
        "href": f"/projects/{item.id}?lang={locale}",
        "title": title or item.id,
        "title_lang": shown_in,
        "country": names.get(item.home_country, "") if item.home_country else "",
        "figure": item.replicated_in_countries,
        "replicated_in": [names.get(code, code) for code in item.replicated_in],
        "published_at": item.published_at,
    }


def replications_view(
    found: ReplicatedPage,
    session: Session,
    *,
    sort: ReplicatedSort,
    page: int,
    locale: str,
) -> dict[str, Any]:
    """The table's rows, the two orders (links, the current one marked) and
    the previous / next pages."""
    names = views.term_names(session, locale)["country"]

    def link(number: int, order: ReplicatedSort = sort) -> str:
        paged = f"&page={number}" if number > 1 else ""
        return f"/replications?sort={order}{paged}&lang={locale}"

    return {
        "total": found.total,
        "rows": [_row(item, names, locale) for item in found.items],
        "sort": sort,
        "sorts": {order: link(1, order) for order in SORTS},
        "nav": views.page_links(page, max(1, -(-found.total // PAGE_SIZE)), link),
    }


@router.get("/replications", name="replications_page", response_class=HTMLResponse)
def replications_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    sort: ReplicatedSort = "replications",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    """Published entries replicated in other countries, with the figure:
    most countries first (the default) or the newest first."""
    locale = request_locale(request)
    params = ReplicatedParams(sort=sort, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    found = replications.replicated_entries(session, params=params)
    view = replications_view(found, session, sort=sort, page=page, locale=locale)
    return render(
        request, "relations/replications.html", {"current_user": user, **view}
    )
