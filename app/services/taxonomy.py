"""Reading the reference taxonomies and checking codes against them."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, literal, union_all
from sqlmodel import Session, col, select

from app.models import (
    ActionLine,
    ActionLineSdg,
    Country,
    GdcObjective,
    Sdg,
    WsisTarget,
)
from app.models.taxonomy import CodedTermBase, TermBase
from app.schemas.common import LocalizedText
from app.schemas.taxonomy import (
    ActionLinePublic,
    CountryPublic,
    GdcObjectivePublic,
    SdgPublic,
    TermPublic,
    WsisTargetPublic,
)
from app.taxonomies import TAXONOMIES

T = TypeVar("T", bound=TermBase)


def names(term: TermBase) -> LocalizedText:
    """A term's names as a `{ar, en, fr}` object."""
    return LocalizedText(ar=term.name_ar, en=term.name_en, fr=term.name_fr)


def terms(session: Session, model: type[T], *, include_retired: bool) -> Sequence[T]:
    query = select(model).order_by(col(model.sort_order))
    if not include_retired:
        query = query.where(col(model.retired_at).is_(None))
    return session.exec(query).all()


def list_action_lines(
    session: Session, *, include_retired: bool = False
) -> list[ActionLinePublic]:
    """Action lines in WSIS order, each with the SDGs the WSIS-SDG matrix links."""
    sdgs: dict[str, list[int]] = defaultdict(list)
    for link in session.exec(
        select(ActionLineSdg).order_by(col(ActionLineSdg.sdg_number))
    ):
        sdgs[link.action_line_code].append(link.sdg_number)
    return [
        ActionLinePublic(
            code=line.code,
            parent=line.parent_code,
            title=names(line),
            lead_facilitator=line.lead_facilitator,
            sdgs=sdgs[line.code],
            retired_at=line.retired_at,
        )
        for line in terms(session, ActionLine, include_retired=include_retired)
    ]


def list_sdgs(session: Session, *, include_retired: bool = False) -> list[SdgPublic]:
    return [
        SdgPublic(
            number=sdg.number,
            name=names(sdg),
            color=sdg.color,
            retired_at=sdg.retired_at,
        )
        for sdg in terms(session, Sdg, include_retired=include_retired)
    ]


def list_countries(
    session: Session, *, include_retired: bool = False
) -> list[CountryPublic]:
    return [
        CountryPublic(
            iso2=country.iso2,
            name=names(country),
            sub_region=country.sub_region_code,
            aicto_membership=country.aicto_membership,
            retired_at=country.retired_at,
        )
        for country in terms(session, Country, include_retired=include_retired)
    ]


def list_wsis_targets(
    session: Session, *, include_retired: bool = False
) -> list[WsisTargetPublic]:
    return [
        WsisTargetPublic(code=t.code, title=names(t), retired_at=t.retired_at)
        for t in terms(session, WsisTarget, include_retired=include_retired)
    ]


def list_gdc_objectives(
    session: Session, *, include_retired: bool = False
) -> list[GdcObjectivePublic]:
    return [
        GdcObjectivePublic(number=o.number, title=names(o), retired_at=o.retired_at)
        for o in terms(session, GdcObjective, include_retired=include_retired)
    ]


def list_terms(
    session: Session, model: type[CodedTermBase], *, include_retired: bool = False
) -> list[TermPublic]:
    """The terms of a small coded vocabulary (technologies, entity types, ...)."""
    return [
        TermPublic(code=term.code, name=names(term), retired_at=term.retired_at)
        for term in terms(session, model, include_retired=include_retired)
    ]


def unknown_codes(
    session: Session,
    model: type[TermBase],
    key: str,
    codes: Iterable[Any],
    *,
    allow_retired: bool,
) -> list[Any]:
    """The codes in `codes` that name no term (or only a retired one)."""
    wanted = set(codes)
    if not wanted:
        return []
    column = getattr(model, key)
    query = select(column).where(column.in_(wanted))
    if not allow_retired:
        query = query.where(col(model.retired_at).is_(None))
    known = set(session.exec(query).all())
    return [code for code in codes if code not in known]


def with_sub_lines(session: Session, codes: Iterable[str]) -> set[str]:
    """The action lines `codes` plus their sub-lines: filing under C7.3 is under C7."""
    wanted = set(codes)
    children = session.exec(
        select(ActionLine.code).where(col(ActionLine.parent_code).in_(wanted))
    ).all()
    return wanted | set(children)


def term_counts(session: Session) -> dict[str, int]:
    """Taxonomy name -> how many terms it offers now (retired ones left out),
    for every taxonomy of the registry, in one query."""
    counts = union_all(
        *(
            select(literal(taxonomy.name).label("name"), func.count().label("terms"))
            .select_from(taxonomy.model)
            .where(col(taxonomy.model.retired_at).is_(None))
            for taxonomy in TAXONOMIES
        )
    )
    found = {name: int(n) for name, n in session.execute(counts)}
    return {taxonomy.name: found.get(taxonomy.name, 0) for taxonomy in TAXONOMIES}
