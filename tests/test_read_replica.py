"""Public reads on a read replica, against a real PostgreSQL streaming replica.

PostgreSQL only, by nature: SQLite has no replicas, so these tests take the
session's PostgreSQL server (`postgres_url`) directly instead of the `backend`
parameter. They cannot use the per-test transactions of the other tests
either: a replica sees only committed writes. So the module creates a database
of its own on the server (migrated to head, taxonomies loaded), starts a
streaming replica of the cluster once (a base backup of the small test cluster
takes a second or two) and commits real rows.

Which server answered is shown by lag made on purpose: replay is paused on the
replica (`pg_wal_replay_pause()`), so what the primary commits next is missing
only from the replica's answers.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import Project, ProjectStatus, Role, User
from tests.factories import bearer, make_project, make_user, sign_in
from tests.support.databases import (
    build_template,
    create_postgres_database,
    drop_postgres_database,
)
from tests.support.postgres import Replica, postgres_replica, wait_until

PROJECTS = "/api/v1/projects"


@pytest.fixture(scope="module")
def primary_url(postgres_url: str) -> Iterator[str]:
    """A database of this module's own on the session's server, committed for
    real so that it replicates."""
    name = f"replica_{uuid.uuid4().hex[:12]}"
    url = create_postgres_database(postgres_url, name)
    build_template(url, demo=False)
    yield url
    drop_postgres_database(postgres_url, name)


@pytest.fixture(scope="module")
def replica(postgres_url: str) -> Iterator[Replica]:
    """A streaming replica of the session's whole cluster."""
    if os.environ.get("STOCKTAKING_TEST_POSTGRES_URL"):
        pytest.skip("a replica is made of a cluster the test run started itself")
    with postgres_replica(postgres_url) as running:
        yield running


def on_database(server_url: str, database_url: str) -> str:
    """`database_url`'s database on the server at `server_url`."""
    database = make_url(database_url).database
    url = make_url(server_url).set(database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def replica_url(replica: Replica, primary_url: str) -> str:
    """This module's database on the replica, once it has arrived there."""
    replica.catch_up()
    return on_database(replica.url, primary_url)


@pytest.fixture(scope="module")
def primary(primary_url: str) -> Iterator[Engine]:
    engine = make_engine(primary_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(primary: Engine) -> Iterator[Session]:
    """A session on the primary, committing for real."""
    with Session(primary) as session:
        yield session


def app_client(primary_url: str, read_url: str) -> TestClient:
    settings = Settings(
        database_url=primary_url, read_database_url=read_url, environment="test"
    )
    return TestClient(create_app(settings))


@pytest.fixture
def client(primary_url: str, replica_url: str) -> Iterator[TestClient]:
    """An anonymous client of an app whose public reads go to the replica."""
    with app_client(primary_url, replica_url) as test_client:
        yield test_client


@pytest.fixture
def paused(replica: Replica) -> Iterator[None]:
    """Replay paused on the replica: it misses what the primary commits next."""
    replica.catch_up()
    with replica.paused():
        yield


def approved(session: Session, title: str) -> str:
    """A public project committed on the primary; its public id."""
    return make_project(session, title={"ar": "مشروع منشور", "en": title}).public_id


def replica_statements(client: TestClient) -> list[str]:
    """Every statement the app runs on its replica engine, from now on."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(client.app.state.read_replica.engine, "before_cursor_execute", record)  # type: ignore[attr-defined]
    return statements


def replica_connects(client: TestClient) -> list[float]:
    """The times the app tries to connect to its replica, from now on."""
    attempts: list[float] = []

    def record(*_args: Any) -> None:
        attempts.append(time.monotonic())

    event.listen(client.app.state.read_replica.engine, "do_connect", record)  # type: ignore[attr-defined]
    return attempts


class TestPublicReadsUseTheReplica:
    def test_anonymous_visitor_reads_what_the_replica_has(
        self, client: TestClient, session: Session, replica: Replica
    ) -> None:
        replicated = approved(session, "On both servers")
        replica.catch_up()
        with replica.paused():
            primary_only = approved(session, "Only on the primary, for now")

            listed = [p["id"] for p in client.get(PROJECTS).json()["items"]]
            detail = client.get(f"{PROJECTS}/{primary_only}")
            page = client.get(f"/projects/{primary_only}")
            seen = client.get(f"{PROJECTS}/{replicated}")

        assert replicated in listed
        assert primary_only not in listed
        assert (detail.status_code, page.status_code) == (404, 404)
        assert seen.status_code == 200
        assert seen.json()["title"]["en"] == "On both servers"

    def test_anonymous_visitor_sees_an_approval_once_it_has_replicated(
        self, client: TestClient, session: Session, replica: Replica
    ) -> None:
        with replica.paused():
            project = approved(session, "Published while the replica lags")
            assert client.get(f"{PROJECTS}/{project}").status_code == 404

        wait_until(
            lambda: client.get(f"{PROJECTS}/{project}").status_code == 200,
            seconds=30,
            what="the approval to reach the replica",
        )

    @pytest.mark.usefixtures("paused")
    def test_bearer_token_caller_reads_from_the_primary(
        self, client: TestClient, session: Session
    ) -> None:
        project = approved(session, "Seen by a token holder at once")
        headers = bearer(session, make_user(session))

        response = client.get(f"{PROJECTS}/{project}", headers=headers)
        listed = client.get(PROJECTS, headers=headers).json()["items"]

        assert response.status_code == 200
        assert response.json()["title"]["en"] == "Seen by a token holder at once"
        assert project in [p["id"] for p in listed]

    @pytest.mark.usefixtures("paused")
    def test_signed_in_visitor_reads_pages_from_the_primary(
        self, client: TestClient, session: Session
    ) -> None:
        project = approved(session, "Seen by a signed-in visitor at once")
        sign_in(client, session, make_user(session))

        response = client.get(f"/projects/{project}?lang=en")

        assert response.status_code == 200
        assert "Seen by a signed-in visitor at once" in response.text


class TestWritesUseThePrimary:
    @pytest.mark.usefixtures("paused")
    def test_anonymous_post_writes_on_the_primary(
        self, client: TestClient, session: Session
    ) -> None:
        email = f"new-{uuid.uuid4().hex[:8]}@example.org"
        response = client.post(
            "/api/v1/auth/register",
            json={
                "email": email,
                "password": "a long enough passphrase",
                "full_name": "Nour",
                "organization": "A Tunisian lab (fictional)",
                "country": "TN",
            },
        )

        assert response.status_code == 202, response.text
        stored = session.exec(select(User).where(col(User.email) == email)).first()
        assert stored is not None

    @pytest.mark.usefixtures("paused")
    def test_moderator_sees_their_approval_at_once_visitors_after_the_lag(
        self, client: TestClient, session: Session
    ) -> None:
        project = make_project(session, status=ProjectStatus.SUBMITTED).public_id
        moderator = bearer(session, make_user(session, role=Role.MODERATOR))

        decided = client.post(
            f"{PROJECTS}/{project}/decision",
            json={"action": "approve"},
            headers=moderator,
        )
        theirs = client.get(f"{PROJECTS}/{project}", headers=moderator)
        anonymous = client.get(f"{PROJECTS}/{project}")

        assert decided.status_code == 200, decided.text
        assert decided.json()["status"] == "approved"
        assert theirs.status_code == 200
        assert anonymous.status_code == 404  # the paused replica has not seen it
        stored = session.exec(
            select(Project.status).where(col(Project.public_id) == project)
        ).one()
        assert stored == ProjectStatus.APPROVED


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts TCP connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def unreachable(port: int) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


class TestReplicaDown:
    def test_refused_replica_costs_one_connect_and_one_warning(
        self,
        primary_url: str,
        session: Session,
        closed_port: int,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        project = approved(session, "Served by the primary")
        with app_client(primary_url, unreachable(closed_port)) as client:
            attempts = replica_connects(client)
            with caplog.at_level(logging.WARNING, logger="app.db"):
                answers = [client.get(f"{PROJECTS}/{project}") for _ in range(5)]

        assert [answer.status_code for answer in answers] == [200] * 5
        assert len(attempts) == 1
        warnings = [r for r in caplog.records if r.name == "app.db"]
        assert len(warnings) == 1
        assert "read replica unreachable" in warnings[0].getMessage()

    def test_silent_replica_costs_one_connect_timeout_not_one_per_request(
        self, primary_url: str, session: Session, silent_port: int
    ) -> None:
        project = approved(session, "Served by the primary, quickly")
        with app_client(primary_url, unreachable(silent_port)) as client:
            attempts = replica_connects(client)
            durations = []
            for _ in range(5):
                started = time.monotonic()
                assert client.get(f"{PROJECTS}/{project}").status_code == 200
                durations.append(time.monotonic() - started)

        assert len(attempts) == 1
        assert 1.5 < durations[0] < 10  # the connect timeout (2 s), then the primary
        assert max(durations[1:]) < 1

    def test_stopped_replica_is_used_again_once_it_answers(
        self, client: TestClient, session: Session, replica: Replica
    ) -> None:
        project = approved(session, "Served whichever server is up")
        replica.catch_up()
        statements = replica_statements(client)
        client.app.state.read_replica.backoff_seconds = 0.2  # type: ignore[attr-defined]
        assert client.get(f"{PROJECTS}/{project}").status_code == 200
        assert statements, "the first read was served by the replica"

        replica.stop()
        try:
            statements.clear()
            down = [client.get(f"{PROJECTS}/{project}") for _ in range(3)]
            assert [answer.status_code for answer in down] == [200] * 3
            assert statements == []
        finally:
            replica.start()

        wait_until(
            lambda: (
                client.get(f"{PROJECTS}/{project}").status_code == 200
                and bool(statements)
            ),
            seconds=30,
            what="public reads to return to the replica",
        )


class TestReplicaEngine:
    def test_replica_engine_refuses_writes_even_on_a_writable_server(
        self, primary_url: str
    ) -> None:
        engine = make_engine(primary_url, read_only=True)
        try:
            with (
                engine.connect() as connection,
                pytest.raises(DBAPIError, match="read-only transaction"),
            ):
                connection.execute(text("DELETE FROM throttle_event WHERE false"))
        finally:
            engine.dispose()
