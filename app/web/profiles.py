"""Countries: each member state's profile (printable) and the comparison of
two to four of them."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from app.deps import OptionalUser, SessionDep
from app.errors import ErrorCode, NotFound
from app.i18n import request_locale
from app.web import views
from app.web.pages import taxonomy_page

router = APIRouter(include_in_schema=False)


@router.get("/countries/{iso2}", name="country_page", response_class=HTMLResponse)
def country_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    iso2: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")],
) -> HTMLResponse:
    locale = request_locale(request)
    name = views.term_name(session, "country", iso2.upper(), locale)
    if name is None:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "iso2"))
    return taxonomy_page(
        request,
        session,
        user,
        heading=name,
        filters={"country": [iso2.upper()]},
        chart="action-lines",
    )
