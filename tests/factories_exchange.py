"""Factories shared by the knowledge-exchange tests (issue 14)."""

from typing import Any

from sqlmodel import Session, col, select

from app.models import OutboxMessage, Project, Role, User
from tests.factories import make_project, make_user


def make_reader(session: Session, *, country: str = "JO", **overrides: Any) -> User:
    """A signed-up person with a confirmed address (a contributor of `country`)."""
    overrides.setdefault("role", Role.CONTRIBUTOR)
    return make_user(session, country=country, **overrides)


def make_entry_of(
    session: Session, country: str, *, owner: User | None = None, **overrides: Any
) -> Project:
    """A published entry of `country` (its lead organisation and its place)."""
    overrides.setdefault("countries", [country])
    overrides.setdefault(
        "lead_organization",
        {
            "name": f"Organisation of {country} (fictional)",
            "entity_type": "government",
            "country": country,
        },
    )
    return make_project(session, owner=owner, **overrides)


def outbox(session: Session, *, kind: str | None = None) -> list[OutboxMessage]:
    """The queued mail, oldest first (of one `kind`, if given)."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.exec(query).all())
