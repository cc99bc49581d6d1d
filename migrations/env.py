"""Alembic environment: the models' metadata, the URL from Settings.

A caller (the CLI, the tests) may pass `database_url` in `config.attributes`;
otherwise the application's Settings decide.
"""

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import app.models  # noqa: F401 - registers every table on SQLModel.metadata
from app.config import get_settings
from app.db import UTCDateTime, compared_with_models, make_engine

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | bool:
    """Render app types as plain SQLAlchemy ones so migrations never import app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        include_name=compared_with_models,
    )


def migrate(connection: Connection) -> None:
    """Run the migrations on `connection`.

    On SQLite, batch operations recreate tables (copy, drop, rename); with
    foreign keys enforced, dropping the old `project` table would cascade and
    empty every table that refers to it. So foreign keys are off while
    migrating, and checked once at the end.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the autobegun transaction: alembic opens its own
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        connection.commit()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        migrate(connection)
        return
    url = config.attributes.get("database_url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        migrate(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run online")
run_migrations_online()
