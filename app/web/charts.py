"""Charts as SVG, drawn on the server: no JavaScript, no CDN.

Every bar or cell links to the catalog filtered to it (and to the filters the
chart was drawn with). Arabic charts are laid out right to left. The root is a
group, not an image: assistive technology skips an image's children, and the
bars are links named by their <title>. The app's fonts come from fonts.css.
Labels are data (taxonomy names): each goes through `xml_text`, then the
autoescaping template, so no stored name can make the SVG unreadable.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.deps import SessionDep
from app.encoding import xml_text
from app.errors import ErrorCode, NotFound, responses
from app.i18n import request_locale, translate
from app.messages import CHART_TITLES, NO_ENTRIES
from app.schemas.search import FacetCount, ProjectFilters
from app.services import catalog_index, stats, taxonomy
from app.services import filters as catalog
from app.templating import environment

router = APIRouter(tags=["charts"])

WIDTH = 760
ROW = 26
TOP = 44
LABEL_WIDTH = 300
BAR_COLOR = "#1f6f8b"
BARS = {
    "action-lines": "action_line",
    "sdgs": "sdg",
    "countries": "country",
    "years": "year",
}


def _short(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bars_svg(
    session: Session,
    chart: str,
    counts: list[FacetCount],
    filters: ProjectFilters,
    locale: str,
) -> str:
    rtl = locale == "ar"
    colors: dict[str | int, str] = {}
    if chart == "sdgs":
        colors = {sdg.number: sdg.color for sdg in taxonomy.list_sdgs(session)}
    longest = max((entry.count for entry in counts), default=1)
    plot = WIDTH - LABEL_WIDTH - 60
    bars = []
    link = catalog.catalog_urls(filters, locale)
    for index, entry in enumerate(counts):
        width = max(2, round(plot * entry.count / longest))
        # Left to right: label | bar ->  ; right to left: <- bar | label.
        start = WIDTH - LABEL_WIDTH - width if rtl else LABEL_WIDTH
        label = xml_text(
            f"{entry.value} {entry.label}" if chart == "action-lines" else entry.label
        )
        bars.append(
            {
                "y": TOP + index * ROW,
                "x": start,
                "width": width,
                "count": entry.count,
                "count_x": start - 6 if rtl else start + width + 6,
                "label": label,
                "short_label": _short(label),
                "color": colors.get(entry.value, BAR_COLOR),
                "href": link(
                    **{"year_from" if chart == "years" else BARS[chart]: entry.value},
                    **({"year_to": entry.value} if chart == "years" else {}),
                ),
            }
        )
    return environment.get_template("charts/bars.svg").render(
        width=WIDTH,
        height=TOP + max(len(bars), 1) * ROW + 16,
        rtl=rtl,
        anchor="start",  # with direction="rtl", "start" is the right edge
        title_x=WIDTH - 10 if rtl else 10,
        label_x=WIDTH - 10 if rtl else 10,
        title=xml_text(translate(locale, CHART_TITLES[chart])),
        empty=xml_text(translate(locale, NO_ENTRIES)),
        bars=bars,
    )


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in rgb)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def heat_colours(count: int, highest: int) -> tuple[str, str]:
    """Cell fill (white to dark teal) and the text colour that reads on it.

    Black or white, whichever contrasts more: at least 4.5:1 on any fill.
    """
    if not count:
        return "#f2f2f2", "#000000"
    light = round(235 - 180 * count / highest)
    fill = (light - 40, light, light + 10)
    # Under this luminance white contrasts more: 1.05/(L+.05) > (L+.05)/.05
    ink = "#ffffff" if _luminance(fill) < 0.179 else "#000000"
    return f"rgb({fill[0]},{fill[1]},{fill[2]})", ink


# A heat map has hundreds of cells: as slotted objects, not dicts, Jinja reads
# their attributes directly (a dict costs it a failed getattr per lookup).
@dataclass(frozen=True, slots=True)
class HeatCell:
    x: int
    count: int
    column: str
    color: str
    ink: str
    href: str


@dataclass(frozen=True, slots=True)
class HeatRow:
    y: int
    label: str
    full_label: str
    cells: list[HeatCell]


def _heatmap_svg(session: Session, filters: ProjectFilters, locale: str) -> str:
    table = stats.matrix(
        session, filters=filters, rows="action_line", cols="country", locale=locale
    )
    rtl, cell, label_width = locale == "ar", 30, 220
    width = label_width + cell * max(len(table.cols), 1) + 20
    highest = max((n for row in table.cells for n in row), default=1) or 1

    def x_of(j: int) -> int:
        return width - label_width - (j + 1) * cell if rtl else label_width + j * cell

    link = catalog.catalog_urls(filters, locale)
    column_labels = [xml_text(column.label) for column in table.cols]

    def cell_of(i: int, j: int, line: Any, country: Any) -> HeatCell:
        count = table.cells[i][j]
        color, ink = heat_colours(count, highest)
        href = link(action_line=line, country=country)
        return HeatCell(x_of(j), count, column_labels[j], color, ink, href)

    rows = [
        HeatRow(
            y=TOP + 20 + i * cell,
            label=xml_text(str(row.value)),
            full_label=xml_text(f"{row.value} {row.label}"),
            cells=[
                cell_of(i, j, row.value, column.value)
                for j, column in enumerate(table.cols)
            ],
        )
        for i, row in enumerate(table.rows)
    ]
    columns = [
        {"x": x_of(j) + (cell - 2) / 2, "label": xml_text(str(column.value))}
        for j, column in enumerate(table.cols)
    ]
    return environment.get_template("charts/heatmap.svg").render(
        width=width,
        height=TOP + 20 + max(len(rows), 1) * cell + 10,
        rtl=rtl,
        anchor="start",  # with direction="rtl", "start" is the right edge
        title_x=width - 10 if rtl else 10,
        label_x=width - 10 if rtl else 10,
        header_y=TOP + 12,
        title=xml_text(translate(locale, CHART_TITLES["action-lines-by-country"])),
        columns=columns,
        rows=rows,
        cell_size=cell,
    )


@router.get(
    "/charts/{name}.svg",
    name="chart",
    summary="A chart of the published entries, as SVG",
    responses={**responses(404, 422), 200: {"content": {"image/svg+xml": {}}}},
    response_class=Response,
)
def chart(
    request: Request,
    session: SessionDep,
    name: str,
    filters: Annotated[ProjectFilters, Query()],
) -> Response:
    """`name`: action-lines, sdgs (in SDG colours), countries, years, or
    action-lines-by-country (a heat map). Takes the search's filters."""
    locale = request_locale(request)
    if name != "action-lines-by-country" and name not in BARS:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "name"))
    key = ("chart", name, filters.model_dump_json(), locale)
    svg = catalog_index.snapshot(session).cached_view(
        key, lambda: _chart_svg(session, name, filters, locale)
    )
    return Response(svg, media_type="image/svg+xml")


def _chart_svg(
    session: Session, name: str, filters: ProjectFilters, locale: str
) -> str:
    """Chart `name`, drawn from the catalog snapshot alone (and kept with it)."""
    if name == "action-lines-by-country":
        return _heatmap_svg(session, filters, locale)
    counts = stats.summary(session, filters=filters, locale=locale).by[BARS[name]]
    return _bars_svg(session, name, counts, filters, locale)
