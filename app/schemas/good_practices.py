"""Good-practice designations: the moderator's input, the public list."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.models.exchange import (
    CITATION_MAX_CHARS,
    FRAMEWORK_MAX_CHARS,
    REASON_MAX_CHARS,
)
from app.schemas.common import MULTI_LINE, SINGLE_LINE
from app.schemas.moderation import Person
from app.schemas.project import GoodPracticeSummary, ProjectPublic
from app.schemas.search import MAX_PAGE_NUMBER, Filter, ProjectFilters

# The first year a designation may carry; the last is next year (checked by
# the service against its clock: a prize announced for the coming year).
FIRST_YEAR = 2000
Citation = Annotated[str, StringConstraints(max_length=CITATION_MAX_CHARS), *MULTI_LINE]
Framework = Annotated[
    str, StringConstraints(max_length=FRAMEWORK_MAX_CHARS), *SINGLE_LINE
]
DesignationYear = Annotated[int, Field(ge=FIRST_YEAR, le=2100)]
Reason = Annotated[str, StringConstraints(max_length=REASON_MAX_CHARS), *MULTI_LINE]


class DesignationIn(BaseModel):
    """A moderator designates an approved entry a good practice: why (in at
    least one language), the year and, optionally, the framework ("WSIS Prize
    2025", a national award)."""

    model_config = ConfigDict(extra="forbid")

    citation_ar: Citation | None = None
    citation_en: Citation | None = None
    citation_fr: Citation | None = None
    year: DesignationYear
    framework: Framework | None = None


class WithdrawalIn(BaseModel):
    """A designation withdrawn; `reason` is required (REASON_REQUIRED)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class DesignationRecord(GoodPracticeSummary):
    """A designation as moderators see it: who designated and withdrew it."""

    id: int
    project_id: str
    designated_by: Person
    withdrawn_at: datetime | None
    withdrawn_by: Person | None
    withdrawal_reason: str | None


class GoodPracticeFilters(ProjectFilters):
    """Which good practices: the catalog's filters (one definition) and the
    designation's year."""

    year: Filter[DesignationYear] = Field(
        default_factory=list, description="The year of the designation."
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_choices_left_out(cls, data: Any) -> Any:
        """A form's "all" choice sends an empty value: no filter, not a 422."""
        if not isinstance(data, dict):
            return data
        return {
            key: [v for v in value if v != ""] if isinstance(value, list) else value
            for key, value in data.items()
        }


class GoodPracticeParams(GoodPracticeFilters):
    """A page of good practices, newest designation first."""

    limit: Annotated[int, Field(ge=1, le=100)] = 50
    page: Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER)] = 1


class GoodPracticePublic(GoodPracticeSummary):
    """A designation in force and its published entry."""

    project: ProjectPublic


class GoodPracticePage(BaseModel):
    items: list[GoodPracticePublic]
    total: int
