"""Entries: who sees them and works on them, creating and deleting drafts.

`visible_projects` is the one visibility rule; the public sees approved
entries only. Editing lives in services.revisions.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.db import utcnow
from app.errors import (
    Conflict,
    ErrorCode,
    InvalidInput,
    Loc,
    NotFound,
    PermissionDenied,
)
from app.models import (
    OPEN_REVISION_STATUSES,
    Permission,
    Project,
    ProjectRevision,
    ProjectStatus,
    RevisionStatus,
    User,
)
from app.schemas.project import ProjectDraft, ProjectPublic, ProjectRecord
from app.services import catalog_index, records
from app.services.records import PublicEntry

# Crockford's base32 without I, L, O, U: ids are read aloud and typed by hand.
PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_ID_LENGTH = 10
PUBLIC_ID_ATTEMPTS = 3


def new_public_id() -> str:
    """A random, stable, URL-safe public identifier."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


# --- who sees and works on what -------------------------------------------------


def public_condition() -> ColumnElement[bool]:
    """What the public may see: approved entries (their published version)."""
    return col(Project.status) == ProjectStatus.APPROVED


def visible_projects(viewer: User | None) -> SelectOfScalar[Project]:
    """The entries `viewer` may see: the public sees approved ones; submitters
    also see their own (a focal point: their country's); moderators see all."""
    query = select(Project)
    if viewer is None or not viewer.is_active:
        return query.where(public_condition())
    if viewer.can(Permission.PROJECT_MODERATE):
        return query
    own: Any = col(Project.owner_id) == viewer.id
    if viewer.can(Permission.PROJECT_EDIT_COUNTRY) and viewer.country_iso2:
        own = or_(own, col(Project.home_country_iso2) == viewer.country_iso2)
    return query.where(or_(public_condition(), own))


def is_submitter(user: User, project: Project) -> bool:
    """The owner, or a focal point of the entry's country, may act for it."""
    if not user.is_active:
        return False
    if project.owner_id is not None and project.owner_id == user.id:
        return True
    return (
        user.can(Permission.PROJECT_EDIT_COUNTRY)
        and user.country_iso2 is not None
        and user.country_iso2 == project.home_country_iso2
    )


def works_on(user: User, project: Project) -> bool:
    """May see the workings of an entry (status, history, comments, revision)."""
    return is_submitter(user, project) or user.can(Permission.PROJECT_MODERATE)


def find_project(session: Session, public_id: str, viewer: User | None) -> Project:
    """The entry if `viewer` may see it; 404 otherwise (existence is not revealed)."""
    project = session.exec(
        visible_projects(viewer).where(Project.public_id == public_id)
    ).first()
    if project is None:
        raise NotFound(ErrorCode.PROJECT_NOT_FOUND, loc=("path", "project_id"))
    return project


def find_published(session: Session, public_id: str, viewer: User | None) -> Project:
    """A published entry, for an act only a published entry allows (writing to
    its team, relating to it, following, reporting, designating): 404 when
    `viewer` may not see it, 409 NOT_PUBLISHED when they may but it is not
    published (its own team, a moderator)."""
    project = find_project(session, public_id, viewer)
    if project.status != ProjectStatus.APPROVED:
        raise Conflict(ErrorCode.NOT_PUBLISHED, loc=("path", "project_id"))
    return project


def find_for_work(session: Session, public_id: str, user: User) -> Project:
    """The entry, if `user` works on it: 404 if unseen, 403 if only public to them."""
    project = find_project(session, public_id, user)
    if not works_on(user, project):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    return project


def open_revision(session: Session, project: Project) -> ProjectRevision | None:
    """The revision of `project` awaiting review or changes, if any."""
    return session.exec(
        select(ProjectRevision)
        .where(ProjectRevision.project_id == project.id)
        .where(col(ProjectRevision.status).in_(OPEN_REVISION_STATUSES))
    ).first()


def open_revision_statuses(
    session: Session, project_ids: list[int]
) -> dict[int, RevisionStatus]:
    """Project id -> the status of its open revision, for those that have one."""
    rows = session.exec(
        select(ProjectRevision.project_id, ProjectRevision.status)
        .where(col(ProjectRevision.project_id).in_(project_ids))
        .where(col(ProjectRevision.status).in_(OPEN_REVISION_STATUSES))
    ).all()
    return {project_id: RevisionStatus(status) for project_id, status in rows}


def working_records(session: Session, projects: list[Project]) -> list[ProjectRecord]:
    """The working records of `projects`, in a fixed number of queries."""
    ids = [project.id for project in projects if project.id is not None]
    return records.to_records(
        session, projects, open_revisions=open_revision_statuses(session, ids)
    )


def working_record(session: Session, project: Project) -> ProjectRecord:
    return working_records(session, [project])[0]


# --- validation -------------------------------------------------------------------


def validated(
    session: Session, model: type[ProjectDraft], data: dict[str, Any], *, prefix: Loc
) -> ProjectDraft:
    """`data` checked against `model`'s rules and the current taxonomies (else 422)."""
    try:
        record = model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput.from_validation(error, prefix=prefix) from error
    problems = records.code_problems(session, record, prefix=prefix)
    if problems:
        raise InvalidInput.collect(problems)
    return record


@contextmanager
def versioned_write(session: Session) -> Iterator[None]:
    """Commit what the block writes. If another writer changed the entry since it
    was loaded (its version moved on), roll back and answer 409."""
    try:
        yield
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise Conflict(ErrorCode.STALE_VERSION) from error
    except BaseException:
        session.rollback()  # nothing half-written stays in the session
        raise


# --- use cases --------------------------------------------------------------------


def create_project(
    session: Session,
    *,
    data: ProjectDraft,
    owner: User | None = None,
    status: ProjectStatus = ProjectStatus.DRAFT,
    is_sample: bool = False,
    public_id: str | None = None,
) -> Project:
    """Store a new entry (a draft, unless seeding) with its links, in one commit."""
    if owner is not None and not owner.can(Permission.PROJECT_CREATE):
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    problems = records.code_problems(session, data)
    if problems:
        raise InvalidInput.collect(problems)
    now = utcnow()
    lead_country = data.lead_organization.country if data.lead_organization else None
    for attempt in range(1, PUBLIC_ID_ATTEMPTS + 1):
        project = Project(
            public_id=public_id or new_public_id(),
            status=status,
            is_sample=is_sample,
            owner_id=owner.id if owner else None,
            home_country_iso2=owner.country_iso2 if owner else lead_country,
            original_language=data.original_language,
            created_at=now,
            updated_at=now,
            published_at=now if status == ProjectStatus.APPROVED else None,
        )
        try:
            records.write_record(session, project, data)  # flushes the row
            session.commit()
        except IntegrityError as error:
            # Only a public id taken meanwhile is answered here: drawn again
            # (one chance in 32^10 each time), or a 409 for a chosen one.
            session.rollback()
            if not _public_id_taken(session, project.public_id):
                raise
            if public_id is not None or attempt == PUBLIC_ID_ATTEMPTS:
                raise Conflict(ErrorCode.PUBLIC_ID_TAKEN) from error
            continue
        session.refresh(project)
        return project
    raise AssertionError("unreachable")  # pragma: no cover


def _public_id_taken(session: Session, public_id: str) -> bool:
    found = session.exec(select(Project.id).where(Project.public_id == public_id))
    return found.first() is not None


def create_draft(session: Session, *, owner: User, data: ProjectDraft) -> ProjectRecord:
    project = create_project(session, data=data, owner=owner)
    return working_record(session, project)


def delete_draft(session: Session, *, public_id: str, user: User) -> None:
    """The owner deletes a draft that was never submitted."""
    project = find_for_work(session, public_id, user)
    if project.owner_id != user.id:
        raise PermissionDenied(ErrorCode.PERMISSION_DENIED)
    if project.status != ProjectStatus.DRAFT:
        raise Conflict(ErrorCode.NOT_A_DRAFT)
    session.delete(project)
    session.commit()


def get_record(session: Session, *, public_id: str, user: User) -> ProjectRecord:
    return working_record(session, find_for_work(session, public_id, user))


def my_projects(session: Session, *, user: User) -> list[Project]:
    """The entries `user` works on as a submitter, most recently changed first."""
    own: Any = col(Project.owner_id) == user.id
    if user.can(Permission.PROJECT_EDIT_COUNTRY) and user.country_iso2:
        own = or_(own, col(Project.home_country_iso2) == user.country_iso2)
    return list(
        session.exec(
            select(Project).where(own).order_by(col(Project.updated_at).desc())
        ).all()
    )


def list_my_projects(session: Session, *, user: User) -> list[ProjectRecord]:
    return working_records(session, my_projects(session, user=user))


def public_records(session: Session, ids: list[int]) -> dict[int, PublicEntry]:
    """The public records of the entries `ids` that are published (one
    withdrawn since the caller chose it is left out), serialised."""
    found = list(
        session.exec(
            select(Project).where(col(Project.id).in_(ids), public_condition())
        ).all()
    )
    return {
        project.id: PublicEntry.of(record)
        for project, record in zip(
            found, records.to_public(session, found), strict=True
        )
        if project.id is not None
    }


def get_public_project(session: Session, public_id: str) -> ProjectPublic:
    """The public record of an approved project; 404 for anything else."""
    return get_public_entry(session, public_id).record


def get_public_entry(session: Session, public_id: str) -> PublicEntry:
    """The public record of an approved project and its JSON; 404 for anything
    else. Read through the catalog snapshot's records, which drop an entry
    that changed."""
    pid = session.exec(
        select(Project.id).where(Project.public_id == public_id, public_condition())
    ).first()
    if pid is not None:
        snap = catalog_index.snapshot(session)
        found = snap.cached_records([pid], lambda ids: public_records(session, ids))
        if pid in found:
            return found[pid]  # type: ignore[no-any-return]
    raise NotFound(ErrorCode.PROJECT_NOT_FOUND, loc=("path", "project_id"))
