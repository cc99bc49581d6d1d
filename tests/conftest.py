"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

Test ids carry the backend: `test_x[sqlite]`, `test_x[postgresql]`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.deps import get_session, get_session_factory
from app.main import create_app
from app.models import Role, User
from tests.factories import make_user
from tests.support.databases import (
    Database,
    build_template,
    create_postgres_database,
    empty_database_url,
    postgres_transaction,
    sqlite_copy,
)
from tests.support.postgres import postgres_server
from tests.support.smtp import SmtpServer

pytest_plugins = [
    "tests.fixtures.alerts",
    "tests.fixtures.contact",
    "tests.fixtures.good_practices",
    "tests.fixtures.relations",
    "tests.fixtures.reports",
]

BACKENDS = ["sqlite", "postgresql"]
# No search warm-up thread in the apps and served processes of the tests: it
# would read each test's database while the test changes and drops it (its
# tests call it themselves). Read by every Settings(), served ones included.
os.environ["STOCKTAKING_SEARCH_WARM_UP"] = "false"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test session's PostgreSQL server (started on first use)."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def server_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The PostgreSQL server URL on the postgresql backend, None on SQLite."""
    if backend == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def _template(backend: str, server_url: str | None, tmp: Path, *, demo: bool) -> str:
    name = "demo" if demo else "taxonomy"
    if backend == "sqlite":
        url = f"sqlite:///{tmp / name}.db"
    else:
        assert server_url is not None
        url = create_postgres_database(server_url, f"template_{name}")
    build_template(url, demo=demo)
    return url


@pytest.fixture(scope="session")
def taxonomy_template(
    backend: str, server_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A database migrated to head with the taxonomies loaded from seeds/."""
    return _template(backend, server_url, tmp_path_factory.mktemp(backend), demo=False)


@pytest.fixture(scope="session")
def demo_template(
    backend: str, server_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Like `taxonomy_template`, plus the demo projects."""
    return _template(backend, server_url, tmp_path_factory.mktemp(backend), demo=True)


@pytest.fixture(scope="session")
def postgres_engines() -> Iterator[dict[str, Engine]]:
    """One engine per PostgreSQL template database, shared by the tests."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def _per_test(
    backend: str, template_url: str, tmp_path: Path, engines: dict[str, Engine]
) -> Iterator[Database]:
    if backend == "sqlite":
        with sqlite_copy(template_url, tmp_path) as database:
            yield database
        return
    if template_url not in engines:
        engines[template_url] = make_engine(template_url)
    with postgres_transaction(engines[template_url], template_url) as database:
        yield database


@pytest.fixture
def db(
    backend: str,
    taxonomy_template: str,
    tmp_path: Path,
    postgres_engines: dict[str, Engine],
) -> Iterator[Database]:
    """A database with the taxonomies and no projects, private to this test."""
    yield from _per_test(backend, taxonomy_template, tmp_path, postgres_engines)


@pytest.fixture
def demo_db(
    backend: str,
    demo_template: str,
    tmp_path: Path,
    postgres_engines: dict[str, Engine],
) -> Iterator[Database]:
    """A database with the taxonomies and the demo projects, private to this test."""
    yield from _per_test(backend, demo_template, tmp_path, postgres_engines)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.make_session() as session:
        yield session


@pytest.fixture(scope="session")
def app_client(taxonomy_template: str) -> Iterator[TestClient]:
    """One app and client per backend for the whole run (building an app and its
    first request cost ~70 ms); each test points its sessions at its database."""
    app = create_app(Settings(database_url=taxonomy_template, environment="test"))
    with TestClient(app) as test_client:
        yield test_client


@contextmanager
def client_for(app_client: TestClient, database: Database) -> Iterator[TestClient]:
    """`app_client`, its requests using `database`'s sessions, no cookies left."""

    def test_session() -> Iterator[Session]:
        with database.make_session() as session:
            yield session

    app = app_client.app
    app.dependency_overrides[get_session] = test_session  # type: ignore[attr-defined]
    app.dependency_overrides[get_session_factory] = lambda: database.make_session  # type: ignore[attr-defined]
    app_client.cookies.clear()
    try:
        yield app_client
    finally:
        app.dependency_overrides.clear()  # type: ignore[attr-defined]


@pytest.fixture
def client(app_client: TestClient, db: Database) -> Iterator[TestClient]:
    """An anonymous API client on the per-test database."""
    with client_for(app_client, db) as test_client:
        yield test_client


@pytest.fixture
def demo_client(app_client: TestClient, demo_db: Database) -> Iterator[TestClient]:
    """An anonymous API client on a database holding the demo projects."""
    with client_for(app_client, demo_db) as test_client:
        yield test_client


@pytest.fixture
def empty_database(backend: str, server_url: str | None, tmp_path: Path) -> str:
    """A URL to a brand-new empty database (for migration tests)."""
    return empty_database_url(backend, tmp_path, server_url)


# --- people -------------------------------------------------------------------------


@pytest.fixture
def contributor(session: Session) -> User:
    """A verified contributor of a Tunisian organisation (owns the test entries)."""
    return make_user(session, role=Role.CONTRIBUTOR, country="TN", full_name="Amal")


@pytest.fixture
def other_contributor(session: Session) -> User:
    return make_user(session, role=Role.CONTRIBUTOR, country="TN", full_name="Karim")


@pytest.fixture
def focal_point(session: Session) -> User:
    """Tunisia's focal point: acts for every Tunisian entry."""
    return make_user(session, role=Role.FOCAL_POINT, country="TN", full_name="Salma")


@pytest.fixture
def other_focal_point(session: Session) -> User:
    """Egypt's focal point: no say on Tunisian entries."""
    return make_user(session, role=Role.FOCAL_POINT, country="EG", full_name="Omar")


@pytest.fixture
def moderator(session: Session) -> User:
    return make_user(session, role=Role.MODERATOR, full_name="Mona (AICTO)")


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, role=Role.ADMIN, full_name="Adel (AICTO)")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback, running; tests may stop and restart it."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(smtp_server: SmtpServer) -> Settings:
    """Settings whose SMTP is the test server."""
    return Settings(
        environment="test",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_timeout_seconds=5,
        public_base_url="https://repo.example",
    )
