"""Add the catalog change log, its covering index and, on PostgreSQL, a stored
search vector.

`ix_project_catalog` covers the columns the catalog index reads of every
approved entry, so reading them never touches the long text columns.

`catalog_change` gets a row, written by triggers in the changing transaction,
for every insert, update or delete of a project, of a project's taxonomy link
(the project's id) and of a taxonomy term (NULL: read everything again). The
web workers' in-memory catalog indexes follow it (app/services/catalog_index.py).
On SQLite the triggers are per row; on PostgreSQL per statement, reading the
statement's transition tables, so a bulk load writes one row per project and
table rather than running a function per row.

On PostgreSQL, `project.search_vector` stores `to_tsvector('simple',
search_document)` (a generated column) so ranking reads it instead of parsing
every matching document again; its GIN index replaces the expression index.

Revision ID: 6f7a8b9c0d1e
Revises: 5e6f7a8b9c0d
Create Date: 2026-12-02 05:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6f7a8b9c0d1e"
down_revision: str | None = "5e6f7a8b9c0d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the column naming the project it changes ("" for taxonomy terms).
WATCHED = {
    "project": "id",
    "project_action_line": "project_id",
    "project_country": "project_id",
    "project_sdg": "project_id",
    "project_wsis_target": "project_id",
    "project_gdc_objective": "project_id",
    "project_technology": "project_id",
    "project_target_group": "project_id",
    **dict.fromkeys(
        (
            "action_line",
            "sdg",
            "country",
            "sub_region",
            "wsis_target",
            "gdc_objective",
            "technology",
            "entity_type",
            "activity_type",
            "target_group",
            "funding_source",
            "budget_range",
        ),
        "",
    ),
}
OPERATIONS = ("insert", "update", "delete")

POSTGRES_FUNCTION = """
CREATE FUNCTION catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_ARGV[0] = '' THEN
    INSERT INTO catalog_change (project_id) VALUES (NULL);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format(
      'INSERT INTO catalog_change (project_id) SELECT DISTINCT %I FROM changed_new',
      TG_ARGV[0]);
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND TG_ARGV[0] <> 'id') THEN
    EXECUTE format(
      'INSERT INTO catalog_change (project_id) SELECT DISTINCT %I FROM changed_old',
      TG_ARGV[0]);
  END IF;
  RETURN NULL;
END
$$
"""


CATALOG_COLUMNS = [
    "status",
    "id",
    "published_at",
    "start_date",
    "end_date",
    "lead_org_entity_type_code",
    "activity_type_code",
    "implementation_status",
    "scope",
]


def upgrade() -> None:
    op.create_index("ix_project_catalog", "project", CATALOG_COLUMNS)
    op.create_table(
        "catalog_change",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_catalog_change")),
    )
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_triggers()
    else:
        _create_postgres_triggers()
        _store_the_search_vector()
    op.execute("INSERT INTO catalog_change (project_id) VALUES (NULL)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER catalog_change_{table}_{operation}")
    else:
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER catalog_change_{operation} ON {table}")
        op.execute("DROP FUNCTION catalog_changed()")
        op.execute("DROP INDEX ix_project_search_vector")
        op.execute("ALTER TABLE project DROP COLUMN search_vector")
        op.execute(
            "CREATE INDEX ix_project_search_document ON project "
            "USING gin (to_tsvector('simple', search_document))"
        )
    op.drop_table("catalog_change")
    op.drop_index("ix_project_catalog", table_name="project")


def _sqlite_rows(column: str, operation: str) -> list[str]:
    """The project ids a row trigger records: the new row's, the old row's or both."""
    if not column:
        return ["NULL"]
    rows = {"insert": ["new"], "delete": ["old"], "update": ["new"]}[operation]
    if operation == "update" and column != "id":
        rows = ["old", "new"]  # a link may move to another project
    return [f"{row}.{column}" for row in rows]


def _create_sqlite_triggers() -> None:
    for table, column in WATCHED.items():
        for operation in OPERATIONS:
            inserts = " ".join(
                f"INSERT INTO catalog_change (project_id) VALUES ({value});"
                for value in _sqlite_rows(column, operation)
            )
            op.execute(
                f"CREATE TRIGGER catalog_change_{table}_{operation} "
                f"AFTER {operation.upper()} ON {table} BEGIN {inserts} END"
            )


def _create_postgres_triggers() -> None:
    op.execute(POSTGRES_FUNCTION)
    transition = {
        "insert": "NEW TABLE AS changed_new",
        "update": "OLD TABLE AS changed_old NEW TABLE AS changed_new",
        "delete": "OLD TABLE AS changed_old",
    }
    for table, column in WATCHED.items():
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER catalog_change_{operation} "
                f"AFTER {operation.upper()} ON {table} "
                f"REFERENCING {transition[operation]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION catalog_changed('{column}')"
            )


def _store_the_search_vector() -> None:
    op.execute(
        "ALTER TABLE project ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', search_document)) STORED"
    )
    op.execute("DROP INDEX ix_project_search_document")
    op.execute(
        "CREATE INDEX ix_project_search_vector ON project USING gin (search_vector)"
    )
