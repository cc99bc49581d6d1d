"""Saved searches' digests: the entries newly published that match each one,
mailed in its language when it falls due.

A weekly digest comes 7 days after the previous one, a monthly one 30 days
after (the same length whatever the calendar: no month skipped or doubled);
an immediate one at the first check after a matching entry is published. The
mail worker checks every minute (services.mail.run_worker); `stocktaking
send-digests` checks as of a chosen time.
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
from app.services import alert_links, mail, projects, subscriptions
from app.services import filters as catalog

logger = logging.getLogger(__name__)

PERIODS = {
    AlertFrequency.WEEKLY: timedelta(days=7),
    AlertFrequency.MONTHLY: timedelta(days=30),
}
DIGEST_SIZE = 50  # entries listed in one digest; its catalog link shows all


def _due(now: datetime, newest: datetime | None) -> ColumnElement[bool]:
    """Saved searches whose digest is due at `now`: weekly and monthly ones a
    period after the last; immediate ones when an entry was published since
    (`newest`: the latest publication)."""
    due = [
        (col(SavedSearch.frequency) == frequency)
        & (col(SavedSearch.last_sent_at) <= now - period)
        for frequency, period in PERIODS.items()
    ]
    if newest is not None:
        due.append(
            (col(SavedSearch.frequency) == AlertFrequency.IMMEDIATELY)
            & (col(SavedSearch.last_sent_at) < newest)
            & (col(SavedSearch.last_sent_at) < now)
        )
    return or_(*due)


def send_due_digests(
    session: Session, *, settings: Settings, now: datetime | None = None
) -> int:
    """Queue the digest of every saved search due at `now`; the number queued.

    A digest lists the entries published in (last_sent_at, now] that match
    the search, in its language; then `last_sent_at` becomes `now` even when
    nothing was new, so the next digest covers exactly what is new since this
    check. Each search is its own transaction (on PostgreSQL its row is
    locked, and skipped by another worker holding it)."""
    now = now or utcnow()
    newest = session.exec(
        select(func.max(Project.published_at)).where(projects.public_condition())
    ).one()
    due = session.exec(
        select(SavedSearch.id, SavedSearch.last_sent_at)
        .join(User, col(User.id) == SavedSearch.user_id)
        .where(col(User.is_active).is_(True), _due(now, newest))
        .order_by(col(SavedSearch.id))
    ).all()
    queued = 0
    for search_id, last_sent_at in due:
        assert search_id is not None
        try:
            queued += _send_digest(
                session, search_id, since=last_sent_at, now=now, settings=settings
            )
        except DomainError:  # a search the catalog no longer reads: skip it
            session.rollback()
            logger.warning("saved search %s cannot be read; no digest", search_id)
    return queued


@dataclass(frozen=True)
class _Entry:
    title: str
    link: str


def _send_digest(
    session: Session,
    search_id: int,
    *,
    since: datetime,
    now: datetime,
    settings: Settings,
) -> int:
    """One saved search's digest (1 if a mail was queued, else 0)."""
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
        catalog.matching(session, subscriptions.read_query(search.query))
        .where(col(Project.published_at) > since, col(Project.published_at) <= now)
        .order_by(col(Project.published_at).desc(), col(Project.id).desc())
    )
    found = list(session.exec(new.limit(DIGEST_SIZE + 1)).all())
    queued = 0
    if found:
        _queue_digest(session, search, found, new, settings=settings)
        queued = 1
    search.last_sent_at = now
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
    user = session.get(User, search.user_id)
    assert user is not None
    total = len(found)
    if total > DIGEST_SIZE:
        total = session.exec(select(func.count()).select_from(new.subquery())).one()
    language = search.language.value
    base_url = settings.public_base_url
    stop = alert_links.unsubscribe_url(settings, alert_links.search_payload(search))
    filters = subscriptions.read_query(search.query)
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
            "entries": [
                _Entry(
                    subscriptions.entry_title(project, language),
                    f"{base_url}/projects/{project.public_id}?lang={language}",
                )
                for project in found[:DIGEST_SIZE]
            ],
            "total": total,
            "more": total - min(total, DIGEST_SIZE),
            "catalog_link": base_url + catalog.catalog_url(filters, language),
            "alerts_link": f"{base_url}/me/alerts?lang={language}",
            "unsubscribe": stop,
        },
        unsubscribe_url=stop,
    )
