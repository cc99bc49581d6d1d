"""Refold the search documents: app.folding now maps the look-alike letters of
Persian and Urdu keyboards (farsi yeh, keheh, heh goal, ...) and of
neighbouring alphabets (veh, peh, tcheh, jeh, gaf) to the Arabic letters, and
drops the article with two letters written onto it («وبالطاقة», «وللتعليم»),
so documents written before match queries folded today.

Only derived data changes; the downgrade keeps the documents.

Revision ID: 7b8c9d0e1f2a
Revises: 6f7a8b9c0d1e
Create Date: 2026-12-02 18:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.migrate import refold_search_documents

revision: str = "7b8c9d0e1f2a"
down_revision: str | None = "6f7a8b9c0d1e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refold_search_documents(op.get_bind())


def downgrade() -> None:
    pass
