"""Throttling: how many attempts a subject may make in a sliding window.

Each counted attempt is a `ThrottleEvent` row, so every web worker and every
app instance on one database shares the counts (process memory would let each
worker allow its own quota). Checking costs one indexed count; rows older than
the window are deleted as the key is used again.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.db import utcnow
from app.errors import ErrorCode, TooManyRequests
from app.models import ThrottleEvent


@dataclass(frozen=True)
class Limit:
    """At most `attempts` in any `seconds`-long window."""

    attempts: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """A limit from its setting, `"<attempts>/<seconds>"` (e.g. `"5/900"`)."""
        attempts, _, seconds = text.partition("/")
        limit = cls(int(attempts), int(seconds))
        if limit.attempts < 1 or limit.seconds < 1:
            raise ValueError(f"a limit needs positive numbers: {text!r}")
        return limit


def _window(session: Session, key: str, limit: Limit, now: datetime) -> list[datetime]:
    """When `key`'s attempts inside the window were made, oldest first."""
    since = now - timedelta(seconds=limit.seconds)
    return list(
        session.exec(
            select(ThrottleEvent.at)
            .where(ThrottleEvent.key == key)
            .where(col(ThrottleEvent.at) > since)
            .order_by(col(ThrottleEvent.at))
        ).all()
    )


def check(
    session: Session, *, key: str, limit: Limit, now: datetime | None = None
) -> None:
    """Refuse (429 with Retry-After) when `key` has used up `limit`."""
    now = now or utcnow()
    attempts = _window(session, key, limit, now)
    if len(attempts) >= limit.attempts:
        # Free again when the oldest attempt that still counts leaves the window.
        oldest = attempts[len(attempts) - limit.attempts]
        wait = oldest + timedelta(seconds=limit.seconds) - now
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise TooManyRequests(
            ErrorCode.TOO_MANY_ATTEMPTS,
            retry_after=seconds,
            minutes=max(1, math.ceil(seconds / 60)),
        )


def check_all(
    session: Session,
    *,
    key: str,
    limits: list[Limit],
    code: ErrorCode,
    now: datetime | None = None,
) -> Limit:
    """Refuse (429 `code`, with Retry-After, the limit's number of attempts as
    `limit` and the wait in `minutes`) when `key` has used up any of `limits`;
    the longest window, the one to `record` the attempt in."""
    for limit in limits:
        try:
            check(session, key=key, limit=limit, now=now)
        except TooManyRequests as refused:
            raise TooManyRequests(
                code,
                retry_after=refused.retry_after,
                limit=limit.attempts,
                minutes=max(1, math.ceil(refused.retry_after / 60)),
            ) from refused
    return max(limits, key=lambda limit: limit.seconds)


def record(
    session: Session, *, key: str, limit: Limit, now: datetime | None = None
) -> int:
    """Count one attempt of `key` and commit it at once (it counts even if the
    request then fails); the number of attempts now in the window."""
    now = now or utcnow()
    since = now - timedelta(seconds=limit.seconds)
    session.exec(
        delete(ThrottleEvent)
        .where(col(ThrottleEvent.key) == key)
        .where(col(ThrottleEvent.at) <= since)
    )
    earlier = session.exec(
        select(func.count())
        .select_from(ThrottleEvent)
        .where(ThrottleEvent.key == key)
        .where(col(ThrottleEvent.at) > since)
    ).one()
    session.add(ThrottleEvent(key=key, at=now))
    session.commit()
    return earlier + 1


def hit(
    session: Session, *, key: str, limit: Limit, now: datetime | None = None
) -> int:
    """Check, then count, one attempt: 429 when `limit` is used up."""
    check(session, key=key, limit=limit, now=now)
    return record(session, key=key, limit=limit, now=now)
