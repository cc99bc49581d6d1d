"""The moderation history is append-only, whatever path tries to change it."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, delete, select, update

from app.models import (
    HistoryIsAppendOnly,
    ModerationAction,
    ModerationEvent,
    ProjectStatus,
    User,
)
from app.services import moderation
from tests.factories import make_project
from tests.support.databases import Database


@pytest.fixture
def event(session: Session, contributor: User) -> ModerationEvent:
    """One recorded submission."""
    project = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
    recorded = moderation.apply_action(
        session, project=project, actor=contributor, action=ModerationAction.SUBMIT
    )
    session.commit()
    return recorded


class TestHistoryIsAppendOnly:
    def test_orm_update_is_refused(
        self, session: Session, event: ModerationEvent
    ) -> None:
        event.reason = "rewritten"
        session.add(event)

        with pytest.raises(HistoryIsAppendOnly):
            session.commit()

    def test_orm_delete_is_refused(
        self, session: Session, event: ModerationEvent
    ) -> None:
        session.delete(event)

        with pytest.raises(HistoryIsAppendOnly):
            session.commit()

    @pytest.mark.usefixtures("event")
    def test_bulk_update_is_refused_by_the_database(self, session: Session) -> None:
        with pytest.raises(DatabaseError, match="append-only"):
            session.exec(update(ModerationEvent).values(reason="rewritten"))

    @pytest.mark.usefixtures("event")
    def test_bulk_delete_is_refused_by_the_database(self, session: Session) -> None:
        with pytest.raises(DatabaseError, match="append-only"):
            session.exec(delete(ModerationEvent))

    @pytest.mark.usefixtures("event")
    def test_raw_sql_is_refused_by_the_database(self, db: Database) -> None:
        for statement in (
            "UPDATE moderation_event SET reason = 'x'",
            "DELETE FROM moderation_event",
        ):
            with (
                db.make_session() as other,
                pytest.raises(DatabaseError, match="append-only"),
            ):
                other.connection().execute(text(statement))

    @pytest.mark.usefixtures("event")
    def test_emptying_the_table_is_refused(self, db: Database) -> None:
        # SQLite has no TRUNCATE; its equivalent, an unqualified DELETE, is
        # guarded by the same trigger (and triggers disable its fast path).
        statement = {
            "postgresql": "TRUNCATE moderation_event CASCADE",
            "sqlite": "DELETE FROM moderation_event",
        }[db.backend]
        with (
            db.make_session() as other,
            pytest.raises(DatabaseError, match="append-only"),
        ):
            other.connection().execute(text(statement))

    @pytest.mark.usefixtures("event")
    def test_the_event_is_unchanged_afterwards(self, db: Database) -> None:
        with db.make_session() as other:
            stored = other.exec(select(ModerationEvent)).one()

        assert stored.reason is None
        assert stored.to_status == ProjectStatus.SUBMITTED
