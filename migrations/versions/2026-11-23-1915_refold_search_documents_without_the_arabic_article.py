"""Refold the search documents: Arabic words are now indexed without the
definite article (app.folding.without_article), so «واحات» finds «الواحات».

Only derived data changes; the downgrade keeps the documents (the older code
still finds every word that has no article).

Revision ID: 9c1d2e3f4a5b
Revises: 7a875fbed973
Create Date: 2026-11-23 19:15:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c1d2e3f4a5b"
down_revision: str | None = "7a875fbed973"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = [
    f"{field}_{lang}"
    for field in ("title", "summary", "description")
    for lang in ("ar", "en", "fr")
]


def upgrade() -> None:
    """Fold every row again with the app's folding (imported on purpose: the
    document must be exactly what the app writes). The FTS5 triggers on
    SQLite follow the updates."""
    from app.folding import document

    bind = op.get_bind()
    project = sa.table(
        "project",
        sa.column("id"),
        sa.column("lead_org_name"),
        sa.column("keywords", sa.JSON),
        sa.column("search_document"),
        *(sa.column(name) for name in TEXT_COLUMNS),
    )
    partner = sa.table("project_partner", sa.column("project_id"), sa.column("name"))
    partners: dict[int, list[str]] = {}
    for project_id, name in bind.execute(
        sa.select(partner.c.project_id, partner.c.name)
    ):
        partners.setdefault(project_id, []).append(name)
    for row in bind.execute(sa.select(project)).mappings().all():
        texts = [row[name] for name in TEXT_COLUMNS]
        texts += [row["lead_org_name"], *partners.get(row["id"], [])]
        texts += row["keywords"] or []
        folded = document(*texts)
        if folded != row["search_document"]:
            bind.execute(
                project.update()
                .where(project.c.id == row["id"])
                .values(search_document=folded)
            )


def downgrade() -> None:
    pass
