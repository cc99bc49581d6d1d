"""The public pages' views: what a page shows, shaped from the services'
answers (app/web/pages.py's routes call these and render)."""

from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from app.i18n import list_separator, translate
from app.messages import (
    EXPORT_COLUMNS,
    FACET_TITLES,
    FILTER_TITLES,
    IMPLEMENTATION_STATUS_LABELS,
    SCOPE_LABELS,
    SEARCHED_INSTEAD,
    SUGGEST_DROP,
    SUGGEST_FILTER,
)
from app.schemas.project import ProjectPublic
from app.schemas.search import ProjectSearchPage, SearchParams, SuggestionKind
from app.services import catalog_index, taxonomy
from app.services import filters as catalog
from app.services.exports import Labels
from app.services.facets import FACETS
from app.taxonomies import labelled
from app.web.rendering import format_number


def term_names(session: Session, locale: str) -> dict[str, dict[Any, str]]:
    """Taxonomy -> code -> name in `locale`, as the catalog index read them
    (once per taxonomy change, not per page)."""
    return Labels(session, locale).names


def term_name(session: Session, name: str, code: Any, locale: str) -> str | None:
    """The name of one term in `locale` (retired ones too); None if unknown."""
    return catalog_index.snapshot(session).terms.names(locale)[name].get(code)


def home_lists(
    session: Session, page: ProjectSearchPage, locale: str
) -> dict[str, list[dict[str, Any]]]:
    """The home page's action lines and SDGs, each with its count of entries."""
    lines = {f.value: f.count for f in page.facets["action_line"]}
    sdg_counts = {f.value: f.count for f in page.facets["sdg"]}
    return {
        "action_lines": [
            {
                "code": line.code,
                "name": getattr(line.title, locale),
                "count": lines.get(line.code, 0),
            }
            for line in taxonomy.list_action_lines(session)
        ],
        "sdgs": [
            {
                "number": sdg.number,
                "name": getattr(sdg.name, locale),
                "color": sdg.color,
                "count": sdg_counts.get(sdg.number, 0),
            }
            for sdg in taxonomy.list_sdgs(session)
        ],
    }


def value_label(
    name: str, value: Any, names: dict[str, dict[Any, str]], locale: str
) -> str:
    """A filter value as the page names it: a term's name (after its code for
    the WSIS and SDG numbering), a status or scope in `locale`, else as given."""
    if name in names:
        return labelled(name, value, names[name].get(value, str(value)))
    choices = {
        "implementation_status": IMPLEMENTATION_STATUS_LABELS,
        "scope": SCOPE_LABELS,
    }.get(name, {})
    return translate(locale, choices[value]) if value in choices else str(value)


def catalog_facets(
    session: Session, page: ProjectSearchPage, params: SearchParams, locale: str
) -> list[dict[str, Any]]:
    """Each facet of the answer (but the years) as a group of checkboxes; the
    values chosen are always there, checked, also when nothing matches them
    now (count 0); a sub-line says it is under its line (indented)."""
    names = term_names(session, locale)
    parents = catalog_index.snapshot(session).terms.parents()
    facets = []
    for name, entries in page.facets.items():
        if name == "year":
            continue
        chosen = list(getattr(params, name, None) or [])
        listed = [(e.value, e.count) for e in entries]
        present = {value for value, _count in listed}
        listed += [(value, 0) for value in chosen if value not in present]
        facets.append(
            {
                "name": name,
                "title": translate(locale, FACET_TITLES[name]),
                "entries": [
                    {
                        "value": value,
                        "label": value_label(name, value, names, locale),
                        "count": count,
                        "selected": value in chosen,
                        "sub": name == "action_line" and value in parents,
                    }
                    for value, count in listed
                ],
            }
        )
    return facets


def catalog_chips(
    session: Session, params: SearchParams, locale: str
) -> list[dict[str, Any]]:
    """One chip per chosen filter value, named as the facets name it. A value
    of a filter with no checkboxes (not a facet) is kept by a hidden field, so
    a change of sort or page keeps every filter."""
    names = term_names(session, locale)
    return [
        {
            "label": value_label(name, value, names, locale),
            "name": name,
            "value": value,
            "hidden": name not in FACETS,
        }
        for name in catalog.FILTERS
        for value in getattr(params, name)
    ]


def query_string(params: SearchParams, **changes: Any) -> str:
    values = params.model_dump(exclude_defaults=True, mode="json") | changes
    return urlencode(
        {k: v for k, v in values.items() if v not in (None, [])}, doseq=True
    )


def without(params: SearchParams, removal: str) -> SearchParams:
    """`params` less one filter value, named `"<filter>:<value>"` by its chip."""
    name, _, value = removal.partition(":")
    if name not in catalog.FILTERS:
        return params
    kept = [v for v in getattr(params, name) if str(v) != value]
    return params.model_copy(update={name: kept, "cursor": None})


def suggestion_links(
    page: ProjectSearchPage, params: SearchParams, locale: str
) -> list[dict[str, str]]:
    """The answer's suggestions as links: the filter added, the query spelt
    another way, or a filter left out."""
    links = []
    for suggestion in page.suggestions:
        count = format_number(suggestion.count, locale)
        if suggestion.kind == SuggestionKind.FILTER:
            assert suggestion.filter is not None
            term = labelled(
                suggestion.filter,
                suggestion.value,
                suggestion.label or str(suggestion.value),
            )
            chosen = [*getattr(params, suggestion.filter), suggestion.value]
            text = translate(locale, SUGGEST_FILTER, term=term, count=count)
            href = query_string(params, cursor=None, **{suggestion.filter: chosen})
        elif suggestion.kind == SuggestionKind.SPELLING:
            continue  # said above the results (`searched_instead`)
        else:
            assert suggestion.filter is not None
            name = translate(locale, FILTER_TITLES[suggestion.filter])
            text = translate(locale, SUGGEST_DROP, filter=name, count=count)
            dropped: dict[str, Any] = {suggestion.filter: None}
            if suggestion.filter == "year":
                dropped = {"year_from": None, "year_to": None}
            href = query_string(params, cursor=None, **dropped)
        links.append({"text": text, "href": "/projects?" + href})
    return links


def searched_instead(page: ProjectSearchPage, locale: str) -> dict[str, str] | None:
    """What the results are for when a word of the query was found nowhere and
    its closest spelling was searched instead: the corrected query (whose
    words the cards mark) and the sentence saying so."""
    spelt = [s for s in page.suggestions if s.kind == SuggestionKind.SPELLING]
    if not spelt:
        return None
    corrected = spelt[0].q or ""  # the query as searched: every correction
    words = list_separator(locale).join(s.word or "" for s in spelt)
    text = translate(locale, SEARCHED_INSTEAD, q=corrected, word=words)
    return {"q": corrected, "text": text}


def entry_facts(
    project: ProjectPublic, names: dict[str, dict[Any, str]], locale: str
) -> list[tuple[str, str]]:
    org = project.lead_organization
    comma = list_separator(locale)

    def label(key: str) -> str:
        return translate(locale, EXPORT_COLUMNS[key])

    return [
        (label("lead_organization"), org.name or "" if org else ""),
        (
            label("entity_type"),
            names["entity_type"].get(org.entity_type, "") if org else "",
        ),
        (label("partners"), comma.join(p.name or "" for p in project.partners)),
        (
            label("scope"),
            translate(locale, SCOPE_LABELS[project.scope]) if project.scope else "",
        ),
        (label("activity_type"), names["activity_type"].get(project.activity_type, "")),
        (
            label("implementation_status"),
            translate(
                locale, IMPLEMENTATION_STATUS_LABELS[project.implementation_status]
            )
            if project.implementation_status
            else "",
        ),
        (
            label("start_date"),
            project.start_date.isoformat() if project.start_date else "",
        ),
        (label("end_date"), project.end_date.isoformat() if project.end_date else ""),
        (label("website"), project.website or ""),
        (
            label("technologies"),
            comma.join(names["technology"][t] for t in project.technologies),
        ),
        (
            label("target_groups"),
            comma.join(names["target_group"][t] for t in project.target_groups),
        ),
        (label("keywords"), comma.join(project.keywords)),
    ]
