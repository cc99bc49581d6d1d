"""The moderation workflow: every transition, allowed and refused, and its history."""

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import InvalidInput, InvalidTransition, PermissionDenied
from app.models import (
    ModerationAction,
    ModerationEvent,
    ProjectStatus,
    User,
)
from app.services import moderation
from app.services.moderation import TRANSITIONS
from tests.factories import make_project

Status = ProjectStatus
Action = ModerationAction
SETTINGS = Settings(environment="test")
WORKFLOW_ACTIONS = [
    Action.SUBMIT,
    Action.WITHDRAW,
    Action.APPROVE,
    Action.REQUEST_CHANGES,
    Action.REJECT,
    Action.ARCHIVE,
]
# Every (status, action) pair the workflow allows, and where it leads.
ALLOWED = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.APPROVE): Status.APPROVED,
    (Status.SUBMITTED, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
    (Status.SUBMITTED, Action.REJECT): Status.REJECTED,
    (Status.SUBMITTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.CHANGES_REQUESTED, Action.SUBMIT): Status.SUBMITTED,
    (Status.CHANGES_REQUESTED, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.CHANGES_REQUESTED, Action.REJECT): Status.REJECTED,
    (Status.WITHDRAWN, Action.SUBMIT): Status.SUBMITTED,
    (Status.APPROVED, Action.ARCHIVE): Status.ARCHIVED,
}
ALL_PAIRS = [(status, action) for status in Status for action in WORKFLOW_ACTIONS]


def actor_for(action: ModerationAction, contributor: User, moderator: User) -> User:
    return contributor if action in moderation.SUBMITTER_ACTIONS else moderator


def test_the_table_is_exactly_the_documented_workflow() -> None:
    table = {
        (status, action): target
        for status, moves in TRANSITIONS.items()
        for action, target in moves.items()
    }

    assert table == ALLOWED


class TestTransitions:
    @pytest.mark.parametrize(("status", "action"), list(ALLOWED), ids=str)
    def test_allowed_transition_moves_and_records_an_event(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        status: ProjectStatus,
        action: ModerationAction,
    ) -> None:
        project = make_project(session, status=status, owner=contributor)
        actor = actor_for(action, contributor, moderator)

        event = moderation.apply_action(
            session, project=project, actor=actor, action=action, reason="Because."
        )
        session.commit()

        assert project.status == ALLOWED[(status, action)]
        stored = session.exec(
            select(ModerationEvent).where(ModerationEvent.id == event.id)
        ).one()
        assert (stored.from_status, stored.to_status) == (status, project.status)
        assert (stored.actor_id, stored.action, stored.reason) == (
            actor.id,
            action,
            "Because.",
        )

    @pytest.mark.parametrize(
        ("status", "action"), [p for p in ALL_PAIRS if p not in ALLOWED], ids=str
    )
    def test_refused_transition_is_a_conflict_listing_allowed_actions(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        status: ProjectStatus,
        action: ModerationAction,
    ) -> None:
        project = make_project(session, status=status, owner=contributor)
        actor = actor_for(action, contributor, moderator)

        with pytest.raises(InvalidTransition) as refused:
            moderation.apply_action(
                session, project=project, actor=actor, action=action, reason="x"
            )

        assert refused.value.status_code == 409
        assert refused.value.extra["allowed_actions"] == [
            a.value
            for a in TRANSITIONS[status]
            if moderation.may_act(actor, project, a)
        ]
        assert project.status == status
        assert session.exec(select(ModerationEvent)).all() == []


class TestWhoMayAct:
    def test_contributor_cannot_take_a_moderators_decision(
        self, session: Session, contributor: User
    ) -> None:
        project = make_project(session, status=Status.SUBMITTED, owner=contributor)

        with pytest.raises(PermissionDenied):
            moderation.apply_action(
                session, project=project, actor=contributor, action=Action.APPROVE
            )

    def test_moderator_cannot_submit_for_the_owner(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, status=Status.DRAFT, owner=contributor)

        with pytest.raises(PermissionDenied):
            moderation.apply_action(
                session, project=project, actor=moderator, action=Action.SUBMIT
            )

    def test_focal_point_of_the_country_submits_for_the_owner(
        self, session: Session, contributor: User, focal_point: User
    ) -> None:
        project = make_project(session, status=Status.DRAFT, owner=contributor)

        moderation.apply_action(
            session, project=project, actor=focal_point, action=Action.SUBMIT
        )

        assert project.status == Status.SUBMITTED

    def test_focal_point_of_another_country_cannot(
        self, session: Session, contributor: User, other_focal_point: User
    ) -> None:
        project = make_project(session, status=Status.DRAFT, owner=contributor)

        with pytest.raises(PermissionDenied):
            moderation.apply_action(
                session, project=project, actor=other_focal_point, action=Action.SUBMIT
            )


class TestReasons:
    @pytest.mark.parametrize("action", [Action.REQUEST_CHANGES, Action.REJECT])
    def test_request_changes_and_reject_need_a_reason(
        self,
        session: Session,
        contributor: User,
        moderator: User,
        action: ModerationAction,
    ) -> None:
        project = make_project(session, status=Status.SUBMITTED, owner=contributor)

        with pytest.raises(InvalidInput) as refused:
            moderation.apply_action(
                session, project=project, actor=moderator, action=action, reason=None
            )

        assert refused.value.detail()[0]["loc"] == ["body", "reason"]
        assert project.status == Status.SUBMITTED


class TestSubmitProject:
    def test_an_incomplete_draft_cannot_be_submitted(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(
            session, status=Status.DRAFT, owner=contributor, complete=False
        )

        with pytest.raises(InvalidInput) as refused:
            moderation.submit_project(
                session, public_id=draft.public_id, user=contributor, settings=SETTINGS
            )

        problems = {tuple(e["loc"]): e["type"] for e in refused.value.detail()}
        assert problems[("record", "summary")] == "REQUIRED_IN_ORIGINAL_LANGUAGE"
        assert problems[("record", "lead_organization")] == "missing"
        assert problems[("record", "action_lines")] == "too_short"
        session.refresh(draft)
        assert draft.status == Status.DRAFT

    def test_approval_publishes_once(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, status=Status.SUBMITTED, owner=contributor)
        assert project.published_at is None

        moderation.decide(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )

        session.refresh(project)
        assert project.status == Status.APPROVED
        assert project.published_at is not None
        assert project.decided_at is not None
