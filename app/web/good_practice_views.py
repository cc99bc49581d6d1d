"""A good-practice designation as the pages show it: its badge and citation
in the page's language, a card of /good-practices and of the sections that
lead the country and action-line pages, and the desk's forms on the review
page (app/web/desk.py draws them; app/web/good_practices.py takes their posts)."""

from typing import Any

from sqlmodel import Session

from app.i18n import translate
from app.messages import N_
from app.models import Project, ProjectStatus, User
from app.schemas.good_practices import GoodPracticePublic
from app.schemas.project import GoodPracticeSummary
from app.services import designations
from app.taxonomies import labelled
from app.web.rendering import text_in

BADGE = N_("Good practice ({year})")
BADGE_FRAMEWORK = N_("Good practice ({year}, {framework})")


def badge(found: GoodPracticeSummary, locale: str) -> str:
    """ "Good practice (2025, WSIS Prize 2025)" in `locale`."""
    year = str(found.year)  # a year, not a number: no grouping, Latin digits
    if found.framework:
        return translate(locale, BADGE_FRAMEWORK, year=year, framework=found.framework)
    return translate(locale, BADGE, year=year)


def citation(found: GoodPracticeSummary, locale: str, original: str) -> dict[str, Any]:
    """The citation in `locale`, else in another language (`lang`: the one
    shown, marked on the page as the entry page marks a fallback)."""
    text, shown_in = text_in(found.citation, locale, original)
    return {"text": text, "lang": shown_in}


def card(
    item: GoodPracticePublic, names: dict[str, dict[Any, str]], locale: str
) -> dict[str, Any]:
    """One good practice as the page's card shows it."""
    entry = item.project
    title, title_in = text_in(entry.title, locale, entry.original_language)
    return {
        "id": entry.id,
        "href": f"/projects/{entry.id}?lang={locale}",
        "title": title,
        "title_lang": title_in,
        "badge": badge(item, locale),
        "citation": citation(item, locale, entry.original_language),
        "year": item.year,
        "framework": item.framework,
        "countries": [names["country"].get(c, c) for c in entry.countries],
        "action_lines": [
            labelled("action_line", code, names["action_line"].get(code, code))
            for code in entry.action_lines
        ],
    }


def review_panel(
    session: Session, project: Project, moderator: User, locale: str
) -> dict[str, Any]:
    """The review page's good-practice forms: designate a published entry not
    designated; withdraw the designation in force."""
    designation = designations.designation_of(
        session, public_id=project.public_id, moderator=moderator
    )
    if designation is None:
        published = project.status == ProjectStatus.APPROVED
        return {"designation": None, "designate": published, "badge": None}
    return {
        "designation": designation,
        "designate": False,
        "badge": badge(designation, locale),
    }
