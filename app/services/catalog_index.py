"""The public catalog in memory: bitmaps of the approved entries, per worker.

Why: counting eight facets, each under every filter but its own, in SQL costs
a pass over the matching rows per facet (seconds at 100,000 entries). Here
each filter value (an action line, a country, a status, a start year, ...)
holds a compressed bitmap of the approved entries filed under it (pyroaring).
A filter is an OR of its values' bitmaps, a query the AND of its filters, and
a facet count the size of an intersection: microseconds, whatever the size.

Full text stays in the database (FTS5 on SQLite, the stored tsvector on
PostgreSQL): its hits become a bitmap like any filter, and its ranking is read
once per query and kept with the snapshot.

Every worker keeps its own index and follows the `catalog_change` log, which
database triggers write in the changing transaction (app/models/catalog.py).
Each request reads the rows after the last one applied (one indexed range
read) and applies them before answering: an approval is visible in every
worker at its next request. A snapshot is never changed once published; a
change builds the next one (copying only the bitmaps it touches), so requests
running in other threads keep a consistent view.

The plain SQL path (services.filters and services.facets) stays as the
reference: tests compare the two on random data and random filters.
"""

import bisect
import ctypes
import heapq
import logging
import math
import threading
import time
import weakref
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import Engine, bindparam, delete, insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from app import analysis
from app.analysis import Unit
from app.db import ReadReplica
from app.languages import LANGUAGES
from app.models import (
    ActionLine,
    CatalogChange,
    Country,
    Project,
    ProjectStatus,
)
from app.services import text_search
from app.services.filters import FILTERS, index_words, lookup_hits
from app.services.text_search import lookups
from app.taxonomies import TAXONOMIES

logger = logging.getLogger(__name__)

# A change row older than this (since this worker first saw a newer one) is
# taken as final: PostgreSQL may make a lower sequence number visible after a
# higher one (two transactions committing out of order), never this late.
WINDOW_SECONDS = 30.0
VOCABULARY_SECONDS = 600.0
# Column filters: filter name -> the project column it matches.
COLUMN_FILTERS = {
    name: spec.column.key for name, spec in FILTERS.items() if spec.link is None
}
LINK_FILTERS = {
    name: spec
    for name, spec in FILTERS.items()
    if spec.link is not None and name != "sub_region"
}
PROJECT_COLUMNS = (
    "id",
    "status",
    "published_at",
    "start_date",
    "end_date",
    "search_document",
    *COLUMN_FILTERS.values(),
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Where an approved entry without a publication date sorts among the newest:
# last on SQLite (NULL is smallest), first on PostgreSQL (NULL is largest).
UNPUBLISHED_KEY = {"sqlite": -(2**62), "postgresql": 2**62}
# What a snapshot keeps of its full-text answers and drawn charts: at most so
# many of each, and at most so many bytes (an answer's ranking is about 30
# bytes per hit, ids, scores, sort keys and order: 3 MB with 100,000 hits).
TEXT_CACHE_SIZE = 64
TEXT_CACHE_BYTES = 24 * 2**20
# The entries found in each place a query looked in (services.text_search),
# kept from snapshot to snapshot: a change re-reads only the changed entries'
# documents, so a publication leaves the words already asked warm. The oldest
# kept go first past this many bytes.
PLACES_BYTES = 32 * 2**20
PLACES_CARRIED_MAX = 500  # a change of more entries starts the places afresh
# When the service starts (`warm_up`), the places of the index's most common
# words are read before anyone asks for them: a read costs about its word's
# postings, so a common word is the slow one (5-10 ms a place at 100,000
# entries on SQLite, 25-35 on PostgreSQL) and a rare one about a millisecond.
# The most common words first, those in at least WARM_SHARE of the entries,
# until the kept places weigh WARM_BYTES; what queries then keep replaces
# the least recently asked.
WARM_BYTES = 24 * 2**20
WARM_SHARE = 0.005
VIEW_CACHE_SIZE = 32  # charts: the largest, the heat map, is ~170 KB of SVG
VIEW_CACHE_BYTES = 8 * 2**20


class _Kept:
    """A least-recently-used store bounded by count and by bytes."""

    def __init__(self, count: int, budget: int) -> None:
        self.count, self.budget = count, budget
        self.values: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self.used = 0

    def get(self, key: Any) -> Any:
        found = self.values.get(key)
        if found is None:
            return None
        self.values.move_to_end(key)
        return found[0]

    def put(self, key: Any, value: Any) -> None:
        weight = _weight(value)
        if key in self.values:
            self.used -= self.values.pop(key)[1]
        self.values[key] = (value, weight)
        self.used += weight
        while len(self.values) > 1 and (
            len(self.values) > self.count or self.used > self.budget
        ):
            self.used -= self.values.popitem(last=False)[1][1]


def _weight(value: Any) -> int:
    """About how many bytes `value` holds."""
    if isinstance(value, BitMap):
        return len(value.serialize())
    if isinstance(value, array):
        return len(value) * value.itemsize
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    return len(value) if isinstance(value, str | bytes) else 64


# Public records kept per snapshot (about fifty pages of the hottest entries);
# a changed entry's record is dropped by the next snapshot, so none is stale.
RECORD_CACHE_SIZE = 1024  # ~14 KiB each: ~14 MB per worker
BATCH = 20_000


def micros(moment: datetime) -> int:
    """A timestamp as an integer of microseconds (exact, unlike float seconds)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def _union(bitmaps: Iterable[BitMap]) -> BitMap:
    return BitMap.union(BitMap(), *bitmaps)


# --- taxonomy facts ---------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What the index needs of the taxonomies, read with each full build."""

    sub_lines: dict[str, frozenset[str]]  # a parent line -> its sub-lines
    region_countries: dict[str, frozenset[str]]
    # filter name -> value -> (display order, {locale: name})
    labels: dict[str, dict[Any, tuple[int, dict[str, str]]]]
    # filter name -> its values in display order
    ordered: dict[str, list[Any]] = field(default_factory=dict)
    _names: dict[str, dict[str, dict[Any, str]]] = field(
        default_factory=dict, compare=False
    )
    _search_names: list[text_search.TermName] = field(
        default_factory=list, compare=False
    )

    def names(self, locale: str) -> dict[str, dict[Any, str]]:
        """Filter name -> value -> name in `locale` (made once per locale)."""
        found = self._names.get(locale)
        if found is None:
            found = self._names[locale] = {
                name: {value: names[locale] for value, (_o, names) in table.items()}
                for name, table in self.labels.items()
            }
        return found

    def search_names(self) -> list[text_search.TermName]:
        """The names a text query can name terms by (made once)."""
        if not self._search_names:
            self._search_names.extend(
                text_search.term_names(
                    {
                        name: {value: names for value, (_o, names) in table.items()}
                        for name, table in self.labels.items()
                    }
                )
            )
        return self._search_names

    def parents(self) -> dict[str, str]:
        """A sub-line -> its line ("C7.4" -> "C7")."""
        return {
            child: parent
            for parent, children in self.sub_lines.items()
            for child in children
        }

    def lines(self, codes: Iterable[str]) -> set[str]:
        """`codes` with their sub-lines (filing under C7.3 is filing under C7)."""
        wanted = set(codes)
        for code in list(wanted):
            wanted |= self.sub_lines.get(code, frozenset())
        return wanted


def _read_terms(session: Session) -> Terms:
    sub_lines: dict[str, set[str]] = defaultdict(set)
    for code, parent in session.exec(
        select(ActionLine.code, ActionLine.parent_code).where(
            col(ActionLine.parent_code).is_not(None)
        )
    ).all():
        sub_lines[parent or ""].add(code)
    regions: dict[str, set[str]] = defaultdict(set)
    for iso2, region in session.exec(select(Country.iso2, Country.sub_region_code)):
        if region:
            regions[region].add(iso2)
    labels: dict[str, dict[Any, tuple[int, dict[str, str]]]] = {}
    for taxonomy in TAXONOMIES:  # every one whose names a page or export shows
        labels[taxonomy.name] = {
            getattr(term, taxonomy.key): (
                term.sort_order,
                {lang: getattr(term, f"name_{lang}") for lang in LANGUAGES},
            )
            for term in session.exec(select(taxonomy.model)).all()
        }
    return Terms(
        {k: frozenset(v) for k, v in sub_lines.items()},
        {k: frozenset(v) for k, v in regions.items()},
        labels,
        {
            name: sorted(table, key=lambda value: table[value][0])
            for name, table in labels.items()
        },
    )


# --- the snapshot -----------------------------------------------------------


@dataclass
class Snapshot:
    """The approved entries, by filter value. Not changed once published."""

    dialect: str
    terms: Terms
    approved: BitMap
    by_value: dict[str, dict[Any, BitMap]]  # filter name -> value -> entries
    started: dict[int, BitMap]  # start year -> entries starting then
    ended: dict[int, BitMap]  # end year -> entries (with a start) ending then
    undated: BitMap  # approved entries without a start date
    published: array  # type: ignore[type-arg]  # id -> newest-order key
    newest: array  # type: ignore[type-arg]  # ids, newest first (then id desc)
    # A place a query looked in -> the approved entries found there (PLACES_BYTES).
    places: dict[text_search.AnyOf, BitMap] = field(default_factory=dict)
    places_bytes: int = 0
    # The first term of each kept place's lookups -> those places: a changed
    # entry's document is tested against the places its terms lead to.
    place_terms: dict[str, tuple[text_search.AnyOf, ...]] = field(default_factory=dict)
    # What is computed from this snapshot and kept with it. Not init fields, so
    # `replace` (the next snapshot) starts each afresh; the records, which
    # the next snapshot keeps but for the changed entries, are passed on.
    _records: OrderedDict[int, Any] = field(default_factory=OrderedDict)
    _running: dict[int, BitMap] = field(default_factory=dict, init=False)
    _positions: np.ndarray | None = field(default=None, init=False)
    _texts: _Kept = field(
        default_factory=lambda: _Kept(TEXT_CACHE_SIZE, TEXT_CACHE_BYTES), init=False
    )
    _views: _Kept = field(
        default_factory=lambda: _Kept(VIEW_CACHE_SIZE, VIEW_CACHE_BYTES), init=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    # -- sort keys

    def newest_key(self, pid: int) -> tuple[int, int]:
        """Ascending = newest first: (published later, then larger id) first."""
        return (-self.published[pid], -pid)

    # -- years

    def dated(self) -> BitMap:
        return self.approved - self.undated

    def started_by(self, year: int) -> BitMap:
        """Entries that started in or before `year`."""
        return BitMap.union(
            BitMap(), *(b for y, b in self.started.items() if y <= year)
        )

    def not_ended_before(self, year: int) -> BitMap:
        """Dated entries still on in `year` or later (no end, or it ends then)."""
        ended_before = _union(b for y, b in self.ended.items() if y < year)
        return self.dated() - ended_before

    def running(self, year: int) -> BitMap:
        """Entries running at some time in `year` (the year facet's sense)."""
        with self._lock:
            found = self._running.get(year)
        if found is None:
            found = self.started_by(year) & self.not_ended_before(year)
            with self._lock:
                self._running[year] = found
        return found

    def newest_positions(self) -> np.ndarray:
        """Id -> its place in the newest order (0 = newest): ranking ties are
        broken by one lookup per entry instead of a sort by time."""
        with self._lock:
            found = self._positions
        if found is None:
            newest = np.frombuffer(self.newest, dtype=np.int64)
            found = np.zeros(len(self.published), dtype=np.int64)
            found[newest] = np.arange(len(newest), dtype=np.int64)
            with self._lock:
                self._positions = found
        return found

    # -- text

    def kept_places(self, places: Sequence[text_search.AnyOf]) -> list[BitMap | None]:
        """The kept hits of each of `places` (None: not kept), each found one
        now the most recently asked (the last to be dropped)."""
        with self._lock:
            found = [self.places.pop(place, None) for place in places]
            for place, hits in zip(places, found, strict=True):
                if hits is not None:
                    self.places[place] = hits
            return found

    def keep_place(self, place: text_search.AnyOf, hits: BitMap) -> None:
        """Keep `hits` (read from the database for this snapshot) for `place`;
        the next snapshots carry them, corrected for the entries they change."""
        with self._lock:
            if place in self.places:
                return
            self.places[place] = hits
            self.places_bytes += _weight(hits)
            for term in _first_terms(place):
                self.place_terms[term] = (*self.place_terms.get(term, ()), place)
            while self.places_bytes > PLACES_BYTES and len(self.places) > 1:
                oldest = next(iter(self.places))  # the least recently asked
                self.places_bytes -= _weight(self.places.pop(oldest))
                for term in _first_terms(oldest):
                    others = tuple(p for p in self.place_terms[term] if p != oldest)
                    if others:
                        self.place_terms[term] = others
                    else:
                        del self.place_terms[term]

    def places_holding(self, document: text_search.Document) -> set[text_search.AnyOf]:
        """The kept places `document` would be found in: those whose lookups
        start with one of its terms or a prefix of one, tested."""
        candidates: set[text_search.AnyOf] = set()
        for term in document.sorted:
            for end in range(1, len(term) + 1):
                candidates.update(self.place_terms.get(term[:end], ()))
        return {place for place in candidates if place.holds(document)}

    def cached_text(self, key: tuple[str, Any], compute: Callable[[], Any]) -> Any:
        """One text query's answer, kept with this snapshot: a new snapshot
        starts with none (ranks depend on every entry; the places a query
        looked in are carried over, `keep_place`)."""
        return self._remember(self._texts, key, compute)

    def cached_view(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """Something computed from this snapshot alone (a chart of the published
        entries), kept with it: correct until the next snapshot, which starts
        with none."""
        return self._remember(self._views, key, compute)

    def _remember(self, store: _Kept, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            found = store.get(key)
        if found is not None:
            return found
        value = compute()
        with self._lock:
            store.put(key, value)
        return value

    # -- public records

    def records_copy(self) -> OrderedDict[int, Any]:
        with self._lock:
            return OrderedDict(self._records)

    def cached_records(
        self, ids: Sequence[int], load: Callable[[list[int]], dict[int, Any]]
    ) -> dict[int, Any]:
        """The public records of `ids`: those kept with this snapshot, the others
        from `load` (which leaves out what is no longer public). The next
        snapshot keeps them all but those of the entries that changed."""
        with self._lock:
            found = {pid: self._records[pid] for pid in ids if pid in self._records}
            for pid in found:
                self._records.move_to_end(pid)
        missing = [pid for pid in ids if pid not in found]
        if missing:
            loaded = load(missing)
            found |= loaded
            with self._lock:
                self._records.update(loaded)
                while len(self._records) > RECORD_CACHE_SIZE:
                    self._records.popitem(last=False)
        return found


def _empty(dialect: str, terms: Terms) -> Snapshot:
    return Snapshot(
        dialect=dialect,
        terms=terms,
        approved=BitMap(),
        by_value={name: {} for name in [*LINK_FILTERS, *COLUMN_FILTERS]},
        started={},
        ended={},
        undated=BitMap(),
        published=array("q"),
        newest=array("q"),
    )


def _project_rows(session: Session, ids: BitMap) -> Iterator[Sequence[Any]]:
    """The rows of the entries `ids` (the columns the index reads), in batches."""
    table = Project.__table__  # type: ignore[attr-defined]
    query = select(*(table.c[name] for name in PROJECT_COLUMNS))
    query = query.where(table.c.id.in_(list(ids)))
    result = session.connection().execute(query.execution_options(yield_per=BATCH))
    yield from result.partitions()


def _link_rows(session: Session, name: str, ids: BitMap) -> Iterator[Sequence[Any]]:
    spec = LINK_FILTERS[name]
    assert spec.link is not None
    table = spec.link.__table__  # type: ignore[attr-defined]
    query = select(table.c.project_id, table.c[spec.link_column])
    query = query.where(table.c.project_id.in_(list(ids)))
    result = session.connection().execute(query.execution_options(yield_per=BATCH))
    yield from result.partitions()


class _Builder:
    """Writes into a copy of a snapshot: each bitmap copied once, on first write."""

    def __init__(self, base: Snapshot, *, fresh: bool) -> None:
        with base._lock:  # queries add places to the base meanwhile
            places = {} if fresh else dict(base.places)
            place_terms = {} if fresh else dict(base.place_terms)
        self.snapshot = replace(
            base,
            approved=BitMap(base.approved),
            by_value={name: dict(values) for name, values in base.by_value.items()},
            started=dict(base.started),
            ended=dict(base.ended),
            undated=BitMap(base.undated),
            published=array("q", base.published),
            newest=array("q", base.newest),
            places=places,
            places_bytes=base.places_bytes if places else 0,
            place_terms=place_terms,
            _records=OrderedDict() if fresh else base.records_copy(),
        )
        self._copied: set[int] = set()
        self.fresh = fresh

    def _writable(self, table: dict[Any, BitMap], key: Any) -> BitMap:
        bitmap = table.get(key)
        if bitmap is None:
            bitmap = table[key] = BitMap()
            self._copied.add(id(bitmap))
        elif id(bitmap) not in self._copied and not self.fresh:
            bitmap = table[key] = BitMap(bitmap)
            self._copied.add(id(bitmap))
        return bitmap

    def add(self, table: dict[Any, BitMap], key: Any, ids: Iterable[int]) -> None:
        self._writable(table, key).update(ids)

    def remove(self, ids: BitMap) -> None:
        """Forget `ids` everywhere (before adding back those still approved)."""
        snap = self.snapshot
        for pid in ids:
            snap._records.pop(pid, None)
        tables = [*snap.by_value.values(), snap.started, snap.ended]
        for table in tables:
            for key, bitmap in list(table.items()):
                if bitmap.intersect(ids):
                    self._writable(table, key).difference_update(ids)
        for pid in ids:
            if pid in snap.approved:
                position = bisect.bisect_left(
                    snap.newest, snap.newest_key(pid), key=snap.newest_key
                )
                del snap.newest[position]
        snap.approved.difference_update(ids)
        snap.undated.difference_update(ids)

    def add_project(self, row: Any) -> None:
        """File one approved project row under its column values and dates."""
        snap = self.snapshot
        pid = row.id
        snap.approved.add(pid)
        for name, column in COLUMN_FILTERS.items():
            value = getattr(row, column)
            if value is not None:
                self._writable(snap.by_value[name], value).add(pid)
        if row.start_date is None:
            snap.undated.add(pid)
        else:
            self._writable(snap.started, row.start_date.year).add(pid)
            if row.end_date is not None:
                self._writable(snap.ended, row.end_date.year).add(pid)
        if len(snap.published) <= pid:
            snap.published.extend([0] * (pid + 1 - len(snap.published)))
        snap.published[pid] = published_key(row.published_at, snap.dialect)
        position = bisect.bisect_left(
            snap.newest, snap.newest_key(pid), key=snap.newest_key
        )
        snap.newest.insert(position, pid)

    def load(self, session: Session, ids: BitMap) -> None:
        """Read the entries `ids` again: those approved and their links."""
        documents: dict[int, text_search.Document] = {}
        for batch in _project_rows(session, ids):
            for row in batch:
                if row.status == ProjectStatus.APPROVED:
                    self.add_project(row)
                    if self.snapshot.places:
                        documents[row.id] = text_search.Document(
                            row.search_document or ""
                        )
        self._correct_places(ids, documents)
        snap = self.snapshot
        for name in LINK_FILTERS:
            for batch in _link_rows(session, name, ids):
                grouped: dict[Any, list[int]] = defaultdict(list)
                for pid, value in batch:
                    if pid in snap.approved:
                        grouped[value].append(pid)
                for value, pids in grouped.items():
                    self.add(snap.by_value[name], value, pids)

    def _correct_places(
        self, ids: BitMap, documents: dict[int, text_search.Document]
    ) -> None:
        """Make each kept place hold, of the entries `ids`, those whose
        `documents` (the approved ones') are found there; copy only the
        places whose share of `ids` changes (none, for a document the same)."""
        snap = self.snapshot
        found_in: defaultdict[text_search.AnyOf, BitMap] = defaultdict(BitMap)
        for pid, document in documents.items():
            for place in snap.places_holding(document):
                found_in[place].add(pid)
        for place, hits in list(snap.places.items()):
            wanted = found_in.get(place)
            if hits.intersect(ids) if wanted is None else hits & ids != wanted:
                writable = self._writable(snap.places, place)
                writable.difference_update(ids)
                if wanted is not None:
                    writable.update(wanted)


def _first_terms(place: text_search.AnyOf) -> set[str]:
    return {lookup.terms[0] for lookup in place.lookups}


def _id_lists(session: Session, sql: str) -> Iterator[tuple[Any, BitMap]]:
    """(value, entries) per row of a `value, ids` query, the ids aggregated in
    the database as one comma-separated text: a million links are read as a
    few dozen rows and parsed in C, not built row by row in Python."""
    for value, ids in session.connection().exec_driver_sql(sql):
        yield value, BitMap(map(int, ids.split(",")))


def _aggregate(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"group_concat({column})"
    return f"string_agg({column}::text, ',')"


def published_key(value: Any, dialect: str) -> int:
    """An entry's place in the newest order, from its stored publication time."""
    return UNPUBLISHED_KEY[dialect] if value is None else micros(_moment(value))


def _moment(value: Any) -> datetime:
    """A stored timestamp as read by the driver: text on SQLite (UTC, no zone)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment: datetime = value
    return moment


def _year(value: Any) -> int:
    return int(value[:4]) if isinstance(value, str) else int(value.year)


def _bulk_load(builder: _Builder, session: Session) -> None:
    """Read every approved entry: its dates and order row by row (through the
    covering index), its filter values as aggregated id lists."""
    snap = builder.snapshot
    approved = f"status = '{ProjectStatus.APPROVED.value}'"
    rows = session.connection().exec_driver_sql(
        f"SELECT id, published_at, start_date, end_date FROM project WHERE {approved}"
    )
    keys: dict[int, int] = {}
    started: dict[int, list[int]] = defaultdict(list)
    ended: dict[int, list[int]] = defaultdict(list)
    undated: list[int] = []
    for pid, published, start, end in (r for b in rows.partitions(BATCH) for r in b):
        keys[pid] = published_key(published, snap.dialect)
        if start is None:
            undated.append(pid)
            continue
        started[_year(start)].append(pid)
        if end is not None:
            ended[_year(end)].append(pid)
    snap.approved = BitMap(keys)
    snap.undated = BitMap(undated)
    snap.started = {year: BitMap(ids) for year, ids in started.items()}
    snap.ended = {year: BitMap(ids) for year, ids in ended.items()}
    snap.published = array("q", bytes(8 * (max(keys, default=0) + 1)))
    for pid, key in keys.items():
        snap.published[pid] = key
    snap.newest = array("q", sorted(keys, key=lambda pid: (-keys[pid], -pid)))
    ids = _aggregate(snap.dialect, "id")
    for name, column in COLUMN_FILTERS.items():
        sql = (
            f"SELECT {column}, {ids} FROM project WHERE {approved} "
            f"AND {column} IS NOT NULL GROUP BY {column}"
        )
        snap.by_value[name] = dict(_id_lists(session, sql))
    for name, spec in LINK_FILTERS.items():
        assert spec.link is not None
        table = spec.link.__tablename__
        project_ids = _aggregate(snap.dialect, "project_id")
        sql = (
            f"SELECT {spec.link_column}, {project_ids} FROM {table} "
            f"GROUP BY {spec.link_column}"
        )
        snap.by_value[name] = {
            value: members & snap.approved for value, members in _id_lists(session, sql)
        }


def build(session: Session) -> Snapshot:
    """A snapshot of everything approved, read afresh."""
    dialect = session.get_bind().dialect.name
    builder = _Builder(_empty(dialect, _read_terms(session)), fresh=True)
    _bulk_load(builder, session)
    return builder.snapshot


def updated(session: Session, base: Snapshot, ids: BitMap) -> Snapshot:
    """The next snapshot: `base` with the entries `ids` read again."""
    builder = _Builder(base, fresh=False)
    if len(ids) > PLACES_CARRIED_MAX:  # each kept place would test each entry
        builder.snapshot.places, builder.snapshot.places_bytes = {}, 0
        builder.snapshot.place_terms = {}
    builder.remove(ids)
    builder.load(session, ids)
    return builder.snapshot


# --- following the change log ------------------------------------------------


def mark_all_changed(session: Session) -> None:
    """Record that every worker must read the whole catalog again (after a bulk
    load or a taxonomy reload); committed with the caller's transaction."""
    session.execute(insert(CatalogChange).values(project_id=None))


def prune_changes(session: Session, *, older_than: timedelta) -> int:
    """Delete the change rows older than `older_than`, but always keep the
    newest (the anchor of an index that saw nothing since). A worker whose
    anchor is deleted notices it at its next request and reads the catalog
    again, once; with a keep of days, only a worker idle that long does.
    Returns how many rows went."""
    newest = session.exec(select(func.max(CatalogChange.seq))).one()
    if newest is None:
        return 0
    cutoff = datetime.now(UTC) - older_than
    result = session.connection().execute(
        delete(CatalogChange).where(
            col(CatalogChange.seq) < newest, col(CatalogChange.changed_at) < cutoff
        )
    )
    session.commit()
    return result.rowcount


# Polled on every request: a Core statement on the session's connection costs
# a third of the same select through the ORM session.
_CHANGES_SINCE = (
    select(CatalogChange.seq, CatalogChange.project_id)
    .where(col(CatalogChange.seq) >= bindparam("anchor"))
    .order_by(col(CatalogChange.seq))
)


@dataclass
class CatalogIndex:
    """One database's catalog, as this worker last read it."""

    snapshot: Snapshot | None = None
    anchor: int | None = None  # the last change row taken as final
    recent: dict[int, float] = field(default_factory=dict)  # seq -> when applied
    lock: threading.Lock = field(default_factory=threading.Lock)
    builds: int = 0
    # The index's words, read at most every VOCABULARY_SECONDS (spelling).
    words: dict[str, int] = field(default_factory=dict)
    words_read_at: float = -VOCABULARY_SECONDS
    words_build: int = -1
    words_lock: threading.Lock = field(default_factory=threading.Lock)

    def vocabulary(self, session: Session) -> dict[str, int]:
        """The words of the search documents (services.filters.index_words),
        read again after a full build or when older than VOCABULARY_SECONDS:
        reading them is a scan of the index, so a spelling may miss the words
        of entries published in the last minutes."""
        with self.words_lock:
            stale = time.monotonic() - self.words_read_at >= VOCABULARY_SECONDS
            if stale or self.words_build != self.builds:
                self.words = index_words(session)
                self.words_read_at = time.monotonic()
                self.words_build = self.builds
            return self.words

    def current(self, session: Session) -> Snapshot:
        """The snapshot, with every committed change applied."""
        with self.lock:
            rows = (
                session.connection()
                .execute(_CHANGES_SINCE, {"anchor": self.anchor or 0})
                .all()
            )
            if self.snapshot is None or self._lost(rows):
                self._rebuild(session)
            else:
                self._apply(session, rows)
            self._advance()
            assert self.snapshot is not None
            return self.snapshot

    def _lost(self, rows: Sequence[Any]) -> bool:
        """True if rows this index applied are gone (rolled back, or pruned)."""
        seen = {seq for seq, _pid in rows}
        if self.anchor is not None and self.anchor not in seen:
            return True
        return any(seq not in seen for seq in self.recent)

    def _rebuild(self, session: Session) -> None:
        last = session.exec(select(func.max(CatalogChange.seq))).one()
        self.snapshot = build(session)
        self.builds += 1
        self.anchor = last
        self.recent = {}
        return_free_memory()

    def _apply(self, session: Session, rows: Sequence[Any]) -> None:
        assert self.snapshot is not None
        new = [(s, p) for s, p in rows if s != self.anchor and s not in self.recent]
        if not new:
            return
        if any(pid is None for _seq, pid in new):
            self._rebuild(session)
            return
        self.snapshot = updated(session, self.snapshot, BitMap(p for _s, p in new))
        now = time.monotonic()
        self.recent.update({seq: now for seq, _pid in new})

    def _advance(self) -> None:
        """Take the rows applied more than WINDOW_SECONDS ago as final."""
        cutoff = time.monotonic() - WINDOW_SECONDS
        final = [seq for seq, at in self.recent.items() if at <= cutoff]
        if final:
            self.anchor = max(final)
            self.recent = {s: at for s, at in self.recent.items() if s > self.anchor}


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return None


def return_free_memory() -> None:
    """Hand the allocator's free pages back to the system (glibc's
    `malloc_trim`). A full build's transient rows and lists, about ten times
    the snapshot it leaves, are freed but stay resident otherwise: at
    100,000 entries this takes a worker from about 133 to 96 MB, and RSS is
    what a deployment sizes its workers by. Elsewhere, nothing."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_INDEXES: "weakref.WeakKeyDictionary[Engine, CatalogIndex]" = (
    weakref.WeakKeyDictionary()
)
_INDEXES_LOCK = threading.Lock()


def index_for(session: Session) -> CatalogIndex:
    """This worker's index of the session's database (one per engine)."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _INDEXES_LOCK:
        found = _INDEXES.get(engine)
        if found is None:
            found = _INDEXES[engine] = CatalogIndex()
        return found


def snapshot(session: Session) -> Snapshot:
    return index_for(session).current(session)


# --- full text ---------------------------------------------------------------


def filed_under(snap: Snapshot, name: str, value: Any) -> BitMap:
    """The entries filed under one term (C7 with its sub-lines, a sub-region
    with its countries)."""
    if name == "sub_region":
        table = snap.by_value["country"]
        members = snap.terms.region_countries.get(value, frozenset())
        return _union(table[c] for c in members if c in table)
    table = snap.by_value[name]
    values = snap.terms.lines([value]) if name == "action_line" else {value}
    return _union(table[v] for v in values if v in table)


@dataclass(frozen=True)
class TextAnswer:
    """A text query's matching entries, best first, the terms it names and the
    words it searched for others (services.text_search.resolve)."""

    ranking: text_search.Ranking
    hits: BitMap
    named: list[text_search.NamedTerm]
    corrections: dict[str, str]

    @property
    def nbytes(self) -> int:
        return self.ranking.nbytes + len(self.hits.serialize())


def _places(session: Session, snap: Snapshot, unit: Unit) -> list[tuple[int, BitMap]]:
    """The approved entries found in each place of `unit`, kept with the
    snapshot and carried by the next ones (PLACES_BYTES): queries share their
    words, so a word looked up once serves them all, also after a change. The
    places not kept yet are read in one statement."""
    places = lookups(unit)
    kept = snap.kept_places([place for _w, place in places])
    missing = [p for (_w, p), hits in zip(places, kept, strict=True) if hits is None]
    read = iter(lookup_hits(session, missing))
    found: list[tuple[int, BitMap]] = []
    for (weight, place), hits in zip(places, kept, strict=True):
        if hits is None:
            hits = next(read) & snap.approved
            snap.keep_place(place, hits)
        found.append((weight, hits))
    return found


def unit_hits(session: Session, snap: Snapshot, word: str) -> BitMap:
    """The approved entries holding `word` (folded) or one of its stems."""
    unit = Unit((word,), analysis.query_stems(word))
    return _union(hits for _w, hits in _places(session, snap, unit))


def warm_up(session: Session, *, budget: int = WARM_BYTES) -> int:
    """Read the places of the index's most common words (WARM_SHARE of the
    entries or more, most common first) as a query would ask for them, as its
    last word and as another, into the current snapshot, until the kept places
    weigh `budget` bytes. Reads the spelling vocabulary on the way. Returns
    how many words were read."""
    index = index_for(session)
    snap = index.current(session)
    vocabulary = index.vocabulary(session)
    least = max(1, math.ceil(WARM_SHARE * len(snap.approved)))
    common = sorted(
        (word for word, documents in vocabulary.items() if documents >= least),
        key=lambda word: (-vocabulary[word], word),
    )
    warmed = 0
    for word in common:
        if snap.places_bytes >= budget:
            break
        snap = index.current(session)  # a change meanwhile: keep into the next
        units = analysis.parse_query(word) + analysis.parse_query(f"{word} ")
        for unit in dict.fromkeys(units):
            _places(session, snap, unit)
        session.commit()  # end the read: a long one keeps an old view (SQLite)
        warmed += 1
    return warmed


def run_warm_up(
    engine: Engine, replica: ReadReplica | None, done: threading.Event
) -> None:
    """The warm-up thread (app.main's lifespan): `warm_up` the primary's
    index, then the read replica's (anonymous searches read there), then set
    `done`. A failure is logged and nothing else: the service answers the
    same without it, only a common word's first query is slower."""
    try:
        with Session(engine) as session:
            warm_up(session)
        if replica is not None:
            replica_session = replica.open_session()
            if replica_session is not None:
                with replica_session:
                    warm_up(replica_session)
    except Exception:  # an optimisation: the service must start without it
        logger.exception("search warm-up failed")
    finally:
        done.set()


def resolved(session: Session, snap: Snapshot, q: str) -> text_search.Resolved:
    """`q` as searched among this snapshot's entries."""

    def found(unit: Unit) -> bool:
        return any(hits for _w, hits in _places(session, snap, unit))

    def closest(word: str) -> list[str]:
        vocabulary = index_for(session).vocabulary(session)
        return text_search.spellings(word, vocabulary)

    return text_search.resolve(
        analysis.parse_query(q), snap.terms.search_names(), found, closest
    )


def text_answer(session: Session, snap: Snapshot, q: str) -> TextAnswer:
    """What `q` finds among the approved entries, ranked (services.text_search),
    kept with the snapshot."""
    units = tuple(analysis.parse_query(q))

    def compute() -> TextAnswer:
        query = resolved(session, snap, q)
        places = text_search.with_terms(
            query,
            [_places(session, snap, unit) for unit in query.units],
            lambda term: filed_under(snap, term.filter, term.value),
            snap.approved,
        )
        published = np.frombuffer(snap.published, dtype=np.int64)
        positions = snap.newest_positions()
        ranking = text_search.rank(
            places,
            lambda ids: published[ids],
            len(snap.approved),
            lambda ids: positions[ids],
        )
        return TextAnswer(ranking, ranking.hits(), query.named, query.corrections)

    found: TextAnswer = snap.cached_text(("query", units), compute)
    return found


def text_hits(session: Session, snap: Snapshot, q: str) -> BitMap:
    """Approved entries matching any unit of `q` (services.text_search): the
    same match as services.filters.text_match."""
    if not analysis.parse_query(q):
        return snap.approved
    return text_answer(session, snap, q).hits


# --- a query's entries and facet counts --------------------------------------


def filter_sets(session: Session, snap: Snapshot, filters: Any) -> dict[str, BitMap]:
    """Each active filter's entries (OR within the filter), by filter name;
    "year" for the years, "q" for the text."""
    found: dict[str, BitMap] = {}
    for name in FILTERS:
        values = getattr(filters, name)
        if not values:
            continue
        if name == "action_line":
            values = snap.terms.lines(values)
        elif name == "sub_region":
            table = snap.by_value["country"]
            countries = set().union(
                *(snap.terms.region_countries.get(v, frozenset()) for v in values)
            )
            found[name] = BitMap.union(
                BitMap(), *(table.get(c, BitMap()) for c in countries)
            )
            continue
        table = snap.by_value[name]
        found[name] = _union(table[v] for v in values if v in table)
    years = snap.approved
    if filters.year_to is not None:
        years = years & snap.started_by(filters.year_to)
    if filters.year_from is not None:
        years = years & snap.not_ended_before(filters.year_from)
    if filters.year_from is not None or filters.year_to is not None:
        found["year"] = years
    if filters.q and analysis.parse_query(filters.q):
        found["q"] = text_hits(session, snap, filters.q)
    return found


def intersection(snap: Snapshot, sets: dict[str, BitMap], without: str = "") -> BitMap:
    chosen = [bitmap for name, bitmap in sets.items() if name != without]
    if not chosen:
        return snap.approved
    return BitMap.intersection(snap.approved, *chosen)


def value_counts(snap: Snapshot, name: str, base: BitMap) -> dict[Any, int]:
    """Entries of `base` per value of filter `name` (C7 counts its sub-lines;
    a sub-region, the entries running in any of its countries)."""
    if name == "sub_region":
        countries = snap.by_value["country"]
        return {
            region: base.intersection_cardinality(
                _union(countries[c] for c in members if c in countries)
            )
            for region, members in snap.terms.region_countries.items()
        }
    table = snap.by_value[name]
    if base is snap.approved:  # no other filter: every table is within it
        counts = {value: len(bitmap) for value, bitmap in table.items()}
    else:
        counts = {
            value: base.intersection_cardinality(bitmap)
            for value, bitmap in table.items()
        }
    if name == "action_line":
        for parent, children in snap.terms.sub_lines.items():
            members = [table[c] for c in (parent, *children) if c in table]
            counts[parent] = base.intersection_cardinality(_union(members))
    return counts


def cross_counts(
    snap: Snapshot, rows: str, cols: str, base: BitMap
) -> dict[tuple[Any, Any], int]:
    """Entries of `base` per (value of `rows`, value of `cols`), where not 0."""
    counts: dict[tuple[Any, Any], int] = {}
    for row, row_members in snap.by_value[rows].items():
        narrowed = base & row_members
        if not narrowed:
            continue
        for column, members in snap.by_value[cols].items():
            count = narrowed.intersection_cardinality(members)
            if count:
                counts[(row, column)] = count
    return counts


def year_counts(snap: Snapshot, base: BitMap) -> list[tuple[int, int]]:
    """(year, entries of `base` running in it), latest first: from the first
    start to the last start or end among `base`, as services.facets does."""
    starts = [y for y, b in snap.started.items() if b.intersect(base)]
    if not starts:
        return []
    ends = [y for y, b in snap.ended.items() if b.intersect(base)]
    first = min(starts)
    last = min(max([*starts, *ends]), first + 200)
    counts = [
        (y, base.intersection_cardinality(snap.running(y)))
        for y in range(first, last + 1)
    ]
    return [(y, n) for y, n in reversed(counts) if n]


def start_counts(snap: Snapshot, base: BitMap) -> list[tuple[int, int]]:
    """(year, entries of `base` starting in it), latest first."""
    counts = ((y, base.intersection_cardinality(b)) for y, b in snap.started.items())
    return sorted(((y, n) for y, n in counts if n), reverse=True)


def newest_page(
    snap: Snapshot, matched: BitMap, after: tuple[int, int] | None, size: int
) -> list[int]:
    """Up to `size` entries of `matched` in newest order, after the cursor key."""
    start = 0
    if after is not None:
        start = bisect.bisect_right(snap.newest, after, key=snap.newest_key)
    total = len(snap.newest) - start
    if total <= 0 or not matched:
        return []
    # Dense: walk the order; sparse: pick the smallest keys among the matches.
    expected_walk = size * total / len(matched)
    if expected_walk < len(matched):
        page: list[int] = []
        limit = int(expected_walk * 8) + 1000
        for position in range(start, min(len(snap.newest), start + limit)):
            pid = snap.newest[position]
            if pid in matched:
                page.append(pid)
                if len(page) == size:
                    return page
        if start + limit >= len(snap.newest):
            return page
    candidates: Iterable[int] = matched
    if after is not None:
        candidates = (p for p in matched if snap.newest_key(p) > after)
    return heapq.nsmallest(size, candidates, key=snap.newest_key)


def cursor_key(published: datetime | None, pid: int, dialect: str) -> tuple[int, int]:
    return (-published_key(published, dialect), -pid)


def start_year(value: date | None) -> int | None:
    return value.year if value else None
