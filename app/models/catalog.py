"""The catalog's change log: what every web worker's catalog index follows."""

from datetime import datetime

from sqlalchemy import Column, DateTime, func
from sqlmodel import Field, SQLModel


class CatalogChange(SQLModel, table=True):
    """One row per change that may alter what the public catalog shows.

    Database triggers (see the migration that adds this table) write it in
    the changing transaction, for every insert, update or delete of a project
    row or of a project's taxonomy link (`project_id` set), and of a taxonomy
    term (`project_id` NULL: everything is to be read again). No code path can
    forget to record a change, a bulk load included. Each worker's catalog
    index (app/services/catalog_index.py) applies the rows it has not seen.
    """

    __tablename__ = "catalog_change"

    seq: int | None = Field(default=None, primary_key=True)
    project_id: int | None = None
    changed_at: datetime = Field(
        sa_column=Column(
            DateTime(timezone=True), nullable=False, server_default=func.now()
        )
    )
