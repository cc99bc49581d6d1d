"""Throttle events: one row per counted attempt, shared by every worker."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class ThrottleEvent(SQLModel, table=True):
    """An attempt counted against a limit (`key` names the limit and the
    subject: `sign-in:account:<email>`, `reset:client:<address>`, ...).

    The state lives in the database, not in process memory, so several web
    workers (or app instances) on one database share the same counts.
    """

    __tablename__ = "throttle_event"
    __table_args__ = (Index(None, "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
