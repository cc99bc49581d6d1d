"""The public catalog: a page of matching entries, sorted, with the facets.

Filters live in services.filters, facet counts in services.facets.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any

from pydantic import TypeAdapter
from pyroaring import BitMap
from sqlalchemy import ColumnElement, and_, func, or_, text
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import analysis
from app.errors import ErrorCode, InvalidInput
from app.models import (
    Project,
)
from app.schemas.project import ProjectPublic
from app.schemas.search import (
    FacetCount,
    ProjectSearchPage,
    SearchParams,
    SortOrder,
)
from app.services import catalog_index, records
from app.services.facets import facet_counts, indexed_facet_counts
from app.services.filters import check_codes, matching
from app.services.projects import public_records
from app.services.records import PublicEntry

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
    titles = [getattr(Project, f"title_{lang}") for lang in (locale, "en", "ar", "fr")]
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
    """[sort, key, id] or [sort, offset]; a cursor of another sort is refused."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(payload, list) or payload[0] != sort.value:
            raise ValueError(cursor)
        numbers = [payload[-1]] if sort == SortOrder.RELEVANCE else [payload[2]]
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


def _by_relevance(session: Session, q: str) -> Any:
    """An ORDER BY clause putting the best matches first, per backend."""
    words = analysis.words(q)
    if session.get_bind().dialect.name == "sqlite":
        expression = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        return text(  # bm25: lower is better
            "(SELECT bm25(project_fts) FROM project_fts "
            "WHERE project_fts MATCH :rank_q AND project_fts.rowid = project.id) ASC"
        ).bindparams(rank_q=expression.strip())
    tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
    return text(
        "ts_rank(project.search_vector, to_tsquery('simple', :rank_q)) DESC"
    ).bindparams(rank_q=tsquery)


def _page_by_relevance(
    session: Session, base: SelectOfScalar[Project], params: SearchParams
) -> tuple[list[Project], str | None]:
    assert params.q is not None
    offset = _decode(params.cursor, SortOrder.RELEVANCE)[-1] if params.cursor else 0
    rows = list(
        session.exec(
            base.order_by(_by_relevance(session, params.q), col(Project.id))
            .offset(offset)
            .limit(params.limit + 1)
        ).all()
    )
    more = len(rows) > params.limit
    next_cursor = _encode(["relevance", offset + params.limit]) if more else None
    return rows[: params.limit], next_cursor


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
            query.order_by(direction(key), direction(col(Project.id))).limit(
                params.limit + 1
            )
        ).all()
    )
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = None
    if more:
        last, last_key = rows[-1]
        next_cursor = _encode([sort.value, last_key, last.id])
    return [project for project, _key in rows], next_cursor


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
    if sort == SortOrder.RELEVANCE and params.q and analysis.words(params.q):
        page, next_cursor = _page_by_relevance(session, base, params)
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
        offset = _decode(params.cursor, sort)[-1] if params.cursor else 0
        ranking = catalog_index.ranked(session, snap, params.q)
        hits = (pid for pid in ranking if pid in matched)
        page = _in_order(session, snap, list(islice(hits, offset, offset + size)))
        more = len(page) > params.limit
        cursor = _encode([sort.value, offset + params.limit]) if more else None
        return [entry for _pid, entry in page[: params.limit]], cursor
    after = None
    if params.cursor:
        _sort, value, pid = _decode(params.cursor, sort)
        after = catalog_index.cursor_key(value, pid, snap.dialect)
    ids = catalog_index.newest_page(snap, matched, after, size)
    page = _in_order(session, snap, ids)
    more = len(page) > params.limit
    page = page[: params.limit]
    cursor = None
    if more:
        last_id, last = page[-1]
        cursor = _encode([sort.value, last.record.published_at, last_id])
    return [entry for _pid, entry in page], cursor


@dataclass(frozen=True)
class _Found:
    """A page of results before it becomes a model or JSON."""

    entries: list[PublicEntry]
    total: int
    next_cursor: str | None
    facets: dict[str, list[FacetCount]]

    def page(self, items: list[ProjectPublic]) -> ProjectSearchPage:
        return ProjectSearchPage(
            items=items,
            total=self.total,
            next_cursor=self.next_cursor,
            facets=self.facets,
        )


def _search(session: Session, params: SearchParams, locale: str) -> _Found:
    snap = catalog_index.snapshot(session)
    check_codes(session, params, known=snap.terms.labels)
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    if sort == SortOrder.RELEVANCE and not (params.q and analysis.words(params.q)):
        sort = SortOrder.NEWEST
    if sort == SortOrder.RELEVANCE:
        assert params.q is not None
        # Ranked first: the text filter then takes its entries from the
        # ranking instead of running the full-text match a second time.
        catalog_index.ranked(session, snap, params.q)
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
