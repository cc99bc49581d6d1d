"""Keyword-only factories of persisted objects with minimal valid defaults."""

import itertools
from functools import lru_cache
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import utcnow
from app.deps import SESSION_COOKIE
from app.models import Language, Project, ProjectStatus, Role, TokenPurpose, User
from app.schemas.project import ProjectCreate, ProjectDraft
from app.security import hash_password
from app.services import accounts, projects

PASSWORD = "correct horse battery staple"
_emails = itertools.count(1)


@lru_cache
def _password_hash(password: str) -> str:
    """Argon2 is slow by design: hash each test password once per session."""
    return hash_password(password)


def make_user(
    session: Session,
    *,
    role: Role = Role.CONTRIBUTOR,
    country: str | None = "TN",
    email: str | None = None,
    full_name: str = "Test Person",
    password: str = PASSWORD,
    verified: bool = True,
    active: bool = True,
    language: Language = Language.EN,
) -> User:
    """A stored user; country roles default to Tunisia, AICTO staff get none."""
    if role in (Role.MODERATOR, Role.ADMIN):
        country = None
    user = User(
        email=email or f"person{next(_emails)}@example.org",
        full_name=full_name,
        role=role,
        country_iso2=country,
        preferred_language=language,
        password_hash=_password_hash(password),
        email_verified_at=utcnow() if verified else None,
        is_active=active,
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def bearer(session: Session, user: User) -> dict[str, str]:
    """Authorization headers carrying a fresh API token of `user`."""
    secret, _token = accounts.issue_token(
        session, user=user, purpose=TokenPurpose.API, settings=Settings()
    )
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def project_data(**overrides: Any) -> dict[str, Any]:
    """The JSON of a complete, valid project record; `overrides` replace keys."""
    data: dict[str, Any] = {
        "original_language": "ar",
        "title": {"ar": "منصة تجريبية للذكاء الاصطناعي", "en": "A test AI platform"},
        "summary": {
            "ar": "منصة تجريبية لاختبار المستودع.",
            "en": "A platform used to test the repository.",
        },
        "description": {"en": "A longer description of the test platform."},
        "keywords": ["test", "اختبار"],
        "lead_organization": {
            "name": "Test Organisation (fictional)",
            "entity_type": "academia",
            "country": "TN",
            "website": "https://test-org.example",
        },
        "partners": [
            {"name": "Partner Lab (fictional)", "entity_type": "private_sector"}
        ],
        "countries": ["TN"],
        "scope": "national",
        "activity_type": "project",
        "implementation_status": "ongoing",
        "start_date": "2024-01-15",
        "end_date": None,
        "website": "https://test-platform.example",
        "contact": {"name": "Test Contact", "email": "private-contact@example.org"},
        "action_lines": ["C7.3"],
        "primary_action_line": "C7.3",
        "sdgs": [4],
        "technologies": ["machine_learning"],
        "target_groups": ["students_researchers"],
        "funding_source": "government",
    }
    data.update(overrides)
    return data


def make_project(
    session: Session,
    *,
    status: ProjectStatus = ProjectStatus.APPROVED,
    owner: User | None = None,
    is_sample: bool = False,
    complete: bool = True,
    **overrides: Any,
) -> Project:
    """A stored project, approved (public) unless `status` says otherwise.

    With `complete=False` only the title is filled (a fresh draft).
    """
    if complete:
        data: ProjectDraft = ProjectCreate.model_validate(project_data(**overrides))
    else:
        data = ProjectDraft.model_validate(
            {"original_language": "en", "title": {"en": "Draft title"}, **overrides}
        )
    return projects.create_project(
        session, data=data, owner=owner, status=status, is_sample=is_sample
    )


def sign_in(client: TestClient, session: Session, user: User) -> None:
    """Give `client` the session cookie of `user` (as the sign-in page does)."""
    secret, _token = accounts.issue_token(
        session, user=user, purpose=TokenPurpose.SESSION, settings=Settings()
    )
    session.commit()
    client.cookies.set(SESSION_COOKIE, secret)


def form_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A project record (as `project_data` gives it) as the entry form posts it."""
    fields: list[tuple[str, str]] = []

    def add(prefix: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                add(f"{prefix}.{key}", inner)
        elif isinstance(value, list) and prefix == "partners":
            for row, partner in enumerate(value):
                add(f"partners.{row}", partner)
        elif isinstance(value, list) and prefix == "keywords":
            fields.append(("keywords", ", ".join(value)))
        elif isinstance(value, list):
            fields.extend((prefix, str(item)) for item in value)
        elif isinstance(value, bool):
            fields.append((prefix, "yes" if value else "no"))
        else:
            fields.append((prefix, str(value)))

    for name, value in data.items():
        add(name, value)
    return fields
