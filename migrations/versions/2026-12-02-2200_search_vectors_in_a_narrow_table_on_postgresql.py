"""On PostgreSQL, the search vectors move to a narrow table of their own,
`project_search (project_id, search_vector)`, with the GIN index.

A search looks each of its words up per field class (app.services.text_search):
a dozen index lookups for a two-word query, each a bitmap scan that visits the
heap rows it finds. Over `project`, whose rows are wide, a frequent word's
30,000 hits meant reading most of the table, 12 times; over this table, a few
hundred pages. Statement-level triggers keep it in step with
`project.search_document` (one INSERT ... SELECT per statement, so a bulk load
writes it in one pass). SQLite is unchanged (FTS5 is already its own table).

Revision ID: 9d0e1f2a3b4c
Revises: 8c9d0e1f2a3b
Create Date: 2026-12-02 22:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d0e1f2a3b4c"
down_revision: str | None = "8c9d0e1f2a3b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE project_search ("
        "project_id bigint PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE, "
        "search_vector tsvector NOT NULL)"
    )
    op.execute(
        "INSERT INTO project_search (project_id, search_vector) "
        "SELECT id, to_tsvector('simple', search_document) FROM project"
    )
    op.execute(
        "CREATE INDEX ix_project_search_terms ON project_search "
        "USING gin (search_vector)"
    )
    op.execute(
        "CREATE FUNCTION project_search_write() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO project_search (project_id, search_vector) "
        "SELECT id, to_tsvector('simple', search_document) FROM new_rows "
        "ON CONFLICT (project_id) "
        "DO UPDATE SET search_vector = EXCLUDED.search_vector; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION project_search_rewrite() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE project_search SET search_vector = "
        "to_tsvector('simple', n.search_document) "
        "FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE project_search.project_id = n.id "
        "AND n.search_document IS DISTINCT FROM o.search_document; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER project_search_insert AFTER INSERT ON project "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION project_search_write()"
    )
    op.execute(
        "CREATE TRIGGER project_search_update AFTER UPDATE ON project "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION project_search_rewrite()"
    )
    op.execute("DROP INDEX ix_project_search_vector")
    op.execute("ALTER TABLE project DROP COLUMN search_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE project ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', search_document)) STORED"
    )
    op.execute(
        "CREATE INDEX ix_project_search_vector ON project USING gin (search_vector)"
    )
    op.execute("DROP TRIGGER project_search_update ON project")
    op.execute("DROP TRIGGER project_search_insert ON project")
    op.execute("DROP FUNCTION project_search_rewrite()")
    op.execute("DROP FUNCTION project_search_write()")
    op.execute("DROP TABLE project_search")
