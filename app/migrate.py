"""Running the Alembic migrations from code (the CLI and the tests), and what
several migrations do alike."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(database_url: str) -> Config:
    """The project's Alembic configuration, aimed at `database_url`."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def refold_search_documents(bind: sa.Connection) -> None:
    """Write every entry's search document again with today's analysis, for a
    migration that follows a change of `app.folding` or `app.analysis` (the
    document must be
    exactly what the app writes, so the app's own function makes it). The
    full-text structures follow the updates (FTS5 triggers, PostgreSQL's
    generated column); so does the catalog change log."""
    from app.analysis import SEARCHED_FIELDS, entry_document
    from app.languages import LANGUAGES

    searched = [f"{field}_{lang}" for field in SEARCHED_FIELDS for lang in LANGUAGES]
    project = sa.table(
        "project",
        sa.column("id"),
        sa.column("lead_org_name"),
        sa.column("keywords", sa.JSON),
        sa.column("search_document"),
        *(sa.column(name) for name in searched),
    )
    partner = sa.table(
        "project_partner",
        sa.column("project_id"),
        sa.column("position"),
        sa.column("name"),
    )
    partners: dict[int, list[str]] = {}
    for project_id, name in bind.execute(
        sa.select(partner.c.project_id, partner.c.name).order_by(
            partner.c.project_id, partner.c.position
        )
    ):
        partners.setdefault(project_id, []).append(name)
    for row in bind.execute(sa.select(project)).mappings().all():
        names = [row["lead_org_name"], *partners.get(row["id"], [])]
        texts = {name: row[name] for name in searched}
        folded = entry_document(texts, row["keywords"] or [], names)
        if folded != row["search_document"]:
            bind.execute(
                project.update()
                .where(project.c.id == row["id"])
                .values(search_document=folded)
            )
    _settle_search_index(bind)


def _settle_search_index(bind: sa.Connection) -> None:
    """Merge what rewriting every document left behind: FTS5 holds each
    rewrite as a new segment until it merges them (a lookup reads them all:
    at 100,000 entries the new-word query took half again as long before
    'optimize'); PostgreSQL's GIN index takes its pending list in. VACUUM
    ANALYZE, which cannot run in a migration's transaction, is the
    operator's (README, Console: "Upgrading")."""
    if bind.dialect.name == "sqlite":
        if bind.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'project_fts'")
        ).first():
            bind.execute(
                sa.text("INSERT INTO project_fts(project_fts) VALUES ('optimize')")
            )
        return
    if bind.execute(sa.text("SELECT to_regclass('ix_project_search_terms')")).scalar():
        bind.execute(
            sa.text("SELECT gin_clean_pending_list('ix_project_search_terms')")
        )
