"""Good-practice designations: the rules, once, and the lists built on them.

A moderator designates an approved entry (one designation in force at a
time) and may withdraw it with a reason. Each act writes, in one commit, the
`GoodPractice` row, the entry's `good_practice` column (the catalog's filter
and facet, followed by the in-memory index through the project's
catalog-change trigger) and an event of the entry's moderation history.

An entry archived while designated keeps its designation (the record of the
act stays true), but every public list (this page, its feed, the filter, the
facet, the dashboard) shows published entries only, so it leaves them all; a
moderator may still withdraw it.
"""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.config import Settings
from app.db import utcnow
from app.errors import Conflict, ErrorCode, InvalidInput
from app.languages import fallback_order
from app.models import (
    GoodPractice,
    ModerationAction,
    ModerationEvent,
    Project,
    User,
)
from app.schemas.good_practices import (
    DesignationIn,
    DesignationRecord,
    GoodPracticeFilters,
    GoodPracticePage,
    GoodPracticeParams,
    GoodPracticePublic,
)
from app.schemas.search import ProjectFilters
from app.services import (
    catalog_index,
    mail,
    moderation,
    notifications,
    projects,
    records,
    subscriptions,
)
from app.services import filters as catalog

LANGUAGES = ("ar", "en", "fr")


def current_designation(session: Session, project: Project) -> GoodPractice | None:
    """The designation of `project` in force (not withdrawn), if any."""
    return session.exec(
        select(GoodPractice)
        .where(GoodPractice.project_id == project.id)
        .where(col(GoodPractice.withdrawn_at).is_(None))
    ).first()


def _checked(data: DesignationIn, now: datetime) -> None:
    """A citation in at least one language; a year no later than next year."""
    if not any(getattr(data, f"citation_{lang}") for lang in LANGUAGES):
        raise InvalidInput(ErrorCode.CITATION_REQUIRED, loc=("body", "citation"))
    latest = now.year + 1
    if data.year > latest:
        raise InvalidInput(
            ErrorCode.DESIGNATION_YEAR_AHEAD, loc=("body", "year"), latest=latest
        )


def _citation_in(designation: GoodPractice, language: str, original: str) -> str:
    """The citation in `language`, else in the entry's `original` language,
    else the first written."""
    for lang in fallback_order(language, original):
        text = getattr(designation, f"citation_{lang}")
        if text:
            return str(text)
    return ""  # pragma: no cover - a citation is required


def _record_event(
    session: Session,
    project: Project,
    actor: User,
    action: ModerationAction,
    reason: str,
) -> None:
    assert project.id is not None and actor.id is not None
    session.add(
        ModerationEvent(
            project_id=project.id,
            actor_id=actor.id,
            action=action,
            from_status=project.status,
            to_status=project.status,
            reason=reason,
        )
    )


def designate(
    session: Session,
    *,
    public_id: str,
    moderator: User,
    data: DesignationIn,
    settings: Settings,
    now: datetime | None = None,
) -> DesignationRecord:
    """Designate a published entry a good practice (moderators only, 403): 409
    if it is not published or already one, 422 without a citation. Its owner
    and its followers are told."""
    now = now or utcnow()
    moderation.require_moderator(moderator)
    project = projects.find_published(session, public_id, moderator)
    assert project.id is not None and moderator.id is not None
    with projects.versioned_write(session):
        if current_designation(session, project) is not None:
            raise Conflict(ErrorCode.ALREADY_GOOD_PRACTICE)
        _checked(data, now)
        designation = GoodPractice(
            project_id=project.id,
            citation_ar=data.citation_ar or None,
            citation_en=data.citation_en or None,
            citation_fr=data.citation_fr or None,
            year=data.year,
            framework=data.framework or None,
            designated_by_id=moderator.id,
            designated_at=now,
        )
        session.add(designation)
        # Through the ORM: the version moves on (a concurrent designation or
        # edit from a stale copy is a 409) and the catalog-change trigger fires.
        project.good_practice = True
        session.add(project)
        original = project.original_language.value
        reason = _citation_in(designation, original, original)
        action = ModerationAction.DESIGNATE_GOOD_PRACTICE
        _record_event(session, project, moderator, action, reason)
        _announce(session, project, moderator, designation, settings)
    session.refresh(designation)
    return designation_record(session, designation, public_id=project.public_id)


def _announce(
    session: Session,
    project: Project,
    moderator: User,
    designation: GoodPractice,
    settings: Settings,
) -> None:
    """Tell the owner by email and the followers by their follow notice (an
    owner who follows the entry is told once)."""
    owner = _tell_owner(session, project, moderator, designation, settings)
    subscriptions.notify_followers(
        session,
        project=project,
        event="designation",
        settings=settings,
        exclude=owner or moderator,
    )


def _tell_owner(
    session: Session,
    project: Project,
    moderator: User,
    designation: GoodPractice,
    settings: Settings,
) -> User | None:
    """Mail the entry's owner (an active account, not the moderator who acted);
    the owner told, if any."""
    team = notifications.entry_team(
        session, project, contact=False, focal_points_too="never"
    )
    told = None
    for owner in notifications.distinct_addresses(team, exclude=[moderator]):
        language = owner.preferred_language.value
        original = project.original_language.value
        mail.queue(
            session,
            kind="good_practice",
            to=owner,
            context={
                "title": notifications.title_in(project, language),
                "year": designation.year,
                "framework": designation.framework,
                "citation": _citation_in(designation, language, original),
                "link": f"{settings.public_base_url}/projects/{project.public_id}",
            },
        )
        told = owner
    return told if isinstance(told, User) else None


def withdraw(
    session: Session,
    *,
    public_id: str,
    moderator: User,
    reason: str | None,
    now: datetime | None = None,
) -> DesignationRecord:
    """Withdraw the designation in force, with a reason (422 without one, 409
    if the entry is not a good practice). The record stays, marked withdrawn.
    An entry archived since may still lose its designation."""
    now = now or utcnow()
    moderation.require_moderator(moderator)
    project = projects.find_project(session, public_id, moderator)
    with projects.versioned_write(session):
        designation = current_designation(session, project)
        if designation is None:
            raise Conflict(ErrorCode.NOT_GOOD_PRACTICE)
        if not reason:
            raise InvalidInput(ErrorCode.REASON_REQUIRED, loc=("body", "reason"))
        designation.withdrawn_at, designation.withdrawn_by_id = now, moderator.id
        designation.withdrawal_reason = reason
        session.add(designation)
        project.good_practice = None
        session.add(project)
        _record_event(
            session, project, moderator, ModerationAction.WITHDRAW_GOOD_PRACTICE, reason
        )
    session.refresh(designation)
    return designation_record(session, designation, public_id=project.public_id)


def designation_record(
    session: Session, designation: GoodPractice, *, public_id: str
) -> DesignationRecord:
    """A designation with its people, as moderators see it."""
    ids = {designation.designated_by_id, designation.withdrawn_by_id} - {None}
    people = moderation.people(session, {i for i in ids if i is not None})
    assert designation.id is not None
    return DesignationRecord(
        **records.good_practice_summary(designation).model_dump(),
        id=designation.id,
        project_id=public_id,
        designated_by=people[designation.designated_by_id],
        withdrawn_at=designation.withdrawn_at,
        withdrawn_by=people.get(designation.withdrawn_by_id or 0),
        withdrawal_reason=designation.withdrawal_reason,
    )


def designation_of(
    session: Session, *, public_id: str, moderator: User
) -> DesignationRecord | None:
    """The designation in force of an entry, for the moderators' review."""
    moderation.require_moderator(moderator)
    project = projects.find_project(session, public_id, moderator)
    designation = current_designation(session, project)
    if designation is None:
        return None
    return designation_record(session, designation, public_id=project.public_id)


# --- the public lists -------------------------------------------------------------


def _designated_ids(session: Session, filters: ProjectFilters) -> list[int]:
    """The published good practices matching the catalog's `filters`, from
    the catalog index (the `good_practice` filter): a few ids, where the same
    question in SQL reads every published entry."""
    snap = catalog_index.snapshot(session)
    chosen = filters.model_copy(update={"good_practice": [True]})
    sets = catalog_index.filter_sets(session, snap, chosen)
    return list(catalog_index.intersection(snap, sets))


def _in_force(session: Session, filters: GoodPracticeFilters) -> list[object]:
    """The conditions: in force, of a published entry matching the catalog's
    filters, designated in one of the years asked for."""
    conditions: list[object] = [
        col(GoodPractice.withdrawn_at).is_(None),
        col(GoodPractice.project_id).in_(_designated_ids(session, filters)),
    ]
    if filters.year:
        conditions.append(col(GoodPractice.year).in_(filters.year))
    return conditions


def good_practices(session: Session, *, params: GoodPracticeParams) -> GoodPracticePage:
    """The good practices matching `params`, newest designation first (unknown
    codes are a 422, as in the catalog)."""
    catalog.check_codes(session, params)
    conditions = _in_force(session, params)
    total = session.exec(
        select(func.count()).select_from(GoodPractice).where(*conditions)  # type: ignore[arg-type]
    ).one()
    rows = session.exec(
        select(GoodPractice, Project)
        .join(Project, col(Project.id) == col(GoodPractice.project_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(GoodPractice.designated_at).desc(), col(GoodPractice.id).desc())
        .offset((params.page - 1) * params.limit)
        .limit(params.limit)
    ).all()
    entries = records.to_public(session, [project for _d, project in rows])
    return GoodPracticePage(
        items=[
            GoodPracticePublic(
                **records.good_practice_summary(designation).model_dump(),
                project=entry,
            )
            for (designation, _p), entry in zip(rows, entries, strict=True)
        ],
        total=total,
    )


def designation_years(session: Session) -> list[int]:
    """The years of the designations in force of published entries, newest first."""
    return list(
        session.exec(
            select(GoodPractice.year)
            .where(col(GoodPractice.withdrawn_at).is_(None))
            .where(
                col(GoodPractice.project_id).in_(
                    _designated_ids(session, ProjectFilters())
                )
            )
            .distinct()
            .order_by(col(GoodPractice.year).desc())
        ).all()
    )


def count_good_practices(session: Session, *, filters: ProjectFilters) -> int:
    """Published good practices among the entries matching `filters` (from the
    catalog index, like the dashboard's other figures)."""
    return len(_designated_ids(session, filters))
