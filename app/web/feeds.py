"""The Atom feeds: newly published entries (filters as in the search) and
new good-practice designations."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep, SettingsDep
from app.errors import responses
from app.i18n import request_locale
from app.schemas.good_practices import GoodPracticeFilters
from app.schemas.search import ProjectFilters
from app.services import feeds

router = APIRouter(tags=["feeds"])
FEED_PATH = "/feeds/projects.atom"


@router.get(
    FEED_PATH,
    name="projects_feed",
    summary="Newest published entries, as an Atom 1.0 feed",
    responses={**responses(422), 200: {"content": {"application/atom+xml": {}}}},
    response_class=Response,
)
def projects_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    filters: Annotated[ProjectFilters, Query()],
) -> Response:
    """Addresses come from `public_base_url`, never the Host header: a feed is
    cached and shared, and a forged Host would point every reader elsewhere."""
    base_url = settings.public_base_url.rstrip("/")
    query = urlencode(request.query_params.multi_items())  # re-encoded, not echoed
    xml = feeds.projects_feed(
        session,
        filters=filters,
        locale=request_locale(request),
        base_url=base_url,
        self_url=base_url + FEED_PATH + (f"?{query}" if query else ""),
        licence=settings.licence,
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


GOOD_PRACTICES_FEED_PATH = "/feeds/good-practices.atom"


@router.get(
    GOOD_PRACTICES_FEED_PATH,
    name="good_practices_feed",
    summary="Newest good-practice designations, as an Atom 1.0 feed",
    responses={**responses(422), 200: {"content": {"application/atom+xml": {}}}},
    response_class=Response,
)
def good_practices_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    filters: Annotated[GoodPracticeFilters, Query()],
) -> Response:
    """The designations in force of published entries, newest first; the
    filters of /good-practices (the catalog's and the designation's year)."""
    base_url = settings.public_base_url.rstrip("/")
    query = urlencode(request.query_params.multi_items())  # re-encoded, not echoed
    xml = feeds.good_practices_feed(
        session,
        filters=filters,
        locale=request_locale(request),
        base_url=base_url,
        self_url=base_url + GOOD_PRACTICES_FEED_PATH + (f"?{query}" if query else ""),
        licence=settings.licence,
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
