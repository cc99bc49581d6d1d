"""The entry form: posted fields <-> the record shape the API validates, and the
choices each field offers.

Field names follow the record: `title.ar`, `lead_organization.name`,
`partners.0.name`, `responsible_ai.data_sources`; a list field (`sdgs`,
`countries`, ...) is posted once per chosen value. A record read back from a
post keeps what was typed as typed (an impossible date stays as typed), so a
form shown again with its errors loses nothing.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.i18n import translate
from app.languages import LANGUAGES
from app.messages import (
    IMPLEMENTATION_STATUS_LABELS,
    OFFER_LABELS,
    SCOPE_LABELS,
    YES_NO,
)
from app.models.exchange import Offer
from app.models.project import GeographicScope, ImplementationStatus
from app.services import records, taxonomy
from app.taxonomies import BY_NAME, LINKED, TAXONOMIES, Taxonomy, labelled

# The taxonomy links and the offers: each posted once per chosen value.
LIST_FIELDS = frozenset(
    [*(t.field for t in LINKED if t.field is not None), records.OFFERS]
)
SCALARS = (
    "original_language",
    "scope",
    "activity_type",
    "implementation_status",
    "start_date",
    "end_date",
    "website",
    "primary_action_line",
    "funding_source",
    "budget_range",
)
ORGANIZATION_FIELDS = ("name", "entity_type", "country", "website")
RESPONSIBLE_AI_FIELDS = (
    "data_sources",
    "human_oversight",
    "risk_assessment_done",
    "affected_groups",
    "unesco_alignment",
)
BLANK_PARTNER_ROWS = 2
KEYWORD_SEPARATORS = re.compile(r"[,،;؛\n]")


def _text(fields: dict[str, list[str]], name: str) -> str | None:
    value = (fields.get(name) or [""])[-1].strip()
    return value or None


def _group(
    fields: dict[str, list[str]], prefix: str, names: tuple[str, ...]
) -> dict[str, Any] | None:
    """The sub-record `prefix.*` without its blank fields (None if all blank),
    so a missing required part is reported as missing."""
    values = {name: _text(fields, f"{prefix}.{name}") for name in names}
    given = {name: value for name, value in values.items() if value is not None}
    return given or None


def _partners(fields: dict[str, list[str]]) -> list[dict[str, Any]]:
    rows = sorted(
        {
            int(m.group(1))
            for key in fields
            if (m := re.fullmatch(r"partners\.(\d{1,2})\.\w+", key))
        }
    )
    found = (_group(fields, f"partners.{row}", ORGANIZATION_FIELDS) for row in rows)
    return [partner for partner in found if partner is not None]


def record_from_form(fields: dict[str, list[str]]) -> dict[str, Any]:
    """The record a posted form describes; blank fields are left out (null)."""
    record: dict[str, Any] = {
        name: {lang: _text(fields, f"{name}.{lang}") for lang in LANGUAGES}
        for name in records.TRANSLATED_FIELDS
    }
    record |= {name: _text(fields, name) for name in SCALARS}
    record |= {
        name: [v.strip() for v in fields.get(name, []) if v.strip()]
        for name in LIST_FIELDS
    }
    keywords = _text(fields, "keywords") or ""
    record["keywords"] = [
        k.strip() for k in KEYWORD_SEPARATORS.split(keywords) if k.strip()
    ]
    record["lead_organization"] = _group(
        fields, "lead_organization", ORGANIZATION_FIELDS
    )
    record["partners"] = _partners(fields)
    record["contact"] = _group(fields, "contact", ("name", "email"))
    record["responsible_ai"] = (
        _group(fields, "responsible_ai", RESPONSIBLE_AI_FIELDS) or {}
    )
    risk = record["responsible_ai"].get("risk_assessment_done")
    if risk is not None:
        record["responsible_ai"]["risk_assessment_done"] = {
            "yes": True,
            "no": False,
        }.get(risk, risk)
    return record


def form_values(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record as the form shows it (lists as strings, blank rows added)."""
    values = dict(record)
    values["keywords"] = ", ".join(record.get("keywords") or [])
    for name in LIST_FIELDS:
        values[name] = [str(v) for v in record.get(name) or []]
    partners = list(record.get("partners") or [])
    values["partners"] = partners + [{}] * BLANK_PARTNER_ROWS
    ai = dict(record.get("responsible_ai") or {})
    risk = ai.get("risk_assessment_done")
    if isinstance(risk, bool):
        ai["risk_assessment_done"] = "yes" if risk else "no"
    values["responsible_ai"] = ai
    for name in records.TRANSLATED_FIELDS:
        values[name] = record.get(name) or {}
    for name in ("lead_organization", "contact"):
        values[name] = record.get(name) or {}
    return values


@dataclass
class Choice:
    value: str
    label: str
    parent: str | None = None
    colour: str | None = None
    sdgs: list[int] = field(default_factory=list)


def _terms(session: Session, vocabulary: Taxonomy, locale: str) -> list[Choice]:
    rows = taxonomy.terms(session, vocabulary.model, include_retired=False)
    return [
        Choice(
            str(code := getattr(term, vocabulary.key)),
            labelled(vocabulary.name, code, getattr(term, f"name_{locale}")),
        )
        for term in rows
    ]


def _action_lines(session: Session, locale: str) -> list[Choice]:
    return [
        Choice(
            line.code,
            f"{line.code} {getattr(line.title, locale)}",
            parent=line.parent,
            sdgs=line.sdgs,
        )
        for line in taxonomy.list_action_lines(session)
    ]


def _sdgs(session: Session, locale: str) -> list[Choice]:
    return [
        Choice(str(s.number), f"{s.number}. {getattr(s.name, locale)}", colour=s.color)
        for s in taxonomy.list_sdgs(session)
    ]


def _labelled(labels: dict[str, str], values: list[str], locale: str) -> list[Choice]:
    return [Choice(value, translate(locale, labels[value])) for value in values]


def choices(session: Session, locale: str) -> dict[str, list[Choice]]:
    """Every field's choices, named in `locale`; retired terms are not offered."""
    return {
        **{
            vocabulary.field: _terms(session, vocabulary, locale)
            for vocabulary in TAXONOMIES
            if vocabulary.field is not None
        },
        "entity_type": _terms(session, BY_NAME["entity_type"], locale),
        "action_lines": _action_lines(session, locale),  # with parents, SDGs
        "sdgs": _sdgs(session, locale),  # with their colours
        "scope": _labelled(SCOPE_LABELS, [s.value for s in GeographicScope], locale),
        "implementation_status": _labelled(
            IMPLEMENTATION_STATUS_LABELS,
            [s.value for s in ImplementationStatus],
            locale,
        ),
        "unesco_alignment": _labelled(YES_NO, list(YES_NO), locale),
        "offers": _labelled(OFFER_LABELS, [o.value for o in Offer], locale),
        "risk_assessment_done": _labelled(YES_NO, ["yes", "no"], locale),
    }


def suggested_sdgs(
    options: dict[str, list[Choice]], action_lines: list[str]
) -> list[int]:
    """The SDGs the WSIS-SDG matrix links to the chosen action lines."""
    linked = {
        number
        for line in options["action_lines"]
        if line.value in action_lines
        for number in line.sdgs
    }
    return sorted(linked)
