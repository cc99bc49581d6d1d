"""Knowledge exchange: offers, relations between entries, good-practice
designations, messages relayed to an entry's team, follows, saved searches
and problem reports.

Each concern has one service (app/services/offers.py, relations.py,
designations.py, contact.py, subscriptions.py, reports.py) holding its rules.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.languages import Language
from app.models.project import ProjectLink, enum_column, text_column

OFFER_NOTE_MAX_CHARS = 500
CITATION_MAX_CHARS = 2_000
FRAMEWORK_MAX_CHARS = 200
SUBJECT_MAX_CHARS = 200
MESSAGE_MAX_CHARS = 5_000
REASON_MAX_CHARS = 2_000


class Offer(StrEnum):
    """What an entry offers to, or seeks from, other countries."""

    OPEN_TO_REPLICATION = "open_to_replication"
    SEEKS_PARTNERS = "seeks_partners"
    OFFERS_EXPERTISE = "offers_expertise"  # training or expertise
    SEEKS_FUNDING = "seeks_funding"


class ProjectOffer(ProjectLink, table=True):
    """An entry's offers: part of its record, filtered and counted like a
    taxonomy (the `offer` filter)."""

    __tablename__ = "project_offer"
    __table_args__ = (Index(None, "offer", "project_id"),)

    offer: Offer = Field(
        sa_column=Column(
            enum_column(Offer, "offer", nullable=False).type, primary_key=True
        )
    )


class RelationKind(StrEnum):
    """How one entry (`source`) relates to another (`target`). Each reads in
    both directions: "replicated in" from the source is "replicated from"
    from the target."""

    SAME_PROGRAMME = "same_programme"  # the same programme in another country
    FOLLOW_UP = "follow_up"  # the target is a follow-up phase of the source
    REPLICATED_IN = "replicated_in"  # the source was replicated as the target
    INSPIRED = "inspired"  # the source inspired the target


class RelationStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ProjectRelation(SQLModel, table=True):
    """A link between two entries, proposed by one side's team (or a
    moderator) and shown on both entries once the other side (or a
    moderator) accepts it."""

    __tablename__ = "project_relation"
    __table_args__ = (
        Index(None, "source_id", "status"),
        Index(None, "target_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    target_id: int = Field(
        sa_column=Column(ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    kind: RelationKind = Field(
        sa_column=enum_column(RelationKind, "relation_kind", nullable=False)
    )
    status: RelationStatus = Field(
        sa_column=enum_column(RelationStatus, "relation_status", nullable=False)
    )
    note: str | None = Field(default=None, sa_column=text_column())
    proposed_by_id: int = Field(foreign_key="user_account.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The side that proposed (its team must not accept its own proposal).
    proposed_from_id: int = Field(foreign_key="project.id")
    decided_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GoodPractice(SQLModel, table=True):
    """A moderator's designation of an approved entry as a good practice.

    Never deleted: a withdrawal fills `withdrawn_*`; an entry holds at most
    one designation in force (`withdrawn_at` NULL), mirrored in
    `project.good_practice` for the catalog's filter. Both acts are also
    events of the entry's moderation history.
    """

    __tablename__ = "good_practice"
    __table_args__ = (Index(None, "project_id", "withdrawn_at"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    citation_ar: str | None = Field(default=None, sa_column=text_column())
    citation_en: str | None = Field(default=None, sa_column=text_column())
    citation_fr: str | None = Field(default=None, sa_column=text_column())
    year: int
    framework: str | None = Field(default=None, max_length=FRAMEWORK_MAX_CHARS)
    designated_by_id: int = Field(foreign_key="user_account.id")
    designated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawal_reason: str | None = Field(default=None, sa_column=text_column())


class ContactPurpose(StrEnum):
    REPLICATE = "replicate"
    PARTNER = "partner"
    LEARN = "learn"
    OTHER = "other"


class ContactThread(SQLModel, table=True):
    """A conversation a signed-in person started with an entry's team.

    Addresses are never stored here nor shown: the relay mails each side and
    each side answers through the repository (`reply_token_hash` opens the
    thread for the team from the relayed mail, without an account).
    """

    __tablename__ = "contact_thread"
    __table_args__ = (
        Index(None, "project_id", "created_at"),
        Index(None, "sender_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(ForeignKey("project.id", ondelete="CASCADE"), nullable=False)
    )
    sender_id: int = Field(foreign_key="user_account.id")
    purpose: ContactPurpose = Field(
        sa_column=enum_column(ContactPurpose, "contact_purpose", nullable=False)
    )
    subject: str = Field(max_length=SUBJECT_MAX_CHARS)
    sender_organization: str | None = Field(default=None, max_length=300)
    sender_country_iso2: str | None = Field(
        default=None, foreign_key="country.iso2", max_length=2
    )
    # The sender chose to give their address as Reply-To of the relayed mail.
    reply_to_sender: bool = False
    reply_token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Reported as abuse: only then may moderators read the messages.
    reported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reported_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    report_reason: str | None = Field(default=None, sa_column=text_column())


class ContactMessage(SQLModel, table=True):
    """One message of a thread. `body` is deleted (NULL, `body_deleted_at`
    set) past the retention setting; the rest stays for the log."""

    __tablename__ = "contact_message"
    __table_args__ = (Index(None, "thread_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(
        sa_column=Column(
            ForeignKey("contact_thread.id", ondelete="CASCADE"), nullable=False
        )
    )
    # The sender's account, or NULL for a team member answering from the
    # relayed mail's link (the entry's contact may have no account).
    author_id: int | None = Field(default=None, foreign_key="user_account.id")
    from_team: bool
    body: str | None = Field(default=None, sa_column=text_column())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    body_deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ContactBlock(SQLModel, table=True):
    """A sender who may no longer write: to one entry (its team blocked them)
    or, `project_id` NULL, to any (a moderator suspended them)."""

    __tablename__ = "contact_block"
    __table_args__ = (UniqueConstraint("sender_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = Field(foreign_key="user_account.id", index=True)
    project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="CASCADE"
    )
    # The team member or moderator who acted; NULL for the team acting from
    # the relayed mail's link (the entry's contact may have no account).
    blocked_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    reason: str | None = Field(default=None, sa_column=text_column())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Follow(SQLModel, table=True):
    """A person following an entry: told of its published revisions, new
    relations and designations."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("user_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    project_id: int = Field(
        sa_column=Column(
            ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AlertFrequency(StrEnum):
    IMMEDIATELY = "immediately"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class SavedSearch(SQLModel, table=True):
    """A catalog search (the catalog's own query string) a person is alerted
    to: a digest of the entries published since `last_sent_at`."""

    __tablename__ = "saved_search"
    __table_args__ = (Index(None, "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    # The filters as the catalog's query string (`action_line=C7.4&q=...`),
    # read back through ProjectFilters: one definition of the parameters.
    query: str = Field(max_length=4_000)
    frequency: AlertFrequency = Field(
        sa_column=enum_column(AlertFrequency, "alert_frequency", nullable=False)
    )
    language: Language = Field(
        sa_column=enum_column(Language, "saved_search_language", nullable=False)
    )
    # Digests cover entries published after this moment.
    last_sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The private Atom feed's random nonce: the feed's address is the id
    # signed for this nonce under the secret key (services.alert_links). It
    # can be shown again, yet the database alone cannot open the feed; a new
    # nonce retires the old address.
    feed_nonce: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProblemKind(StrEnum):
    OUTDATED = "outdated"
    WRONG = "wrong"
    BROKEN_LINK = "broken_link"
    NOT_AI = "not_ai"
    DUPLICATE = "duplicate"


class ReportStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ProblemReport(SQLModel, table=True):
    """A problem someone reported with a published entry, tracked in the desk
    until a moderator closes it with a note."""

    __tablename__ = "problem_report"
    __table_args__ = (Index(None, "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(
        sa_column=Column(
            ForeignKey("project.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    reporter_id: int = Field(foreign_key="user_account.id")
    kind: ProblemKind = Field(
        sa_column=enum_column(ProblemKind, "problem_kind", nullable=False)
    )
    details: str | None = Field(default=None, sa_column=text_column())
    status: ReportStatus = Field(
        sa_column=enum_column(ReportStatus, "report_status", nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = Field(default=None, sa_column=text_column())
