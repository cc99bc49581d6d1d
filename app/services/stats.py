"""Counts for statistics, charts and the dashboard, from the search's filters."""

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Country, ProjectCountry
from app.schemas.search import FacetCount, ProjectFilters
from app.schemas.stats import MatrixAxis, StatsMatrix, StatsSummary
from app.services import catalog_index, facets
from app.services import filters as catalog

# "year": entries running in each year; "started": entries started in each.
SUMMARY_DIMENSIONS = (
    "action_line",
    "sdg",
    "country",
    "technology",
    "year",
    "started",
)


def _sub_regions(session: Session, ids: Any, locale: str) -> list[FacetCount]:
    """Entries per sub-region (an entry running in two sub-regions counts in both)."""
    region = col(Country.sub_region_code)
    counts = dict(
        session.exec(
            select(region, func.count(func.distinct(ProjectCountry.project_id)))
            .join(Country, col(Country.iso2) == col(ProjectCountry.country_iso2))
            .where(col(ProjectCountry.project_id).in_(ids))
            .group_by(region)
        ).all()
    )
    return facets.labelled(session, catalog.FILTERS["sub_region"], counts, locale)


def summary(session: Session, *, filters: ProjectFilters, locale: str) -> StatsSummary:
    """Matching entries counted per action line, SDG, country, sub-region,
    technology and start year, all filters applied (from the catalog index)."""
    snap = catalog_index.snapshot(session)
    catalog.check_codes(session, filters, known=snap.terms.labels)
    matched = catalog_index.intersection(
        snap, catalog_index.filter_sets(session, snap, filters)
    )
    by = {
        name: facets.indexed_facet(snap, name, matched, locale)
        for name in SUMMARY_DIMENSIONS
    }
    by["sub_region"] = facets.indexed_facet(snap, "sub_region", matched, locale)
    return StatsSummary(total=len(matched), by=by)


def reference_summary(
    session: Session, *, filters: ProjectFilters, locale: str
) -> StatsSummary:
    """`summary` in plain SQL: its specification, compared in the tests."""
    catalog.check_codes(session, filters)
    ids = catalog.matching_ids(session, filters)
    by = {name: facets.facet(session, name, ids, locale) for name in SUMMARY_DIMENSIONS}
    by["sub_region"] = _sub_regions(session, ids, locale)
    total = session.exec(select(func.count()).select_from(ids.subquery())).one()
    return StatsSummary(total=total, by=by)


def _axis(
    session: Session, name: str, values: set[Any], locale: str
) -> list[MatrixAxis]:
    spec = catalog.FILTERS[name]
    labels = facets.term_labels(session, spec, locale)
    ordered = sorted((v for v in values if v in labels), key=lambda v: labels[v][0])
    return [MatrixAxis(value=v, label=labels[v][1]) for v in ordered]


def matrix(
    session: Session, *, filters: ProjectFilters, rows: str, cols: str, locale: str
) -> StatsMatrix:
    """Entries per (row value, column value), e.g. action line x country (from
    the catalog index; filed values only: C7 does not add up its sub-lines)."""
    snap = catalog_index.snapshot(session)
    catalog.check_codes(session, filters, known=snap.terms.labels)
    matched = catalog_index.intersection(
        snap, catalog_index.filter_sets(session, snap, filters)
    )
    counts = catalog_index.cross_counts(snap, rows, cols, matched)
    return _matrix(session, counts, rows, cols, locale, total=len(matched))


def reference_matrix(
    session: Session, *, filters: ProjectFilters, rows: str, cols: str, locale: str
) -> StatsMatrix:
    """`matrix` in plain SQL: its specification, compared in the tests."""
    catalog.check_codes(session, filters)
    ids = catalog.matching_ids(session, filters)
    row_spec, col_spec = catalog.FILTERS[rows], catalog.FILTERS[cols]
    assert row_spec.link is not None and col_spec.link is not None
    row_link = row_spec.link.__table__.alias("r")  # type: ignore[attr-defined]
    col_link = col_spec.link.__table__.alias("c")  # type: ignore[attr-defined]
    row_value = row_link.c[row_spec.link_column]
    col_value = col_link.c[col_spec.link_column]
    counts = {
        (r, c): n
        for r, c, n in session.execute(
            select(
                row_value, col_value, func.count(func.distinct(row_link.c.project_id))
            )
            .join(col_link, col_link.c.project_id == row_link.c.project_id)
            .where(row_link.c.project_id.in_(ids))
            .group_by(row_value, col_value)
        ).all()
    }
    total = session.exec(select(func.count()).select_from(ids.subquery())).one()
    return _matrix(session, counts, rows, cols, locale, total=total)


def _matrix(
    session: Session,
    counts: dict[tuple[Any, Any], int],
    rows: str,
    cols: str,
    locale: str,
    *,
    total: int,
) -> StatsMatrix:
    row_axis = _axis(session, rows, {r for r, _c in counts}, locale)
    col_axis = _axis(session, cols, {c for _r, c in counts}, locale)
    return StatsMatrix(
        rows=row_axis,
        cols=col_axis,
        cells=[[counts.get((r.value, c.value), 0) for c in col_axis] for r in row_axis],
        total=total,
    )
