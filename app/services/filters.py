"""The catalog's filters, described once, and the queries built from them.

`FILTERS` says, for each search parameter, which taxonomy its codes name and
what it matches (a link table or a project column). The listing, facets,
exports, statistics, charts and the feed all start from `matching`, which
adds the filters to the one visibility rule.
"""

from array import array
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import numpy as np
from pyroaring import BitMap
from sqlalchemy import ColumnElement, literal_column, or_, text, true
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import analysis
from app.analysis import Unit
from app.errors import ErrorCode, InvalidInput
from app.languages import LANGUAGES
from app.models import (
    Country,
    Project,
)
from app.models.exchange import ProjectOffer
from app.models.project import ProjectLink
from app.models.taxonomy import TermBase
from app.schemas.search import ProjectFilters
from app.services import projects, records, taxonomy, text_search
from app.taxonomies import BY_NAME, Taxonomy


@dataclass(frozen=True)
class Filter:
    """One search parameter: the taxonomy its codes name, and what it matches:
    a link table (many-to-many) or a project column."""

    term: type[TermBase] | None = None
    key: str = "code"
    link: type[ProjectLink] | None = None
    link_column: str = ""
    column: Any = None


def _filed_under(taxonomy: Taxonomy) -> Filter:
    """The filter of a taxonomy (app/taxonomies.py): its link table, else its
    column; a sub-region through its countries' link."""
    if taxonomy.name == "sub_region":
        country = BY_NAME["country"]
        return Filter(taxonomy.model, taxonomy.key, country.link, country.link_column)
    if taxonomy.link is not None:
        return Filter(taxonomy.model, taxonomy.key, taxonomy.link, taxonomy.link_column)
    assert taxonomy.column is not None
    return Filter(
        taxonomy.model, taxonomy.key, column=col(getattr(Project, taxonomy.column))
    )


# The search parameters, in the order the facets are listed.
FILTERS: dict[str, Filter] = {
    **{
        name: _filed_under(BY_NAME[name])
        for name in (
            "action_line",
            "sdg",
            "country",
            "sub_region",
            "technology",
            "target_group",
            "wsis_target",
            "gdc_objective",
            "entity_type",
            "activity_type",
        )
    },
    "implementation_status": Filter(column=col(Project.implementation_status)),
    "scope": Filter(column=col(Project.scope)),
    "offer": Filter(link=ProjectOffer, link_column="offer"),
    "good_practice": Filter(column=col(Project.good_practice)),
}


def catalog_url(filters: ProjectFilters, locale: str, **chosen: Any) -> str:
    """The catalog page showing what `filters` (narrowed by `chosen`) select."""
    return catalog_urls(filters, locale)(**chosen)


def catalog_urls(filters: ProjectFilters, locale: str) -> Callable[..., str]:
    """`catalog_url` for many narrowings of the same filters (a chart's bars
    and cells, hundreds of them): the filters are read once."""
    base = filters.model_dump(exclude_defaults=True, exclude={"lang"}, mode="json")

    def url(**chosen: Any) -> str:
        query = base | {name: [value] for name, value in chosen.items()}
        query["lang"] = locale
        return "/projects?" + urlencode(query, doseq=True)

    return url


# --- validation ---------------------------------------------------------------


def check_codes(
    session: Session,
    filters: ProjectFilters,
    *,
    known: Mapping[str, Container[Any]] | None = None,
) -> None:
    """Unknown codes are a 422 naming the parameter (retired codes are fine).
    `known`: each taxonomy's codes, when the caller has them (else queried)."""
    problems: list[records.Problem] = []
    for name, spec in FILTERS.items():
        values = getattr(filters, name)
        if spec.term is None or not values:
            continue
        if known is None:
            unknown = taxonomy.unknown_codes(
                session, spec.term, spec.key, values, allow_retired=True
            )
        else:
            unknown = [value for value in values if value not in known[name]]
        for code in unknown:
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


def term_labels(
    session: Session, names: Iterable[str]
) -> dict[str, dict[Any, dict[str, str]]]:
    """Filter name -> value -> its names by language, for the filters `names`
    (retired terms included)."""
    found: dict[str, dict[Any, dict[str, str]]] = {}
    for name in names:
        spec = FILTERS[name]
        assert spec.term is not None
        found[name] = {
            getattr(term, spec.key): {
                lang: getattr(term, f"name_{lang}") for lang in LANGUAGES
            }
            for term in session.exec(select(spec.term)).all()
        }
    return found


def _id_list(listed: str | None) -> BitMap:
    """The ids of a comma-separated list, parsed in C: an index read returns
    one string, not a row per entry (a common word's 30,000 rows cost 20 ms
    through the driver, their one string 3 ms)."""
    if not listed:
        return BitMap()
    ids = np.fromstring(listed, dtype=np.uint32, sep=",")
    return BitMap(array("I", ids.tobytes()))


def lookup_hits(session: Session, places: Sequence[text_search.AnyOf]) -> list[BitMap]:
    """The entries (of any status) found in each of `places`: one statement
    for them all, a comma-separated list of ids per place."""
    if not places:
        return []
    values = {f"q{i}": place for i, place in enumerate(places)}
    if session.get_bind().dialect.name == "sqlite":
        reads = [
            "(SELECT group_concat(rowid) FROM project_fts "
            f"WHERE project_fts MATCH :{k})"
            for k in values
        ]
        query = text("SELECT " + ", ".join(reads)).bindparams(
            **{k: place.fts5() for k, place in values.items()}
        )
        return [_id_list(listed) for listed in session.execute(query).one()]
    reads = [
        "(SELECT string_agg(project_id::text, ',') FROM project_search "
        f"WHERE search_vector @@ CAST(:{k} AS tsquery))"
        for k in values
    ]
    query = text("SELECT " + ", ".join(reads)).bindparams(
        **{k: place.tsquery() for k, place in values.items()}
    )
    # The planner prices `@@` as cheap and the narrow table as a few pages, so
    # it scans the table, reading and decompressing every stored vector (25 ms
    # at 2,000 entries, seconds at 100,000) where the GIN index reads one
    # posting list. For this statement only, the index it is.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        return [_id_list(listed) for listed in session.execute(query).one()]
    finally:
        session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))


def index_words(session: Session) -> dict[str, int]:
    """Every word in the search documents (the surface terms, of entries of
    any status) and how many documents hold it."""
    if session.get_bind().dialect.name == "sqlite":
        query = text(
            "SELECT term, doc FROM project_fts_vocab WHERE term >= '1' AND term < '4'"
        )
    else:
        query = text(
            "SELECT word, ndoc FROM "
            "ts_stat('SELECT search_vector FROM project_search') "
            "WHERE word >= '1' AND word < '4'"
        )
    words: dict[str, int] = {}
    for term, documents in session.execute(query):
        word = term[1:]
        words[word] = max(words.get(word, 0), documents)
    return words


def filed_condition(session: Session, name: str, value: Any) -> ColumnElement[bool]:
    """Entries filed under one term (C7 with its sub-lines, ...)."""
    spec = FILTERS[name]
    if spec.link is not None:
        return _linked(spec, _values(session, name, [value]))
    condition: ColumnElement[bool] = spec.column.in_([value])
    return condition


def _words_condition(session: Session, units: list[Unit]) -> Any:
    """Entries holding any lookup of `units` in their search document."""
    if session.get_bind().dialect.name == "sqlite":
        ids, table = "rowid", "project_fts"
        match = text("project_fts MATCH :q").bindparams(q=text_search.fts5_any(units))
    else:
        ids, table = "project_id", "project_search"
        match = text("search_vector @@ CAST(:q AS tsquery)").bindparams(
            q=text_search.tsquery_any(units)
        )
    return col(Project.id).in_(
        select(literal_column(ids)).select_from(text(table)).where(match)
    )


def resolved_query(session: Session, q: str) -> text_search.Resolved:
    """`q` as searched (services.text_search.resolve), from plain SQL."""
    words: dict[str, int] | None = None

    def found(unit: Unit) -> bool:
        query = select(col(Project.id)).where(
            projects.public_condition(), _words_condition(session, [unit])
        )
        return session.exec(query.limit(1)).first() is not None

    def closest(word: str) -> list[str]:
        nonlocal words
        if words is None:
            words = index_words(session)
        return text_search.spellings(word, words)

    names = text_search.term_names(term_labels(session, text_search.NAMED))
    return text_search.resolve(analysis.parse_query(q), names, found, closest)


def text_match(session: Session, q: str) -> Any:
    """Entries matching any unit of `q` as searched (services.text_search): a
    word or phrase in their text, or filed under a term the query names."""
    if not analysis.parse_query(q):
        return None
    query = resolved_query(session, q)
    filed = [filed_condition(session, term.filter, term.value) for term in query.named]
    if query.every:  # a word describing every entry (text_search.EVERY)
        filed.append(true())
    return or_(_words_condition(session, query.units), *filed)


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
