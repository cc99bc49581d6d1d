"""Databases for tests, built by the real migrations and the real seed loader.

Each backend gets, once per test session, a migrated and seeded *template*
(and a second one with the demo projects). Each test then works on its own
copy: on SQLite a copy of the template file; on PostgreSQL an outer
transaction that is rolled back, with sessions joining it through savepoints.
"""

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app import migrate
from app.db import make_engine
from seeds.demo import load_demo
from seeds.demo_exchange import load_exchange
from seeds.taxonomy_loader import load_taxonomies


@dataclass
class Database:
    """One test's database: its URL and a factory of sessions on it."""

    backend: str
    url: str
    make_session: Callable[[], Session]


def create_postgres_database(
    server_url: str, name: str, *, template: str | None = None
) -> str:
    """Create database `name` on the server (a copy of `template` if given);
    return its URL. PostgreSQL refuses to copy a database someone is connected to."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_database_url(backend: str, directory: Path, server_url: str | None) -> str:
    """A URL to a new, empty database on `backend`."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        return f"sqlite:///{directory / name}.db"
    assert server_url is not None
    return create_postgres_database(server_url, name)


def clone_database(template_url: str, directory: Path, server_url: str | None) -> str:
    """A new database holding what the template holds, for good: a copied file
    on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. Return its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    template = str(make_url(template_url).database)
    if server_url is None:
        copy = directory / f"{name}.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"
    return create_postgres_database(server_url, name, template=template)


def build_template(url: str, *, demo: bool, exchange: bool = True) -> None:
    """Migrate to head, load the taxonomies and, if asked, the demo projects
    (with their good practices and relations unless `exchange` is False)."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_taxonomies(session)
        if demo:
            load_demo(session)
            if exchange:
                load_exchange(session)
    engine.dispose()


@contextmanager
def sqlite_copy(template_url: str, directory: Path) -> Iterator[Database]:
    template = Path(str(make_url(template_url).database))
    copy = directory / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    try:
        yield Database("sqlite", url, lambda: Session(engine))
    finally:
        engine.dispose()


@contextmanager
def postgres_transaction(engine: Engine, url: str) -> Iterator[Database]:
    connection = engine.connect()
    outer = connection.begin()

    def make_session() -> Session:
        return Session(bind=connection, join_transaction_mode="create_savepoint")

    try:
        yield Database("postgresql", url, make_session)
    finally:
        outer.rollback()
        connection.close()
