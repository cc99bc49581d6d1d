"""The Atom 1.0 feed of the newest published entries.

Every text goes through `xml_text` (one illegal character makes the whole feed
unreadable) and the autoescaping template; every address starts with the
configured `public_base_url`, never the request's Host header.
"""

from datetime import datetime

from sqlmodel import Session, col

from app.config import DataLicence
from app.db import utcnow
from app.encoding import xml_text
from app.i18n import translate
from app.messages import FEED_TITLE
from app.models import Project
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectFilters
from app.services import filters as catalog
from app.services import records
from app.services.exports import Labels
from app.templating import environment

FEED_SIZE = 50


def _stamp(value: datetime | None) -> str:
    """RFC 3339, as Atom requires."""
    return (value or utcnow()).isoformat().replace("+00:00", "Z")


def _author(project: ProjectPublic) -> str:
    """The lead organisation's name, or AICTO's (Atom wants a name)."""
    organization = project.lead_organization
    return xml_text(organization.name or "" if organization else "").strip() or "AICTO"


def projects_feed(
    session: Session,
    *,
    filters: ProjectFilters,
    locale: str,
    base_url: str,
    self_url: str,
    licence: DataLicence,
) -> str:
    """The newest published entries matching `filters`, as Atom XML; ids and
    links start with `base_url` (the configured public address). The data's
    licence is the feed's <rights> and its rel="license" link (RFC 4946)."""
    catalog.check_codes(session, filters)
    newest = list(
        session.exec(
            catalog.matching(session, filters)
            .order_by(col(Project.published_at).desc(), col(Project.id).desc())
            .limit(FEED_SIZE)
        ).all()
    )
    labels = Labels(session, locale)
    entries = [
        {
            "id": f"{base_url}/projects/{project.id}",
            "title": xml_text(labels.text(project.title)),
            "updated": _stamp(project.updated_at),
            "published": _stamp(project.published_at),
            "link": f"{base_url}/projects/{project.id}?lang={locale}",
            "author": _author(project),
            "summary": xml_text(labels.text(project.summary)),
            "categories": [
                {"term": code, "label": xml_text(labels.one("action_line", code))}
                for code in project.action_lines
            ],
        }
        for project in records.to_public(session, newest)
    ]
    catalog_link = base_url + catalog.catalog_url(filters, locale)
    return environment.get_template("feeds/projects.atom").render(
        locale=locale,
        feed_id=f"{base_url}/feeds/projects.atom",
        title=xml_text(translate(locale, FEED_TITLE)),
        updated=entries[0]["updated"] if entries else _stamp(utcnow()),
        self_url=xml_text(self_url),
        catalog_url=catalog_link,
        licence=licence,
        entries=entries,
    )
