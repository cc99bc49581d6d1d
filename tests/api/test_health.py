"""GET /healthz tells whether the database answers."""

from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


class TestHealth:
    def test_anyone_sees_ok_when_the_database_answers(self, client: TestClient) -> None:
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_unreachable_database_gives_503(self, backend: str, tmp_path: Path) -> None:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
        else:
            url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
        app = create_app(Settings(database_url=url, environment="test"))

        with TestClient(app) as client:
            response = client.get("/healthz")

        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"


class TestUnknownRoutes:
    def test_an_unknown_path_is_a_json_404(self, client: TestClient) -> None:
        response = client.get("/api/v1/nothing-here")

        assert response.status_code == 404
        assert response.json()["detail"][0]["type"] == "NOT_FOUND"
