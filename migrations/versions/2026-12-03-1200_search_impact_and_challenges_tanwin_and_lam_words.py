"""Search the impact and the challenges too, and read two more Arabic spellings
(app.analysis, app.folding): an entry's impact and challenges join its body
class («فُحص أكثر من خمسة وأربعين ألف مريض» is told in the impact); the alef of
tanwin al-fath is dropped («نموذجًا» is «نموذج»); «لل» before a word that
begins with ل keeps that ل («للاجئين» is «لاجئين», «للبنان» is «لبنان»).

Every search document is written again by the app's own function; the FTS5
index and PostgreSQL's project_search follow through their triggers. Only
derived data changes; the downgrade keeps the documents (reindex after it).

Revision ID: 0e1f2a3b4c5d
Revises: 9d0e1f2a3b4c
Create Date: 2026-12-03 12:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from app.migrate import refold_search_documents

revision: str = "0e1f2a3b4c5d"
down_revision: str | None = "9d0e1f2a3b4c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refold_search_documents(op.get_bind())


def downgrade() -> None:
    pass
