"""The public catalog: filtered, faceted, full-text, keyset-paginated.

Every filter is described once in `FILTERS`; the listing, the facet counts,
exports and statistics all build their queries from it, on top of the one
visibility rule (`projects.visible_projects(None)`).
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, text
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import folding
from app.errors import ErrorCode, InvalidInput
from app.i18n import translate
from app.messages import IMPLEMENTATION_STATUS_LABELS, SCOPE_LABELS
from app.models import (
    ActionLine,
    ActivityType,
    Country,
    EntityType,
    GdcObjective,
    Project,
    ProjectActionLine,
    ProjectCountry,
    ProjectGdcObjective,
    ProjectSdg,
    ProjectTargetGroup,
    ProjectTechnology,
    ProjectWsisTarget,
    Sdg,
    SubRegion,
    TargetGroup,
    Technology,
    WsisTarget,
)
from app.models.project import ProjectLink
from app.models.taxonomy import TermBase
from app.schemas.search import (
    FacetCount,
    ProjectFilters,
    ProjectSearchPage,
    SearchParams,
    SortOrder,
)
from app.services import projects, records, taxonomy

MAX_ID = 2**63  # ids are BIGINT-safe on every backend; larger ones are not ours


@dataclass(frozen=True)
class Filter:
    """One search parameter: the taxonomy its codes name, and what it matches:
    a link table (many-to-many) or a project column."""

    term: type[TermBase] | None = None
    key: str = "code"
    link: type[ProjectLink] | None = None
    link_column: str = ""
    column: Any = None


FILTERS: dict[str, Filter] = {
    "action_line": Filter(ActionLine, "code", ProjectActionLine, "action_line_code"),
    "sdg": Filter(Sdg, "number", ProjectSdg, "sdg_number"),
    "country": Filter(Country, "iso2", ProjectCountry, "country_iso2"),
    "sub_region": Filter(SubRegion, "code", ProjectCountry, "country_iso2"),
    "technology": Filter(Technology, "code", ProjectTechnology, "technology_code"),
    "target_group": Filter(
        TargetGroup, "code", ProjectTargetGroup, "target_group_code"
    ),
    "wsis_target": Filter(WsisTarget, "code", ProjectWsisTarget, "wsis_target_code"),
    "gdc_objective": Filter(
        GdcObjective, "number", ProjectGdcObjective, "gdc_objective_number"
    ),
    "entity_type": Filter(EntityType, column=col(Project.lead_org_entity_type_code)),
    "activity_type": Filter(ActivityType, column=col(Project.activity_type_code)),
    "implementation_status": Filter(column=col(Project.implementation_status)),
    "scope": Filter(column=col(Project.scope)),
}
FACETS = (
    "action_line",
    "sdg",
    "country",
    "entity_type",
    "technology",
    "activity_type",
    "implementation_status",
    "year",
)


def catalog_url(filters: ProjectFilters, locale: str, **chosen: Any) -> str:
    """The catalog page showing what `filters` (narrowed by `chosen`) select."""
    query = filters.model_dump(exclude_defaults=True, exclude={"lang"}, mode="json")
    query |= {name: [value] for name, value in chosen.items()}
    query["lang"] = locale
    return "/projects?" + urlencode(query, doseq=True)


# --- validation ---------------------------------------------------------------


def check_codes(session: Session, filters: ProjectFilters) -> None:
    """Unknown codes are a 422 naming the parameter (retired codes are fine)."""
    problems: list[records.Problem] = []
    for name, spec in FILTERS.items():
        values = getattr(filters, name)
        if spec.term is None or not values:
            continue
        for code in taxonomy.unknown_codes(
            session, spec.term, spec.key, values, allow_retired=True
        ):
            problems.append((("query", name), ErrorCode.UNKNOWN_CODE, {"code": code}))
    if (
        filters.year_from is not None
        and filters.year_to is not None
        and filters.year_to < filters.year_from
    ):
        problems.append((("query", "year_to"), ErrorCode.END_BEFORE_START, {}))
    if problems:
        raise InvalidInput.collect(problems)


# --- conditions -----------------------------------------------------------------


def _linked(spec: Filter, values: set[Any]) -> ColumnElement[bool]:
    assert spec.link is not None
    column = getattr(spec.link, spec.link_column)
    return col(Project.id).in_(select(spec.link.project_id).where(column.in_(values)))


def _values(session: Session, name: str, values: list[Any]) -> set[Any]:
    """The values a filter matches: C7 includes its sub-lines; a sub-region its
    countries."""
    if name == "action_line":
        return taxonomy.with_sub_lines(session, values)
    if name == "sub_region":
        return set(
            session.exec(
                select(Country.iso2).where(col(Country.sub_region_code).in_(values))
            ).all()
        )
    return set(values)


def _years(filters: ProjectFilters) -> list[ColumnElement[bool]]:
    """Entries running at some time within the years asked for."""
    conditions: list[ColumnElement[bool]] = []
    if filters.year_to is not None:
        conditions.append(col(Project.start_date) <= date(filters.year_to, 12, 31))
    if filters.year_from is not None:
        conditions.append(col(Project.start_date).is_not(None))
        conditions.append(
            or_(
                col(Project.end_date).is_(None),
                col(Project.end_date) >= date(filters.year_from, 1, 1),
            )
        )
    return conditions


def text_match(session: Session, q: str) -> Any:
    """Entries whose folded text holds every word of `q` (the last as a prefix)."""
    words = folding.tokens(q)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        expression = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        return col(Project.id).in_(
            select(literal_column("rowid"))
            .select_from(text("project_fts"))
            .where(text("project_fts MATCH :fts").bindparams(fts=expression.strip()))
        )
    tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
    return text(
        "to_tsvector('simple', project.search_document) "
        "@@ to_tsquery('simple', :tsquery)"
    ).bindparams(tsquery=tsquery)


def conditions(
    session: Session, filters: ProjectFilters, *, without: str | None = None
) -> list[Any]:
    """The SQL conditions of `filters` (all of them, or all but `without`)."""
    found: list[Any] = []
    for name, spec in FILTERS.items():
        values = getattr(filters, name)
        if name == without or not values:
            continue
        if spec.link is not None:
            found.append(_linked(spec, _values(session, name, values)))
        else:
            found.append(spec.column.in_(values))
    if without != "year":
        found += _years(filters)
    if filters.q:
        match = text_match(session, filters.q)
        if match is not None:
            found.append(match)
    return found


def matching(
    session: Session, filters: ProjectFilters, *, without: str | None = None
) -> SelectOfScalar[Project]:
    """The published entries matching `filters`: the base of every output."""
    return projects.visible_projects(None).where(
        *conditions(session, filters, without=without)
    )


def matching_ids(
    session: Session, filters: ProjectFilters, *, without: str | None = None
) -> Any:
    """The ids of `matching` entries (for counts over link tables)."""
    return select(col(Project.id)).where(
        projects.public_condition(), *conditions(session, filters, without=without)
    )


# --- facets -------------------------------------------------------------------------


def term_labels(
    session: Session, spec: Filter, locale: str
) -> dict[Any, tuple[int, str]]:
    """Term value -> (display order, name in `locale`)."""
    assert spec.term is not None
    terms = session.exec(select(spec.term)).all()
    return {
        getattr(term, spec.key): (term.sort_order, getattr(term, f"name_{locale}"))
        for term in terms
    }


def _facet_link(session: Session, name: str, ids: Any, locale: str) -> list[FacetCount]:
    spec = FILTERS[name]
    assert spec.link is not None
    column = getattr(spec.link, spec.link_column)
    member = col(spec.link.project_id).in_(ids)
    counts = dict(
        session.exec(
            select(column, func.count(func.distinct(spec.link.project_id)))
            .where(member)
            .group_by(column)
        ).all()
    )
    if name == "action_line":
        # A parent line (C7) counts each entry filed under it or its sub-lines once.
        for parent in session.exec(
            select(ActionLine.parent_code)
            .where(col(ActionLine.parent_code).is_not(None))
            .distinct()
        ).all():
            lines = taxonomy.with_sub_lines(session, [parent or ""])
            counts[parent] = session.exec(
                select(func.count(func.distinct(spec.link.project_id)))
                .where(member)
                .where(column.in_(lines))
            ).one()
    return labelled(session, spec, counts, locale)


def labelled(
    session: Session, spec: Filter, counts: dict[Any, int], locale: str
) -> list[FacetCount]:
    labels = term_labels(session, spec, locale)
    return [
        FacetCount(value=value, label=labels[value][1], count=count)
        for value, count in sorted(counts.items(), key=lambda vc: labels[vc[0]][0])
        if count and value in labels
    ]


def _facet_column(
    session: Session, name: str, ids: Any, locale: str
) -> list[FacetCount]:
    spec = FILTERS[name]
    counts = dict(
        session.exec(
            select(spec.column, func.count())
            .where(col(Project.id).in_(ids))
            .where(spec.column.is_not(None))
            .group_by(spec.column)
        ).all()
    )
    if spec.term is not None:
        return labelled(session, spec, counts, locale)
    names = {
        "implementation_status": IMPLEMENTATION_STATUS_LABELS,
        "scope": SCOPE_LABELS,
    }
    return [
        FacetCount(value=value, label=translate(locale, names[name][value]), count=n)
        for value, n in counts.items()
    ]


def _facet_year(session: Session, ids: Any) -> list[FacetCount]:
    """Entries running in each year (from their start to their end, or on while
    they have none): the sense of the year_from/year_to filter, so a year's
    count is exactly what a link filtered to that year lists."""
    start, end = col(Project.start_date), col(Project.end_date)
    first, last_start, last_end = session.exec(
        select(
            func.min(func.extract("year", start)),
            func.max(func.extract("year", start)),
            func.max(func.extract("year", end)),
        )
        .where(col(Project.id).in_(ids))
        .where(start.is_not(None))
    ).one()
    if first is None:
        return []
    years = range(
        int(first), min(max(int(last_start), int(last_end or 0)), int(first) + 200) + 1
    )
    running = [
        func.sum(
            case(
                (
                    and_(
                        start <= date(year, 12, 31),
                        or_(end.is_(None), end >= date(year, 1, 1)),
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for year in years
    ]
    totals = session.execute(
        select(*running).where(col(Project.id).in_(ids)).where(start.is_not(None))
    ).one()
    return [
        FacetCount(value=year, label=str(year), count=int(count))
        for year, count in reversed(list(zip(years, totals, strict=True)))
        if count
    ]


def facet(session: Session, name: str, ids: Any, locale: str) -> list[FacetCount]:
    """Counts of the entries in `ids` per value of facet `name`."""
    if name == "year":
        return _facet_year(session, ids)
    if FILTERS[name].link is not None:
        return _facet_link(session, name, ids, locale)
    return _facet_column(session, name, ids, locale)


def facet_counts(
    session: Session, filters: ProjectFilters, locale: str
) -> dict[str, list[FacetCount]]:
    """For each facet, counts under every filter except the facet's own."""
    return {
        name: facet(session, name, matching_ids(session, filters, without=name), locale)
        for name in FACETS
    }


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
    words = folding.tokens(q)
    if session.get_bind().dialect.name == "sqlite":
        expression = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        return text(  # bm25: lower is better
            "(SELECT bm25(project_fts) FROM project_fts "
            "WHERE project_fts MATCH :rank_q AND project_fts.rowid = project.id) ASC"
        ).bindparams(rank_q=expression.strip())
    tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
    return text(
        "ts_rank(to_tsvector('simple', project.search_document), "
        "to_tsquery('simple', :rank_q)) DESC"
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


def search_projects(
    session: Session, *, params: SearchParams, locale: str
) -> ProjectSearchPage:
    """A page of published entries matching `params`, with the total and facets."""
    check_codes(session, params)
    base = matching(session, params)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    sort = params.sort or (SortOrder.RELEVANCE if params.q else SortOrder.NEWEST)
    if sort == SortOrder.RELEVANCE and params.q and folding.tokens(params.q):
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
