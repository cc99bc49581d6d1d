"""GET /healthz tells whether the database answers."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.services import catalog_index
from tests.factories import make_project
from tests.support.databases import build_template


class TestHealth:
    def test_anyone_sees_ok_when_the_database_answers(self, client: TestClient) -> None:
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok", "search": "ready"}

    def test_it_says_when_the_search_warm_up_is_over(self, empty_database: str) -> None:
        build_template(empty_database, demo=False)  # committed: the app's own reads
        engine = make_engine(empty_database)
        with Session(engine) as session:
            make_project(session, title={"en": "Irrigation"}, original_language="en")
        engine.dispose()
        settings = Settings(
            database_url=empty_database, environment="test", search_warm_up=True
        )
        app = create_app(settings)
        app.state.search_warmed.clear()
        states = []

        with TestClient(app) as client:
            states.append(client.get("/healthz").json()["search"])
            assert app.state.search_warmed.wait(timeout=30)
            states.append(client.get("/healthz").json()["search"])
            with Session(app.state.engine) as other:
                snap = catalog_index.snapshot(other)

        assert states[-1] == "ready"
        assert set(states) <= {"warming", "ready"}
        assert any(snap.places.values())  # "irrigation" was read, and found

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
