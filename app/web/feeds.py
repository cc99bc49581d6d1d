"""The Atom feed of newly published entries (filters as in the search)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.errors import responses
from app.i18n import negotiate_locale
from app.schemas.search import ProjectFilters
from app.services import feeds

router = APIRouter(tags=["feeds"])


@router.get(
    "/feeds/projects.atom",
    name="projects_feed",
    summary="Newest published entries, as an Atom 1.0 feed",
    responses={**responses(422), 200: {"content": {"application/atom+xml": {}}}},
    response_class=Response,
)
def projects_feed(
    request: Request, session: SessionDep, filters: Annotated[ProjectFilters, Query()]
) -> Response:
    xml = feeds.projects_feed(
        session,
        filters=filters,
        locale=negotiate_locale(request),
        base_url=str(request.base_url).rstrip("/"),
        self_url=str(request.url),
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
