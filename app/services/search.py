"""The public catalog: a page of matching entries, sorted, with the facets.

Filters live in services.filters, facet counts in services.facets.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from pydantic import TypeAdapter
from pyroaring import BitMap
from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import analysis
from app.errors import ErrorCode, InvalidInput
from app.languages import fallback_order
from app.models import (
    Project,
)
from app.schemas.project import ProjectPublic
from app.schemas.search import (
    FacetCount,
    ProjectSearchPage,
    SearchParams,
    SortOrder,
    Suggestion,
    SuggestionKind,
)
from app.services import catalog_index, records, text_search
from app.services.facets import facet_counts, indexed_facet_counts
from app.services.filters import (
    check_codes,
    filed_condition,
    lookup_hits,
    matching,
    resolved_query,
)
from app.services.projects import public_condition, public_records
from app.services.records import PublicEntry
from app.services.text_search import lookups

MAX_ID = 2**63  # ids are BIGINT-safe on every backend; larger ones are not ours

# --- ordering and pages -----------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass(frozen=True)
class Ordering:
    """A sort: its key expression (per locale), direction and cursor codec."""

    key: Callable[[str], Any]
    descending: bool
    parse: Callable[[Any], Any]


def _title_key(locale: str) -> Any:
    titles = [getattr(Project, f"title_{lang}") for lang in fallback_order(locale)]
    return func.lower(func.coalesce(*titles, ""))


def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


ORDERINGS: dict[SortOrder, Ordering] = {
    SortOrder.NEWEST: Ordering(lambda _l: col(Project.published_at), True, _aware),
    SortOrder.TITLE: Ordering(_title_key, False, str),
    SortOrder.START_DATE: Ordering(
        lambda _l: func.coalesce(col(Project.start_date), date(1, 1, 1)),
        True,
        date.fromisoformat,
    ),
}


def _encode(payload: list[Any]) -> str:
    raw = json.dumps([_iso(value) for value in payload])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: SortOrder) -> list[Any]:
    """[sort, key, id], or [relevance, score, publication key, id]; a cursor
    of another sort is refused."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(payload, list) or payload[0] != sort.value:
            raise ValueError(cursor)
        if sort == SortOrder.RELEVANCE:
            _sort, score, published, pid = payload
            numbers = [score, pid, published if published >= 0 else -published]
        else:
            numbers = [payload[2]]
        if not all(isinstance(n, int) and 0 <= n < MAX_ID for n in numbers):
            raise ValueError(cursor)
        if sort != SortOrder.RELEVANCE:
            payload[1] = ORDERINGS[sort].parse(payload[1])
    except (ValueError, TypeError, IndexError, binascii.Error) as exc:
        raise InvalidInput(ErrorCode.INVALID_CURSOR, loc=("query", "cursor")) from exc
    return list(payload)


def _after(ordering: Ordering, key: Any, value: Any, pid: int) -> ColumnElement[bool]:
    if ordering.descending:
        return or_(key < value, and_(key == value, col(Project.id) < pid))
    return or_(key > value, and_(key == value, col(Project.id) > pid))


def _reference_ranking(session: Session, q: str) -> text_search.Ranking:
    """`q`'s ranking from plain SQL: every lookup and every named term's
    entries queried, ranked by services.text_search as the index ranks."""
    query = resolved_query(session, q)
    dialect = session.get_bind().dialect.name
    published: dict[int, int] = {
        int(pid or 0): catalog_index.published_key(moment, dialect)
        for pid, moment in session.exec(
            select(col(Project.id), col(Project.published_at)).where(public_condition())
        ).all()
    }
    public = BitMap(published)
    found: list[text_search.Places] = []
    for unit in query.units:
        places_of = lookups(unit)
        read = lookup_hits(session, [place for _w, place in places_of])
        found.append(
            [(w, hits & public) for (w, _p), hits in zip(places_of, read, strict=True)]
        )

    def filed(term: text_search.NamedTerm) -> BitMap:
        condition = filed_condition(session, term.filter, term.value)
        ids = session.exec(select(col(Project.id)).where(condition)).all()
        return BitMap(int(pid or 0) for pid in ids) & public

    places = text_search.with_terms(query, found, filed, public)

    def keys(ids: np.ndarray) -> np.ndarray:
        return np.array([published[int(pid)] for pid in ids], dtype=np.int64)

    return text_search.rank(places, keys, len(public))


def _relevance_page(
    ranking: text_search.Ranking, cursor: str | None, matched: BitMap, size: int
) -> list[tuple[int, int]]:
    """(position, id) of up to `size` entries of `matched` in `ranking`, after
    the cursor's entry (a keyset: its score, publication time and id)."""
    start = 0
    if cursor:
        _sort, score, published, pid = _decode(cursor, SortOrder.RELEVANCE)
        start = ranking.start_after(score, published, pid)
    page: list[tuple[int, int]] = []
    depth = max(4 * size, 256)  # a first look; deeper when filters leave few
    while start < len(ranking):
        ids = ranking.ranked_ids(start, depth)
        for offset, pid in enumerate(ids):
            if pid in matched:
                page.append((start + offset, pid))
                if len(page) == size:
                    return page
        start, depth = start + len(ids), depth * 8
    return page


def _relevance_cursor(ranking: text_search.Ranking, position: int) -> str:
    return _encode([SortOrder.RELEVANCE.value, *ranking.entry(position)])


def _page_by_key(
    session: Session,
    base: SelectOfScalar[Project],
    params: SearchParams,
    sort: SortOrder,
    locale: str,
) -> tuple[list[Project], str | None]:
    ordering = ORDERINGS[sort]
    key = ordering.key(locale)
    query = base.add_columns(key.label("sort_key"))
    if params.cursor:
        _sort, value, pid = _decode(params.cursor, sort)
        query = query.where(_after(ordering, key, value, pid))

    def direction(expression: Any) -> Any:
        return expression.desc() if ordering.descending else expression.asc()

    rows = list(
        session.execute(
            query.order_by(direction(key), direction(col(Project.id)))
            .offset(params.offset)
            .limit(params.limit + 1)
        ).all()
    )
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = None
    if more:
        last, last_key = rows[-1]
        next_cursor = _encode([sort.value, last_key, last.id])
    return [project for project, _key in rows], next_cursor


def _reference_relevance_page(
    session: Session, base: SelectOfScalar[Project], params: SearchParams
) -> tuple[list[Project], str | None]:
    assert params.q is not None
    ranking = _reference_ranking(session, params.q)
    matched = BitMap(int(project.id or 0) for project in session.exec(base).all())
    found = _relevance_page(
        ranking, params.cursor, matched, params.offset + params.limit + 1
    )[params.offset :]
    more = len(found) > params.limit
    found = found[: params.limit]
    by_id = {
        p.id: p
        for p in session.exec(
            select(Project).where(col(Project.id).in_([pid for _at, pid in found]))
        ).all()
    }
    cursor = _relevance_cursor(ranking, found[-1][0]) if more else None
    return [by_id[pid] for _at, pid in found], cursor


def reference_search(
    session: Session, *, params: SearchParams, locale: str
) -> ProjectSearchPage:
    """The plain SQL answer to `params`: every filter, the page and each facet
    as a query. The specification of `search_projects`, which tests compare
    it with on random data; too slow to serve (seconds at 100,000 entries)."""
    check_codes(session, params)
    base = matching(session, params)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    if sort == SortOrder.RELEVANCE and params.q and analysis.parse_query(params.q):
        page, next_cursor = _reference_relevance_page(session, base, params)
    else:
        sort = SortOrder.NEWEST if sort == SortOrder.RELEVANCE else sort
        page, next_cursor = _page_by_key(session, base, params, sort, locale)
    return ProjectSearchPage(
        items=records.to_public(session, page),
        total=total,
        next_cursor=next_cursor,
        facets=facet_counts(session, params, locale),
    )


def _in_order(
    session: Session, snap: catalog_index.Snapshot, ids: list[int]
) -> list[tuple[int, PublicEntry]]:
    """The entries `ids` still published and their public records, in that
    order; the records are kept with the snapshot."""
    if not ids:
        return []
    found = snap.cached_records(ids, lambda missing: public_records(session, missing))
    return [(pid, found[pid]) for pid in ids if pid in found]


def _indexed_page(
    session: Session,
    snap: catalog_index.Snapshot,
    matched: BitMap,
    params: SearchParams,
    sort: SortOrder,
) -> tuple[list[PublicEntry], str | None]:
    """A page in relevance or newest order, chosen in the index."""
    size = params.limit + 1
    if sort == SortOrder.RELEVANCE:
        assert params.q is not None
        ranking = catalog_index.text_answer(session, snap, params.q).ranking
        found = _relevance_page(ranking, params.cursor, matched, params.offset + size)
        found = found[params.offset :]
        positions = {pid: position for position, pid in found}
        page = _in_order(session, snap, [pid for _at, pid in found])
        more = len(page) > params.limit
        page = page[: params.limit]
        cursor = _relevance_cursor(ranking, positions[page[-1][0]]) if more else None
        return [entry for _pid, entry in page], cursor
    after = None
    if params.cursor:
        _sort, value, pid = _decode(params.cursor, sort)
        after = catalog_index.cursor_key(value, pid, snap.dialect)
    ids = catalog_index.newest_page(snap, matched, after, params.offset + size)
    page = _in_order(session, snap, ids[params.offset :])
    more = len(page) > params.limit
    page = page[: params.limit]
    cursor = None
    if more:
        last_id, last = page[-1]
        cursor = _encode([sort.value, last.record.published_at, last_id])
    return [entry for _pid, entry in page], cursor


MAX_FILTER_SUGGESTIONS = 3


def _replaced(q: str, word: str, other: str) -> str:
    """`q` with the whitespace-separated chunk holding `word` made `other`."""
    chunks = q.split()
    for i, chunk in enumerate(chunks):
        if word in analysis.words(chunk):
            chunks[i] = other
            break
    return " ".join(chunks)


def _text_suggestions(
    session: Session,
    snap: catalog_index.Snapshot,
    params: SearchParams,
    sets: dict[str, BitMap],
    locale: str,
) -> list[Suggestion]:
    """The filters the query names (with the entries each would leave) and a
    spelling for each word found nowhere."""
    assert params.q is not None
    answer = catalog_index.text_answer(session, snap, params.q)
    others = catalog_index.intersection(snap, sets, without="q")
    names = snap.terms.names(locale)
    found: list[Suggestion] = []
    for term in answer.named:
        if term.value in (getattr(params, term.filter) or []):
            continue
        filed = catalog_index.filed_under(snap, term.filter, term.value)
        count = others.intersection_cardinality(filed)
        if count:
            found.append(
                Suggestion(
                    kind=SuggestionKind.FILTER,
                    filter=term.filter,
                    value=term.value,
                    label=names[term.filter].get(term.value),
                    count=count,
                )
            )
    found.sort(key=lambda s: -s.count)
    found = found[:MAX_FILTER_SUGGESTIONS]
    searched = params.q  # with every word found nowhere spelt as searched
    for word, other in answer.corrections.items():
        searched = _replaced(searched, word, other)
    for word, other in answer.corrections.items():
        count = len(catalog_index.unit_hits(session, snap, other))
        found.append(
            Suggestion(kind=SuggestionKind.SPELLING, word=word, q=searched, count=count)
        )
    return found


def _suggestions(
    session: Session,
    snap: catalog_index.Snapshot,
    params: SearchParams,
    sets: dict[str, BitMap],
    total: int,
    locale: str,
) -> list[Suggestion]:
    """Ways on from an answer; when it is empty, also each filter (or the
    words, "q") whose leaving out would find entries."""
    found: list[Suggestion] = []
    if params.q and analysis.parse_query(params.q):
        found += _text_suggestions(session, snap, params, sets, locale)
    if total == 0:
        for name in sets:  # "q" too: the query's words left out
            count = len(catalog_index.intersection(snap, sets, without=name))
            if count:
                found.append(
                    Suggestion(
                        kind=SuggestionKind.DROP_FILTER, filter=name, count=count
                    )
                )
    return found


@dataclass(frozen=True)
class _Found:
    """A page of results before it becomes a model or JSON."""

    entries: list[PublicEntry]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]]
    suggestions: list[Suggestion]

    def page(self, items: list[ProjectPublic]) -> ProjectSearchPage:
        return ProjectSearchPage(
            items=items,
            total=self.total,
            next_cursor=self.next_cursor,
            facets=self.facets,
            suggestions=self.suggestions,
        )


def _search(session: Session, params: SearchParams, locale: str) -> _Found:
    snap = catalog_index.snapshot(session)
    check_codes(session, params, known=snap.terms.labels)
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    if sort == SortOrder.RELEVANCE and not (
        params.q and analysis.parse_query(params.q)
    ):
        sort = SortOrder.NEWEST
    sets = catalog_index.filter_sets(session, snap, params)
    matched = catalog_index.intersection(snap, sets)
    if sort in (SortOrder.RELEVANCE, SortOrder.NEWEST):
        entries, next_cursor = _indexed_page(session, snap, matched, params, sort)
    else:
        base = matching(session, params)
        page, next_cursor = _page_by_key(session, base, params, sort, locale)
        entries = [PublicEntry.of(r) for r in records.to_public(session, page)]
    return _Found(
        entries=entries,
        total=len(matched),
        next_cursor=next_cursor,
        facets=indexed_facet_counts(snap, sets, locale),
        suggestions=_suggestions(session, snap, params, sets, len(matched), locale),
    )


def search_projects(
    session: Session, *, params: SearchParams, locale: str
) -> ProjectSearchPage:
    """A page of published entries matching `params`, with the total and facets.

    Filters, the total, facet counts and the relevance and newest orders come
    from this worker's catalog index; the other sorts page in SQL over the same
    filters. Answers exactly what `reference_search` answers."""
    found = _search(session, params, locale)
    return found.page([entry.record for entry in found.entries])


_PAGE_JSON = TypeAdapter(ProjectSearchPage)
_EMPTY_ITEMS = b'{"items":[]'


def search_projects_json(
    session: Session, *, params: SearchParams, locale: str
) -> bytes:
    """`search_projects` serialised exactly as the API's response model would
    serialise it, byte for byte, but with each entry's JSON spliced in from the
    snapshot instead of serialising 20 records per request (the largest part
    of a listing's time)."""
    found = _search(session, params, locale)
    shell = _PAGE_JSON.dump_json(found.page([]), by_alias=True)
    assert shell.startswith(_EMPTY_ITEMS)
    items = b",".join(entry.json for entry in found.entries)
    return b'{"items":[' + items + b"]" + shell[len(_EMPTY_ITEMS) :]
