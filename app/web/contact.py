"""Contact an entry's team through the relay: the form on the entry page, each
side's conversation pages, the team's block, the moderators' log."""

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session

from app.config import Settings
from app.models import Project, User

router = APIRouter(include_in_schema=False)


def panel(
    session: Session,
    project: Project,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, Any]:
    """What the entry page shows of this feature (read by its include)."""
    return {}
