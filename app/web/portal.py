"""The pages a public portal has: about, methodology, data licence, contact.

Their prose is written per language (app/templates/portal/<page>.<lang>.html,
each extending portal/page.html); what is data comes from its source of
truth: the taxonomy registry and its term counts, the moderation workflow's
transition table, the licence and contact settings.
"""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.config import Settings
from app.deps import OptionalUser, SessionDep, SettingsDep
from app.i18n import request_locale, translate
from app.messages import (
    ACTION_BUTTONS,
    CITATION,
    EXPORT_COLUMNS,
    FILTER_TITLES,
    N_,
    STATUS_NAMES,
)
from app.services import taxonomy
from app.services.moderation import SUBMITTER_ACTIONS, TRANSITIONS
from app.taxonomies import TAXONOMIES, Taxonomy
from app.web import views
from app.web.rendering import render

router = APIRouter(include_in_schema=False)

AICTO_WEBSITE = "https://www.aicto.org"

# The four pages, by the name of their templates, with their titles.
PAGE_TITLES: dict[str, str] = {
    "about": N_("About the repository"),
    "methodology": N_("Methodology"),
    "licence": N_("Data licence and citation"),
    "contact": N_("Contact us"),
}

# Each taxonomy's name (the catalog's and the exports' words) and what it holds.
TAXONOMY_TITLES: dict[str, str] = FILTER_TITLES | {
    "funding_source": EXPORT_COLUMNS["funding_source"],
    "budget_range": EXPORT_COLUMNS["budget_range"],
}
TAXONOMY_DESCRIPTIONS: dict[str, str] = {
    "sub_region": N_(
        "The repository's own grouping of the member states into sub-regions, "
        "for regional views; not an official UN or ITU classification."
    ),
    "country": N_(
        "The 22 member states of the League of Arab States: the countries "
        "where an initiative runs."
    ),
    "sdg": N_("The 17 Sustainable Development Goals of the 2030 Agenda."),
    "action_line": N_(
        "The WSIS action lines C1 to C11 of the Geneva Plan of Action, with C7 "
        "(ICT applications) divided into its eight areas, C7.1 to C7.8."
    ),
    "wsis_target": N_("The ten indicative targets of the Geneva Plan of Action."),
    "gdc_objective": N_(
        "The five objectives of the Global Digital Compact adopted by the "
        "United Nations General Assembly in 2024."
    ),
    "technology": N_(
        "Families of AI and emerging technologies an initiative uses; "
        "not part of the WSIS structure."
    ),
    "entity_type": N_("The kind of organisation that leads the initiative."),
    "activity_type": N_(
        "The kind of initiative: a project, a programme, a training, an event, "
        "a guideline, ..."
    ),
    "target_group": N_("The groups of people an initiative is meant to benefit."),
    "funding_source": N_("The main source of an initiative's funding."),
    "budget_range": N_("The band of an initiative's total budget, in US dollars."),
}
MANY_VALUES = N_("several")
ONE_VALUE = N_("one")
FROM_COUNTRIES = N_("those of its countries")  # sub-regions: not filed directly

# Who takes each action of the workflow (moderation.may_act).
SUBMITTER = N_("The entry's submitter or its country's focal point")
MODERATOR = N_("An AICTO moderator")

# Stand-ins for an entry's parts in the citation pattern shown on /licence.
CITATION_PLACEHOLDERS: dict[str, str] = {
    "title": N_("[Title of the entry]"),
    "id": N_("[identifier]"),
    "published": N_("[date of publication]"),
}
REPOSITORY_CITATION = N_(
    "Arab ICT Organization (AICTO). AICTO Regional Repository of AI and "
    "Emerging-Technology Initiatives. {url} (accessed {accessed})."
)


def portal_page(request: Request, page: str, context: dict[str, Any]) -> HTMLResponse:
    """`page` in the request's language: its own template per language."""
    locale = request_locale(request)
    return render(
        request,
        f"portal/{page}.{locale}.html",
        {
            "portal_name": page,
            "page_title": translate(locale, PAGE_TITLES[page]),
            "aicto_website": AICTO_WEBSITE,
            **context,
        },
    )


def values_per_entry(entry: Taxonomy) -> str:
    """How many of the taxonomy's values an entry takes (a message id)."""
    if entry.link is not None:
        return MANY_VALUES
    return ONE_VALUE if entry.field or entry.column else FROM_COUNTRIES


def taxonomy_rows(session: Session, locale: str) -> list[dict[str, Any]]:
    """Every taxonomy of the registry: its name, meaning, how many values an
    entry takes and how many terms it offers, in the registry's order."""
    counts = taxonomy.term_counts(session)
    return [
        {
            "name": entry.name,
            "title": translate(locale, TAXONOMY_TITLES[entry.name]),
            "description": translate(locale, TAXONOMY_DESCRIPTIONS[entry.name]),
            "per_entry": translate(locale, values_per_entry(entry)),
            "terms": counts[entry.name],
        }
        for entry in TAXONOMIES
    ]


def workflow_rows(locale: str) -> list[dict[str, str]]:
    """The moderation workflow, one row per transition of TRANSITIONS."""
    return [
        {
            "from": translate(locale, STATUS_NAMES[source.value]),
            "action": translate(locale, ACTION_BUTTONS[action.value]),
            "to": translate(locale, STATUS_NAMES[target.value]),
            "by": translate(
                locale, SUBMITTER if action in SUBMITTER_ACTIONS else MODERATOR
            ),
            "from_status": source.value,
            "action_name": action.value,
            "to_status": target.value,
        }
        for source, moves in TRANSITIONS.items()
        for action, target in moves.items()
    ]


def action_lines(session: Session, locale: str) -> list[dict[str, Any]]:
    """The action lines, each with its sub-lines (C7 with C7.1-C7.8)."""
    lines = taxonomy.list_action_lines(session)
    return [
        {
            "code": line.code,
            "name": getattr(line.title, locale),
            "sub_lines": [
                {"code": sub.code, "name": getattr(sub.title, locale)}
                for sub in lines
                if sub.parent == line.code
            ],
        }
        for line in lines
        if line.parent is None
    ]


def citations(
    settings: Settings, locale: str, today: date
) -> dict[str, list[dict[str, Any]]]:
    """How to cite an entry (the entry page's pattern) and the repository."""
    base_url = settings.public_base_url.rstrip("/")
    parts = {
        key: translate(locale, text) for key, text in CITATION_PLACEHOLDERS.items()
    }
    entry = parts | {"url": f"{base_url}/projects/{parts['id']}"}
    repository = {"url": f"{base_url}/", "accessed": today.isoformat()}
    return {
        "entry": views.isolated(locale, CITATION, entry, ltr={"url"}),
        "repository": views.isolated(
            locale, REPOSITORY_CITATION, repository, ltr={"url", "accessed"}
        ),
    }


@router.get("/about", name="about_page", response_class=HTMLResponse)
def about_page(request: Request, user: OptionalUser) -> HTMLResponse:
    return portal_page(request, "about", {"current_user": user})


@router.get("/methodology", name="methodology_page", response_class=HTMLResponse)
def methodology_page(
    request: Request, session: SessionDep, user: OptionalUser
) -> HTMLResponse:
    locale = request_locale(request)
    return portal_page(
        request,
        "methodology",
        {
            "current_user": user,
            "taxonomies": taxonomy_rows(session, locale),
            "workflow": workflow_rows(locale),
            "action_lines": action_lines(session, locale),
        },
    )


@router.get("/licence", name="licence_page", response_class=HTMLResponse)
def licence_page(
    request: Request, settings: SettingsDep, user: OptionalUser
) -> HTMLResponse:
    locale = request_locale(request)
    return portal_page(
        request,
        "licence",
        {
            "current_user": user,
            "licence": settings.licence,
            "licence_id": settings.data_licence,
            "citations": citations(settings, locale, date.today()),
        },
    )


@router.get("/contact", name="contact_page", response_class=HTMLResponse)
def contact_page(
    request: Request, settings: SettingsDep, user: OptionalUser
) -> HTMLResponse:
    return portal_page(
        request,
        "contact",
        {"current_user": user, "contact_email": settings.contact_email},
    )
