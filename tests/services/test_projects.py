"""The rules of a complete project record (the future submission rules)."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from app.errors import Conflict, ErrorCode, InvalidInput
from app.models import Project, ProjectSdg, ProjectStatus
from app.schemas.project import ProjectCreate, ProjectDraft
from app.services import projects
from tests.factories import make_project, project_data


def error_locs(**overrides: Any) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as caught:
        ProjectCreate.model_validate(project_data(**overrides))
    return [error["loc"] for error in caught.value.errors()]


class TestProjectRecordRules:
    def test_a_complete_record_is_valid(self) -> None:
        record = ProjectCreate.model_validate(project_data())

        assert record.primary_action_line == "C7.3"
        assert record.title.ar

    def test_summary_over_200_words_is_refused(self) -> None:
        long_summary = {"ar": "كلمة " * 201, "en": "short"}

        assert error_locs(summary=long_summary) == [("summary",)]

    def test_summary_of_exactly_200_words_is_accepted(self) -> None:
        summary = {"ar": " ".join(["كلمة"] * 200)}

        assert ProjectCreate.model_validate(project_data(summary=summary))

    def test_title_is_required_in_the_original_language(self) -> None:
        assert error_locs(original_language="fr") == [("title",), ("summary",)]

    def test_a_title_in_no_language_is_refused(self) -> None:
        assert ("title",) in error_locs(title={"ar": " ", "en": None})

    def test_end_date_before_start_date_is_refused(self) -> None:
        locs = error_locs(start_date="2024-05-01", end_date="2024-04-30")

        assert locs == [("end_date",)]

    def test_at_least_one_action_line_sdg_and_country(self) -> None:
        locs = error_locs(action_lines=[], sdgs=[], countries=[])

        assert {("action_lines",), ("sdgs",), ("countries",)} <= set(locs)

    def test_primary_action_line_must_be_one_of_the_action_lines(self) -> None:
        assert error_locs(primary_action_line="C4") == [("primary_action_line",)]

    def test_numbers_out_of_any_range_are_refused_before_the_database(self) -> None:
        assert error_locs(sdgs=[2**63], gdc_objectives=[0]) == [
            ("sdgs", 0),
            ("gdc_objectives", 0),
        ]

    def test_web_addresses_longer_than_the_column_are_refused(self) -> None:
        long_url = "https://example.org/" + "a" * 500

        assert error_locs(website=long_url) == [("website",)]

    def test_the_same_code_twice_is_refused(self) -> None:
        assert error_locs(sdgs=[4, 4]) == [("sdgs",)]

    def test_text_with_nul_characters_is_refused(self) -> None:
        locs = error_locs(title={"ar": "عنوان\x00", "en": "Title"})

        assert locs == [("title", "ar")]

    def test_contact_email_must_be_an_address(self) -> None:
        locs = error_locs(contact={"name": "X", "email": "not-an-address"})

        assert locs == [("contact", "email")]


class TestCreateProject:
    def test_stores_the_record_with_its_links(self, session: Session) -> None:
        project = make_project(
            session,
            action_lines=["C4", "C7.3"],
            primary_action_line="C7.3",
            sdgs=[4, 9],
        )

        stored = session.get(Project, project.id)
        assert stored is not None
        assert stored.status == ProjectStatus.APPROVED
        assert stored.start_date == date(2024, 1, 15)
        assert stored.contact_email == "private-contact@example.org"
        assert stored.published_at is not None
        assert stored.published_at.tzinfo is not None
        sdgs = session.exec(
            select(ProjectSdg.sdg_number).where(ProjectSdg.project_id == project.id)
        ).all()
        assert sorted(sdgs) == [4, 9]

    def test_a_draft_is_not_published(self, session: Session) -> None:
        project = make_project(session, status=ProjectStatus.DRAFT)

        assert project.published_at is None

    def test_unknown_codes_are_refused_field_by_field_and_nothing_is_written(
        self, session: Session
    ) -> None:
        data = ProjectCreate.model_validate(
            project_data(
                countries=["TN", "XX"],
                action_lines=["C7.3", "C99"],
                technologies=["telepathy"],
                lead_organization={
                    "name": "Org",
                    "entity_type": "guild",
                    "country": "TN",
                },
            )
        )

        with pytest.raises(InvalidInput) as caught:
            projects.create_project(session, data=data)

        assert {tuple(e["loc"]) for e in caught.value.detail()} == {
            ("body", "countries", 1),
            ("body", "action_lines", 1),
            ("body", "technologies", 0),
            ("body", "lead_organization", "entity_type"),
        }
        assert session.exec(select(func.count()).select_from(Project)).one() == 0

    def test_public_ids_are_unique_and_url_safe(self, session: Session) -> None:
        ids = {make_project(session).public_id for _ in range(5)}

        assert len(ids) == 5
        assert all(
            len(i) == 10 and set(i) <= set(projects.PUBLIC_ID_ALPHABET) for i in ids
        )


class TestStorageRules:
    def test_the_database_itself_refuses_an_end_before_the_start(
        self, session: Session
    ) -> None:
        project = make_project(session)
        project.start_date = date(2025, 1, 1)
        project.end_date = date(2024, 1, 1)
        session.add(project)

        with pytest.raises(IntegrityError):
            session.commit()

    def test_timestamps_are_utc_on_every_backend(self, session: Session) -> None:
        project = make_project(session)
        session.expire_all()

        stored = session.get(Project, project.id)

        assert stored is not None
        assert stored.created_at.utcoffset() == timedelta(0)

    def test_naive_timestamps_are_refused(self, session: Session) -> None:
        project = make_project(session)
        project.last_verified_at = datetime(2025, 1, 1)
        session.add(project)

        with pytest.raises(StatementError, match="naive"):
            session.commit()


class TestPublicIds:
    def test_a_public_id_taken_meanwhile_is_drawn_again(
        self, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        taken = make_project(session).public_id
        drawn = iter([taken, "FRESH00001"])
        monkeypatch.setattr(projects, "new_public_id", lambda: next(drawn))

        project = make_project(session, status=ProjectStatus.DRAFT)

        assert project.public_id == "FRESH00001"

    def test_a_chosen_public_id_that_is_taken_is_a_conflict(
        self, session: Session
    ) -> None:
        taken = make_project(session).public_id
        data = ProjectDraft.model_validate(
            {"original_language": "en", "title": {"en": "Seeded"}}
        )

        with pytest.raises(Conflict) as raised:
            projects.create_project(session, data=data, public_id=taken)

        assert raised.value.code == ErrorCode.PUBLIC_ID_TAKEN
