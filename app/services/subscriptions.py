"""Follows and saved searches: who is told what, and the digests."""

from sqlmodel import Session

from app.config import Settings
from app.models import Project, User


def notify_followers(
    session: Session,
    *,
    project: Project,
    event: str,
    settings: Settings,
    exclude: User | None = None,
) -> None:
    """Queue a notice to the followers of `project` (in the caller's
    transaction): `event` is "revision", "relation" or "designation"."""
