"""Pending edits of a published entry, reviewed before the public sees them."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.models.project import enum_column, text_column


class RevisionStatus(StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


OPEN_REVISION_STATUSES = (RevisionStatus.PENDING, RevisionStatus.CHANGES_REQUESTED)


class ProjectRevision(SQLModel, table=True):
    """A proposed new version of an approved entry (the whole record, as JSON).

    At most one revision of an entry is open (pending or changes requested) at a
    time; further edits update it.
    """

    __tablename__ = "project_revision"
    __table_args__ = (Index(None, "project_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user_account.id")
    status: RevisionStatus = Field(
        default=RevisionStatus.PENDING,
        sa_column=enum_column(RevisionStatus, "revision_status", nullable=False),
    )
    record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    base_version: int
    reason: str | None = Field(default=None, sa_column=text_column())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
