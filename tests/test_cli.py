"""The `stocktaking` console: what an operator runs to set a database up."""

from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.db import make_engine
from app.models import ActionLine, Project, Role
from app.services import accounts, mail
from tests.factories import make_user
from tests.support.smtp import SmtpServer


@pytest.fixture
def runner(empty_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose settings point at a new, empty database."""
    monkeypatch.setenv("STOCKTAKING_DATABASE_URL", empty_database)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def count(url: str, model: type[ActionLine] | type[Project]) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return total


class TestConsole:
    def test_operator_upgrades_seeds_and_adds_the_demo(
        self, runner: CliRunner, empty_database: str
    ) -> None:
        upgraded = runner.invoke(cli, ["db", "upgrade"])
        seeded = runner.invoke(cli, ["seed"])

        assert upgraded.exit_code == 0, upgraded.output
        assert seeded.exit_code == 0, seeded.output
        assert "action_line: 19 added" in seeded.output
        assert count(empty_database, ActionLine) == 19
        assert count(empty_database, Project) == 0

        demo = runner.invoke(cli, ["seed", "--demo"])

        assert demo.exit_code == 0, demo.output
        assert "action_line: 0 added, 0 updated, 0 retired" in demo.output
        assert count(empty_database, Project) >= 60

    def test_operator_downgrades_to_an_empty_database(self, runner: CliRunner) -> None:
        runner.invoke(cli, ["db", "upgrade"])

        result = runner.invoke(cli, ["db", "downgrade", "base"])

        assert result.exit_code == 0, result.output
        assert "downgraded to base" in result.output

    def test_operator_prunes_the_catalog_change_log(self, runner: CliRunner) -> None:
        runner.invoke(cli, ["db", "upgrade"])

        pruned = runner.invoke(cli, ["prune-catalog-log", "--keep-days", "1"])
        refused = runner.invoke(cli, ["prune-catalog-log", "--keep-days", "0"])

        assert pruned.exit_code == 0, pruned.output
        assert "0 rows of more than 1 days gone" in pruned.output
        assert refused.exit_code == 2
        assert "--keep-days" in refused.output


class TestAccountsAndMailConsole:
    def test_operator_creates_the_first_admin_from_the_environment(
        self,
        runner: CliRunner,
        empty_database: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])
        monkeypatch.setenv("STOCKTAKING_NEW_PASSWORD", "first admin password")

        created = runner.invoke(
            cli, ["create-user", "--email", "Admin@Example.org", "--role", "admin"]
        )
        twice = runner.invoke(
            cli, ["create-user", "--email", "admin@example.org", "--role", "admin"]
        )

        assert created.exit_code == 0, created.output
        assert "created admin admin@example.org" in created.output
        assert twice.exit_code == 1
        assert "already exists" in twice.output
        engine = make_engine(empty_database)
        with Session(engine) as session:
            admin = accounts.authenticate(
                session,
                email="admin@example.org",
                password="first admin password",
                client="127.0.0.1",
                settings=Settings(environment="test"),
            )
            assert admin.role == Role.ADMIN
        engine.dispose()

    def test_the_password_can_be_typed_at_a_prompt(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("STOCKTAKING_NEW_PASSWORD", raising=False)
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])

        result = runner.invoke(
            cli,
            [
                "create-user",
                "--email",
                "fp@example.org",
                "--role",
                "focal_point",
                "--country",
                "ma",
            ],
            input="typed password 1\ntyped password 1\n",
        )

        assert result.exit_code == 0, result.output
        assert "created focal_point fp@example.org" in result.output

    def test_send_mail_delivers_the_outbox(
        self,
        runner: CliRunner,
        empty_database: str,
        monkeypatch: pytest.MonkeyPatch,
        smtp_server: SmtpServer,
    ) -> None:
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])
        engine = make_engine(empty_database)
        with Session(engine) as session:
            mail.queue(
                session,
                kind="comment",
                to=make_user(session),
                context={"title": "T", "author": "A", "body": "B", "link": "L"},
            )
            session.commit()
        engine.dispose()
        monkeypatch.setenv("STOCKTAKING_SMTP_PORT", str(smtp_server.port))
        get_settings.cache_clear()

        result = runner.invoke(cli, ["send-mail"])

        assert result.exit_code == 0, result.output
        assert "sent 1, failed 0" in result.output
        assert len(smtp_server.inbox.messages) == 1


class TestCreateUserInput:
    @pytest.mark.parametrize(
        ("arguments", "field"),
        [
            (["--email", "admin@localhost"], "email"),
            (["--email", "not an address"], "email"),
            (["--email", "ok@example.org", "--name", "Bad\u202eName"], "full_name"),
            (["--email", "ok@example.org", "--name", "Two\nlines"], "full_name"),
        ],
    )
    def test_an_account_sign_in_would_refuse_is_not_made(
        self,
        runner: CliRunner,
        empty_database: str,
        monkeypatch: pytest.MonkeyPatch,
        arguments: list[str],
        field: str,
    ) -> None:
        runner.invoke(cli, ["db", "upgrade"])
        runner.invoke(cli, ["seed"])
        monkeypatch.setenv("STOCKTAKING_NEW_PASSWORD", "first admin password")

        result = runner.invoke(cli, ["create-user", *arguments, "--role", "admin"])

        assert result.exit_code == 1
        assert f"error: {field}:" in result.output
        engine = make_engine(empty_database)
        with Session(engine) as session:
            assert accounts.count_users(session) == 0
        engine.dispose()
