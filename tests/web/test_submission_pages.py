"""The entry form, "my entries" and the submitter's actions (pages)."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ModerationEvent, Project, ProjectStatus, User
from app.services import projects
from tests.factories import form_fields, make_project, project_data, sign_in
from tests.support.forms import post_form


def stored(session: Session) -> list[Project]:
    session.expire_all()
    return list(session.exec(select(Project)).all())


class TestTheEntryForm:
    def test_anonymous_visitors_are_sent_to_sign_in_and_back(
        self, client: TestClient
    ) -> None:
        response = client.get("/projects/new?lang=en", follow_redirects=False)

        assert response.status_code == 303
        assert (
            response.headers["location"] == "/login?next=%2Fprojects%2Fnew%3Flang%3Den"
        )

    @pytest.mark.parametrize("lang", ["ar", "en", "fr"])
    def test_renders_every_section_in_each_language(
        self, client: TestClient, session: Session, contributor: User, lang: str
    ) -> None:
        sign_in(client, session, contributor)

        page = client.get(f"/projects/new?lang={lang}")

        assert page.status_code == 200
        assert f'<html lang="{lang}"' in page.text
        for section in (
            "about",
            "organisation",
            "where-when",
            "wsis",
            "ai",
            "impact",
            "contact",
        ):
            assert f'id="{section}"' in page.text
        for name in ("title.ar", "title.en", "title.fr", "sdgs", "action_lines"):
            assert f'name="{name}"' in page.text
        # Action lines carry the SDGs the WSIS-SDG matrix links, for the suggestions.
        assert re.search(r'value="C7.3" data-sdgs="[0-9 ]+"', page.text)

    def test_saves_a_partial_draft_and_reopens_it(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/projects/new?lang=en",
            [
                ("original_language", "ar"),
                ("title.ar", "مسودة أولى"),
                ("action", "save"),
            ],
            form="/projects/new?lang=en",
        )

        assert response.status_code == 303
        [draft] = stored(session)
        assert draft.status == ProjectStatus.DRAFT
        assert draft.owner_id == contributor.id
        edit = client.get(response.headers["location"])
        assert "Draft saved." in edit.text
        assert 'value="مسودة أولى"' in edit.text

    def test_errors_come_back_422_next_to_the_fields_with_nothing_lost(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/projects/new?lang=fr",
            [
                ("original_language", "ar"),
                ("title.en", "Only English"),
                ("description.fr", "Texte à garder"),
                ("start_date", "2025-03-01"),
                ("end_date", "2024-01-01"),
                ("lead_organization.name", "Named, but no type"),
                ("lead_organization.website", "not a url"),
                ("action", "save"),
            ],
            form="/projects/new?lang=fr",
        )

        assert response.status_code == 422
        text = response.text
        assert 'id="error-summary"' in text
        assert "Obligatoire dans la langue d’origine" in text or "(ar)" in text
        assert 'value="Only English"' in text
        assert "Texte à garder" in text
        assert 'aria-describedby="e-f-end_date"' in text
        assert 'aria-describedby="e-f-lead_organization-website"' in text
        assert 'aria-describedby="e-f-lead_organization-entity_type"' in text
        assert "Champ obligatoire" in text or "obligatoire" in text
        assert stored(session) == []  # nothing half-written

    def test_submit_with_a_complete_record_goes_to_review(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/projects/new?lang=en",
            [*form_fields(project_data()), ("action", "submit")],
            form="/projects/new?lang=en",
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/me/projects?lang=en"
        [entry] = stored(session)
        assert entry.status == ProjectStatus.SUBMITTED
        record = projects.get_record(
            session, public_id=entry.public_id, user=contributor
        )
        assert record.partners[0].name == "Partner Lab (fictional)"
        assert record.contact.email == "private-contact@example.org"
        assert record.keywords == ["test", "اختبار"]

    def test_submitting_an_incomplete_draft_keeps_it_and_lists_what_is_missing(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)

        response = post_form(
            client,
            "/projects/new?lang=en",
            [
                ("original_language", "en"),
                ("title.en", "Half done"),
                ("action", "submit"),
            ],
            form="/projects/new?lang=en",
        )

        assert response.status_code == 422
        [draft] = stored(session)
        assert draft.status == ProjectStatus.DRAFT
        text = response.text
        assert 'href="#f-summary"' in text
        assert 'href="#f-sdgs"' in text
        assert f'action="/projects/{draft.public_id}/edit' in text

    def test_a_form_without_its_csrf_token_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        sign_in(client, session, contributor)
        client.get("/projects/new")

        response = client.post(
            "/projects/new",
            data={"original_language": "en", "title.en": "x", "csrf_token": "forged"},
        )

        assert response.status_code == 422
        assert stored(session) == []

    def test_moderators_cannot_write_entries(
        self, client: TestClient, session: Session, moderator: User
    ) -> None:
        sign_in(client, session, moderator)

        assert client.get("/projects/new").status_code == 403


class TestEditing:
    def test_edit_saves_with_the_version_and_a_stale_one_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        sign_in(client, session, contributor)
        path = f"/projects/{entry.public_id}/edit?lang=en"
        fields = form_fields(project_data(title={"ar": "عنوان جديد"}))

        saved = post_form(client, path, [("version", "1"), *fields], form=path)
        stale = post_form(client, path, [("version", "1"), *fields], form=path)

        assert saved.status_code == 303
        assert stale.status_code == 422
        assert "عنوان جديد" in stale.text

    def test_an_approved_entry_change_becomes_a_revision(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.APPROVED, owner=contributor)
        sign_in(client, session, contributor)
        path = f"/projects/{entry.public_id}/edit?lang=en"
        changed = project_data(title={"ar": "عنوان منقح", "en": "Revised"})

        response = post_form(
            client,
            path,
            [("version", str(entry.version)), *form_fields(changed)],
            form=path,
        )

        assert response.status_code == 303
        public = projects.get_public_project(session, entry.public_id)
        assert public.title.en == "A test AI platform"  # until a moderator approves
        assert "Revised" in client.get(path).text

    def test_an_entry_under_review_says_it_cannot_be_changed(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, contributor)
        path = f"/projects/{entry.public_id}/edit?lang=en"

        page = client.get(path)
        response = post_form(
            client,
            path,
            [("version", str(entry.version)), *form_fields(project_data())],
            form=path,
        )

        assert "cannot be changed in its current status" in page.text
        assert response.status_code == 422
        assert "You cannot edit the entry while it is submitted" in response.text

    def test_others_cannot_open_the_form(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        other_focal_point: User,
    ) -> None:
        entry = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        sign_in(client, session, other_focal_point)

        response = client.get(f"/projects/{entry.public_id}/edit")

        assert response.status_code in (403, 404)


class TestMyEntries:
    def test_lists_status_reason_comments_and_allowed_actions(
        self, client: TestClient, session: Session, contributor: User, moderator: User
    ) -> None:
        from app.config import Settings
        from app.services import comments, moderation

        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        moderation.decide(
            session,
            public_id=entry.public_id,
            moderator=moderator,
            action="request_changes",
            reason="Please add the partners' websites.",
            settings=Settings(),
        )
        comments.add_comment(
            session,
            public_id=entry.public_id,
            author=moderator,
            body="Thanks!",
            settings=Settings(),
        )
        sign_in(client, session, contributor)

        page = client.get("/me/projects?lang=en")

        assert page.status_code == 200
        assert "Changes requested" in page.text
        assert "Please add the partners&#39; websites." in page.text
        assert "Thanks!" in page.text
        assert 'value="submit"' in page.text
        assert f"/projects/{entry.public_id}/edit" in page.text

    def test_withdraw_and_delete_a_draft(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        submitted = make_project(
            session, status=ProjectStatus.SUBMITTED, owner=contributor
        )
        draft = make_project(
            session, status=ProjectStatus.DRAFT, owner=contributor, complete=False
        )
        sign_in(client, session, contributor)

        withdrawn = post_form(
            client,
            f"/projects/{submitted.public_id}/owner-action?lang=en",
            [("action", "withdraw")],
            form="/me/projects",
        )
        deleted = post_form(
            client,
            f"/projects/{draft.public_id}/owner-action?lang=en",
            [("action", "delete")],
            form="/me/projects",
        )

        assert withdrawn.status_code == deleted.status_code == 303
        remaining = stored(session)
        assert [p.status for p in remaining] == [ProjectStatus.WITHDRAWN]
        page = client.get("/me/projects?lang=en")
        assert "The draft is deleted." in page.text

    def test_focal_points_see_and_endorse_their_countrys_submissions(
        self, client: TestClient, session: Session, contributor: User, focal_point: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, focal_point)

        page = client.get("/me/projects?lang=en")
        response = post_form(
            client,
            f"/projects/{entry.public_id}/owner-action?lang=en",
            [("action", "endorse")],
            form="/me/projects",
        )

        assert "A test AI platform" in page.text or "منصة تجريبية" in page.text
        assert 'value="endorse"' in page.text
        assert response.status_code == 303
        events = session.exec(select(ModerationEvent)).all()
        assert [e.action for e in events][-1] == "endorse"

    def test_an_action_without_csrf_is_a_403_page(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, status=ProjectStatus.SUBMITTED, owner=contributor)
        sign_in(client, session, contributor)

        response = client.post(
            f"/projects/{entry.public_id}/owner-action?lang=en",
            data={"action": "withdraw"},
        )

        assert response.status_code == 403
        assert "This form has expired" in response.text
