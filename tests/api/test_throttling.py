"""Throttled sign-in, token, registration and reset requests: a clear 429 with
Retry-After, counted in the database so every worker and app instance shares
the limits, and the account's owner told when wrong passwords pause it."""

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.models import OutboxMessage
from app.services import accounts
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user
from tests.support.databases import Database

ARABIC = re.compile("[\u0600-\u06ff]")


def token(client: TestClient, email: str, password: str) -> int:
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}
    )
    status: int = response.status_code
    return status


@pytest.fixture
def strict_clients(db: Database) -> Iterator[list[TestClient]]:
    """Two app instances (as two workers or two servers) on one database, with
    small limits."""
    settings = Settings(
        environment="test",
        database_url=db.url,
        sign_in_limit_per_account="4/900",
        sign_in_limit_per_client="6/900",
        registration_limit_per_client="2/3600",
    )
    with ExitStack() as stack:
        clients = []
        for _ in range(2):
            app_client = stack.enter_context(TestClient(create_app(settings)))
            clients.append(stack.enter_context(client_for(app_client, db)))
        yield clients


class TestSignInThrottle:
    def test_after_five_wrong_passwords_even_the_right_one_waits(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)

        wrong = [token(client, user.email, "wrong password") for _ in range(5)]
        right = client.post(
            "/api/v1/auth/token?lang=fr",
            json={"email": user.email, "password": PASSWORD},
        )

        assert wrong == [401] * 5
        assert right.status_code == 429
        assert 0 < int(right.headers["Retry-After"]) <= 900
        (problem,) = right.json()["detail"]
        assert problem["type"] == "TOO_MANY_ATTEMPTS"
        assert "min" in problem["msg"]
        assert "tentatives" in problem["msg"].lower()

    def test_the_owner_is_told_once_by_email(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)

        for _ in range(8):
            token(client, user.email, "wrong password")

        session.expire_all()
        notices = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "sign_in_paused")
        ).all()
        assert [notice.to_email for notice in notices] == [user.email]
        assert "/reset-password" in notices[0].body

    def test_another_account_is_not_paused(
        self, client: TestClient, session: Session
    ) -> None:
        target, other = make_user(session), make_user(session)

        for _ in range(5):
            token(client, target.email, "wrong password")

        assert token(client, other.email, PASSWORD) == 200

    def test_unknown_addresses_are_counted_like_known_ones(
        self, client: TestClient
    ) -> None:
        answers = [token(client, "nobody@example.org", "guess") for _ in range(6)]

        assert answers == [401] * 5 + [429]

    def test_one_client_trying_many_accounts_is_limited(
        self, strict_clients: list[TestClient]
    ) -> None:
        client = strict_clients[0]
        answers = [token(client, f"guess{n}@example.org", "guess") for n in range(7)]

        assert answers == [401] * 6 + [429]

    def test_limits_are_shared_between_two_app_instances(
        self, strict_clients: list[TestClient], session: Session
    ) -> None:
        user = make_user(session)
        first, second = strict_clients

        wrong = [
            token(first, user.email, "wrong"),
            token(second, user.email, "wrong"),
            token(first, user.email, "wrong"),
            token(second, user.email, "wrong"),
        ]

        assert wrong == [401] * 4
        assert token(first, user.email, PASSWORD) == 429
        assert token(second, user.email, PASSWORD) == 429

    def test_the_sign_in_page_says_so_in_arabic(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)
        page = client.get("/login?lang=ar")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf

        for _ in range(5):
            client.post(
                "/login",
                data={"csrf_token": csrf[1], "email": user.email, "password": "x"},
            )
        paused = client.post(
            "/login",
            data={"csrf_token": csrf[1], "email": user.email, "password": PASSWORD},
            follow_redirects=False,
        )

        assert paused.status_code == 429
        assert int(paused.headers["Retry-After"]) > 0
        assert 'role="alert"' in paused.text
        assert ARABIC.search(paused.text)
        assert PASSWORD not in paused.text


class TestRegistrationThrottle:
    def test_a_client_may_register_a_few_times_an_hour(
        self, strict_clients: list[TestClient]
    ) -> None:
        client = strict_clients[0]
        answers = [
            client.post(
                "/api/v1/auth/register",
                json={
                    "email": f"new{n}@example.org",
                    "password": "a long enough password",
                    "full_name": "New Person",
                    "organization": "Lab",
                    "country": "TN",
                },
            ).status_code
            for n in range(3)
        ]

        assert answers == [202, 202, 429]


class TestResetRequests:
    def request_reset(self, client: TestClient, email: str) -> tuple[int, str]:
        response = client.post("/api/v1/auth/password-reset", json={"email": email})
        return response.status_code, response.text

    def test_known_and_unknown_addresses_get_the_same_answers(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)

        known = [self.request_reset(client, user.email) for _ in range(4)]
        unknown = [self.request_reset(client, "nobody@example.org") for _ in range(4)]

        assert [status for status, _ in known] == [202, 202, 202, 429]
        assert known == unknown

    def test_the_answer_runs_the_same_statements_for_known_and_unknown_addresses(
        self, session: Session
    ) -> None:
        """Timing cannot tell them apart: before the answer, the same SQL runs
        for both; the link itself is sent afterwards (a background task)."""
        user = make_user(session)
        settings = Settings(environment="test")

        def statements(email: str) -> list[str]:
            seen: list[str] = []

            def note(*args: object) -> None:
                statement = str(args[2])
                if "SAVEPOINT" not in statement:  # the tests' own (PostgreSQL)
                    seen.append(statement)

            engine = session.get_bind()
            event.listen(engine, "before_cursor_execute", note)
            try:
                accounts.request_password_reset(
                    session, email=email, client="203.0.113.9", settings=settings
                )
            finally:
                event.remove(engine, "before_cursor_execute", note)
            return seen

        known = statements(user.email)
        unknown = statements("nobody@example.org")

        assert known == unknown
        assert known  # the throttle's counts were written

    def test_one_address_gets_at_most_three_links_an_hour(
        self, client: TestClient, session: Session
    ) -> None:
        user = make_user(session)

        for _ in range(10):
            self.request_reset(client, user.email)

        session.expire_all()
        links = session.exec(
            select(OutboxMessage).where(OutboxMessage.to_email == user.email)
        ).all()
        assert len(links) == 3

    def test_the_reset_page_says_so_in_french(self, client: TestClient) -> None:
        page = client.get("/reset-password?lang=fr")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf
        answers = [
            client.post(
                "/reset-password",
                data={"csrf_token": csrf[1], "email": "amal@example.org"},
                follow_redirects=False,
            )
            for _ in range(4)
        ]

        assert [answer.status_code for answer in answers] == [303, 303, 303, 429]
        assert "Retry-After" in answers[-1].headers
        assert "tentatives" in answers[-1].text.lower()
