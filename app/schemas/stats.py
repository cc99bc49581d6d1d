"""Statistics: counts of published entries, by one or two dimensions."""

from typing import Literal

from pydantic import BaseModel

from app.schemas.search import FacetCount, ProjectFilters

Dimension = Literal["action_line", "sdg", "country", "technology", "target_group"]


class StatsSummary(BaseModel):
    """Entries matching the filters, counted per value of each dimension (an entry
    filed under several values counts under each)."""

    total: int
    by: dict[str, list[FacetCount]]


class MatrixParams(ProjectFilters):
    rows: Dimension = "action_line"
    cols: Dimension = "country"


class MatrixAxis(BaseModel):
    value: str | int
    label: str


class StatsMatrix(BaseModel):
    """`cells[i][j]`: entries filed under `rows[i]` and `cols[j]`."""

    rows: list[MatrixAxis]
    cols: list[MatrixAxis]
    cells: list[list[int]]
    total: int
