"""Bounded requests: bodies over the limit are refused before they are read,
filters take a bounded number of distinct values, and the catalog page grows
linearly with the filters it shows."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.schemas.search import MAX_FILTER_VALUES

MIB = 1024 * 1024


class TestBodyLimit:
    def test_a_declared_oversize_json_body_is_a_413(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/token?lang=ar",
            content=b'{"email": "' + b"a" * (2 * MIB) + b'"}',
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 413
        (problem,) = response.json()["detail"]
        assert problem["type"] == "BODY_TOO_LARGE"
        assert "1024" in problem["msg"]
        assert re.search("[\u0600-\u06ff]", problem["msg"])

    def test_a_chunked_oversize_body_is_refused_as_it_arrives(
        self, client: TestClient
    ) -> None:
        def chunks() -> Iterator[bytes]:  # no Content-Length: 10 MB in chunks
            for _ in range(100):
                yield b" " * 100_000

        response = client.post(
            "/api/v1/auth/token",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 413
        assert response.json()["detail"][0]["type"] == "BODY_TOO_LARGE"

    def test_an_oversize_form_is_the_413_page_in_french(
        self, client: TestClient
    ) -> None:
        response = client.post(
            "/login?lang=fr",
            content=b"email=" + b"a" * (2 * MIB),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="fr"' in response.text

    def test_a_body_under_the_limit_is_read(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/token",
            json={"email": "nobody@example.org", "password": "x" * 200},
        )

        assert response.status_code == 401


class TestFilterValues:
    def test_repeated_values_are_collapsed(self, demo_client: TestClient) -> None:
        once = demo_client.get("/api/v1/projects", params=[("sdg", "4")])
        repeated = demo_client.get("/api/v1/projects", params=[("sdg", "4")] * 2000)

        assert repeated.status_code == 200
        assert repeated.json()["total"] == once.json()["total"]

    def test_more_distinct_values_than_the_limit_are_a_422(
        self, client: TestClient
    ) -> None:
        values = [("sdg", str(n)) for n in range(1, MAX_FILTER_VALUES + 2)]

        response = client.get("/api/v1/projects?lang=fr", params=values)

        assert response.status_code == 422
        (problem,) = response.json()["detail"]
        assert problem["type"] == "TOO_MANY_VALUES"
        assert problem["loc"] == ["query", "sdg"]

    @pytest.mark.parametrize("path", ["/projects", "/api/v1/projects/export"])
    def test_pages_and_exports_take_the_same_rule(
        self, client: TestClient, path: str
    ) -> None:
        values = [("action_line", f"C{n}") for n in range(MAX_FILTER_VALUES + 1)]

        assert client.get(path, params=values).status_code == 422


class TestCatalogPageSize:
    def test_the_page_with_every_filter_value_stays_small(
        self, demo_client: TestClient
    ) -> None:
        """Every SDG and action line selected at once, each value sent 20 times:
        one chip each, a button, not a link that repeats all the others."""
        lines = demo_client.get("/api/v1/action-lines").json()
        values = [("sdg", str(n)) for n in range(1, 18)] + [
            ("action_line", line["code"]) for line in lines
        ]

        page = demo_client.get("/projects?lang=en", params=values * 20)

        assert page.status_code == 200
        assert page.text.count('name="remove"') == len(values)
        assert len(page.content) < 200_000

    def test_a_chip_removes_its_value_and_keeps_the_others(
        self, demo_client: TestClient
    ) -> None:
        response = demo_client.get(
            "/projects",
            params=[("sdg", "4"), ("sdg", "9"), ("country", "TN"), ("remove", "sdg:4")],
            follow_redirects=False,
        )

        assert response.status_code == 303
        target = response.headers["location"]
        assert "sdg=9" in target
        assert "country=TN" in target
        assert "sdg=4" not in target
        assert "remove" not in target
