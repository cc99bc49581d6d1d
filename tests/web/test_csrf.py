"""Cross-site requests: the forms' tokens are bound to the browser's session
and rotated at sign-in; a post from another site is refused; the JSON API does
not take the session cookie at all (tests/api/test_accounts.py)."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Project, ProjectStatus, User
from tests.factories import PASSWORD, make_project, make_user, sign_in
from tests.support.forms import csrf


def token_in(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found
    return found.group(1)


def submit_from_my_entries(
    client: TestClient, project: Project, token: str, **headers: str
) -> int:
    response = client.post(
        f"/projects/{project.public_id}/owner-action",
        data={"csrf_token": token, "action": "submit"},
        headers=headers,
        follow_redirects=False,
    )
    status: int = response.status_code
    return status


class TestFormTokens:
    def test_contributor_submits_with_the_token_of_their_session(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)
        sign_in(client, session, contributor)

        status = submit_from_my_entries(client, project, csrf(client, "/me/projects"))

        assert status == 303
        session.refresh(project)
        assert project.status == ProjectStatus.SUBMITTED

    def test_a_token_planted_before_sign_in_is_refused_after_it(
        self, client: TestClient, session: Session
    ) -> None:
        victim = make_user(session)
        project = make_project(session, owner=victim, status=ProjectStatus.DRAFT)
        planted = csrf(client, "/login")  # the attacker's page, the same cookie jar

        client.post(
            "/login",
            data={"csrf_token": planted, "email": victim.email, "password": PASSWORD},
        )
        status = submit_from_my_entries(client, project, planted)

        assert status == 403
        session.refresh(project)
        assert project.status == ProjectStatus.DRAFT

    def test_a_token_from_another_session_is_refused(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)
        sign_in(client, session, make_user(session))
        other_sessions_token = csrf(client, "/me/projects")
        sign_in(client, session, contributor)

        assert submit_from_my_entries(client, project, other_sessions_token) == 403
        session.refresh(project)
        assert project.status == ProjectStatus.DRAFT

    def test_the_token_changes_at_sign_in(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        before = csrf(client, "/login")
        client.post(
            "/login",
            data={"csrf_token": before, "email": user.email, "password": PASSWORD},
        )

        after = csrf(client, "/me/projects")

        assert after != before


class TestCrossSitePosts:
    def test_a_post_from_another_origin_is_refused_even_with_a_valid_token(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)
        sign_in(client, session, contributor)
        token = csrf(client, "/me/projects")

        elsewhere = submit_from_my_entries(
            client, project, token, Origin="http://testserver:8081"
        )
        null_origin = submit_from_my_entries(client, project, token, Origin="null")
        by_referer = submit_from_my_entries(
            client, project, token, Referer="http://evil.example/page"
        )

        assert (elsewhere, null_origin, by_referer) == (403, 403, 403)
        session.refresh(project)
        assert project.status == ProjectStatus.DRAFT

    def test_a_post_from_this_site_passes(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)
        sign_in(client, session, contributor)
        token = csrf(client, "/me/projects")

        status = submit_from_my_entries(
            client, project, token, Origin="http://testserver"
        )

        assert status == 303

    def test_a_form_posted_without_a_token_re_renders_in_the_users_language(
        self, client: TestClient
    ) -> None:
        client.get("/login?lang=ar")

        response = client.post("/login?lang=ar", data={"email": "a@example.org"})

        assert response.status_code == 422
        assert re.search("[\u0600-\u06ff]", token_in_or_alert(response.text))


def token_in_or_alert(text: str) -> str:
    found = re.search(r'role="alert"[^>]*>(.*?)</', text, re.S)
    assert found
    return found.group(1)
