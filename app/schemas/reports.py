"""Problem reports: what a reader sends about a published entry, how a
moderator closes it, and the desk's view of them."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.languages import Language
from app.models.exchange import REASON_MAX_CHARS, ProblemKind, ReportStatus
from app.schemas.common import MULTI_LINE, LocalizedText
from app.schemas.moderation import Person

Details = Annotated[str, StringConstraints(max_length=REASON_MAX_CHARS), *MULTI_LINE]
Resolution = Annotated[
    str, StringConstraints(min_length=1, max_length=REASON_MAX_CHARS), *MULTI_LINE
]


class ReportIn(BaseModel):
    """A problem with a published entry; `details` are optional (what is
    wrong, which link is broken, which entry it duplicates)."""

    model_config = ConfigDict(extra="forbid")

    kind: ProblemKind
    details: Details | None = None

    @field_validator("details")
    @classmethod
    def _blank_is_none(cls, details: str | None) -> str | None:
        return details or None


class CloseIn(BaseModel):
    """How the problem was handled: the report's author reads it."""

    model_config = ConfigDict(extra="forbid")

    resolution: Resolution


class ReportedEntry(BaseModel):
    id: str
    title: LocalizedText
    original_language: Language


class ReportPublic(BaseModel):
    """A report as the desk sees it: the reporter's name, never their address."""

    id: int
    project: ReportedEntry
    kind: ProblemKind
    details: str | None
    status: ReportStatus
    reporter: Person
    created_at: datetime
    closed_by: Person | None
    closed_at: datetime | None
    resolution: str | None


class ReportPage(BaseModel):
    """One page of the desk's reports (open ones first, newest first), with
    how many match and how many are open."""

    items: list[ReportPublic]
    total: int
    open: int
    page: int = Field(ge=1)
    pages: int
