"""Outgoing email as admins see it: parked messages and their errors."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.languages import Language


class OutboxMessagePublic(BaseModel):
    """A queued email without its body (a body may hold a sign-in link)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    to_email: str
    language: Language
    subject: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
