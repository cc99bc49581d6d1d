"""The catalog index answers exactly what the plain SQL path answers.

`search.search_projects` (filters, totals, facets and the newest and relevance
orders from the per-worker bitmaps) is compared with `search.reference_search`
(every filter, page and facet as SQL) on random entries and random filter
combinations, page after page, on SQLite and PostgreSQL; then again after the
catalog changes under it, as another worker would see it.
"""

import random
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyroaring import BitMap
from sqlmodel import Session, col, func, select, update

from app import analysis
from app.analysis import GAP
from app.db import make_engine
from app.errors import InvalidInput
from app.models import CatalogChange, Project, ProjectStatus
from app.schemas.project import ProjectCreate
from app.schemas.search import (
    ProjectFilters,
    ProjectSearchPage,
    SearchParams,
    SortOrder,
)
from app.services import catalog_index, records, search, stats, text_search
from app.services.filters import lookup_hits
from app.services.text_search import AnyOf, Document, Lookup
from tests.factories import make_project, project_data
from tests.support.databases import Database

CODES: dict[str, list[Any]] = {
    "action_line": ["C1", "C4", "C7", "C7.3", "C7.4", "C7.7", "C9"],
    "sdg": [1, 3, 4, 9, 13],
    "country": ["TN", "EG", "MA", "SA", "JO"],
    "sub_region": ["maghreb", "levant", "nile_valley", "gulf_peninsula"],
    "entity_type": ["government", "academia", "private_sector"],
    "activity_type": ["project", "programme", "research"],
    "technology": ["machine_learning", "computer_vision", "iot", "generative_ai"],
    "target_group": ["youth", "farmers", "women_girls"],
    "wsis_target": ["a", "b", "c"],
    "gdc_objective": [1, 2, 3],
    "implementation_status": ["planned", "ongoing", "completed"],
    "scope": ["local", "national", "regional"],
}
LINKED = {
    "action_lines": "action_line",
    "sdgs": "sdg",
    "countries": "country",
    "technologies": "technology",
    "target_groups": "target_group",
    "wsis_targets": "wsis_target",
    "gdc_objectives": "gdc_objective",
}
WORDS = ["الزراعة", "الصحة", "التعليم", "منصة", "health", "santé", "water", "data"]
QUERIES = [*WORDS, "الزر", "hea", "منصة الصحة", "water data", "المياه"]
LAUNCH = datetime(2025, 1, 1, tzinfo=UTC)


def _entry(rng: random.Random) -> dict[str, Any]:
    """A random, valid entry over the small code sets above."""
    words = " ".join(rng.sample(WORDS, 3))
    start = rng.choice([None, *range(2012, 2027)])
    end = None
    if start is not None and rng.random() < 0.6:
        end = f"{rng.randint(start, 2028)}-06-30"
    data = project_data(
        title={"ar": f"مبادرة {words}", "en": f"Initiative {words}"},
        summary={
            "ar": f"عن {rng.choice(WORDS)}.",
            "en": f"About {rng.choice(WORDS)} and {rng.choice(WORDS)}.",
        },
        start_date=f"{start}-03-01" if start else None,
        end_date=end,
        scope=rng.choice(CODES["scope"]),
        activity_type=rng.choice(CODES["activity_type"]),
        implementation_status=rng.choice(CODES["implementation_status"]),
        lead_organization={
            "name": "Org",
            "entity_type": rng.choice(CODES["entity_type"]),
            "country": "TN",
        },
    )
    for field, name in LINKED.items():
        data[field] = rng.sample(CODES[name], rng.randint(1, 3))
    data["primary_action_line"] = data["action_lines"][0]
    return data


def _make_entries(session: Session, seed: int, count: int) -> None:
    rng = random.Random(seed)
    statuses = [ProjectStatus.APPROVED] * 6 + [
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        ProjectStatus.WITHDRAWN,
    ]
    for _ in range(count):
        project = make_project(session, status=rng.choice(statuses), **_entry(rng))
        if project.status == ProjectStatus.APPROVED:
            # Few distinct days, so the newest order has ties (broken by id).
            project.published_at = LAUNCH + timedelta(days=rng.randint(0, 6))
            session.add(project)
            session.commit()


@st.composite
def search_params(draw: st.DrawFn) -> dict[str, Any]:
    """A few filters (OR within, AND across), maybe years and words, a sort,
    a small page and a language."""
    params: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(sorted(CODES)), max_size=3, unique=True)):
        params[name] = draw(
            st.lists(st.sampled_from(CODES[name]), min_size=1, max_size=3, unique=True)
        )
    if draw(st.booleans()):
        params["year_from"] = draw(st.integers(2010, 2029))
    if draw(st.booleans()):
        params["year_to"] = draw(st.integers(2010, 2029))
    if draw(st.integers(0, 2)) == 0:
        params["q"] = draw(st.sampled_from(QUERIES))
    params["sort"] = draw(st.sampled_from([None, *SortOrder]))
    params["limit"] = draw(st.integers(2, 9))
    if draw(st.integers(0, 3)) == 0:
        params["page"] = draw(st.integers(1, 4))  # an offset, then the cursors
    params["lang"] = draw(st.sampled_from(["ar", "en", "fr"]))
    return params


def _answer(session: Session, how: Any, params: dict[str, Any]) -> Any:
    """Every page of `params` (following the cursors), or the error."""
    query = {k: v for k, v in params.items() if v is not None}
    pages: list[Any] = []
    try:
        while True:
            page: ProjectSearchPage = how(
                session,
                params=SearchParams.model_validate(query),
                locale=params["lang"],
            )
            pages.append(_comparable(page))
            if page.next_cursor is None or len(pages) == 8:
                return pages
            query["cursor"] = page.next_cursor
    except InvalidInput as error:
        return ("invalid", [problem[0] for problem in error.problems])


def _comparable(page: ProjectSearchPage) -> Any:
    facets = {
        # The SQL path lists implementation statuses in the database's group
        # order, which is not the same on both backends: compared as a set.
        name: sorted(entries, key=str) if name == "implementation_status" else entries
        for name, entries in page.facets.items()
    }
    # Whole records: one kept with a snapshot must be what SQL reads now.
    items = [item.model_dump() for item in page.items]
    return items, page.total, page.next_cursor, facets


def _summary(session: Session, how: Any, params: dict[str, Any]) -> Any:
    query = {k: v for k, v in params.items() if k not in ("sort", "limit")}
    try:
        return how(session, filters=ProjectFilters.model_validate(query), locale="en")
    except InvalidInput as error:
        return ("invalid", [problem[0] for problem in error.problems])


def _same_answers(session: Session, params: dict[str, Any]) -> None:
    fast = _answer(session, search.search_projects, params)
    reference = _answer(session, search.reference_search, params)
    assert fast == reference, params
    summary = _summary(session, stats.summary, params)
    assert summary == _summary(session, stats.reference_summary, params), params
    if "q" not in params:  # rows x columns (cheaper without the text query)
        for rows, cols in (("action_line", "country"), ("sdg", "technology")):
            indexed = partial(stats.matrix, rows=rows, cols=cols)
            plain = partial(stats.reference_matrix, rows=rows, cols=cols)
            assert _summary(session, indexed, params) == _summary(
                session, plain, params
            ), (params, rows, cols)


@pytest.fixture(params=[11, 23])
def random_catalog(request: pytest.FixtureRequest, session: Session) -> Session:
    """Forty random entries (about two thirds published) on this backend."""
    _make_entries(session, request.param, 40)
    return session


CHOSEN: list[dict[str, Any]] = [
    {},
    {"action_line": ["C7"]},
    {"action_line": ["C7", "C1"], "country": ["TN", "EG"]},
    {"sub_region": ["maghreb"], "sdg": [3]},
    {"year_from": 2016, "year_to": 2020},
    {"year_from": 2030},
    {"year_to": 2011},
    {"q": "الصحة"},
    {"q": "hea", "sort": "newest"},
    {"q": "منصة الصحة", "sort": "title"},
    {"implementation_status": ["ongoing"], "sort": "start_date"},
    {"year_from": 2020, "year_to": 2018},
    {"action_line": ["C9"], "technology": ["iot"], "scope": ["local"]},
]


def _with_examples(test: Any) -> Any:
    """The hand-picked cases first, each with a small page."""
    for params in reversed(CHOSEN):
        test = example(params={"limit": 4, "lang": "en", **params})(test)
    return test


@_with_examples
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(params=search_params())
def test_filters_facets_and_pages_match_the_sql_path(
    random_catalog: Session, params: dict[str, Any]
) -> None:
    _same_answers(random_catalog, params)


def _change_the_catalog(session: Session, rng: random.Random) -> None:
    """Approve, withdraw, re-file and delete entries, as the services would."""
    found = session.exec(select(Project).order_by(col(Project.id))).all()
    drafts = [p for p in found if p.status != ProjectStatus.APPROVED]
    published = [p for p in found if p.status == ProjectStatus.APPROVED]
    approved = rng.choice(drafts)
    approved.status = ProjectStatus.APPROVED
    approved.published_at = LAUNCH + timedelta(days=3)
    session.add(approved)
    rng.choice(published).status = ProjectStatus.ARCHIVED
    refiled = rng.choice(published)
    records.write_record(session, refiled, ProjectCreate.model_validate(_entry(rng)))
    session.commit()
    session.delete(rng.choice([p for p in published if p is not refiled]))
    session.commit()
    make_project(session, **_entry(rng))


def test_every_worker_follows_changes(random_catalog: Session, db: Database) -> None:
    """Two workers' indexes over one database: each change is applied at the
    next request of each, and the answers stay those of the SQL path."""
    session = random_catalog
    this_worker = catalog_index.index_for(session)
    this_worker.current(session)
    other_worker = catalog_index.CatalogIndex()
    other_worker.current(session)
    builds = this_worker.builds
    rng = random.Random(5)
    for round_ in range(3):
        _change_the_catalog(session, rng)
        with db.make_session() as fresh:
            for params in (
                {},
                {"action_line": ["C7"]},
                {"q": "الصحة"},  # its places carried from change to change
                {"q": "hea"},  # a prefix
                {"q": '"الذكاء الاصطناعي" منصة'},  # a phrase and a word
            ):
                _same_answers(fresh, {"limit": 50, "lang": "ar", **params})
            seen = other_worker.current(fresh)
            expected = fresh.exec(
                select(Project.id).where(Project.status == ProjectStatus.APPROVED)
            ).all()
            assert set(seen.approved) == set(expected), round_
    # The changed entries were read again, not the whole catalog.
    assert this_worker.builds == builds
    assert other_worker.builds == 1


def _lookups_of(documents: list[str], rng: random.Random) -> list[Lookup]:
    """Lookups the documents hold or nearly hold: words, their first letters
    as prefixes, runs of two and three terms (stop-word gaps included), the
    same runs with the last term a prefix, and runs out of order."""
    found: list[Lookup] = []
    for document in rng.sample(documents, 6):
        terms = document.split()
        for _ in range(8):
            at = rng.randrange(len(terms) - 3)
            found.append(Lookup((terms[at],)))
            found.append(Lookup((terms[at][:3],), prefix=True))
            found.append(Lookup(tuple(terms[at : at + 2])))
            found.append(Lookup(tuple(terms[at : at + 3])))
            found.append(Lookup((terms[at], terms[at + 2][:3]), prefix=True))
            found.append(Lookup((terms[at + 1], terms[at])))
    return [lookup for lookup in found if lookup.terms[0] != GAP]


def test_a_document_read_in_python_holds_what_the_index_finds(
    random_catalog: Session,
) -> None:
    """The places kept across changes are corrected by reading the changed
    entries' documents in Python (text_search.Document): that reading must
    find what FTS5 and the tsquery find, term, prefix and phrase alike."""
    session = random_catalog
    rows = session.exec(select(Project.id, Project.search_document)).all()
    documents = {int(pid or 0): Document(text or "") for pid, text in rows}
    lookups = _lookups_of([text or "" for _pid, text in rows], random.Random(3))
    places = [AnyOf((lookup,)) for lookup in lookups]

    found = lookup_hits(session, places)

    for lookup, hits in zip(lookups, found, strict=True):
        held = {pid for pid, document in documents.items() if lookup.holds(document)}
        assert held == set(hits), lookup


def test_a_taxonomy_change_is_read_again(random_catalog: Session) -> None:
    session = random_catalog
    index = catalog_index.index_for(session)
    index.current(session)
    builds = index.builds
    catalog_index.mark_all_changed(session)
    session.commit()
    index.current(session)
    assert index.builds == builds + 1
    everything = select(CatalogChange).where(CatalogChange.project_id.is_(None))  # type: ignore[union-attr]
    assert session.exec(everything).first() is not None


def test_pruning_the_log_keeps_the_newest_and_workers_read_again(
    random_catalog: Session, db: Database
) -> None:
    """Old change rows go, the newest stays; a worker whose last applied row
    went reads the whole catalog again, once, and answers as before."""
    session = random_catalog
    session.execute(
        update(CatalogChange).values(changed_at=datetime.now(UTC) - timedelta(days=30))
    )
    session.commit()
    worker = catalog_index.CatalogIndex()
    worker.current(session)
    old = session.exec(select(func.count()).select_from(CatalogChange)).one()
    make_project(session, countries=["TN"])  # recent changes

    removed = catalog_index.prune_changes(session, older_than=timedelta(days=7))

    assert removed == old
    with db.make_session() as fresh:
        seen = worker.current(fresh)
        expected = fresh.exec(
            select(Project.id).where(Project.status == ProjectStatus.APPROVED)
        ).all()
        assert set(seen.approved) == set(expected)
        assert worker.builds == 2
        _same_answers(fresh, {"limit": 50, "lang": "ar", "country": ["TN"]})
    assert catalog_index.prune_changes(session, older_than=timedelta(days=7)) == 0


def test_what_a_snapshot_keeps_is_bounded_by_count_and_bytes() -> None:
    kept = catalog_index._Kept(count=3, budget=1000)
    kept.put("a", "x" * 400)
    kept.put("b", "x" * 400)
    assert kept.get("a") is not None  # "a" used: "b" is now the oldest
    kept.put("c", "x" * 400)  # 1200 bytes: the oldest goes
    assert (kept.get("a"), kept.get("b")) == ("x" * 400, None)
    kept.put("d", "y")
    kept.put("e", "z")
    assert len(kept.values) == 3
    kept.put("huge", "x" * 5000)  # alone over the budget, still kept
    assert list(kept.values) == ["huge"]


def test_the_places_a_query_looked_in_are_carried_and_corrected_by_a_change(
    session: Session,
) -> None:
    """After a publication the next snapshot still holds what "lagoon" was
    found in (no read of the index), corrected by the changed entries'
    documents: the new entry saying "lagoon" is in, the one edited to leave
    it out is out."""

    def english(title: str) -> Project:
        return make_project(session, title={"en": title}, original_language="en")

    kept, edited = english("Lagoon monitoring"), english("Lagoon mapping")
    first = catalog_index.snapshot(session)
    (unit,) = analysis.parse_query("lagoon ")
    places = [place for _w, place in text_search.lookups(unit)]
    title = places[0]  # the word as typed in a title
    ids = {name: p.id or 0 for name, p in (("kept", kept), ("edited", edited))}
    assert catalog_index.unit_hits(session, first, "lagoon") == BitMap(ids.values())

    added = english("Lagoon fisheries")
    records.write_record(
        session,
        edited,
        ProjectCreate.model_validate(
            project_data(title={"en": "Coastal mapping"}, original_language="en")
        ),
    )
    session.commit()
    second = catalog_index.snapshot(session)

    assert second is not first
    assert second.kept_places([title]) == [BitMap([ids["kept"], added.id or 0])]
    assert second.places[title] is not first.places[title]  # copied, then changed
    assert first.places[title] == BitMap(ids.values())  # as it was

    # An entry read again with its document the same (a touched row):
    touched = catalog_index.updated(session, second, BitMap([ids["kept"]]))
    assert touched.places[title] is second.places[title]  # not copied
    assert touched.places[title] == BitMap([ids["kept"], added.id or 0])


def test_the_places_kept_are_bounded_by_bytes_the_least_recently_asked_going(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = catalog_index.snapshot(session)
    monkeypatch.setattr(catalog_index, "PLACES_BYTES", 100)
    places = [AnyOf((Lookup((f"1word{i}",)),)) for i in range(3)]
    hits = BitMap(range(0, 200, 7))  # ~60 bytes
    snap.keep_place(places[0], hits)
    snap.keep_place(places[1], hits)  # over the bytes: the oldest went
    assert list(snap.places) == places[1:2]

    snap.keep_place(places[0], hits)
    assert snap.kept_places([places[1], places[2]]) == [None, None]  # 1 went
    snap.keep_place(places[2], hits)

    assert list(snap.places) == places[2:]
    assert snap.places_bytes <= 100
    assert snap.place_terms == {"1word2": (places[2],)}  # the gone ones unfiled
    monkeypatch.setattr(catalog_index, "PLACES_BYTES", 1000)
    snap.keep_place(places[0], hits)
    snap.keep_place(places[1], hits)
    assert snap.kept_places([places[0]]) == [hits]  # asked: now the newest
    assert list(snap.places) == [places[2], places[1], places[0]]


class TestWarmUp:
    """When the service starts, the common words' places are read before
    anyone asks (`catalog_index.warm_up`); the answers do not change."""

    @pytest.fixture
    def catalog(self, session: Session) -> Session:
        """Six entries saying "irrigation" (a common word), one "desalination"."""
        for n in range(6):
            make_project(
                session, title={"en": f"Irrigation pilot {n}"}, original_language="en"
            )
        make_project(
            session, title={"en": "Desalination plant"}, original_language="en"
        )
        return session

    @staticmethod
    def _places(q: str) -> list[AnyOf]:
        return [
            place
            for unit in analysis.parse_query(q)
            for _w, place in text_search.lookups(unit)
        ]

    @staticmethod
    def _reads(monkeypatch: pytest.MonkeyPatch) -> list[AnyOf]:
        read: list[AnyOf] = []

        def counted(session: Session, places: list[AnyOf]) -> list[BitMap]:
            read.extend(places)
            return lookup_hits(session, places)

        monkeypatch.setattr(catalog_index, "lookup_hits", counted)
        return read

    def test_a_common_word_is_read_as_the_last_word_and_as_another(
        self, catalog: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(catalog_index, "WARM_SHARE", 0.5)  # 4 of 7 entries
        warmed = catalog_index.warm_up(catalog)
        snap = catalog_index.snapshot(catalog)
        read = self._reads(monkeypatch)

        answer = catalog_index.text_answer(catalog, snap, "irrigation")
        catalog_index.text_answer(catalog, snap, "irrigation pilot")

        assert warmed >= 2  # "irrigation", "pilot" (each entry's title)
        assert set(self._places("irrigation") + self._places("irrigation ")) <= set(
            snap.places
        )
        assert read == []  # nothing left to read
        assert len(answer.hits) == 6
        assert not set(self._places("desalination")) & set(snap.places)  # rare

    def test_the_answers_are_those_of_an_index_not_warmed(
        self, catalog: Session, db: Database
    ) -> None:
        queries = ["irrigation", "irrigation desal", "pilot plant", "irrigati"]
        catalog_index.warm_up(catalog)
        warm = catalog_index.snapshot(catalog)
        with db.make_session() as other:  # another worker's index, cold
            cold = catalog_index.build(other)
            expected = [
                catalog_index.text_answer(other, cold, q).ranking.ids.tolist()
                for q in queries
            ]

        assert warm.places
        assert [
            catalog_index.text_answer(catalog, warm, q).ranking.ids.tolist()
            for q in queries
        ] == expected

    def test_it_stops_at_its_budget_of_bytes(
        self, catalog: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        read = self._reads(monkeypatch)

        assert catalog_index.warm_up(catalog, budget=0) == 0
        assert read == []
        assert catalog_index.warm_up(catalog, budget=1) == 1  # one word, then full

    def test_a_failed_warm_up_is_logged_and_the_service_told_it_is_over(
        self, caplog: pytest.LogCaptureFixture, tmp_path: Path
    ) -> None:
        done = threading.Event()
        broken = make_engine(f"sqlite:///{tmp_path}")  # a directory: cannot open

        catalog_index.run_warm_up(broken, None, done)

        assert done.is_set()
        assert "search warm-up failed" in caplog.text
