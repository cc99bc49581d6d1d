"""The `stocktaking` console: what an operator runs to set a database up."""

from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db import make_engine
from app.models import ActionLine, Project


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
