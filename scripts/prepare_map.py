"""Prepare the map's shapes: app/data/map/arab-states.json, from Natural Earth.

Reads the 1:50m countries of the `world-atlas` npm package (TopoJSON), keeps
the 22 member states (seeds/taxonomy/countries.json) and the land around them
(grey context: unlabelled, not links), projects them into a fixed viewBox,
simplifies them and writes one small JSON file that app/web/maps.py draws.

The TopoJSON is decoded here, in Python (arcs, delta encoding, transform), not
with topojson-client's `topo2geo`: the script needs nothing but the standard
library and the one JSON file, so the Docker image's Python stage runs it
without Node; and merging Somaliland into Somalia (dropping the border the two
share) needs the topology's shared arcs, which GeoJSON no longer has.

Run at set-up: .venv/bin/python scripts/prepare_map.py [countries-50m.json [out]]
"""

import itertools
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
TARGET = ROOT / "app" / "data" / "map" / "arab-states.json"
MEMBERS = ROOT / "seeds" / "taxonomy" / "countries.json"

# ISO 3166-1 numeric (world-atlas's feature ids) -> alpha-2, for the members.
ISO_NUMERIC = {
    "012": "DZ", "048": "BH", "174": "KM", "262": "DJ", "818": "EG", "368": "IQ",
    "400": "JO", "414": "KW", "422": "LB", "434": "LY", "478": "MR", "504": "MA",
    "512": "OM", "275": "PS", "634": "QA", "682": "SA", "706": "SO", "729": "SD",
    "760": "SY", "788": "TN", "784": "AE", "887": "YE",
}  # fmt: skip
# Natural Earth draws Somaliland apart (it has no ISO code): part of Somalia.
# Western Sahara stays a context shape, as Natural Earth draws it.
PART_OF = {"Somaliland": "SO"}

WIDTH = 1000  # the viewBox's width; its height follows from the projection
PADDING = (1.0, 2.0)  # degrees of context around the members (lon, lat)
MIN_STEP = 0.5  # a point closer than this (px) to the last one kept is dropped
MIN_RING = 1.5  # px²: smaller context islands are dropped
MIN_MEMBER_RING = 0.3  # px²: a member's islets (its largest ring always stays)

# The small states' markers (a circle easy to hit, the name beside it), placed
# by hand in open water or on context land near the country: the circle's lon,
# lat and the side its name goes on (east, west, north, south).
MARKERS = {
    "LB": (33.5, 34.35, "west"),
    "PS": (32.9, 31.75, "west"),
    "BH": (50.9, 29.6, "east"),
    "QA": (52.9, 27.4, "east"),
    "DJ": (43.9, 12.9, "east"),
    "KM": (44.8, -11.3, "east"),
}
# Where a name reads better than at its shape's roomiest point (lon, lat).
LABELS = {
    "JO": (37.1, 30.6),
    "AE": (54.2, 23.3),
    "OM": (56.4, 20.4),
}

Point = tuple[float, float]
Ring = list[Point]
Polygons = list[list[list[int]]]  # polygons -> rings -> arc indexes


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Each arc as absolute longitude/latitude points (delta-decoded)."""
    (sx, sy) = topology["transform"]["scale"]
    (tx, ty) = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def arc_points(arcs: list[list[Point]], index: int) -> list[Point]:
    """Arc `index`, backwards when it is negative (~i: arc i reversed)."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring_of(arcs: list[list[Point]], indexes: list[int]) -> Ring:
    """A ring from its arcs: each arc starts where the previous one ended."""
    ring: Ring = []
    for index in indexes:
        points = arc_points(arcs, index)
        ring.extend(points if not ring else points[1:])
    return ring


def polygons_of(geometry: dict[str, Any]) -> Polygons:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def merged(arcs: list[list[Point]], geometries: list[dict[str, Any]]) -> Polygons:
    """`geometries` as one shape: the arcs two of them share (once each way)
    are dropped, the others stitched into rings (a ring per polygon)."""
    used = {i for g in geometries for p in polygons_of(g) for ring in p for i in ring}
    left = [i for i in used if ~i not in used]

    def ends(index: int) -> tuple[Point, Point]:
        points = arc_points(arcs, index)
        return points[0], points[-1]

    rings = []
    while left:
        ring = [left.pop(0)]
        while ends(ring[-1])[1] != ends(ring[0])[0]:
            follow = next(i for i in left if ends(i)[0] == ends(ring[-1])[1])
            left.remove(follow)
            ring.append(follow)
        rings.append([ring])
    return rings


class Projection:
    """Equirectangular, x scaled by the cosine of the middle latitude: shapes
    keep their proportions near the members' middle, in a few lines."""

    def __init__(self, west: float, south: float, east: float, north: float) -> None:
        self.west, self.north = west, north
        self.cos = math.cos(math.radians((north + south) / 2))
        self.scale = WIDTH / ((east - west) * self.cos)
        self.height = round((north - south) * self.scale)

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        x = (lon - self.west) * self.cos * self.scale
        return x, (self.north - lat) * self.scale


def simplified(ring: Ring) -> Ring:
    """`ring` without the points closer than MIN_STEP to the last one kept."""
    kept = [ring[0]]
    for point in ring[1:]:
        if math.dist(point, kept[-1]) >= MIN_STEP:
            kept.append(point)
    return kept


def _edges(ring: Ring) -> list[tuple[Point, Point]]:
    return list(zip(ring, ring[1:] + ring[:1], strict=True))


def area(ring: Ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(ring))) / 2


def clipped(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """`ring` cut to `box` (Sutherland-Hodgman): context land beyond the view
    would only weigh the file."""
    x0, y0, x1, y1 = box

    def at_x(x: float) -> Callable[[Point, Point], Point]:
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y: float) -> Callable[[Point, Point], Point]:
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    sides: list[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]] = [
        (lambda p: p[0] >= x0, at_x(x0)),
        (lambda p: p[0] <= x1, at_x(x1)),
        (lambda p: p[1] >= y0, at_y(y0)),
        (lambda p: p[1] <= y1, at_y(y1)),
    ]
    for inside, cut in sides:
        points, ring = ring, []
        for p, q in zip(points[-1:] + points[:-1], points, strict=True):
            if inside(q):
                if not inside(p):
                    ring.append(cut(p, q))
                ring.append(q)
            elif inside(p):
                ring.append(cut(p, q))
    return ring


def _number(value: float) -> str:
    """`value` in the fewest characters at 1 decimal: 0.5 -> .5, -2.0 -> -2."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("", "-0"):
        return "0"
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def svg_path(rings: list[Ring]) -> str:
    """Rings as SVG path data: an absolute start, then relative steps in
    tenths of a pixel (rounded as a whole, so no error adds up)."""
    parts = []
    for ring in rings:
        tenths = [(round(x * 10), round(y * 10)) for x, y in ring]
        steps = [
            f"{_number((x - px) / 10)} {_number((y - py) / 10)}"
            for (px, py), (x, y) in itertools.pairwise(tenths)
            if (x, y) != (px, py)
        ]
        if len(steps) >= 2:
            start = f"M{_number(tenths[0][0] / 10)} {_number(tenths[0][1] / 10)}"
            parts.append(start + "l" + " ".join(steps) + "z")
    return "".join(parts)


def label_point(rings: list[Ring]) -> Point:
    """A point well inside the largest ring: of a grid over it, the one
    farthest from its edges (a coarse pole of inaccessibility)."""
    ring = max(rings, key=area)
    edges = _edges(ring)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    best, best_distance = (sum(xs) / len(xs), sum(ys) / len(ys)), -1.0
    steps = 48
    for i in range(steps + 1):
        for j in range(steps + 1):
            x = min(xs) + (max(xs) - min(xs)) * i / steps
            y = min(ys) + (max(ys) - min(ys)) * j / steps
            if _inside((x, y), edges):
                distance = min(_to_segment((x, y), a, b) for a, b in edges)
                if distance > best_distance:
                    best, best_distance = (x, y), distance
    return best


def _inside(point: Point, edges: list[tuple[Point, Point]]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in edges:
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    length = (bx - ax) ** 2 + (by - ay) ** 2
    t = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length if length else 0.0
    t = max(0.0, min(1.0, t))
    return math.dist(p, (ax + t * (bx - ax), ay + t * (by - ay)))


def _rounded(point: Point) -> list[float]:
    return [round(point[0], 1), round(point[1], 1)]


def _member_codes() -> set[str]:
    terms = json.loads(MEMBERS.read_text(encoding="utf-8"))["terms"]
    codes = {term["iso2"] for term in terms}
    if codes != set(ISO_NUMERIC.values()):
        different = sorted(codes ^ set(ISO_NUMERIC.values()))
        sys.exit(f"seeds/taxonomy/countries.json and ISO_NUMERIC differ: {different}")
    return codes


def _member_shape(rings: list[Ring]) -> dict[str, Any]:
    largest = max(rings, key=area)
    rings = [r for r in rings if r is largest or area(r) >= MIN_MEMBER_RING]
    shape: dict[str, Any] = {
        "path": svg_path(rings),
        "label": _rounded(label_point(rings)),
    }
    return shape


def prepare(source: Path, target: Path) -> None:
    """Write `target` (the map's shapes) from the TopoJSON at `source`."""
    members = _member_codes()
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    parts: dict[str, list[dict[str, Any]]] = {}
    others = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        iso2 = ISO_NUMERIC.get(geometry.get("id") or "") or PART_OF.get(name)
        if iso2 in members:
            parts.setdefault(iso2, []).append(geometry)
        else:
            others.append(geometry)
    if set(parts) != members:
        sys.exit(f"not in {source.name}: {sorted(members - set(parts))}")

    def lonlat(polygons: Polygons) -> list[Ring]:
        return [ring_of(arcs, ring) for polygon in polygons for ring in polygon]

    member_rings = {
        iso2: lonlat(merged(arcs, found) if len(found) > 1 else polygons_of(found[0]))
        for iso2, found in parts.items()
    }
    points = [p for rings in member_rings.values() for ring in rings for p in ring]
    project = Projection(
        min(p[0] for p in points) - PADDING[0],
        min(p[1] for p in points) - PADDING[1],
        max(p[0] for p in points) + PADDING[0],
        max(p[1] for p in points) + PADDING[1],
    )

    countries = {}
    for iso2 in sorted(member_rings):
        rings = [simplified([project(p) for p in ring]) for ring in member_rings[iso2]]
        shape = _member_shape(rings)
        if iso2 in LABELS:
            shape["label"] = _rounded(project(LABELS[iso2]))
        if iso2 in MARKERS:
            lon, lat, side = MARKERS[iso2]
            shape["marker"] = {"at": _rounded(project((lon, lat))), "side": side}
        countries[iso2] = shape

    box = (-5.0, -5.0, WIDTH + 5.0, project.height + 5.0)
    context = []
    for geometry in others:
        rings = [
            clipped(simplified([project(p) for p in ring]), box)
            for ring in lonlat(polygons_of(geometry))
        ]
        rings = [ring for ring in rings if len(ring) > 2 and area(ring) >= MIN_RING]
        if rings:
            context.append(svg_path(rings))

    target.parent.mkdir(parents=True, exist_ok=True)
    prepared = {
        "source": f"Natural Earth 1:50m, {source.name} (world-atlas)",
        "viewBox": [0, 0, WIDTH, project.height],
        "countries": countries,
        "context": context,
    }
    target.write_text(json.dumps(prepared, separators=(",", ":")), encoding="utf-8")
    print(  # noqa: T201 - a set-up script reports what it wrote
        f"{target}: {target.stat().st_size // 1024} KB, "
        f"{len(countries)} member states, {len(context)} context shapes"
    )


if __name__ == "__main__":
    prepare(
        Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE,
        Path(sys.argv[2]) if len(sys.argv) > 2 else TARGET,
    )
