"""Facet counts: per value of a taxonomy, over the entries a query selects."""

from datetime import date
from typing import Any

from pyroaring import BitMap
from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from app.i18n import translate
from app.messages import CHOICE_LABELS_BY_FILTER
from app.models import ActionLine, Project
from app.schemas.search import FacetCount, ProjectFilters
from app.services import catalog_index, taxonomy
from app.services.filters import FILTERS, Filter, matching_ids

FACETS = (
    "action_line",
    "sdg",
    "country",
    "entity_type",
    "technology",
    "activity_type",
    "implementation_status",
    "offer",
    "good_practice",
    "year",
)


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
    if spec.term is None:
        return _choices(name, counts, locale)
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
    return _choices(name, counts, locale)


def _choices(name: str, counts: dict[Any, int], locale: str) -> list[FacetCount]:
    """The counts of a filter that is not a taxonomy (a status, an offer), in
    the order its values are listed in app/messages.py."""
    names = CHOICE_LABELS_BY_FILTER[name]
    return [
        FacetCount(value=value, label=translate(locale, label), count=counts[value])
        for value, label in names.items()
        if counts.get(value)
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


def _facet_started(session: Session, ids: Any) -> list[FacetCount]:
    """Entries started in each year (by start date), latest first."""
    year = func.extract("year", col(Project.start_date))
    rows = session.exec(
        select(year, func.count())
        .where(col(Project.id).in_(ids))
        .where(col(Project.start_date).is_not(None))
        .group_by(year)
    ).all()
    counts = sorted(((int(y), int(n)) for y, n in rows), reverse=True)
    return [FacetCount(value=y, label=str(y), count=n) for y, n in counts]


def facet(session: Session, name: str, ids: Any, locale: str) -> list[FacetCount]:
    """Counts of the entries in `ids` per value of facet `name` (or "started":
    per start year)."""
    if name == "year":
        return _facet_year(session, ids)
    if name == "started":
        return _facet_started(session, ids)
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


# --- from the catalog index -------------------------------------------------


def _count(value: str | int, label: str, count: int) -> FacetCount:
    """A count from the index, whose values are already of the model's types:
    built without validation (a hundred of them per request)."""
    return FacetCount.model_construct(value=value, label=label, count=count)


def _indexed_labels(
    snap: catalog_index.Snapshot, name: str, counts: dict[Any, int], locale: str
) -> list[FacetCount]:
    """Like `labelled`, with the names the index read with its taxonomies."""
    if name not in snap.terms.labels:
        names = CHOICE_LABELS_BY_FILTER[name]
        return [
            _count(value, translate(locale, names[value]), n)
            for value, n in sorted(
                counts.items(), key=lambda vc: list(names).index(vc[0])
            )
            if n
        ]
    labels = snap.terms.labels[name]
    return [
        _count(value, labels[value][1][locale], counts[value])
        for value in snap.terms.ordered[name]
        if counts.get(value)
    ]


def indexed_facet(
    snap: catalog_index.Snapshot, name: str, base: BitMap, locale: str
) -> list[FacetCount]:
    """Counts of the entries in `base` per value of facet `name` (or
    "started": per start year)."""
    if name in ("year", "started"):
        counts = (
            catalog_index.year_counts(snap, base)
            if name == "year"
            else catalog_index.start_counts(snap, base)
        )
        return [_count(year, str(year), count) for year, count in counts]
    return _indexed_labels(
        snap, name, catalog_index.value_counts(snap, name, base), locale
    )


def indexed_facet_counts(
    snap: catalog_index.Snapshot, sets: dict[str, BitMap], locale: str
) -> dict[str, list[FacetCount]]:
    """`facet_counts` from the index: each facet under every filter but its own."""
    return {
        name: indexed_facet(
            snap, name, catalog_index.intersection(snap, sets, without=name), locale
        )
        for name in FACETS
    }
