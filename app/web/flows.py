"""Knowledge flows: the dashboard's matrix of country pairs joined by
contacts and accepted relations (counts only, small counts hidden)."""

from typing import Any

from sqlmodel import Session

from app.config import Settings


def flows_view(
    session: Session, *, locale: str, settings: Settings
) -> dict[str, Any] | None:
    """The matrix as the dashboard draws it, or None when no pair is shown."""
    return None
