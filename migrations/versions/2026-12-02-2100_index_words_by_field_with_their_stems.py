"""Index every word with its field class and its stem (app.analysis.document):
"1health" is a title's word, "6health" a body's stem, "0" a stop word's place.
Search then ranks by where a word was found and matches plural and attached
forms («مشاريع» finds «مشروع», "farmers" finds "farmer"). Every search
document is written again by the app's own function; the FTS5 table and
PostgreSQL's generated tsvector follow (their tokenizers keep each term whole).
On SQLite, an fts5vocab table lists the index's words (spelling suggestions).

Only derived data changes; the downgrade keeps the documents (the search of
the previous revision no longer finds words in them: reindex after it).

Revision ID: 8c9d0e1f2a3b
Revises: 7b8c9d0e1f2a
Create Date: 2026-12-02 21:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.migrate import refold_search_documents

revision: str = "8c9d0e1f2a3b"
down_revision: str | None = "7b8c9d0e1f2a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refold_search_documents(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        # The index's words and how many documents hold each: the vocabulary
        # spelling suggestions are drawn from (PostgreSQL reads ts_stat).
        op.execute(
            "CREATE VIRTUAL TABLE project_fts_vocab USING fts5vocab(project_fts, row)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE project_fts_vocab")
