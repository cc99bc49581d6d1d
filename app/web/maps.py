"""The map: a choropleth of the member states, drawn on the server as SVG.

The shapes are Natural Earth's, prepared at set-up by scripts/prepare_map.py
into app/data/map/arab-states.json (projected, simplified). Each member state
is a link named by its <title> ("Tunisia: 3 entries"): to its country page, or,
when the catalog's filters are on, to the catalog filtered to it. The six
smallest also get a marker, a circle large enough to hit. Labels are data:
each goes through `xml_text`, then the autoescaping template. The page shows
the same SVG markup inline (its links open in the page), beside a table of the
same numbers; /charts/map.svg serves it alone, like the other charts.
"""

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from app.deps import OptionalUser, SessionDep
from app.encoding import xml_text
from app.errors import responses
from app.i18n import request_locale, translate
from app.languages import direction
from app.messages import N_, Np_
from app.schemas.search import ProjectFilters
from app.schemas.stats import StatsSummary
from app.services import catalog_index, stats, taxonomy
from app.services import filters as catalog
from app.templating import environment
from app.web import views
from app.web.colours import contrast
from app.web.rendering import format_number, render

router = APIRouter(tags=["charts"])  # the page itself is not in the API docs

MAP_FILE = Path(__file__).resolve().parents[1] / "data" / "map" / "arab-states.json"

MAP_TITLE = N_("Entries per member state")
LEGEND_TITLE = N_("Entries")
DISCLAIMER = N_(
    "Boundaries as drawn by Natural Earth. The boundaries and names shown on "
    "this map do not imply official endorsement or acceptance by AICTO."
)
UNAVAILABLE = N_(
    "The map is not available: its shapes have not been prepared "
    "(scripts/setup.sh runs scripts/prepare_map.py)."
)
COUNTRY_ENTRIES = Np_("{name}: {count} entry", "{name}: {count} entries", counted="n")

# Sequential, light to dark teal (the site's accent); no entries: hatched.
CLASS_FILLS = ("#d5ebe8", "#9fd1cb", "#5fadad", "#2b7e90", "#17506a")
NO_ENTRIES_FILL = "url(#map-none)"
INK, PAPER = "#1a1a1a", "#ffffff"
TOP, BOTTOM = 40, 30  # the standalone map's title and note bands
MARKER_RADIUS = 16  # 32 units: 24 px or more wherever the map is 750 px wide
# Arabic letters read small at Latin sizes: its names are drawn larger.
FONT_SIZES = {"ar": 16}
FONT_SIZE = 14
DASH = "\u2013"  # an en dash, between the ends of a range


class MapUnavailable(Exception):
    """The prepared shapes are missing or unreadable (set-up not run)."""


@dataclass(frozen=True, slots=True)
class Shapes:
    """The prepared file: viewBox size, each member's path, label point and
    marker (small states), and the context land's paths."""

    width: int
    height: int
    countries: dict[str, dict[str, Any]]
    context: list[str]


@cache
def _read_shapes(path: Path) -> Shapes:
    try:
        prepared = json.loads(path.read_text(encoding="utf-8"))
        _x, _y, width, height = prepared["viewBox"]
        return Shapes(width, height, prepared["countries"], prepared["context"])
    except (OSError, ValueError, KeyError) as error:
        raise MapUnavailable(f"{path}: {error}") from error


def load_shapes() -> Shapes:
    """The map's shapes, read once per process (a failure is not kept: the
    next request tries again, after set-up has run)."""
    return _read_shapes(MAP_FILE)


@dataclass(frozen=True, slots=True)
class CountryCount:
    iso2: str
    name: str
    count: int
    href: str


def country_counts(
    session: Session,
    found: StatsSummary,
    filters: ProjectFilters,
    locale: str,
    codes: list[str],
) -> list[CountryCount]:
    """Each member state of `codes` with its entries in `found` (zero too) and
    its link: its page, or, under filters, the catalog filtered to it."""
    counts = {entry.value: entry.count for entry in found.by["country"]}
    names = views.term_names(session, locale)["country"]
    filtered = views.is_filtered(filters)
    link = catalog.catalog_urls(filters, locale)
    rows = [
        CountryCount(
            iso2,
            xml_text(names.get(iso2, iso2)),
            counts.get(iso2, 0),
            link(country=iso2) if filtered else f"/countries/{iso2}?lang={locale}",
        )
        for iso2 in codes
    ]
    return sorted(rows, key=lambda row: _sort_key(row.name))


def _sort_key(name: str) -> str:
    """Alphabetical without accents (Égypte among the E's) nor the Arabic
    article (الجزائر under ج, as the League of Arab States lists them)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.removeprefix("ال")


def classes(highest: int) -> list[tuple[int, int, str]]:
    """Up to five classes (first, last, fill) of equal width over 1..highest."""
    if highest < 1:
        return []
    lasts = sorted({-(-highest * k // 5) for k in range(1, 6)})
    n = len(lasts)
    fills = [CLASS_FILLS[round(i * 4 / (n - 1)) if n > 1 else 4] for i in range(n)]
    firsts = [1, *(last + 1 for last in lasts[:-1])]
    return list(zip(firsts, lasts, fills, strict=True))


def ink_on(fill: str) -> str:
    """Dark or white text, whichever contrasts more with `fill` (hatched
    means white paper)."""
    paper = PAPER if fill.startswith("url") else fill
    return INK if contrast(INK, paper) >= contrast(PAPER, paper) else PAPER


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:39] + "…"


def _lines(name: str) -> list[str]:
    """A long name on two lines, split at the space nearest its middle."""
    name = _short(name)
    spaces = [i for i, c in enumerate(name) if c == " "]
    if len(name) <= 12 or not spaces:
        return [name]
    split = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:split], name[split + 1 :]]


def _anchor(side: str, rtl: bool) -> str:
    """text-anchor for a name on `side` of its marker (with direction="rtl",
    "start" is the right end)."""
    if side not in ("east", "west"):
        return "middle"
    return "start" if (side == "east") != rtl else "end"


@dataclass(frozen=True, slots=True)
class MapLabel:
    x: float
    anchor: str
    lines: list[tuple[float, str]]  # (baseline y, text)
    ink: str
    halo: str


@dataclass(frozen=True, slots=True)
class Marker:
    cx: float
    cy: float
    leader: tuple[float, float, float, float] | None


@dataclass(frozen=True, slots=True)
class MapCountry:
    href: str
    title: str
    path: str
    fill: str
    label: MapLabel
    marker: Marker | None


def _label(
    x: float, y: float, lines: list[str], anchor: str, fill: str, size: int
) -> MapLabel:
    ink = ink_on(fill)
    halo = PAPER if fill.startswith("url") or ink == INK else fill
    middle = (len(lines) - 1) / 2
    placed = [
        (round(y + size * 0.35 + (i - middle) * (size + 2), 1), text)
        for i, text in enumerate(lines)
    ]
    return MapLabel(x, anchor, placed, ink, halo)


def _marker(
    shape: dict[str, Any], name: str, rtl: bool, size: int
) -> tuple[Marker, MapLabel]:
    """A small state's circle, the line from it to the state, and its name
    beside it (on water or context land: dark ink on a white halo)."""
    (cx, cy), side = shape["marker"]["at"], shape["marker"]["side"]
    (lx, ly), r = shape["label"], MARKER_RADIUS
    distance = ((lx - cx) ** 2 + (ly - cy) ** 2) ** 0.5
    leader = None
    if distance > r + 2:
        start = (cx + (lx - cx) * r / distance, cy + (ly - cy) * r / distance)
        leader = (round(start[0], 1), round(start[1], 1), lx, ly)
    x, y = {
        "west": (cx - r - 4, cy),
        "east": (cx + r + 4, cy),
        "north": (cx, cy - r - 10),
        "south": (cx, cy + r + 10),
    }[side]
    label = _label(x, y, [_short(name)], _anchor(side, rtl), PAPER, size)
    return Marker(cx, cy, leader), label


def _legend(
    scale: list[tuple[int, int, str]], width: int, height: int, locale: str
) -> dict[str, Any]:
    """The legend's box and rows, in the map's lower outer corner: the
    Atlantic (left to right) or the Indian Ocean (right to left)."""
    rtl = direction(locale) == "rtl"
    rows = [(format_number(0, locale), NO_ENTRIES_FILL)] + [
        (
            format_number(first, locale)
            if first == last
            else f"{format_number(first, locale)}{DASH}{format_number(last, locale)}",
            fill,
        )
        for first, last, fill in scale
    ]
    box_width, box_height = 116, 34 + 22 * len(rows)
    x = width - 12 - box_width if rtl else 12
    y = height - 12 - box_height
    swatch_x = x + box_width - 10 - 20 if rtl else x + 10
    return {
        "x": x,
        "y": y,
        "width": box_width,
        "height": box_height,
        "title": xml_text(translate(locale, LEGEND_TITLE)),
        "text_x": x + box_width - 10 if rtl else x + 10,
        "swatch_x": swatch_x,
        "row_text_x": swatch_x - 8 if rtl else swatch_x + 28,
        "rows": [
            {"y": y + 32 + 22 * i, "label": label, "fill": fill}
            for i, (label, fill) in enumerate(rows)
        ],
    }


def map_svg(
    shapes: Shapes, rows: list[CountryCount], locale: str, *, standalone: bool
) -> str:
    """The choropleth of `rows`: standalone (a file, with its title and the
    boundary note) or for the page (which has both in its own text)."""
    rtl, size = direction(locale) == "rtl", FONT_SIZES.get(locale, FONT_SIZE)
    scale = classes(max((row.count for row in rows), default=0))
    countries, labels = [], []
    for row in sorted(rows, key=lambda row: "marker" in shapes.countries[row.iso2]):
        shape = shapes.countries[row.iso2]
        fill = next(
            (f for first, last, f in scale if first <= row.count <= last),
            NO_ENTRIES_FILL,
        )
        title = translate(
            locale,
            COUNTRY_ENTRIES,
            name=row.name,
            count=format_number(row.count, locale),
            n=row.count,
        )
        marker = None
        if "marker" in shape:
            marker, label = _marker(shape, row.name, rtl, size)
        else:
            x, y = shape["label"]
            label = _label(x, y, _lines(row.name), "middle", fill, size)
            labels.append(label)
        countries.append(
            MapCountry(row.href, title, shape["path"], fill, label, marker)
        )
    top = TOP if standalone else 0
    return environment.get_template("charts/map.svg").render(
        standalone=standalone,
        width=shapes.width,
        map_height=shapes.height,
        height=shapes.height + (TOP + BOTTOM if standalone else 0),
        top=top,
        rtl=rtl,
        title=xml_text(translate(locale, MAP_TITLE)),
        title_x=shapes.width - 10 if rtl else 10,
        note=xml_text(translate(locale, DISCLAIMER)),
        context=shapes.context,
        countries=countries,
        labels=labels,
        legend=_legend(scale, shapes.width, shapes.height, locale),
        radius=MARKER_RADIUS,
        font_size=size,
    )


def map_view(session: Session, filters: ProjectFilters, locale: str) -> dict[str, Any]:
    """The map page: counts, table rows, the inline map (None when the shapes
    are missing) and the active filters with the catalog they select."""
    found = stats.summary(session, filters=filters, locale=locale)
    codes = [country.iso2 for country in taxonomy.list_countries(session)]
    rows = country_counts(session, found, filters, locale, codes)
    try:
        shapes = load_shapes()
    except MapUnavailable:
        svg = None
    else:
        drawn = [row for row in rows if row.iso2 in shapes.countries]
        key = ("map-page", filters.model_dump_json(), locale)
        svg = catalog_index.snapshot(session).cached_view(
            key, lambda: map_svg(shapes, drawn, locale, standalone=False)
        )
    filtered = views.is_filtered(filters)
    return {
        "total": found.total,
        "rows": rows,
        "map_svg": Markup(svg) if svg is not None else None,
        "filtered": filtered,
        "active_filters": [
            chip["label"]
            for chip in views.catalog_chips(
                filters, views.term_names(session, locale), locale, words=True
            )
        ],
        "catalog": catalog.catalog_url(filters, locale),
        "svg_url": "/charts/map.svg?" + views.query_string(filters, lang=locale),
    }


@router.get(
    "/map", name="map_page", response_class=HTMLResponse, include_in_schema=False
)
def map_page(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    filters: Annotated[ProjectFilters, Query()],
) -> HTMLResponse:
    """The map of the member states and the table of its numbers."""
    locale = request_locale(request)
    view = map_view(session, filters, locale)
    return render(request, "map/map.html", {"current_user": user, **view})


@router.get(
    "/charts/map.svg",
    name="map_chart",
    summary="The map of entries per member state, as SVG",
    responses={**responses(422), 200: {"content": {"image/svg+xml": {}}}, 503: {}},
    response_class=Response,
)
def map_chart(
    request: Request,
    session: SessionDep,
    filters: Annotated[ProjectFilters, Query()],
) -> Response:
    """The map alone (a file to download); takes the search's filters."""
    locale = request_locale(request)
    try:
        shapes = load_shapes()
    except MapUnavailable:
        message = translate(locale, UNAVAILABLE)
        return Response(message, status_code=503, media_type="text/plain")
    key = ("map", filters.model_dump_json(), locale)
    svg = catalog_index.snapshot(session).cached_view(
        key, lambda: _standalone_svg(session, shapes, filters, locale)
    )
    return Response(svg, media_type="image/svg+xml")


def _standalone_svg(
    session: Session, shapes: Shapes, filters: ProjectFilters, locale: str
) -> str:
    found = stats.summary(session, filters=filters, locale=locale)
    rows = country_counts(session, found, filters, locale, list(shapes.countries))
    return map_svg(shapes, rows, locale, standalone=True)
