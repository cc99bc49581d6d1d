"""Statistics of published entries, with the search's filters."""

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.deps import SessionDep
from app.errors import responses
from app.i18n import request_locale
from app.schemas.search import ProjectFilters
from app.schemas.stats import MatrixParams, StatsMatrix, StatsSummary
from app.services import stats

router = APIRouter(prefix="/stats", tags=["statistics"])


@router.get(
    "/summary",
    name="stats_summary",
    summary="Counts per action line, SDG, country, sub-region, technology, year",
    responses=responses(422),
)
def stats_summary(
    request: Request, session: SessionDep, filters: Annotated[ProjectFilters, Query()]
) -> StatsSummary:
    """Published entries matching the filters (as in the search), counted per
    value; an entry filed under several values counts under each."""
    return stats.summary(session, filters=filters, locale=request_locale(request))


@router.get(
    "/matrix",
    name="stats_matrix",
    summary="Counts per pair of values, e.g. action line x country",
    responses=responses(422),
)
def stats_matrix(
    request: Request, session: SessionDep, params: Annotated[MatrixParams, Query()]
) -> StatsMatrix:
    """`rows` and `cols` among action_line, sdg, country, technology,
    target_group (e.g. `rows=sdg&cols=action_line`)."""
    return stats.matrix(
        session,
        filters=params,
        rows=params.rows,
        cols=params.cols,
        locale=request_locale(request),
    )
