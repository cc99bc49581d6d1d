"""Contact an entry's team: what a sender writes, each side's view of a
conversation, the moderators' log. No shape here holds an email address."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.models.exchange import (
    MESSAGE_MAX_CHARS,
    REASON_MAX_CHARS,
    SUBJECT_MAX_CHARS,
    ContactPurpose,
)
from app.schemas.common import MULTI_LINE, SINGLE_LINE, Iso2

Subject = Annotated[
    str, StringConstraints(min_length=1, max_length=SUBJECT_MAX_CHARS), *SINGLE_LINE
]
Body = Annotated[
    str, StringConstraints(min_length=1, max_length=MESSAGE_MAX_CHARS), *MULTI_LINE
]
Organization = Annotated[str, StringConstraints(max_length=300), *SINGLE_LINE]
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=REASON_MAX_CHARS), *MULTI_LINE
]
# Who a reader of a conversation is in it.
Side = Literal["sender", "team"]


class TeamMessageIn(BaseModel):
    """A first message to an entry's team. `reply_to_sender`: give my address
    as the relayed mail's Reply-To (otherwise replies go through the site)."""

    model_config = ConfigDict(extra="forbid")

    purpose: ContactPurpose
    subject: Subject
    body: Body
    organization: Organization | None = None
    country: Iso2 | None = None
    reply_to_sender: bool = False


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body


class ReportIn(BaseModel):
    """Why a conversation is abuse (the moderators read it, and the messages)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason


class NoteIn(BaseModel):
    """An optional note with a block or a suspension."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class SuspensionIn(BaseModel):
    """A moderator suspends a sender (the id the log shows) from writing to
    any entry's team."""

    model_config = ConfigDict(extra="forbid")

    sender_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Reason | None = None


class SuspensionPublic(BaseModel):
    """A sender's suspension (no address)."""

    sender_id: int
    reason: str | None
    created_at: datetime


class ContactSender(BaseModel):
    """The sender as the team and the moderators see them: no address."""

    id: int
    name: str
    organization: str | None
    country: str | None


class ContactEntry(BaseModel):
    id: str  # the entry's public id
    title: str


class ContactMessagePublic(BaseModel):
    id: int
    from_team: bool
    # None once deleted past the retention period (`body_deleted_at`).
    body: str | None
    created_at: datetime
    body_deleted_at: datetime | None


class ContactThreadPublic(BaseModel):
    """A conversation as one of its sides reads it."""

    id: int
    side: Side
    entry: ContactEntry
    sender: ContactSender
    purpose: ContactPurpose
    subject: str
    reply_to_sender: bool
    created_at: datetime
    reported: bool
    sender_blocked: bool  # by this entry's team (a suspension is the log's)
    messages: list[ContactMessagePublic]


class ContactThreadSummary(BaseModel):
    """A line of "my messages"."""

    id: int
    side: Side
    entry: ContactEntry
    sender: ContactSender
    purpose: ContactPurpose
    subject: str
    created_at: datetime
    last_message_at: datetime
    message_count: int
    reported: bool


class MyMessages(BaseModel):
    sent: list[ContactThreadSummary]
    received: list[ContactThreadSummary]


class MessageLogRow(BaseModel):
    """Who wrote to which entry, when and why; the text only once reported."""

    id: int
    entry: ContactEntry
    sender: ContactSender
    purpose: ContactPurpose
    created_at: datetime
    last_message_at: datetime
    message_count: int
    reported_at: datetime | None
    report_reason: str | None
    sender_suspended: bool
    sender_blocked: bool
    subject: str | None  # reported threads only
    messages: list[ContactMessagePublic] | None  # reported threads only


class MessageLog(BaseModel):
    items: list[MessageLogRow]
    total: int
    page: int
    pages: int
