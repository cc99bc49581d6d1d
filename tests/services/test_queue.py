"""The moderators' queue: what waits, oldest first, with counts per country."""

from datetime import timedelta

from sqlmodel import Session

from app.config import Settings
from app.db import utcnow
from app.models import ProjectStatus, RevisionStatus, Role, User
from app.schemas.project import ProjectUpdate
from app.services import queue, revisions
from tests.factories import make_project, make_user


def submitted(session: Session, owner: User, days_ago: int) -> str:
    project = make_project(session, status=ProjectStatus.SUBMITTED, owner=owner)
    project.submitted_at = utcnow() - timedelta(days=days_ago)
    session.add(project)
    session.commit()
    return project.public_id


class TestModerationQueue:
    def test_oldest_first_with_counts_per_country(
        self, session: Session, contributor: User
    ) -> None:
        egyptian = make_user(session, role=Role.CONTRIBUTOR, country="EG")
        recent = submitted(session, contributor, days_ago=1)
        oldest = submitted(session, egyptian, days_ago=9)
        middle = submitted(session, contributor, days_ago=4)
        make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        make_project(session, status=ProjectStatus.APPROVED, owner=contributor)

        waiting = queue.moderation_queue(
            session, statuses=[], countries=[], min_age_days=None, limit=100
        )

        assert [item.id for item in waiting.items] == [oldest, middle, recent]
        assert [item.waiting_days for item in waiting.items] == [9, 4, 1]
        assert waiting.counts_by_country == {"TN": 2, "EG": 1}
        assert waiting.total == 3

    def test_filters_by_country_age_and_status(
        self, session: Session, contributor: User
    ) -> None:
        egyptian = make_user(session, role=Role.CONTRIBUTOR, country="EG")
        old_tn = submitted(session, contributor, days_ago=10)
        submitted(session, contributor, days_ago=1)
        submitted(session, egyptian, days_ago=10)
        rejected = make_project(
            session, status=ProjectStatus.REJECTED, owner=contributor
        ).public_id

        by_country_and_age = queue.moderation_queue(
            session, statuses=[], countries=["TN"], min_age_days=7, limit=100
        )
        by_status = queue.moderation_queue(
            session,
            statuses=[ProjectStatus.REJECTED],
            countries=[],
            min_age_days=None,
            limit=100,
        )

        assert [item.id for item in by_country_and_age.items] == [old_tn]
        assert [item.id for item in by_status.items] == [rejected]

    def test_published_entries_with_changes_to_review_are_in_the_queue(
        self, session: Session, contributor: User
    ) -> None:
        published = make_project(session, owner=contributor)
        revisions.edit_project(
            session,
            public_id=published.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate({"version": 1, "keywords": ["new"]}),
            settings=Settings(environment="test"),
        )

        waiting = queue.moderation_queue(
            session, statuses=[], countries=[], min_age_days=None, limit=100
        )

        assert [(i.id, i.open_revision) for i in waiting.items] == [
            (published.public_id, RevisionStatus.PENDING)
        ]
