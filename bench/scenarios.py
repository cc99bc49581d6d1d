"""What the benchmark asks the service, and how fast each answer should be.

The paths are the public API's and pages' own (README, app/api/projects.py,
app/api/stats.py, app/web/pages.py). The values they filter on (a country, an
SDG, a technology, entry ids) are found by asking the running service once
(`discover`), so the same scenarios work on any generated database, and the
three search words come from the generator (`bench.generate`), which plants
them in a known share of the entries.
"""

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from bench.ceiling import CEILING_PATH

# The action line of the filtered listing: C7.4 is e-health.
ACTION_LINE = "C7.4"
# The one plain-column filter (compared with Datasette's "native" query).
STATUS = "ongoing"
CEILING_SHARE_TARGET = 25.0  # % of the ceiling's requests per second
DATASETTE_FACTOR_TARGET = 5.0  # times Datasette's requests per second
EXPORT_RSS_TARGET_MB = 50.0  # growth of the server's memory during the export
CHARTS = ("action-lines", "sdgs", "countries", "years", "action-lines-by-country")
# bench.generate's names of the words it plants (in ~45 %, ~4 %, ~10 %).
WORDS = ("FREQUENT_WORD", "RARE_WORD", "ENGLISH_WORD")
# Of the new-word queries, those the changed-catalog scenario asks again.
ASKED_BEFORE = 40


@dataclass(frozen=True)
class Scenario:
    """One kind of request, measured under load on each backend.

    `paths` are requested in turn (several entry ids, several charts).
    `target_p95_ms` is the p95 the service must not exceed (None: no target);
    `ceiling_target` says whether its requests per second must reach
    CEILING_SHARE_TARGET % of the ceiling's.
    """

    name: str
    title: str
    paths: tuple[str, ...]
    target_p95_ms: float | None = None
    ceiling_target: bool = True
    # Before each request an entry changes (bench.run touches its row): the
    # worker applies it at that request, its caches but the kept places anew.
    change_before_each: bool = False


@dataclass(frozen=True)
class Probe:
    """Values found in the running service's data, for the scenarios' filters."""

    country: str
    sdg: int
    technology: str
    project_ids: tuple[str, ...]
    entries: int
    words: Mapping[str, str]


def search_words() -> dict[str, str]:
    """The words the generator plants, by name (imported when needed: the
    generator module is large)."""
    generate = importlib.import_module("bench.generate")
    return {name: str(getattr(generate, name)) for name in WORDS}


def cold_queries(frequent: str) -> tuple[str, ...]:
    """Queries the service has not seen: the frequent word with each other
    word of the generator's Arabic prose (about 240), so each one's hits and
    ranking are computed, not taken from the snapshot's text cache."""
    corpus = importlib.import_module("bench.corpus")
    return tuple(f"{frequent} {word}" for word in corpus.PROSE_WORDS["ar"])


def _top(facet: Sequence[Mapping[str, Any]], fallback: Any) -> Any:
    """The value with the most entries (ties: the smallest value)."""
    if not facet:
        return fallback
    best = min(facet, key=lambda entry: (-int(entry["count"]), str(entry["value"])))
    return best["value"]


def discover(client: httpx.Client, *, ids: int = 5) -> Probe:
    """Ask the service for the country, SDG and technology with the most
    ACTION_LINE entries and for `ids` entry ids spread over the newest 100."""
    listing = client.get("/api/v1/projects", params={"action_line": ACTION_LINE})
    listing.raise_for_status()
    facets = listing.json()["facets"]
    newest = client.get("/api/v1/projects", params={"limit": 100})
    newest.raise_for_status()
    page = newest.json()
    items = page["items"]
    step = max(1, len(items) // ids)
    project_ids = tuple(str(item["id"]) for item in items[::step][:ids])
    if not project_ids:
        raise RuntimeError("the database has no published entry to benchmark")
    return Probe(
        country=str(_top(facets.get("country", []), "EG")),
        sdg=int(_top(facets.get("sdg", []), 3)),
        technology=str(_top(facets.get("technology", []), "machine_learning")),
        project_ids=project_ids,
        entries=int(page["total"]),
        words=search_words(),
    )


def _url(path: str, **query: Any) -> str:
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def filtered_listing_query(probe: Probe) -> dict[str, Any]:
    """Action line C7.4 in one country: the catalog's most common question."""
    return {"action_line": ACTION_LINE, "country": probe.country}


def scenarios(probe: Probe) -> list[Scenario]:
    """Every measured scenario of one backend, the ceiling last."""
    listing = "/api/v1/projects"
    words = probe.words
    return [
        Scenario("listing", "API listing, no filter (10 facets)", (listing,), 30),
        Scenario(
            "listing_filtered",
            f"API listing {ACTION_LINE} + {probe.country} (10 facets)",
            (_url(listing, **filtered_listing_query(probe)),),
            30,
        ),
        Scenario(
            "listing_three",
            f"API listing {ACTION_LINE} + SDG {probe.sdg} + {probe.technology}",
            (
                _url(
                    listing,
                    action_line=ACTION_LINE,
                    sdg=probe.sdg,
                    technology=probe.technology,
                ),
            ),
            30,
        ),
        Scenario(
            "listing_status",
            f"API listing implementation_status={STATUS}",
            (_url(listing, implementation_status=STATUS),),
            30,
        ),
        Scenario(
            "text_ar_frequent",
            f"Full text, frequent Arabic word ({words['FREQUENT_WORD']})",
            (_url(listing, q=words["FREQUENT_WORD"]),),
            50,
        ),
        Scenario(
            "text_ar_rare",
            f"Full text, rare Arabic word ({words['RARE_WORD']})",
            (_url(listing, q=words["RARE_WORD"]),),
            50,
        ),
        Scenario(
            "text_en",
            f"Full text, English word ({words['ENGLISH_WORD']})",
            (_url(listing, q=words["ENGLISH_WORD"]),),
            50,
        ),
        Scenario(
            "text_ar_cold",
            f"Full text, {words['FREQUENT_WORD']} + another word, each query new",
            tuple(_url(listing, q=q) for q in cold_queries(words["FREQUENT_WORD"])),
            50,
        ),
        Scenario(
            "text_ar_changed",
            f"Full text, {words['FREQUENT_WORD']} + a word asked before, "
            "an entry changed before each",
            tuple(
                _url(listing, q=q)
                for q in cold_queries(words["FREQUENT_WORD"])[:ASKED_BEFORE]
            ),
            50,
            change_before_each=True,
        ),
        Scenario(
            "catalog_page",
            f"HTML catalog /projects {ACTION_LINE} + {probe.country}",
            (_url("/projects", **filtered_listing_query(probe)),),
            60,
        ),
        Scenario("stats", "API stats summary", ("/api/v1/stats/summary",), 30),
        Scenario(
            "detail_api",
            f"API entry detail ({len(probe.project_ids)} ids)",
            tuple(f"{listing}/{quote(i)}" for i in probe.project_ids),
            10,
        ),
        Scenario(
            "detail_page",
            f"HTML entry page ({len(probe.project_ids)} ids)",
            tuple(f"/projects/{quote(i)}" for i in probe.project_ids),
            10,
        ),
        Scenario("dashboard", "HTML dashboard page", ("/dashboard",)),
        Scenario(
            "dashboard_filtered",
            f"HTML dashboard {ACTION_LINE} + {probe.country}",
            (_url("/dashboard", **filtered_listing_query(probe)),),
        ),
        Scenario("map_page", "HTML map page", ("/map",)),
        Scenario(
            "good_practices_page", "HTML good practices page", ("/good-practices",)
        ),
        Scenario(
            "listing_good_practice",
            "API listing good_practice=true + offer=open_to_replication",
            (_url(listing, good_practice="true", offer="open_to_replication"),),
            30,
        ),
        Scenario(
            "knowledge_flows",
            "API knowledge-flows matrix",
            ("/api/v1/stats/knowledge-flows",),
        ),
        Scenario(
            "country_profile",
            f"HTML country profile /countries/{probe.country}",
            (f"/countries/{probe.country}",),
        ),
        Scenario(
            "compare_page",
            "HTML compare page (three countries)",
            ("/compare?country=TN&country=MA&country=EG",),
        ),
        Scenario(
            "charts",
            f"Dashboard charts (the {len(CHARTS)} SVGs in turn)",
            tuple(f"/charts/{name}.svg" for name in CHARTS),
        ),
        Scenario("healthz", "/healthz (SELECT 1)", ("/healthz",)),
        Scenario(
            "ceiling",
            f"Ceiling {CEILING_PATH} (same stack, no work)",
            (CEILING_PATH,),
            ceiling_target=False,
        ),
    ]


EXPORT_PATH = "/api/v1/projects/export?format=csv"


def export_warmup_path(probe: Probe) -> str:
    """A small export, run first so the full one does not pay for first imports."""
    return EXPORT_PATH + "&" + urlencode(filtered_listing_query(probe))
