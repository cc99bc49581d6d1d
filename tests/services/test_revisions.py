"""Editing: drafts change in place; published entries get reviewed revisions."""

import pytest
from sqlmodel import Session

from app.config import Settings
from app.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from app.models import Project, ProjectStatus, RevisionStatus, User
from app.schemas.project import ProjectUpdate
from app.services import projects, revisions
from tests.factories import make_project

SETTINGS = Settings(environment="test")


def edit(session: Session, project: Project, editor: User, **fields: object) -> object:
    update = ProjectUpdate.model_validate({"version": project.version, **fields})
    return revisions.edit_project(
        session,
        public_id=project.public_id,
        editor=editor,
        update=update,
        settings=SETTINGS,
    )


def public_title(session: Session, project: Project) -> str | None:
    return projects.get_public_project(session, project.public_id).title.en


class TestEditDraft:
    def test_owner_edits_a_draft_in_place(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        record = edit(session, draft, contributor, title={"ar": "عنوان جديد"})

        session.refresh(draft)
        assert draft.title_ar == "عنوان جديد"
        assert draft.title_en is None  # the whole field is replaced
        assert draft.version == 2
        assert record.version == 2  # type: ignore[attr-defined]

    def test_a_stale_version_is_a_conflict_and_changes_nothing(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        edit(session, draft, contributor, keywords=["first"])
        stale = ProjectUpdate.model_validate({"version": 1, "keywords": ["second"]})

        with pytest.raises(Conflict) as refused:
            revisions.edit_project(
                session,
                public_id=draft.public_id,
                editor=contributor,
                update=stale,
                settings=SETTINGS,
            )

        assert refused.value.extra == {"current_version": 2}
        session.refresh(draft)
        assert draft.keywords == ["first"]

    def test_invalid_fields_are_refused_field_by_field(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)

        with pytest.raises(InvalidInput) as refused:
            edit(session, draft, contributor, sdgs=[4, 4], technologies=["telepathy"])

        assert [e["loc"] for e in refused.value.detail()] == [["body", "sdgs"]]

    def test_another_contributor_cannot_edit(
        self, session: Session, contributor: User, other_contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.APPROVED, owner=contributor)

        with pytest.raises(PermissionDenied):
            edit(session, draft, other_contributor, keywords=["mine"])

    def test_a_submitted_entry_is_not_edited_under_review(
        self, session: Session, contributor: User
    ) -> None:
        project = make_project(
            session, status=ProjectStatus.SUBMITTED, owner=contributor
        )

        with pytest.raises(InvalidTransition) as refused:
            edit(session, project, contributor, keywords=["late"])

        assert refused.value.extra["allowed_actions"] == ["withdraw"]


class TestRevisionOfPublishedEntry:
    def test_the_public_keeps_the_published_version_until_approval(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, owner=contributor)

        record = edit(
            session, project, contributor, title={"ar": "عنوان", "en": "New title"}
        )

        assert record.open_revision == RevisionStatus.PENDING  # type: ignore[attr-defined]
        assert public_title(session, project) == "A test AI platform"
        view = revisions.revision_view(
            session, public_id=project.public_id, user=moderator
        )
        assert [(c.field, c.after["en"]) for c in view.changes] == [
            ("title", "New title")
        ]
        assert view.changes[0].before["en"] == "A test AI platform"

        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )

        assert public_title(session, project) == "New title"
        assert projects.open_revision(session, project) is None

    def test_requested_changes_go_back_to_the_author_then_pending_again(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, owner=contributor)
        edit(session, project, contributor, keywords=["draft change"])
        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="request_changes",
            reason="Say what changed.",
            settings=SETTINGS,
        )
        session.refresh(project)
        revision = projects.open_revision(session, project)
        assert revision is not None
        assert revision.status == RevisionStatus.CHANGES_REQUESTED
        assert revision.reason == "Say what changed."

        edit(session, project, contributor, keywords=["better change"])

        resubmitted = projects.open_revision(session, project)
        assert resubmitted is not None
        assert resubmitted.status == RevisionStatus.PENDING
        assert resubmitted.record["keywords"] == ["better change"]
        assert projects.get_public_project(session, project.public_id).keywords == [
            "test",
            "اختبار",
        ]

    def test_a_rejected_revision_leaves_the_published_version(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, owner=contributor)
        edit(session, project, contributor, title={"ar": "عنوان", "en": "Bad"})

        revisions.decide_revision(
            session,
            public_id=project.public_id,
            moderator=moderator,
            action="reject",
            reason="Not accurate.",
            settings=SETTINGS,
        )

        assert public_title(session, project) == "A test AI platform"
        assert projects.open_revision(session, project) is None

    def test_a_revision_must_be_a_complete_record(
        self, session: Session, contributor: User
    ) -> None:
        project = make_project(session, owner=contributor)

        with pytest.raises(InvalidInput) as refused:
            edit(session, project, contributor, sdgs=[])

        assert [e["loc"] for e in refused.value.detail()] == [["body", "sdgs"]]

    def test_no_revision_to_decide_is_a_conflict(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        project = make_project(session, owner=contributor)

        with pytest.raises(Conflict):
            revisions.decide_revision(
                session,
                public_id=project.public_id,
                moderator=moderator,
                action="approve",
                reason=None,
                settings=SETTINGS,
            )
