"""Every hostile character class in every text field, through the API, the
entry form and the other input paths: a clear 422 naming the field, or the text
stored normalised; never a 5xx, never a half-written entry.

The classes and what each kind of field accepts are in tests/support/hostile.py;
pages rendered from stored hostile text are checked at the end.
"""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app import text_policy
from app.models import Project, ProjectStatus, User
from tests.factories import bearer, form_fields, make_project, sign_in
from tests.support.forms import post_form
from tests.support.hostile import HOSTILE, MULTI_LINE_ACCEPTED, SINGLE_LINE_ACCEPTED

# Where each text field of an entry sits in the JSON record, and its kind.
SINGLE_LINE_FIELDS = [
    ("title", "en"),
    ("keywords", 0),
    ("lead_organization", "name"),
    ("partners", 0, "name"),
    ("contact", "name"),
]
MULTI_LINE_FIELDS = [
    ("summary", "en"),
    ("description", "en"),
    ("impact", "en"),
    ("challenges", "en"),
    ("responsible_ai", "data_sources"),
    ("responsible_ai", "human_oversight"),
    ("responsible_ai", "affected_groups"),
]
CASES = [
    pytest.param(path, kind, multiline, id=f"{'.'.join(map(str, path))}-{kind}")
    for fields, multiline in ((SINGLE_LINE_FIELDS, False), (MULTI_LINE_FIELDS, True))
    for path in fields
    for kind in sorted(HOSTILE)
]


def draft_with(path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    """A minimal draft whose text at `path` is `value` (other parts valid)."""
    draft: dict[str, Any] = {
        "original_language": "en",
        "title": {"en": "A hostile-input test"},
        "keywords": ["ok"],
        "lead_organization": {
            "name": "Org",
            "entity_type": "academia",
            "country": "TN",
        },
        "partners": [{"name": "Partner"}],
        "contact": {"name": "Contact", "email": "contact@example.org"},
        "summary": {},
        "description": {},
        "impact": {},
        "challenges": {},
        "responsible_ai": {},
    }
    target: Any = draft
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return draft


def value_at(record: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        record = record[part]
    return record


def accepted(kind: str, *, multiline: bool) -> bool:
    return kind in (MULTI_LINE_ACCEPTED if multiline else SINGLE_LINE_ACCEPTED)


def project_count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Project)).one()


class TestEntryFieldsOverTheApi:
    @pytest.mark.parametrize(("path", "kind", "multiline"), CASES)
    def test_contributor_gets_a_field_error_or_a_normalised_text(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        path: tuple[str | int, ...],
        kind: str,
        multiline: bool,
    ) -> None:
        headers = bearer(session, contributor)
        before = project_count(session)

        response = client.post(
            "/api/v1/projects", json=draft_with(path, HOSTILE[kind]), headers=headers
        )

        if accepted(kind, multiline=multiline):
            assert response.status_code == 201, response.text
            stored = value_at(response.json(), path)
            assert text_policy.problem(stored, multiline=multiline) is None
            assert "\ufeff" not in stored
            assert "\r" not in stored
            if not multiline:
                assert "\u00a0" not in stored
                assert "\t" not in stored
            assert project_count(session) == before + 1
        else:
            assert response.status_code == 422, response.text
            (problem,) = response.json()["detail"]
            assert problem["loc"] == ["body", *path]
            assert problem["type"].startswith("TEXT_HAS_")
            assert "U+" in problem["msg"] or problem["type"] == "TEXT_HAS_NUL"
            assert project_count(session) == before  # nothing half-written

    def test_a_lone_surrogate_in_raw_json_is_a_422(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        body = '{"original_language": "en", "title": {"en": "a\\ud800b"}}'

        response = client.post(
            "/api/v1/projects",
            content=body.encode(),
            headers={
                **bearer(session, contributor),
                "Content-Type": "application/json",
            },
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "title", "en"]

    def test_the_message_is_in_the_users_language(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        response = client.post(
            "/api/v1/projects?lang=ar",
            json=draft_with(("title", "en"), "a\u202eb"),
            headers=bearer(session, contributor),
        )

        message = response.json()["detail"][0]["msg"]
        assert "U+202E" in message
        assert any("\u0600" <= char <= "\u06ff" for char in message)


class TestLengths:
    @pytest.mark.parametrize(
        ("path", "limit"),
        [
            (("title", "en"), 300),
            (("summary", "en"), 2_000),
            (("description", "en"), 20_000),
            (("impact", "en"), 10_000),
            (("challenges", "en"), 10_000),
            (("responsible_ai", "data_sources"), 5_000),
            (("keywords", 0), 60),
            (("lead_organization", "name"), 300),
        ],
    )
    def test_every_text_field_has_a_maximum_length(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        path: tuple[str | int, ...],
        limit: int,
    ) -> None:
        headers = bearer(session, contributor)
        fits = client.post(
            "/api/v1/projects", json=draft_with(path, "x" * limit), headers=headers
        )
        too_long = client.post(
            "/api/v1/projects?lang=fr",
            json=draft_with(path, "x" * (limit + 1)),
            headers=headers,
        )

        assert fits.status_code == 201, fits.text
        assert too_long.status_code == 422
        (problem,) = too_long.json()["detail"]
        assert problem["loc"] == ["body", *path]
        assert problem["type"] == "string_too_long"
        assert str(limit) in problem["msg"]
        assert "caractères" in problem["msg"]

    def test_one_huge_word_does_not_pass_the_summary_rule(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        response = client.post(
            "/api/v1/projects",
            json=draft_with(("summary", "en"), "w" * 1_000_000),
            headers=bearer(session, contributor),
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "summary", "en"]

    def test_a_too_long_web_address_is_explained_in_arabic(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        draft = draft_with(("title", "en"), "ok")
        draft["website"] = "https://example.org/" + "a" * 600

        response = client.post(
            "/api/v1/projects?lang=ar", json=draft, headers=bearer(session, contributor)
        )

        (problem,) = response.json()["detail"]
        assert problem["type"] == "url_too_long"
        assert any("\u0600" <= char <= "\u06ff" for char in problem["msg"])


class TestOtherTextInputs:
    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_search_words_follow_the_single_line_rules(
        self, client: TestClient, kind: str
    ) -> None:
        response = client.get("/api/v1/projects", params={"q": HOSTILE[kind]})

        expected = 200 if accepted(kind, multiline=False) else 422
        assert response.status_code == expected, response.text

    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_comments_follow_the_multi_line_rules(
        self, client: TestClient, session: Session, contributor: User, kind: str
    ) -> None:
        project = make_project(session, owner=contributor, status=ProjectStatus.DRAFT)

        response = client.post(
            f"/api/v1/projects/{project.public_id}/comments",
            json={"body": "note " + HOSTILE[kind]},
            headers=bearer(session, contributor),
        )

        expected = 201 if accepted(kind, multiline=True) else 422
        assert response.status_code == expected, response.text

    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_a_registrants_name_follows_the_single_line_rules(
        self, client: TestClient, kind: str
    ) -> None:
        response = client.post(
            "/api/v1/auth/register",
            json={
                "email": "hostile.name@example.org",
                "password": "a long enough password",
                "full_name": "Amal " + HOSTILE[kind],
                "organization": "Lab",
                "country": "TN",
            },
        )

        expected = 202 if accepted(kind, multiline=False) else 422
        assert response.status_code == expected, response.text


class TestEntryFormFields:
    @pytest.mark.parametrize(
        ("field", "kind"),
        [
            pytest.param(field, kind, id=f"{field}-{kind}")
            for field in ("title.en", "description.en")
            for kind in sorted(HOSTILE)
        ],
    )
    def test_the_form_shows_the_problem_next_to_the_field_or_saves(
        self,
        client: TestClient,
        session: Session,
        contributor: User,
        field: str,
        kind: str,
    ) -> None:
        sign_in(client, session, contributor)
        fields = form_fields({"original_language": "en", "title": {"en": "Form"}})
        fields = [(name, value) for name, value in fields if name != field]
        fields.append((field, "x " + HOSTILE[kind]))

        response = post_form(
            client, "/projects/new?lang=en", fields, form="/projects/new?lang=en"
        )

        multiline = field.startswith("description")
        if accepted(kind, multiline=multiline):
            assert response.status_code == 303, response.text
        else:
            assert response.status_code == 422
            assert 'aria-invalid="true"' in response.text
            assert "U+" in response.text or kind == "nul"
            assert project_count(session) == 0


class TestPagesFromStoredHostileText:
    """Rows stored before the policy (written straight to the table) still
    render: every page escapes, nothing is a 5xx."""

    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_the_entry_page_catalog_and_api_render(
        self, client: TestClient, session: Session, kind: str
    ) -> None:
        project = make_project(session)
        hostile = HOSTILE[kind].replace("\x00", "")  # PostgreSQL stores no NUL
        project.title_en = f"Title {hostile}"
        project.summary_en = f"Summary {hostile}"
        session.add(project)
        session.commit()

        detail = client.get(f"/projects/{project.public_id}?lang=en")
        catalog = client.get("/projects?lang=en")
        record = client.get(f"/api/v1/projects/{project.public_id}")

        for response in (detail, catalog, record):
            assert response.status_code == 200, response.text
        assert "<script>alert(1)</script>" not in detail.text + catalog.text
        assert json.loads(record.text)["title"]["en"].startswith("Title")
