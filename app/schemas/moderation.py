"""Moderation shapes: decisions, history, comments, the queue, revisions."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.models import ModerationAction, ProjectStatus, RevisionStatus, Role
from app.schemas.common import MULTI_LINE

Reason = Annotated[str, StringConstraints(min_length=1, max_length=5000), *MULTI_LINE]


class DecisionIn(BaseModel):
    """A moderator's decision on an entry; `reason` is required to request
    changes or reject (the submitter reads it)."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "request_changes", "reject", "archive"]
    reason: Reason | None = None


class RevisionDecisionIn(BaseModel):
    """A moderator's decision on the pending changes of a published entry."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "request_changes", "reject"]
    reason: Reason | None = None


class ReasonIn(BaseModel):
    """An optional note with an owner's action (withdraw, endorse)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class Person(BaseModel):
    id: int
    name: str
    role: Role


class ModerationEventPublic(BaseModel):
    id: int
    action: ModerationAction
    from_status: ProjectStatus
    to_status: ProjectStatus
    reason: str | None
    actor: Person
    revision_id: int | None
    created_at: datetime


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Annotated[str, StringConstraints(min_length=1, max_length=10000), *MULTI_LINE]


class CommentPublic(BaseModel):
    id: int
    author: Person
    body: str
    created_at: datetime


class QueueEntry(BaseModel):
    id: str
    title: str | None
    status: ProjectStatus
    home_country: str | None
    submitted_at: datetime | None
    waiting_days: int
    endorsed: bool
    open_revision: RevisionStatus | None


class ModerationQueue(BaseModel):
    """Entries awaiting a decision, oldest first, with counts per country."""

    items: list[QueueEntry]
    total: int
    counts_by_country: dict[str, int]


class FieldChange(BaseModel):
    field: str
    before: Any
    after: Any


class RevisionPublic(BaseModel):
    """The pending changes of a published entry, field by field."""

    id: int
    status: RevisionStatus
    author: Person
    base_version: int
    reason: str | None
    created_at: datetime
    updated_at: datetime
    changes: list[FieldChange]
