"""The moderation history (append-only) and the moderator <-> submitter discussion."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, event
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.models.project import ProjectStatus, enum_column, text_column


class ModerationAction(StrEnum):
    """Everything that can happen to an entry; each leaves a history event."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    ARCHIVE = "archive"
    ENDORSE = "endorse"
    SUBMIT_REVISION = "submit_revision"
    APPROVE_REVISION = "approve_revision"
    REQUEST_REVISION_CHANGES = "request_revision_changes"
    REJECT_REVISION = "reject_revision"
    DESIGNATE_GOOD_PRACTICE = "designate_good_practice"
    WITHDRAW_GOOD_PRACTICE = "withdraw_good_practice"


class ModerationEvent(SQLModel, table=True):
    """One line of an entry's history: who did what, from which status to which.

    Rows are never changed or deleted: the services only insert them, a mapper
    guard refuses ORM updates and deletes, and database triggers (created by the
    migration) refuse UPDATE, DELETE and TRUNCATE on both backends.
    """

    __tablename__ = "moderation_event"
    __table_args__ = (Index(None, "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id"), nullable=False)
    )
    actor_id: int = Field(foreign_key="user_account.id")
    action: ModerationAction = Field(
        sa_column=enum_column(ModerationAction, "moderation_action", nullable=False)
    )
    from_status: ProjectStatus = Field(
        sa_column=enum_column(ProjectStatus, "from_status", nullable=False)
    )
    to_status: ProjectStatus = Field(
        sa_column=enum_column(ProjectStatus, "to_status", nullable=False)
    )
    reason: str | None = Field(default=None, sa_column=text_column())
    revision_id: int | None = Field(default=None, foreign_key="project_revision.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HistoryIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a moderation event."""


def _refuse_change(_mapper: Any, _connection: Any, target: ModerationEvent) -> None:
    raise HistoryIsAppendOnly(f"moderation event {target.id} cannot be changed")


event.listen(ModerationEvent, "before_update", _refuse_change)
event.listen(ModerationEvent, "before_delete", _refuse_change)


class ProjectComment(SQLModel, table=True):
    """A non-public message on an entry between its submitters and moderators."""

    __tablename__ = "project_comment"
    __table_args__ = (Index(None, "project_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user_account.id")
    body: str = Field(sa_column=text_column(nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
