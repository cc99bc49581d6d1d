"""The dashboard: headline figures and every chart of the entries that match
the catalog's filters ("C7.4 in the Maghreb"), each chart downloadable as SVG
and its numbers as CSV; filters added from one list or removed by their chip."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.deps import OptionalUser, SessionDep
from app.i18n import request_locale, translate
from app.messages import CHART_TITLES, FILTER_TITLES, HEADLINES
from app.schemas.search import ProjectFilters
from app.schemas.stats import StatsSummary
from app.services import catalog_index, designations, stats
from app.taxonomies import labelled
from app.web import views
from app.web.charts import inline_chart
from app.web.flows import flows_view
from app.web.rendering import format_number, render

router = APIRouter(include_in_schema=False)

# The charts in the page's order: where, what, when.
CHARTS = (
    "action-lines",
    "sdgs",
    "countries",
    "action-lines-by-country",
    "started",
    "years",
)
# The filters the "add a filter" list offers, in its order.
ADDABLE = ("action_line", "sub_region", "country", "sdg", "technology")


@router.get("/dashboard", name="dashboard_page", response_model=None)
def dashboard_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    filters: Annotated[ProjectFilters, Query()],
    add: views.FilterValue = None,
    remove: views.FilterValue = None,
) -> Response:
    """The dashboard of the entries matching `filters`. The filter form sends
    `add=<filter>:<value>` (or a chip `remove=...`) and lands on the
    dashboard with that value added (or removed)."""
    # A chip's button sends the list's value too: a removal comes first.
    if remove is not None:
        query = views.query_string(views.without(filters, remove))
        return RedirectResponse("/dashboard?" + query, status_code=303)
    if add is not None:
        query = views.with_value(filters, add)
        return RedirectResponse("/dashboard?" + query, status_code=303)
    locale = request_locale(request)
    summary = stats.summary(session, filters=filters, locale=locale)
    return render(
        request,
        "dashboard.html",
        {
            "current_user": user,
            **dashboard_view(session, summary, filters, locale),
            "flows": flows_view(
                session, locale=locale, settings=request.app.state.settings
            ),
        },
    )


def dashboard_view(
    session: Session, summary: StatsSummary, filters: ProjectFilters, locale: str
) -> dict[str, Any]:
    snap = catalog_index.snapshot(session)  # once for the page's six charts
    terms = snap.terms
    names = terms.names(locale)
    query = views.query_string(filters, lang=locale)
    return {
        "headlines": headlines(
            summary,
            terms.parents(),
            locale,
            good_practices=designations.count_good_practices(session, filters=filters),
        ),
        "chips": views.catalog_chips(filters, names, locale, words=True),
        "additions": additions(filters, names, terms.ordered, terms.parents(), locale),
        "charts": [
            {
                "name": name,
                "title": translate(locale, CHART_TITLES[name]),
                "svg": inline_chart(session, name, filters, locale, snap),
                "svg_url": f"/charts/{name}.svg?{query}",
                "csv_url": f"/charts/{name}.csv?{query}",
            }
            for name in CHARTS
        ],
        "catalog": f"/projects?{query}",
        "map": f"/map?{query}",
        "filtered": views.is_filtered(filters),
    }


def headlines(
    summary: StatsSummary,
    parents: dict[str, str],
    locale: str,
    *,
    good_practices: int = 0,
) -> list[dict[str, str]]:
    """The figures at the top: entries, countries, action lines (the eleven,
    not the sub-lines), SDGs and technologies they cover, the good practices
    among them, and since when."""
    by = summary.by
    covered = {
        "entries": summary.total,
        "countries": len(by["country"]),
        "action_lines": sum(1 for f in by["action_line"] if f.value not in parents),
        "sdgs": len(by["sdg"]),
        "technologies": len(by["technology"]),
    }
    if good_practices:  # shown once AICTO has designated some among them
        covered["good_practices"] = good_practices
    figures = [
        {
            "number": format_number(count, locale),
            "label": translate(locale, HEADLINES[key], count=count),
        }
        for key, count in covered.items()
    ]
    if by["started"]:
        first = min(int(f.value) for f in by["started"])
        figures.append(
            {"number": str(first), "label": translate(locale, HEADLINES["since"])}
        )
    return figures


def additions(
    filters: ProjectFilters,
    names: dict[str, dict[Any, str]],
    ordered: dict[str, list[Any]],
    parents: dict[str, str],
    locale: str,
) -> list[dict[str, Any]]:
    """The "add a filter" list: a group per filter, its values not chosen yet
    in taxonomy order (sub-lines marked as under their line)."""
    groups = []
    for name in ADDABLE:
        chosen = {str(v) for v in getattr(filters, name)}
        options = [
            {
                "value": f"{name}:{value}",
                "label": ("— " if value in parents else "")
                + labelled(name, value, names[name].get(value, str(value))),
            }
            for value in ordered.get(name, [])
            if str(value) not in chosen and value in names.get(name, {})
        ]
        if options:
            groups.append(
                {"title": translate(locale, FILTER_TITLES[name]), "options": options}
            )
    return groups
