"""The throttle: a sliding window of attempts per key, kept in the database."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.db import utcnow
from app.errors import TooManyRequests
from app.models import ThrottleEvent
from app.services import throttle
from app.services.throttle import Limit

THREE_A_MINUTE = Limit(attempts=3, seconds=60)


class TestSlidingWindow:
    def test_the_attempt_after_the_limit_waits_for_the_oldest_to_leave(
        self, session: Session
    ) -> None:
        start = utcnow()
        for second in (0, 10, 20):
            throttle.hit(
                session,
                key="k",
                limit=THREE_A_MINUTE,
                now=start + timedelta(seconds=second),
            )

        with pytest.raises(TooManyRequests) as refused:
            throttle.hit(
                session,
                key="k",
                limit=THREE_A_MINUTE,
                now=start + timedelta(seconds=30),
            )

        assert refused.value.retry_after == 30  # the 0 s attempt leaves at 60 s
        assert refused.value.headers == {"Retry-After": "30"}

    def test_attempts_older_than_the_window_no_longer_count(
        self, session: Session
    ) -> None:
        start = utcnow()
        for second in (0, 1, 2):
            throttle.hit(
                session,
                key="k",
                limit=THREE_A_MINUTE,
                now=start + timedelta(seconds=second),
            )

        counted = throttle.hit(
            session, key="k", limit=THREE_A_MINUTE, now=start + timedelta(seconds=61)
        )

        assert counted == 2  # the 2 s and 61 s attempts: 0 s and 1 s are over
        session.expire_all()
        rows = session.exec(select(ThrottleEvent).where(ThrottleEvent.key == "k"))
        assert len(rows.all()) == 2  # the expired ones were deleted

    def test_keys_are_counted_apart(self, session: Session) -> None:
        for _ in range(3):
            throttle.hit(session, key="a", limit=THREE_A_MINUTE)

        assert throttle.hit(session, key="b", limit=THREE_A_MINUTE) == 1

    def test_a_refused_attempt_is_not_counted(self, session: Session) -> None:
        start = utcnow()
        for _ in range(3):
            throttle.hit(session, key="k", limit=THREE_A_MINUTE, now=start)
        for _ in range(5):
            with pytest.raises(TooManyRequests):
                throttle.hit(session, key="k", limit=THREE_A_MINUTE, now=start)

        assert (
            throttle.hit(
                session,
                key="k",
                limit=THREE_A_MINUTE,
                now=start + timedelta(seconds=60),
            )
            == 1
        )


class TestLimits:
    def test_a_limit_is_read_from_its_setting(self) -> None:
        assert Limit.parse("5/900") == Limit(attempts=5, seconds=900)

    @pytest.mark.parametrize("text", ["0/60", "5/0", "five/60", "5"])
    def test_a_malformed_limit_is_refused(self, text: str) -> None:
        with pytest.raises(ValueError):  # noqa: PT011 - int() and ours both say so
            Limit.parse(text)
