"""Countries: each member state's profile (printable) and the comparison of
two to four of them, as a page and as CSV."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import OptionalUser, SessionDep
from app.errors import InvalidInput
from app.i18n import request_locale
from app.schemas.good_practices import GoodPracticeFilters
from app.schemas.search import SearchParams
from app.services import profiles, search
from app.web import forms, good_practices, profile_views, views
from app.web.rendering import render

router = APIRouter(include_in_schema=False)

NEWEST = 6  # entries shown as cards on a profile
# The repeated `country` parameter (a form's blank choices are left out).
Countries = Annotated[list[str] | None, Query(max_length=50)]


@router.get("/countries/{iso2}", name="country_page", response_class=HTMLResponse)
def country_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    iso2: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$")],
) -> HTMLResponse:
    """The country's profile, laid out to print on one or two A4 pages."""
    locale = request_locale(request)
    profile = profiles.country_profile(session, iso2=iso2.upper(), locale=locale)
    params = SearchParams(country=[profile.iso2], limit=NEWEST)
    newest = search.search_projects(session, params=params, locale=locale)
    base_url = request.app.state.settings.public_base_url
    return render(
        request,
        "countries/profile.html",
        {
            "current_user": user,
            "profile": profile,
            "figures": profile_views.profile_figures(profile, locale),
            "tables": profile_views.profile_tables(profile, locale),
            "links": profile_views.profile_links(session, profile, locale),
            "newest": newest.items,
            "good_practices": good_practices.section(
                session,
                filters=GoodPracticeFilters(country=[profile.iso2]),
                locale=locale,
            ),
            "names": views.term_names(session, locale),
            "printed_url": f"{base_url}/countries/{profile.iso2}?lang={locale}",
            "printed_on": date.today(),
        },
    )


@router.get("/compare", name="compare_page", response_class=HTMLResponse)
def compare_page(
    request: Request, session: SessionDep, user: OptionalUser, country: Countries = None
) -> HTMLResponse:
    """Two to four countries side by side; without any, the picker alone."""
    locale = request_locale(request)
    chosen = profiles.compared_codes(country or [])
    context: dict[str, object] = {"current_user": user, "errors": {}, "countries": []}
    status = 200
    if chosen:
        try:
            found = profiles.compare_countries(session, countries=chosen, locale=locale)
            context |= profile_views.comparison_view(found, locale)
        except InvalidInput as error:
            context["errors"] = forms.field_errors(error, locale)
            status = 422
    context["picker"] = profile_views.picker(session, chosen, locale)
    return render(request, "countries/compare.html", context, status_code=status)


@router.get("/compare.csv", name="compare_csv")
def compare_csv(
    request: Request,
    session: SessionDep,
    country: Countries = None,
    header: Literal["labels", "keys"] = "labels",
) -> Response:
    """The comparison as CSV: a row per value, a count column per country;
    the header row translated, or its stable keys with `header=keys`."""
    locale = request_locale(request)
    chosen = profiles.compared_codes(country or [])
    found = profiles.compare_countries(session, countries=chosen, locale=locale)
    body = profiles.comparison_csv(found, locale=locale, keys=header == "keys")
    name = profiles.comparison_file_name(chosen, date.today())
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
