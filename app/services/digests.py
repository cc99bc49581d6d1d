"""Saved searches' digests: the entries newly published that match each one,
mailed in its language when it falls due.

A weekly digest covers the 7 days after the previous one, a monthly one 30
days (the same length whatever the calendar: no month skipped or doubled),
an immediate one what was published since the previous one; each is made at
the first check DIGEST_GRACE after the end of what it covers (an immediate
one: after a matching entry is published). The mail worker checks every
minute (services.mail.run_worker); `stocktaking send-digests` checks as of a
chosen time.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.config import Settings
from app.db import utcnow
from app.errors import DomainError
from app.models import Project, User
from app.models.exchange import AlertFrequency, SavedSearch
from app.services import alert_links, mail, notifications, projects, saved_searches
from app.services import filters as catalog

logger = logging.getLogger(__name__)

PERIODS = {
    AlertFrequency.WEEKLY: timedelta(days=7),
    AlertFrequency.MONTHLY: timedelta(days=30),
}
DIGEST_SIZE = 50  # entries listed in one digest; its catalog link shows all
# A digest covers the entries published up to DIGEST_GRACE before the check,
# not up to the check itself. An approval stamps `published_at` before its
# transaction commits: read at `now`, an entry stamped just before `now` but
# committed just after is not seen yet, and a window ending at `now` would
# have passed it for good. Ending the window earlier leaves every transaction
# that long to commit; what was published inside the grace goes in the next
# digest (the next window starts where this one ended).
DIGEST_GRACE = timedelta(minutes=2)


def _due(until: datetime, newest: datetime | None) -> ColumnElement[bool]:
    """Saved searches with a digest to make of the entries published up to
    `until`: weekly and monthly ones a whole period after the last; immediate
    ones when an entry was published since (`newest`: the latest publication
    up to `until`)."""
    due = [
        (col(SavedSearch.frequency) == frequency)
        & (col(SavedSearch.last_sent_at) <= until - period)
        for frequency, period in PERIODS.items()
    ]
    if newest is not None:
        due.append(
            (col(SavedSearch.frequency) == AlertFrequency.IMMEDIATELY)
            & (col(SavedSearch.last_sent_at) < newest)
        )
    return or_(*due)


def send_due_digests(
    session: Session, *, settings: Settings, now: datetime | None = None
) -> int:
    """Queue the digest of every saved search due at `now`; the number queued.

    A digest lists the entries published in (last_sent_at, until] that match
    the search, in its language, `until` being `now - DIGEST_GRACE`; then
    `last_sent_at` becomes `until` even when nothing was new, so the next
    digest starts exactly where this one ended: no entry is listed twice or
    passed over. Each search is its own transaction (on PostgreSQL its row
    is locked, and skipped by another worker holding it)."""
    until = (now or utcnow()) - DIGEST_GRACE
    newest = session.exec(
        select(func.max(Project.published_at)).where(
            projects.public_condition(), col(Project.published_at) <= until
        )
    ).one()
    due = session.exec(
        select(SavedSearch.id, SavedSearch.last_sent_at)
        .join(User, col(User.id) == SavedSearch.user_id)
        .where(col(User.is_active).is_(True), _due(until, newest))
        .order_by(col(SavedSearch.id))
    ).all()
    queued = 0
    for search_id, last_sent_at in due:
        assert search_id is not None
        try:
            queued += _send_digest(
                session, search_id, since=last_sent_at, until=until, settings=settings
            )
        except DomainError:  # a search the catalog no longer reads: skip it
            session.rollback()
            logger.warning("saved search %s cannot be read; no digest", search_id)
    return queued


@dataclass(frozen=True)
class _Entry:
    title: str
    link: str


def _entries(found: list[Project], language: str, base_url: str) -> list[_Entry]:
    """The listed entries: each title in `language` (else the original's),
    linked to its page in that language."""
    return [
        _Entry(
            notifications.title_in(project, language),
            f"{base_url}/projects/{project.public_id}?lang={language}",
        )
        for project in found
    ]


def _send_digest(
    session: Session,
    search_id: int,
    *,
    since: datetime,
    until: datetime,
    settings: Settings,
) -> int:
    """One saved search's digest of (since, until] (1 if a mail was queued,
    else 0)."""
    query = (
        select(SavedSearch)
        .where(SavedSearch.id == search_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    search = session.exec(query).first()
    if search is None or search.last_sent_at != since:  # another worker sent it
        session.rollback()
        return 0
    new = (
        catalog.matching(session, saved_searches.read_query(search.query))
        .where(col(Project.published_at) > since, col(Project.published_at) <= until)
        .order_by(col(Project.published_at).desc(), col(Project.id).desc())
    )
    found = list(session.exec(new.limit(DIGEST_SIZE + 1)).all())
    queued = 0
    if found:
        _queue_digest(session, search, found, new, settings=settings)
        queued = 1
    search.last_sent_at = until
    session.add(search)
    session.commit()
    return queued


def _queue_digest(
    session: Session,
    search: SavedSearch,
    found: list[Project],
    new: SelectOfScalar[Project],
    *,
    settings: Settings,
) -> None:
    """Queue the digest listing `found` (the first of `new`, all it lists),
    to the search's owner in the search's language."""
    user = session.get(User, search.user_id)
    assert user is not None
    total = len(found)
    if total > DIGEST_SIZE:
        total = session.exec(select(func.count()).select_from(new.subquery())).one()
    language = search.language.value
    base_url = settings.public_base_url
    stop = alert_links.unsubscribe_url(settings, alert_links.search_payload(search))
    filters = saved_searches.read_query(search.query)
    mail.queue(
        session,
        kind="alert_digest",
        to=mail.Recipient(
            email=user.email,
            preferred_language=search.language,
            full_name=user.full_name,
        ),
        context={
            "name": search.name,
            "entries": _entries(found[:DIGEST_SIZE], language, base_url),
            "total": total,
            "more": total - min(total, DIGEST_SIZE),
            "catalog_link": base_url + catalog.catalog_url(filters, language),
            "alerts_link": f"{base_url}/me/alerts?lang={language}",
            "unsubscribe": stop,
        },
        unsubscribe_url=stop,
    )
