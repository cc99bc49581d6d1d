"""Charts as SVG, drawn on the server: no JavaScript, no CDN.

Every bar or cell links to the catalog filtered to it (and to the filters the
chart was drawn with). Arabic charts are laid out right to left. The root is a
group, not an image: assistive technology skips an image's children, and the
bars are links named by their <title>. The app's fonts come from fonts.css.
Labels are data (taxonomy names): each goes through `xml_text`, then the
autoescaping template, so no stored name can make the SVG unreadable.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlmodel import Session

from app.deps import SessionDep
from app.encoding import csv_document, xml_text
from app.errors import ErrorCode, NotFound, responses
from app.i18n import request_locale, translate
from app.languages import direction
from app.messages import CHART_COLUMNS, CHART_TITLES, NO_ENTRIES
from app.schemas.search import FacetCount, ProjectFilters
from app.services import catalog_index, exports, stats, taxonomy
from app.services import filters as catalog
from app.templating import environment
from app.web.colours import luminance

router = APIRouter(tags=["charts"])
CHART_FILTERS = set(ProjectFilters.model_fields) - {"lang"}

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
    "started": "started",
}


def _short(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


INDENT = 16  # a sub-line's label, inward from its line's


def _bar_link(chart: str, link: Any, value: Any) -> str | None:
    """The catalog of a bar's entries; none for start years (the catalog's
    years are years running, not years started)."""
    if chart == "started":
        return None
    if chart == "years":
        return str(link(year_from=value, year_to=value))
    return str(link(**{BARS[chart]: value}))


def _bars_svg(
    session: Session,
    chart: str,
    counts: list[FacetCount],
    filters: ProjectFilters,
    locale: str,
) -> str:
    """Horizontal bars, one per value. Action lines: a line with sub-lines
    (C7) is a heading with its total, its sub-lines indented under it, so the
    scale is the single lines' and the sub-lines' (C7's sum squashed them)."""
    rtl = direction(locale) == "rtl"
    colors: dict[str | int, str] = {}
    if chart == "sdgs":
        colors = {sdg.number: sdg.color for sdg in taxonomy.list_sdgs(session)}
    parents = (
        catalog_index.snapshot(session).terms.parents()
        if chart == "action-lines"
        else {}
    )
    groups = set(parents.values())
    longest = max(
        (entry.count for entry in counts if entry.value not in groups), default=1
    )
    plot = WIDTH - LABEL_WIDTH - 60
    bars = []
    link = catalog.catalog_urls(filters, locale)
    for index, entry in enumerate(counts):
        group = entry.value in groups
        width = 0 if group else max(2, round(plot * entry.count / longest))
        # Left to right: label | bar ->  ; right to left: <- bar | label.
        start = WIDTH - LABEL_WIDTH - width if rtl else LABEL_WIDTH
        inset = INDENT if entry.value in parents else 0
        label = xml_text(
            f"{entry.value} {entry.label}" if chart == "action-lines" else entry.label
        )
        bars.append(
            {
                "y": TOP + index * ROW,
                "x": start,
                "width": width,
                "group": group,
                "count": entry.count,
                "count_x": start - 6 if rtl else start + width + 6,
                "label": label,
                "label_x": WIDTH - 10 - inset if rtl else 10 + inset,
                "short_label": _short(label, 42 - inset // 8),
                "color": colors.get(entry.value, BAR_COLOR),
                "href": _bar_link(chart, link, entry.value),
            }
        )
    return environment.get_template("charts/bars.svg").render(
        chart_id=chart,
        width=WIDTH,
        height=TOP + max(len(bars), 1) * ROW + 16,
        rtl=rtl,
        anchor="start",  # with direction="rtl", "start" is the right edge
        title_x=WIDTH - 10 if rtl else 10,
        title=xml_text(translate(locale, CHART_TITLES[chart])),
        empty=xml_text(translate(locale, NO_ENTRIES)),
        bars=bars,
    )


def heat_colours(count: int, highest: int) -> tuple[str, str]:
    """Cell fill (white to dark teal) and the text colour that reads on it.

    Black or white, whichever contrasts more: at least 4.5:1 on any fill.
    """
    if not count:
        return "#f2f2f2", "#000000"
    light = round(235 - 180 * count / highest)
    fill = (light - 40, light, light + 10)
    # Under this luminance white contrasts more: 1.05/(L+.05) > (L+.05)/.05
    ink = "#ffffff" if luminance(fill) < 0.179 else "#000000"
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
    """Countries (rows, named in the page's language) by action lines
    (columns, by code; each cell's title names both). The sub-lines' columns
    sit under a band naming their line (C7)."""
    table = stats.matrix(
        session, filters=filters, rows="country", cols="action_line", locale=locale
    )
    parents = catalog_index.snapshot(session).terms.parents()
    rtl, cell, label_width = direction(locale) == "rtl", 30, 190
    # Wide enough for the title, however few the columns.
    width = max(label_width + cell * max(len(table.cols), 1) + 20, 600)
    highest = max((n for row in table.cells for n in row), default=1) or 1
    band_y, header_y = TOP + 10, TOP + 64  # the C7 band, then the codes
    first_row = header_y + 8

    def x_of(j: int) -> int:
        return width - label_width - (j + 1) * cell if rtl else label_width + j * cell

    link = catalog.catalog_urls(filters, locale)
    column_labels = [
        xml_text(f"{column.value} {column.label}") for column in table.cols
    ]

    def cell_of(i: int, j: int, country: Any, line: Any) -> HeatCell:
        count = table.cells[i][j]
        color, ink = heat_colours(count, highest)
        href = link(action_line=line, country=country)
        return HeatCell(x_of(j), count, column_labels[j], color, ink, href)

    rows = [
        HeatRow(
            y=first_row + i * cell,
            label=xml_text(_short(row.label, 26)),
            full_label=xml_text(row.label),
            cells=[
                cell_of(i, j, row.value, column.value)
                for j, column in enumerate(table.cols)
            ],
        )
        for i, row in enumerate(table.rows)
    ]
    columns = [
        {"x": x_of(j) + cell / 2, "label": xml_text(str(column.value))}
        for j, column in enumerate(table.cols)
    ]
    return environment.get_template("charts/heatmap.svg").render(
        chart_id="action-lines-by-country",
        width=width,
        height=first_row + max(len(rows), 1) * cell + 10,
        rtl=rtl,
        anchor="start",  # with direction="rtl", "start" is the right edge
        title_x=width - 10 if rtl else 10,
        label_x=width - 10 if rtl else 10,
        header_y=header_y,
        band_y=band_y,
        bands=_bands(table.cols, parents, x_of, cell),
        title=xml_text(translate(locale, CHART_TITLES["action-lines-by-country"])),
        columns=columns,
        rows=rows,
        cell_size=cell,
    )


def _bands(
    columns: list[Any], parents: dict[str, str], x_of: Any, cell: int
) -> list[dict[str, Any]]:
    """Over each run of sub-line columns, a band from its first to its last
    column named by their line ("C7")."""
    bands: list[dict[str, Any]] = []
    for j, column in enumerate(columns):
        parent = parents.get(str(column.value))
        if parent is None:
            continue
        left, right = sorted((x_of(j), x_of(j) + cell - 2))
        if bands and bands[-1]["line"] == parent and bands[-1]["last"] == j - 1:
            band = bands[-1]
            band["x1"], band["x2"] = min(band["x1"], left), max(band["x2"], right)
            band["last"] = j
        else:
            bands.append({"line": parent, "x1": left, "x2": right, "last": j})
    for band in bands:
        band["middle"] = (band["x1"] + band["x2"]) / 2
    return bands


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
    """`name`: action-lines, sdgs (in SDG colours), countries, years (entries
    running), started (new entries per start year), or action-lines-by-country
    (a heat map). Takes the search's filters."""
    locale = request_locale(request)
    _known(name)
    return Response(
        chart_svg(session, name, filters, locale), media_type="image/svg+xml"
    )


def chart_svg(
    session: Session,
    name: str,
    filters: ProjectFilters,
    locale: str,
    snap: catalog_index.Snapshot | None = None,
) -> str:
    """Chart `name` as an SVG document, kept with the catalog snapshot (`snap`
    when the caller holds it: a page of six charts checks for changes once)."""
    # The filters alone (not a page's limit or sort, nor the language, which
    # is `locale`): one drawing for every page asking for the same chart.
    filters = ProjectFilters.model_validate(filters.model_dump(include=CHART_FILTERS))
    key = ("chart", name, filters.model_dump_json(), locale)
    snap = snap or catalog_index.snapshot(session)
    svg: str = snap.cached_view(key, lambda: _chart_svg(session, name, filters, locale))
    return svg


def inline_chart(
    session: Session,
    name: str,
    filters: ProjectFilters,
    locale: str,
    snap: catalog_index.Snapshot | None = None,
) -> Markup:
    """Chart `name` to place inside a page: the SVG element without the
    document's stylesheet lines (the page has its own). In the page, its
    links open in the page and it scales to its column. Safe markup: every
    label in it was escaped when it was drawn."""
    svg = chart_svg(session, name, filters, locale, snap)
    return Markup(svg[svg.index("<svg") :])


def _chart_svg(
    session: Session, name: str, filters: ProjectFilters, locale: str
) -> str:
    """Chart `name`, drawn from the catalog snapshot alone (and kept with it)."""
    if name == "action-lines-by-country":
        return _heatmap_svg(session, filters, locale)
    counts = stats.summary(session, filters=filters, locale=locale).by[BARS[name]]
    return _bars_svg(session, name, counts, filters, locale)


def _known(name: str) -> None:
    if name != "action-lines-by-country" and name not in BARS:
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "name"))


@router.get(
    "/charts/{name}.csv",
    name="chart_numbers",
    summary="A chart's numbers, as CSV",
    responses={**responses(404, 422), 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)
def chart_numbers(
    request: Request,
    session: SessionDep,
    name: str,
    filters: Annotated[ProjectFilters, Query()],
) -> Response:
    """The numbers `/charts/{name}.svg` draws, with the same filters: code,
    name and entries per value; for the heat map, a row per country and a
    column per action line. UTF-8 with a byte-order mark (spreadsheets)."""
    locale = request_locale(request)
    _known(name)
    filename = exports.file_name(filters, "csv", date.today(), prefix=name)
    return Response(
        csv_document(_chart_rows(session, name, filters, locale)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chart_rows(
    session: Session, name: str, filters: ProjectFilters, locale: str
) -> list[list[Any]]:
    header = [translate(locale, CHART_COLUMNS[key]) for key in CHART_COLUMNS]
    if name == "action-lines-by-country":
        table = stats.matrix(
            session, filters=filters, rows="country", cols="action_line", locale=locale
        )
        return [
            [*header[:2], *(column.value for column in table.cols)],
            *(
                [row.value, row.label, *cells]
                for row, cells in zip(table.rows, table.cells, strict=True)
            ),
        ]
    counts = stats.summary(session, filters=filters, locale=locale).by[BARS[name]]
    return [header, *([e.value, e.label, e.count] for e in counts)]
