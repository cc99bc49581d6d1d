"""The entry page's knowledge-exchange panels: one per feature, each shaped
by its own module (app/web/contact.py, relations.py, good_practices.py,
alerts.py, reports.py) and drawn by its include under templates/exchange/."""

from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.models import User
from app.schemas.project import ProjectPublic
from app.web import alerts, contact, good_practices, relations, reports

PANELS = {
    "good_practice": good_practices.panel,
    "relations": relations.panel,
    "contact": contact.panel,
    "alerts": alerts.panel,
    "report": reports.panel,
}


def entry_panels(
    session: Session,
    project: ProjectPublic,
    user: User | None,
    *,
    locale: str,
    settings: Settings,
) -> dict[str, dict[str, Any]]:
    """Each panel's view of `project` (the public record the page shows: its
    `id` is the public id) for `user` (None: a visitor)."""
    return {
        name: panel(session, project, user, locale=locale, settings=settings)
        for name, panel in PANELS.items()
    }
