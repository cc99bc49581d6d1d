"""Keyword-only factories of persisted objects with minimal valid defaults."""

from typing import Any

from sqlmodel import Session

from app.models import Project, ProjectStatus
from app.schemas.project import ProjectCreate
from app.services import projects


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
    is_sample: bool = False,
    **overrides: Any,
) -> Project:
    """A stored project, approved (public) unless `status` says otherwise."""
    return projects.create_project(
        session,
        data=ProjectCreate.model_validate(project_data(**overrides)),
        status=status,
        is_sample=is_sample,
    )
