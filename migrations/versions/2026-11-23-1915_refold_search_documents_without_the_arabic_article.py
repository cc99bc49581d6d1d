"""Refold the search documents: Arabic words are now indexed without the
definite article (app.folding.without_article), so «واحات» finds «الواحات».

Only derived data changes; the downgrade keeps the documents (the older code
still finds every word that has no article).

Revision ID: 9c1d2e3f4a5b
Revises: 7a875fbed973
Create Date: 2026-11-23 19:15:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.migrate import refold_search_documents

revision: str = "9c1d2e3f4a5b"
down_revision: str | None = "7a875fbed973"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Fold every row again with the app's folding. The FTS5 triggers on
    SQLite follow the updates."""
    refold_search_documents(op.get_bind())


def downgrade() -> None:
    pass
