"""Add full-text search: a folded search document per project and its index.

`project.search_document` holds the folded words (app.folding) of the titles,
summaries, descriptions, organisation names and keywords. SQLite indexes it
with an FTS5 table kept in sync by triggers; PostgreSQL with a GIN index on
`to_tsvector('simple', search_document)`. Existing rows are filled here.

Hazard for later migrations on SQLite: a batch operation that recreates the
`project` table drops the FTS triggers; recreate them afterwards.

Revision ID: 7a875fbed973
Revises: 4bbbee455cab
Create Date: 2026-11-23 17:20:09.933880+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.migrate import refold_search_documents

revision: str = "7a875fbed973"
down_revision: str | None = "4bbbee455cab"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_document", sa.Text(), server_default="", nullable=False)
        )
    _fill_search_documents()
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_index()
    else:
        op.execute(
            "CREATE INDEX ix_project_search_document ON project "
            "USING gin (to_tsvector('simple', search_document))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER project_fts_{trigger}")
        op.execute("DROP TABLE project_fts")
    else:
        op.execute("DROP INDEX ix_project_search_document")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("search_document")


def _fill_search_documents() -> None:
    """Fold what existing rows hold, as the app writes it (the new column is
    empty, so every row is written)."""
    refold_search_documents(op.get_bind())


def _create_sqlite_index() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE project_fts USING fts5("
        "search_document, content='project', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "INSERT INTO project_fts(rowid, search_document) "
        "SELECT id, search_document FROM project"
    )
    op.execute(
        "CREATE TRIGGER project_fts_insert AFTER INSERT ON project BEGIN "
        "INSERT INTO project_fts(rowid, search_document) "
        "VALUES (new.id, new.search_document); END"
    )
    op.execute(
        "CREATE TRIGGER project_fts_delete AFTER DELETE ON project BEGIN "
        "INSERT INTO project_fts(project_fts, rowid, search_document) "
        "VALUES ('delete', old.id, old.search_document); END"
    )
    op.execute(
        "CREATE TRIGGER project_fts_update AFTER UPDATE OF search_document "
        "ON project BEGIN "
        "INSERT INTO project_fts(project_fts, rowid, search_document) "
        "VALUES ('delete', old.id, old.search_document); "
        "INSERT INTO project_fts(rowid, search_document) "
        "VALUES (new.id, new.search_document); END"
    )
