"""GET /api/v1/projects and /api/v1/projects/{id}: the public read API."""

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.models import ProjectStatus
from tests.factories import make_project
from tests.support.databases import Database

NOT_PUBLIC = [s for s in ProjectStatus if s != ProjectStatus.APPROVED]


def _cursor(value: object) -> str:
    """A well-encoded cursor around a value the API never hands out."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def listed_ids(client: TestClient, **params: Any) -> list[str]:
    response = client.get("/api/v1/projects", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestListProjects:
    def test_only_approved_projects_are_listed(
        self, db: Database, client: TestClient
    ) -> None:
        with db.make_session() as session:
            public = make_project(session).public_id
            for status in NOT_PUBLIC:
                make_project(session, status=status)

        response = client.get("/api/v1/projects")

        assert response.status_code == 200
        body = response.json()
        assert [item["id"] for item in body["items"]] == [public]
        assert body["total"] == 1
        assert body["next_cursor"] is None

    def test_items_use_codes_and_language_objects(
        self, db: Database, client: TestClient
    ) -> None:
        with db.make_session() as session:
            make_project(
                session,
                action_lines=["C7.3", "C4"],
                primary_action_line="C7.3",
                sdgs=[9, 4],
            )

        item = client.get("/api/v1/projects").json()["items"][0]

        assert item["action_lines"] == ["C4", "C7.3"]  # WSIS order
        assert item["primary_action_line"] == "C7.3"
        assert item["sdgs"] == [4, 9]
        assert item["countries"] == ["TN"]
        assert item["title"] == {
            "ar": "منصة تجريبية للذكاء الاصطناعي",
            "en": "A test AI platform",
            "fr": None,
        }

    def test_cursor_pages_through_everything_once_newest_first(
        self, db: Database, client: TestClient
    ) -> None:
        with db.make_session() as session:
            created = [make_project(session).public_id for _ in range(7)]

        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/api/v1/projects", params=params).json()
            assert body["total"] == 7
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break

        assert seen == list(reversed(created))

    def test_pages_stay_stable_when_projects_are_published_meanwhile(
        self, db: Database, client: TestClient
    ) -> None:
        with db.make_session() as session:
            older = [make_project(session).public_id for _ in range(4)]
        first = client.get("/api/v1/projects", params={"limit": 2}).json()

        with db.make_session() as session:
            make_project(session)
        second = client.get(
            "/api/v1/projects", params={"limit": 2, "cursor": first["next_cursor"]}
        ).json()

        pages = [i["id"] for i in first["items"]] + [i["id"] for i in second["items"]]
        assert pages == list(reversed(older))

    @pytest.mark.parametrize(
        ("params", "loc"),
        [
            ({"limit": 0}, ["query", "limit"]),
            ({"limit": 101}, ["query", "limit"]),
            ({"sdg": "nine"}, ["query", "sdg", 0]),
            ({"sdg": 18}, ["query", "sdg"]),
            ({"sdg": 10**30}, ["query", "sdg", 0]),
            (
                {"cursor": _cursor(["2025-01-01T00:00:00+00:00", 10**30])},
                ["query", "cursor"],
            ),
            ({"cursor": _cursor(["2025-01-01T00:00:00", 1])}, ["query", "cursor"]),
            ({"cursor": _cursor({"a": 1, "b": 2})}, ["query", "cursor"]),
            ({"cursor": _cursor([1, 2])}, ["query", "cursor"]),
            ({"cursor": "not-a-cursor"}, ["query", "cursor"]),
            ({"action_line": "C12"}, ["query", "action_line"]),
            ({"country": "FR"}, ["query", "country"]),
        ],
    )
    def test_bad_parameters_get_422_naming_the_parameter(
        self, client: TestClient, params: dict[str, Any], loc: list[Any]
    ) -> None:
        response = client.get("/api/v1/projects", params=params)

        assert response.status_code == 422
        detail = response.json()["detail"]
        assert [error["loc"] for error in detail] == [loc]
        assert all(error["msg"] and error["type"] for error in detail)


class TestFilterProjects:
    @pytest.fixture
    def filed(self, db: Database) -> dict[str, str]:
        """Three projects filed differently, by name."""
        with db.make_session() as session:
            return {
                "health_eg": make_project(
                    session,
                    action_lines=["C7.4"],
                    primary_action_line="C7.4",
                    sdgs=[3],
                    countries=["EG"],
                ).public_id,
                "learning_tn": make_project(
                    session,
                    action_lines=["C7.3", "C4"],
                    primary_action_line="C4",
                    sdgs=[4],
                    countries=["TN", "MA"],
                ).public_id,
                "security_jo": make_project(
                    session,
                    action_lines=["C5"],
                    primary_action_line="C5",
                    sdgs=[9, 16],
                    countries=["JO"],
                ).public_id,
            }

    def test_c7_matches_its_application_areas(
        self, client: TestClient, filed: dict[str, str]
    ) -> None:
        ids = listed_ids(client, action_line="C7")

        assert set(ids) == {filed["health_eg"], filed["learning_tn"]}

    def test_values_of_one_filter_are_ored(
        self, client: TestClient, filed: dict[str, str]
    ) -> None:
        ids = listed_ids(client, country=["EG", "JO"])

        assert set(ids) == {filed["health_eg"], filed["security_jo"]}

    def test_different_filters_are_anded(
        self, client: TestClient, filed: dict[str, str]
    ) -> None:

        assert listed_ids(client, action_line="C7", sdg=4) == [filed["learning_tn"]]
        assert listed_ids(client, action_line="C5", country="TN") == []

    def test_country_codes_are_case_insensitive(
        self, client: TestClient, filed: dict[str, str]
    ) -> None:
        assert listed_ids(client, country="ma") == [filed["learning_tn"]]

    def test_total_counts_the_filtered_set(
        self, client: TestClient, filed: dict[str, str]
    ) -> None:
        body = client.get("/api/v1/projects", params={"sdg": [3, 4]}).json()

        assert body["total"] == 2
        assert len(filed) == 3


class TestGetProject:
    def test_returns_the_full_public_record_without_contact(
        self, db: Database, client: TestClient
    ) -> None:
        with db.make_session() as session:
            public_id = make_project(session).public_id

        response = client.get(f"/api/v1/projects/{public_id}")

        assert response.status_code == 200
        record = response.json()
        assert record["id"] == public_id
        assert record["lead_organization"]["country"] == "TN"
        assert record["partners"][0]["name"] == "Partner Lab (fictional)"
        assert record["responsible_ai"]["unesco_alignment"] is None
        assert "contact" not in record
        assert "private-contact@example.org" not in response.text
        assert "Test Contact" not in response.text

    def test_unknown_id_is_a_json_404(self, client: TestClient) -> None:
        response = client.get("/api/v1/projects/NOSUCHID00")

        assert response.status_code == 404
        assert response.json()["detail"][0]["type"] == "PROJECT_NOT_FOUND"

    @pytest.mark.parametrize("status", NOT_PUBLIC)
    def test_unpublished_project_is_a_404(
        self, db: Database, client: TestClient, status: ProjectStatus
    ) -> None:
        with db.make_session() as session:
            public_id = make_project(session, status=status).public_id

        response = client.get(f"/api/v1/projects/{public_id}")

        assert response.status_code == 404
        assert response.json()["detail"][0]["type"] == "PROJECT_NOT_FOUND"


class TestDemoDataThroughTheApi:
    def test_every_country_and_action_line_has_published_samples(
        self, demo_client: TestClient
    ) -> None:
        countries = demo_client.get("/api/v1/countries").json()
        lines = demo_client.get("/api/v1/action-lines").json()

        assert demo_client.get("/api/v1/projects").json()["total"] >= 60
        for country in countries:
            body = demo_client.get(
                "/api/v1/projects", params={"country": country["iso2"], "limit": 1}
            ).json()
            assert body["total"] > 0, country["iso2"]
        for line in lines:
            body = demo_client.get(
                "/api/v1/projects", params={"action_line": line["code"], "limit": 1}
            ).json()
            assert body["total"] > 0, line["code"]

    def test_no_sample_exposes_its_contact(self, demo_client: TestClient) -> None:
        text = demo_client.get("/api/v1/projects", params={"limit": 100}).text

        assert "@example.org" not in text
