"""The Atom 1.0 feed of the newest published entries.

Every text goes through `xml_text` (one illegal character makes the whole feed
unreadable) and the autoescaping template; every address starts with the
configured `public_base_url`, never the request's Host header.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session, col

from app.config import DataLicence
from app.db import utcnow
from app.encoding import xml_text
from app.i18n import translate
from app.messages import FEED_TITLE, GOOD_PRACTICES_FEED_TITLE
from app.models import Project
from app.schemas.good_practices import GoodPracticeFilters, GoodPracticeParams
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectFilters
from app.services import designations, records
from app.services import filters as catalog
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
    feed_id: str | None = None,
    title: str | None = None,
) -> str:
    """The newest published entries matching `filters`, as Atom XML; ids and
    links start with `base_url` (the configured public address). The data's
    licence is the feed's <rights> and its rel="license" link (RFC 4946).
    `feed_id` and `title` name another feed of the same entries (a saved
    search's); by default, the catalog's."""
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
        _entry(
            labels,
            project,
            base_url=base_url,
            locale=locale,
            summary=labels.text(project.summary),
        )
        for project in records.to_public(session, newest)
    ]
    return _feed(
        locale=locale,
        feed_id=feed_id or f"{base_url}/feeds/projects.atom",
        title=title if title is not None else translate(locale, FEED_TITLE),
        self_url=self_url,
        page_url=base_url + catalog.catalog_url(filters, locale),
        licence=licence,
        entries=entries,
    )


def good_practices_feed(
    session: Session,
    *,
    filters: GoodPracticeFilters,
    locale: str,
    base_url: str,
    self_url: str,
    licence: DataLicence,
) -> str:
    """The newest good-practice designations matching `filters` (published
    entries only), as Atom XML: one entry per designation, its citation as
    the summary, dated by the designation."""
    found = designations.good_practices(
        session,
        params=GoodPracticeParams(
            **filters.model_dump(exclude_defaults=True), limit=FEED_SIZE
        ),
    )
    labels = Labels(session, locale)
    entries = []
    for item in found.items:
        entry = _entry(
            labels,
            item.project,
            base_url=base_url,
            locale=locale,
            summary=labels.text(item.citation),
        )
        designated = _stamp(item.designated_at)
        entry |= {
            "id": f"{entry['id']}#good-practice-{item.year}-{designated}",
            "updated": designated,
            "published": designated,
        }
        entries.append(entry)
    query = urlencode(
        filters.model_dump(exclude_defaults=True, exclude={"lang"}, mode="json")
        | {"lang": locale},
        doseq=True,
    )
    return _feed(
        locale=locale,
        feed_id=f"{base_url}/feeds/good-practices.atom",
        title=translate(locale, GOOD_PRACTICES_FEED_TITLE),
        self_url=self_url,
        page_url=f"{base_url}/good-practices?{query}",
        licence=licence,
        entries=entries,
    )


def _entry(
    labels: Labels,
    project: ProjectPublic,
    *,
    base_url: str,
    locale: str,
    summary: str,
) -> dict[str, Any]:
    """One entry of a feed: the record's title, dates, link and action lines."""
    return {
        "id": f"{base_url}/projects/{project.id}",
        "title": xml_text(labels.text(project.title)),
        "updated": _stamp(project.updated_at),
        "published": _stamp(project.published_at),
        "link": f"{base_url}/projects/{project.id}?lang={locale}",
        "author": _author(project),
        "summary": xml_text(summary),
        "categories": [
            {"term": code, "label": xml_text(labels.one("action_line", code))}
            for code in project.action_lines
        ],
    }


def _feed(
    *,
    locale: str,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    licence: DataLicence,
    entries: list[dict[str, Any]],
) -> str:
    """The Atom document (`entries` newest first: the first dates the feed)."""
    return environment.get_template("feeds/projects.atom").render(
        locale=locale,
        feed_id=feed_id,
        title=xml_text(title),
        updated=entries[0]["updated"] if entries else _stamp(utcnow()),
        self_url=xml_text(self_url),
        catalog_url=page_url,
        licence=licence,
        entries=entries,
    )
