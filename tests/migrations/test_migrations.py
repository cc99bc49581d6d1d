"""The migrations build exactly the models' schema, and they run both ways."""

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401 - the complete metadata
from app import migrate
from app.db import compared_with_models, described_by_models, make_engine
from tests.support.databases import build_template

FULL_TEXT_SEARCH = "7a875fbed973"  # the revision that adds search_document
CATALOG_CHANGE_LOG = "6f7a8b9c0d1e"  # the one before the look-alikes' refold
LOOK_ALIKES_REFOLD = "7b8c9d0e1f2a"  # the one before terms by field and stem


def schema_differences(url: str) -> list[Any]:
    """What autogenerate would change: empty when migrations and models agree."""
    engine = make_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": connection.dialect.name == "sqlite",
                "include_name": compared_with_models,
            },
        )
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(differences)


def table_names(url: str) -> set[str]:
    """Tables the models describe (the search structures are checked apart)."""
    engine = make_engine(url)
    names = set(filter(described_by_models, inspect(engine).get_table_names()))
    engine.dispose()
    return names


class TestMigrations:
    def test_upgrade_to_head_gives_exactly_the_models_schema(
        self, empty_database: str
    ) -> None:
        migrate.upgrade(empty_database)

        assert schema_differences(empty_database) == []
        assert table_names(empty_database) == {
            *SQLModel.metadata.tables,
            "alembic_version",
        }

    def test_downgrade_to_base_then_upgrade_to_head_round_trips(
        self, empty_database: str
    ) -> None:
        migrate.upgrade(empty_database)

        migrate.downgrade(empty_database, "base")
        assert table_names(empty_database) == {"alembic_version"}

        migrate.upgrade(empty_database)
        assert schema_differences(empty_database) == []


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in (
                "project",
                "project_country",
                "project_action_line",
                "project_partner",
                "project_sdg",
            )
        }
    engine.dispose()
    return counts


class TestKnowledgeExchangeMigration:
    def test_it_is_not_undone_while_the_history_holds_designations(
        self, empty_database: str
    ) -> None:
        build_template(empty_database, demo=True)  # the demo designates four
        before = row_counts(empty_database)

        with pytest.raises(RuntimeError, match="append-only"):
            migrate.downgrade(empty_database, "0e1f2a3b4c5d")

        assert row_counts(empty_database) == before
        assert schema_differences(empty_database) == []


class TestMigrationsKeepData:
    def test_rebuilding_the_project_table_loses_no_linked_rows(
        self, empty_database: str
    ) -> None:
        build_template(empty_database, demo=True, exchange=False)
        before = row_counts(empty_database)
        assert before["project_country"] > 0

        # Down past the full-text migration and back: on SQLite both directions
        # recreate `project`.
        migrate.downgrade(empty_database, FULL_TEXT_SEARCH + "-1")
        migrate.upgrade(empty_database)

        assert row_counts(empty_database) == before
        assert schema_differences(empty_database) == []

    def test_search_documents_are_refolded_without_the_arabic_article(
        self, empty_database: str
    ) -> None:
        build_template(empty_database, demo=True, exchange=False)
        migrate.downgrade(empty_database, FULL_TEXT_SEARCH)
        engine = make_engine(empty_database)
        with engine.begin() as connection:
            connection.execute(text("UPDATE project SET search_document = 'الواحات'"))

        migrate.upgrade(empty_database)

        with engine.connect() as connection:
            documents = list(
                connection.execute(
                    text("SELECT search_document FROM project")
                ).scalars()
            )
        assert "الواحات" not in documents  # every row was folded again
        assert any(" 1ذكاء " in f" {d} " for d in documents)  # «الذكاء» -> «ذكاء»
        assert not any("الذكاء" in d for d in documents)
        engine.dispose()

    def test_search_documents_are_refolded_for_look_alikes_and_prefixes(
        self, empty_database: str
    ) -> None:
        build_template(empty_database, demo=True, exchange=False)
        migrate.downgrade(empty_database, CATALOG_CHANGE_LOG)
        engine = make_engine(empty_database)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE project SET title_ar = 'وبالطاقة التقنیة', "
                    "search_document = 'وبالطاقه التقنیه' "
                    "WHERE id = (SELECT min(id) FROM project)"
                )
            )

        migrate.upgrade(empty_database)

        with engine.connect() as connection:
            document = connection.execute(
                text(
                    "SELECT search_document FROM project "
                    "WHERE id = (SELECT min(id) FROM project)"
                )
            ).scalar_one()
        assert document.startswith("1طاقه 1تقنيه ")  # ی is ي; وبال dropped
        engine.dispose()

    def test_search_documents_are_indexed_by_field_with_their_stems(
        self, empty_database: str
    ) -> None:
        build_template(empty_database, demo=True, exchange=False)
        migrate.downgrade(empty_database, LOOK_ALIKES_REFOLD)
        engine = make_engine(empty_database)
        with engine.begin() as connection:
            connection.execute(text("UPDATE project SET search_document = 'مشاريع'"))

        migrate.upgrade(empty_database)

        with engine.connect() as connection:
            documents = list(
                connection.execute(
                    text("SELECT search_document FROM project")
                ).scalars()
            )
        terms = {term for document in documents for term in document.split()}
        assert all(term[0] in "0123456" for term in terms)
        assert "1مشاريع" not in terms or "4مشروع" in terms  # the stem beside it
        assert any(t.startswith("4") for t in terms)  # titles' stems
        engine.dispose()
