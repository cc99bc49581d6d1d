"""Outgoing email, written in the same transaction as the event that causes it."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.languages import Language
from app.models.project import enum_column, text_column


class OutboxMessage(SQLModel, table=True):
    """A message waiting to be sent (or sent): the mail worker delivers it.

    Nothing is lost while the SMTP server is down: a failed send is retried with
    growing delays (`next_attempt_at`); after `mail_max_attempts` it is parked
    (`failed_at`), shown to admins with its error, and can be retried from there.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index(None, "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    to_email: str = Field(max_length=320)
    language: Language = Field(
        sa_column=enum_column(Language, "message_language", nullable=False)
    )
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=text_column(nullable=False))
    # A relayed message's Reply-To, only when its sender chose to give it.
    reply_to: str | None = Field(default=None, max_length=320)
    # An alert's one-click unsubscribe (List-Unsubscribe, RFC 8058).
    unsubscribe_url: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=text_column())
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
