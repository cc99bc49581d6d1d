"""The public pages' views: what a page shows, shaped from the services'
answers (app/web/pages.py's routes call these and render)."""

from collections.abc import Callable
from dataclasses import dataclass
from string import Formatter
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query
from sqlmodel import Session

from app.i18n import list_separator, translate
from app.languages import direction
from app.messages import (
    CHOICE_LABELS_BY_FILTER,
    CITATION,
    ENTRY_GROUPS,
    EXPORT_COLUMNS,
    FACET_TITLES,
    FILTER_TITLES,
    IMPLEMENTATION_STATUS_LABELS,
    OFFER_LABELS,
    PART_LABELS,
    RESULT_RANGE,
    SCOPE_LABELS,
    SEARCHED_INSTEAD,
    SUGGEST_DROP,
    SUGGEST_FILTER,
    WORDS_SEARCHED,
    YEARS_RUNNING,
    YES_NO,
)
from app.schemas.project import ProjectPublic
from app.schemas.search import (
    MAX_PAGE_NUMBER,
    ProjectFilters,
    ProjectSearchPage,
    SearchParams,
    SuggestionKind,
)
from app.services import catalog_index, taxonomy
from app.services import filters as catalog
from app.services.exports import Labels
from app.services.facets import FACETS
from app.taxonomies import labelled
from app.web.rendering import format_number, text_in


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


def page_links(page: int, pages: int, link: Callable[[int], str]) -> dict[str, Any]:
    """The previous and next links of a numbered listing (None at either end),
    drawn by includes/_pages.html; `link(n)` is the address of page n."""
    return {
        "page": page,
        "pages": pages,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }


def value_label(
    name: str, value: Any, names: dict[str, dict[Any, str]], locale: str
) -> str:
    """A filter value as the page names it: a term's name (after its code for
    the WSIS and SDG numbering), a status or scope in `locale`, else as given."""
    if name in names:
        return labelled(name, value, names[name].get(value, str(value)))
    choices = CHOICE_LABELS_BY_FILTER.get(name, {})
    return translate(locale, choices[value]) if value in choices else str(value)


def catalog_view(
    session: Session, page: ProjectSearchPage, params: SearchParams, locale: str
) -> dict[str, Any]:
    """The catalog page's facets, chips, suggestions and term names (the
    index's terms read once for all of them)."""
    terms = catalog_index.snapshot(session).terms
    names = terms.names(locale)
    return {
        "facets": catalog_facets(
            page, params, names, terms.parents(), terms.ordered, locale
        ),
        "chips": catalog_chips(params, names, locale),
        "suggestions": suggestion_links(page, params, locale),
        "searched_instead": searched_instead(page, locale),
        "pagination": pagination(page, params, locale),
        "names": names,
    }


def catalog_facets(
    page: ProjectSearchPage,
    params: SearchParams,
    names: dict[str, dict[Any, str]],
    parents: dict[str, str],
    ordered: dict[str, list[Any]],
    locale: str,
) -> list[dict[str, Any]]:
    """Each facet of the answer (but the years) as a group of checkboxes; the
    values chosen are always there, checked, also when nothing matches them
    now (count 0); a sub-line says it is under its line (indented)."""
    facets = []
    for name, entries in page.facets.items():
        if name == "year":
            continue
        chosen = list(getattr(params, name, None) or [])
        listed = [(e.value, e.count) for e in entries]
        present = {value for value, _count in listed}
        for value in chosen:
            if value not in present:
                _insert_in_order(listed, value, ordered.get(name, []))
        values = [
            {
                "value": value,
                "label": value_label(name, value, names, locale),
                "count": count,
                "selected": value in chosen,
                "sub": name == "action_line" and value in parents,
            }
            for value, count in listed
        ]
        facets.append(_facet_group(name, translate(locale, FACET_TITLES[name]), values))
    return facets


SHOWN_VALUES = 8  # a longer facet group shows these, the rest behind "more"
# The action lines are the repository's structure: all of them show (C7's
# eight areas under it), as WSIS Stocktaking lists them.
SHOWN_WHOLE = frozenset({"action_line"})


def _facet_group(
    name: str, title: str, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    """A facet's checkboxes as a collapsible group: open when one of its
    values is chosen; past its shown number, the rest behind "show more"
    (open when a chosen value is among them); a long one gets a find box."""
    chosen = sum(1 for entry in entries if entry["selected"])
    shown = len(entries) if name in SHOWN_WHOLE else SHOWN_VALUES
    return {
        "name": name,
        "title": title,
        "chosen": chosen,
        "entries": entries,
        "shown": shown,
        "more": max(len(entries) - shown, 0),
        "more_open": any(entry["selected"] for entry in entries[shown:]),
        "searchable": len(entries) > SHOWN_VALUES,
    }


@dataclass(frozen=True)
class PageLink:
    """A numbered page (`number` None: the gap between page numbers)."""

    number: int | None
    href: str | None = None
    current: bool = False


def pagination(
    page: ProjectSearchPage, params: SearchParams, locale: str
) -> dict[str, Any]:
    """The range shown ("21-40 of 347 entries"), the numbered pages around
    this one (the first and the last numbered one always), the previous page
    and the keyset "next". Past MAX_PAGE_NUMBER "next" carries no number: a
    cursor alone pages on, without numbers or range."""
    number = params.page or 1
    first = params.first_position + 1
    last = params.first_position + len(page.items)
    pages = min(-(-page.total // params.limit), MAX_PAGE_NUMBER)
    # Past the numbered pages a cursor alone says where: no number, no range.
    numbered = not (params.cursor and params.page is None)
    following = number + 1 if numbered and number < MAX_PAGE_NUMBER else None

    def href(n: int) -> str:
        return "/projects?" + query_string(
            params, cursor=None, page=n if n > 1 else None
        )

    around = min(number, pages)  # a page past the last: the last ones
    shown = sorted(
        {1, pages, *range(around - 2, around + 3)} & set(range(1, pages + 1))
    )
    links: list[PageLink] = []
    for n in shown:
        if links and links[-1].number is not None and n - links[-1].number > 1:
            links.append(PageLink(None))
        links.append(PageLink(n, href(n), current=n == number))
    return {
        "range": translate(
            locale,
            RESULT_RANGE,
            first=format_number(first, locale),
            last=format_number(last, locale),
            total=format_number(page.total, locale),
            count=page.total,
        )
        if page.items and numbered
        else None,
        "links": links if pages > 1 and numbered else [],
        "previous": href(number - 1) if numbered and 1 < number <= pages + 1 else None,
        "next": "/projects?"
        + query_string(params, cursor=page.next_cursor, page=following)
        if page.next_cursor
        else None,
    }


def _insert_in_order(
    listed: list[tuple[Any, int]], value: Any, order: list[Any]
) -> None:
    """Add `value` (count 0) where the taxonomy's order puts it among the
    listed values (C7.4 between C7.3 and C7.5), else at the end."""
    rank = {v: i for i, v in enumerate(order)}
    if value in rank:
        for index, (other, _count) in enumerate(listed):
            if rank.get(other, len(rank)) > rank[value]:
                listed.insert(index, (value, 0))
                return
    listed.append((value, 0))


def catalog_chips(
    params: ProjectFilters,
    names: dict[str, dict[Any, str]],
    locale: str,
    *,
    words: bool = False,
) -> list[dict[str, Any]]:
    """One chip per chosen filter value, named as the facets name it, then
    the years running and (with `words`: a page without a search box) the
    words searched. `fields` are the query parameters a chip stands for;
    `hidden`: no checkbox holds them, so a form keeps them in hidden fields
    (a change of sort or page keeps every filter)."""
    chips = [
        {
            "label": value_label(name, value, names, locale),
            "name": name,
            "value": value,
            "fields": [(name, value)],
            "hidden": name not in FACETS,
        }
        for name in catalog.FILTERS
        for value in getattr(params, name)
    ]
    first, last = params.year_from, params.year_to
    if first is not None or last is not None:
        key = (
            "both"
            if first is not None and last is not None
            else ("from" if first is not None else "to")
        )
        years = [(k, v) for k, v in (("year_from", first), ("year_to", last)) if v]
        chips.append(
            {
                "label": translate(locale, YEARS_RUNNING[key], first=first, last=last),
                "name": "years",
                "value": "all",
                "fields": years,
                "hidden": True,
            }
        )
    if words and params.q:
        chips.append(
            {
                "label": translate(locale, WORDS_SEARCHED, q=params.q),
                "name": "q",
                "value": "all",
                "fields": [("q", params.q)],
                "hidden": True,
            }
        )
    return chips


def is_filtered(filters: ProjectFilters) -> bool:
    """Whether `filters` narrow the entries at all (the language does not)."""
    return bool(filters.model_dump(exclude_defaults=True, exclude={"lang"}))


def query_string(params: ProjectFilters, **changes: Any) -> str:
    values = params.model_dump(exclude_defaults=True, mode="json") | changes
    return urlencode(
        {k: v for k, v in values.items() if v not in (None, [])}, doseq=True
    )


Filters = TypeVar("Filters", bound=ProjectFilters)
# One filter's value as a chip or the "add a filter" list names it.
FilterValue = Annotated[
    str | None, Query(max_length=80, pattern=r"^[a-z_]+:[A-Za-z0-9._-]+$")
]


def without(params: Filters, removal: str) -> Filters:
    """`params` less one filter value, named `"<filter>:<value>"` by its chip
    ("years:all" and "q:all": the years, the words), from the first page (a
    cursor or page number no longer applies)."""
    name, _, value = removal.partition(":")
    paging = {"cursor": None, "page": None} if isinstance(params, SearchParams) else {}
    if name == "years":
        return params.model_copy(update={"year_from": None, "year_to": None, **paging})
    if name == "q":
        return params.model_copy(update={"q": None, **paging})
    if name not in catalog.FILTERS:
        return params
    kept = [v for v in getattr(params, name) if str(v) != value]
    return params.model_copy(update={name: kept, **paging})


def with_value(filters: ProjectFilters, addition: str) -> str:
    """The query string of `filters` and one more value, `"<filter>:<value>"`
    (checked when that query is read, like any other)."""
    name, _, value = addition.partition(":")
    query = query_string(filters)
    if name not in catalog.FILTERS or value in map(str, getattr(filters, name)):
        return query
    return "&".join(part for part in (query, urlencode({name: value})) if part)


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
            href = query_string(
                params, cursor=None, page=None, **{suggestion.filter: chosen}
            )
        elif suggestion.kind == SuggestionKind.SPELLING:
            continue  # said above the results (`searched_instead`)
        else:
            assert suggestion.filter is not None
            name = translate(locale, FILTER_TITLES[suggestion.filter])
            text = translate(locale, SUGGEST_DROP, filter=name, count=count)
            dropped: dict[str, Any] = {suggestion.filter: None}
            if suggestion.filter == "year":
                dropped = {"year_from": None, "year_to": None}
            href = query_string(params, cursor=None, page=None, **dropped)
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


def _badges(
    name: str, codes: list[Any], names: dict[str, dict[Any, str]], locale: str
) -> list[dict[str, Any]]:
    """Each code as a badge linking to its entries: an action line or a
    country to its page, any other term to the catalog filtered to it."""
    pages = {"action_line": "/action-lines/{}", "country": "/countries/{}"}
    found = []
    for code in codes:
        if name in pages:
            href = pages[name].format(code) + f"?lang={locale}"
        else:
            href = "/projects?" + urlencode({name: code, "lang": locale})
        found.append(
            {
                "text": labelled(name, code, names[name].get(code, str(code))),
                "href": href,
                "class": f"sdg-{code}" if name == "sdg" else None,
                "main": False,
            }
        )
    return found


def _text(label: str, value: Any, locale: str, original: str) -> dict[str, Any]:
    """A translated text in the page's language, else in the entry's own or
    another, saying so (the text marked with its language and direction)."""
    text, shown_in = text_in(value, locale, original)
    return {
        "label": label,
        "text": text,
        "shown_in": shown_in,
        "dir": direction(shown_in) if shown_in else None,
    }


def _partner(partner: Any, names: dict[str, dict[Any, str]]) -> str:
    """A partner as "name (country)"."""
    country = names["country"].get(partner.country) if partner.country else None
    return (
        f"{partner.name} ({country})"
        if partner.name and country
        else partner.name or ""
    )


@dataclass(frozen=True)
class _EntryFields:
    """An entry's public fields as the entry page shows them, a method per
    group (named as ENTRY_GROUPS), each a list of items: a text, badges or
    links under a label."""

    project: ProjectPublic
    names: dict[str, dict[Any, str]]
    locale: str

    # -- items

    def label(self, key: str) -> str:
        return translate(self.locale, EXPORT_COLUMNS.get(key) or PART_LABELS[key])

    def fact(self, key: str, text: Any) -> dict[str, Any]:
        return {"label": self.label(key), "text": text or ""}

    def own(self, key: str, text: str | None) -> dict[str, Any]:
        """A text written once, in the entry's own language (marked as such)."""
        original = self.project.original_language.value
        other = original != self.locale
        return self.fact(key, text) | {
            "lang": original if other else None,
            "dir": direction(original) if other else None,
        }

    def translated(self, key: str) -> dict[str, Any]:
        project = self.project
        return _text(
            self.label(key),
            getattr(project, key),
            self.locale,
            project.original_language.value,
        )

    def badges(self, key: str, name: str, codes: list[Any]) -> dict[str, Any]:
        found = _badges(name, codes, self.names, self.locale)
        return {"label": self.label(key), "badges": found}

    def links(self, key: str, sites: list[tuple[str, str | None]]) -> dict[str, Any]:
        found = [
            {"text": text or url or "", "href": url}
            for text, url in sites
            if text or url
        ]
        return {"label": self.label(key), "links": found}

    def name(self, taxonomy: str, code: Any) -> str:
        return self.names[taxonomy].get(code, "") if code is not None else ""

    def choice(self, table: dict[str, str], value: str | None) -> str:
        return translate(self.locale, table[value]) if value else ""

    # -- groups, in ENTRY_GROUPS' order

    def what(self) -> list[dict[str, Any]]:
        project = self.project
        return [
            self.translated("summary"),
            self.translated("description"),
            self.fact(
                "activity_type", self.name("activity_type", project.activity_type)
            ),
            self.fact("keywords", list_separator(self.locale).join(project.keywords)),
        ]

    def who(self) -> list[dict[str, Any]]:
        org = self.project.lead_organization
        if org is None:
            return []
        return [
            self.links("lead_organization", [(org.name or "", org.website)]),
            self.fact("entity_type", self.name("entity_type", org.entity_type)),
            self.fact("lead_country", self.name("country", org.country)),
        ]

    def where(self) -> list[dict[str, Any]]:
        project = self.project
        return [
            self.badges("countries", "country", project.countries),
            self.fact("scope", self.choice(SCOPE_LABELS, project.scope)),
        ]

    def when(self) -> list[dict[str, Any]]:
        project = self.project
        status = project.implementation_status
        return [
            self.fact(
                "start_date", project.start_date and project.start_date.isoformat()
            ),
            self.fact("end_date", project.end_date and project.end_date.isoformat()),
            self.fact(
                "implementation_status",
                self.choice(IMPLEMENTATION_STATUS_LABELS, status),
            ),
        ]

    def wsis(self) -> list[dict[str, Any]]:
        project = self.project
        lines = self.badges("action_lines", "action_line", project.action_lines)
        for code, badge in zip(project.action_lines, lines["badges"], strict=True):
            badge["main"] = code == project.primary_action_line
        return [
            lines,
            self.badges("wsis_targets", "wsis_target", project.wsis_targets),
            self.badges("gdc_objectives", "gdc_objective", project.gdc_objectives),
            self.badges("sdgs", "sdg", project.sdgs),
        ]

    def ai(self) -> list[dict[str, Any]]:
        project, rai = self.project, self.project.responsible_ai
        assessed = rai.risk_assessment_done
        answer = None if assessed is None else ("yes" if assessed else "no")
        return [
            self.badges("technologies", "technology", project.technologies),
            self.badges("target_groups", "target_group", project.target_groups),
            self.own("data_sources", rai.data_sources),
            self.own("human_oversight", rai.human_oversight),
            self.fact("risk_assessment_done", self.choice(YES_NO, answer)),
            self.own("affected_groups", rai.affected_groups),
            self.fact("unesco_alignment", self.choice(YES_NO, rai.unesco_alignment)),
        ]

    def impact(self) -> list[dict[str, Any]]:
        return [self.translated("impact"), self.translated("challenges")]

    def partners(self) -> list[dict[str, Any]]:
        partners = self.project.partners
        sites = [(_partner(p, self.names), p.website) for p in partners]
        return [self.links("partners", sites)]

    def funding(self) -> list[dict[str, Any]]:
        project = self.project
        return [
            self.fact(
                "funding_source", self.name("funding_source", project.funding_source)
            ),
            self.fact("budget_range", self.name("budget_range", project.budget_range)),
        ]

    def links_group(self) -> list[dict[str, Any]]:
        website = self.project.website
        return [self.links("website", [(website, website)] if website else [])]


_BLANK_ITEM: dict[str, Any] = {
    "text": "",
    "badges": [],
    "links": [],
    "shown_in": None,
    "lang": None,
    "dir": None,
}


def entry_groups(
    project: ProjectPublic, names: dict[str, dict[Any, str]], locale: str
) -> list[dict[str, Any]]:
    """Every public field of an entry, grouped in the order a reader asks
    (ENTRY_GROUPS: what, who, where, when, WSIS mapping, AI and responsible
    AI, impact, partners, funding, links). Empty fields are left out, and so
    are empty groups."""
    fields = _EntryFields(project, names, locale)
    groups = []
    for key, heading in ENTRY_GROUPS.items():
        items = getattr(fields, "links_group" if key == "links" else key)()
        shown = [
            _BLANK_ITEM | item
            for item in items
            if item.get("text") or item.get("badges") or item.get("links")
        ]
        if shown:
            groups.append({"heading": translate(locale, heading), "items": shown})
    return groups


def offers_view(project: ProjectPublic, locale: str) -> dict[str, Any]:
    """What the entry offers and seeks, as badges at the top of its page (each
    linking to the catalog's entries that offer the same), and its note in the
    page's language, else in the entry's own or another (saying so)."""
    note = _text(
        translate(locale, EXPORT_COLUMNS["offer_note"]),
        project.offer_note,
        locale,
        project.original_language.value,
    )
    return {
        "heading": translate(locale, EXPORT_COLUMNS["offers"]),
        "badges": [
            {
                "text": translate(locale, OFFER_LABELS[offer]),
                "href": "/projects?" + urlencode({"offer": offer, "lang": locale}),
            }
            for offer in project.offers
        ],
        "note": note if note["text"] else None,
    }


def isolated(
    locale: str, message: str, params: dict[str, str], *, ltr: set[str]
) -> list[dict[str, Any]]:
    """`message` in `locale` as pieces of text, the `ltr` parameters (addresses,
    dates) as pieces of their own, which the page isolates left to right: in
    an Arabic sentence a URL's slashes would otherwise move to its other end.
    The translation is parsed as a format string, so no text can split it."""
    pieces: list[dict[str, Any]] = []
    for literal, field, _spec, _conversion in Formatter().parse(
        translate(locale, message)
    ):
        if literal:
            pieces.append({"text": literal, "ltr": False})
        if field is not None:
            pieces.append({"text": params.get(field, ""), "ltr": field in ltr})
    return pieces


def citation(
    project: ProjectPublic, title: str, url: str, locale: str
) -> list[dict[str, Any]]:
    """How to cite the entry: its title, the repository, its id, its
    publication date and its stable address (those three isolated left to
    right, `isolated`)."""
    published = project.published_at.date().isoformat() if project.published_at else ""
    return isolated(
        locale,
        CITATION,
        {"title": title, "id": project.id, "published": published, "url": url},
        ltr={"id", "published", "url"},
    )
