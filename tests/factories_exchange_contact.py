"""Helpers of the contact tests: a sender, a first message, the team's link.
Their fixtures are in tests/fixtures/contact.py."""

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.models import ContactPurpose, Project, User
from app.schemas.contact import TeamMessageIn
from app.services import contact, contact_log
from app.services.contact import Access
from tests.factories_exchange import make_reader, outbox

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
TEAM_CONTACT = "private-contact@example.org"  # tests.factories.project_data's
SENDER_EMAIL = "rania.sender@jo-sender.example"
LINK = re.compile(r"/messages/reply/([\w-]+)")


def make_sender(
    session: Session, *, email: str | None = None, **overrides: Any
) -> User:
    """A verified Jordanian contributor of a ministry: the one who writes."""
    overrides.setdefault("full_name", "Rania Haddad")
    sender = make_reader(session, email=email or SENDER_EMAIL, **overrides)
    sender.organization = "Ministry of Digital Economy (fictional)"
    session.add(sender)
    session.commit()
    session.refresh(sender)
    return sender


def message(**overrides: Any) -> TeamMessageIn:
    data: dict[str, Any] = {
        "purpose": ContactPurpose.REPLICATE,
        "subject": "Replicating your platform in Jordan",
        "body": "We would like to learn how you trained the model.\nCan we talk?",
        "organization": "Ministry of Digital Economy (fictional)",
        "country": "JO",
        "reply_to_sender": False,
    }
    data.update(overrides)
    return TeamMessageIn.model_validate(data)


def write(
    session: Session,
    project: Project,
    sender: User,
    *,
    now: datetime | None = None,
    settings: Settings = SETTINGS,
    **overrides: Any,
) -> Access:
    """`sender` writes to `project`'s team (through the service)."""
    return contact.start_thread(
        session,
        project_public_id=project.public_id,
        sender=sender,
        data=message(**overrides),
        settings=settings,
        now=now,
    )


def team_token(session: Session) -> str:
    """The secret of the newest link mailed to the team."""
    session.expire_all()
    relayed = [
        mailed
        for mailed in outbox(session)
        if mailed.kind in (contact.RELAY_KIND, contact.FOLLOW_UP_KIND)
    ]
    found = LINK.search(relayed[-1].body)
    assert found, relayed[-1].body
    return found.group(1)


def team_access(session: Session, *, now: datetime | None = None) -> Access:
    """The team's access from the newest mailed link."""
    return contact_log.access_by_token(
        session, token=team_token(session), settings=SETTINGS, now=now
    )
