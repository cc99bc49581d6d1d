"""Follows and saved searches over the API: the contract and its errors."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ProjectStatus, User
from app.models.exchange import Follow, SavedSearch
from tests.factories import bearer, make_project, make_user

SEARCHES = "/api/v1/me/saved-searches"
BASE_URL = "http://127.0.0.1:8000"  # the app's public_base_url in the tests


class TestSavedSearches:
    def test_a_person_saves_lists_changes_and_deletes_a_search(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        auth = bearer(session, contributor)

        created = client.post(
            SEARCHES,
            json={
                "name": "E-learning in Tunisia",
                "query": "/projects?action_line=C7.3&country=tn&page=2&lang=fr",
                "frequency": "immediately",
            },
            headers=auth,
        )

        assert created.status_code == 201, created.text
        body = created.json()
        assert body["query"] == "action_line=C7.3&country=TN"
        assert body["filters"] == {"action_line": ["C7.3"], "country": ["TN"]}
        assert body["language"] == "en"  # the account's
        assert body["feed_url"].startswith("http://127.0.0.1:8000/feeds/saved/")
        assert body["catalog_url"].endswith(
            "/projects?action_line=C7.3&country=TN&lang=en"
        )
        listed = client.get(SEARCHES, headers=auth).json()
        assert [s["id"] for s in listed] == [body["id"]]
        changed = client.patch(
            f"{SEARCHES}/{body['id']}", json={"frequency": "monthly"}, headers=auth
        )
        assert changed.status_code == 200
        assert changed.json()["frequency"] == "monthly"
        deleted = client.delete(f"{SEARCHES}/{body['id']}", headers=auth)
        assert deleted.status_code == 204
        assert session.exec(select(SavedSearch)).all() == []

    def test_its_private_feed_answers_without_credentials(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        make_project(session, title={"en": "E-learning hub", "ar": "منصة"})
        created = client.post(
            SEARCHES,
            json={"name": "E-learning", "query": "action_line=C7.3"},
            headers=bearer(session, contributor),
        ).json()
        feed_path = created["feed_url"].removeprefix(BASE_URL)

        feed = client.get(feed_path)

        assert feed.status_code == 200
        assert "E-learning hub" in feed.text

    def test_a_person_gives_the_feed_a_new_address(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        auth = bearer(session, contributor)
        created = client.post(
            SEARCHES, json={"name": "E-learning"}, headers=auth
        ).json()

        renewed = client.post(f"{SEARCHES}/{created['id']}/feed", headers=auth)

        assert renewed.status_code == 200
        new_url = renewed.json()["feed_url"]
        assert new_url != created["feed_url"]
        assert client.get(created["feed_url"].removeprefix(BASE_URL)).status_code == 404
        assert client.get(new_url.removeprefix(BASE_URL)).status_code == 200
        assert client.get(SEARCHES, headers=auth).json()[0]["feed_url"] == new_url

    def test_unknown_codes_and_values_are_422_under_query(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        auth = bearer(session, contributor)

        unknown = client.post(
            f"{SEARCHES}?lang=en",
            json={"name": "x", "query": "action_line=C99&sdg=4"},
            headers=auth,
        )
        invalid = client.post(
            SEARCHES, json={"name": "x", "query": "year_from=1066"}, headers=auth
        )
        no_name = client.post(SEARCHES, json={"query": "sdg=4"}, headers=auth)
        extra = client.post(
            SEARCHES, json={"name": "x", "colour": "blue"}, headers=auth
        )

        assert unknown.status_code == 422
        assert unknown.json()["detail"] == [
            {
                "loc": ["body", "query", "action_line"],
                "msg": "Unknown code: C99.",
                "type": "UNKNOWN_CODE",
            }
        ]
        assert invalid.status_code == 422
        assert invalid.json()["detail"][0]["loc"] == ["body", "query", "year_from"]
        assert no_name.status_code == extra.status_code == 422
        assert session.exec(select(SavedSearch)).all() == []

    def test_a_session_cookie_or_nothing_is_401(self, client: TestClient) -> None:
        assert client.get(SEARCHES).status_code == 401
        assert client.post(SEARCHES, json={"name": "x"}).status_code == 401

    def test_another_persons_search_is_not_found(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        created = client.post(
            SEARCHES, json={"name": "Mine"}, headers=bearer(session, contributor)
        ).json()
        other = bearer(session, make_user(session))

        deleted = client.delete(f"{SEARCHES}/{created['id']}", headers=other)
        renewed = client.post(f"{SEARCHES}/{created['id']}/feed", headers=other)

        assert deleted.status_code == renewed.status_code == 404
        assert deleted.json()["detail"][0]["type"] == "SAVED_SEARCH_NOT_FOUND"
        assert client.get(SEARCHES, headers=other).json() == []
        assert client.post(f"{SEARCHES}/{created['id']}/feed").status_code == 401


class TestFollows:
    def test_a_person_follows_lists_and_unfollows(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        project = make_project(session)
        auth = bearer(session, contributor)
        path = f"/api/v1/projects/{project.public_id}/follow"

        first = client.post(path, headers=auth)
        again = client.post(path, headers=auth)
        listed = client.get("/api/v1/me/follows", headers=auth)

        assert first.status_code == again.status_code == 200
        assert first.json()["project_id"] == project.public_id
        assert first.json()["title"]["en"] == "A test AI platform"
        assert [f["project_id"] for f in listed.json()] == [project.public_id]
        assert client.delete(path, headers=auth).status_code == 204
        assert client.delete(path, headers=auth).status_code == 204
        assert session.exec(select(Follow)).all() == []

    def test_unpublished_entries_cannot_be_followed(
        self, client: TestClient, session: Session, contributor: User
    ) -> None:
        draft = make_project(session, status=ProjectStatus.DRAFT, owner=contributor)
        path = f"/api/v1/projects/{draft.public_id}/follow"

        own = client.post(path, headers=bearer(session, contributor))
        outsider = client.post(path, headers=bearer(session, make_user(session)))

        assert own.status_code == 409
        assert own.json()["detail"][0]["type"] == "NOT_PUBLISHED"
        assert outsider.status_code == 404
        assert client.post(path).status_code == 401

    def test_the_endpoints_are_documented(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]

        assert {"get", "post"} <= set(paths["/api/v1/me/saved-searches"])
        assert {"patch", "delete"} <= set(
            paths["/api/v1/me/saved-searches/{search_id}"]
        )
        assert "post" in paths["/api/v1/me/saved-searches/{search_id}/feed"]
        assert {"post", "delete"} <= set(paths["/api/v1/projects/{project_id}/follow"])
        assert "get" in paths["/api/v1/me/follows"]
        assert "/feeds/saved/{token}.atom" not in paths
