"""The seed loaders: taxonomies are idempotent and retire, demo data is complete."""

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from app.models import (
    ActionLine,
    ActionLineSdg,
    Country,
    Project,
    ProjectActionLine,
    ProjectCountry,
    Technology,
    User,
)
from app.schemas.search import SearchParams
from app.services import related_entries, search
from app.taxonomies import TAXONOMIES
from seeds.demo import load_demo, sample_public_id
from seeds.demo_exchange import CURATOR_EMAIL, load_exchange
from seeds.taxonomy_loader import TAXONOMY_DIR, load_taxonomies
from tests.factories import make_project
from tests.support.databases import Database

SEEDED_TABLES: list[type[SQLModel]] = [t.model for t in TAXONOMIES] + [ActionLineSdg]


def snapshot(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row of every taxonomy table."""
    return {
        model.__tablename__: sorted(  # type: ignore[misc]
            (row.model_dump() for row in session.exec(select(model))),
            key=repr,
        )
        for model in SEEDED_TABLES
    }


def copy_taxonomy(tmp_path: Path) -> Path:
    directory = tmp_path / "taxonomy"
    shutil.copytree(TAXONOMY_DIR, directory)
    return directory


def drop_term(directory: Path, file: str, code: str) -> None:
    path = directory / file
    content = json.loads(path.read_text("utf-8"))
    content["terms"] = [t for t in content["terms"] if t.get("code") != code]
    path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")


class TestLoadTaxonomies:
    def test_loading_twice_leaves_the_same_rows(self, session: Session) -> None:
        before = snapshot(session)

        report = load_taxonomies(session)

        assert not report.changed()
        assert snapshot(session) == before

    def test_counts_match_the_wsis_structure(self, session: Session) -> None:
        def count(model: type[SQLModel]) -> int:
            return session.exec(select(func.count()).select_from(model)).one()

        assert count(ActionLine) == 19
        assert count(Country) == 22
        assert count(Technology) >= 12
        sub_lines = session.exec(
            select(ActionLine.code).where(ActionLine.parent_code == "C7")
        ).all()
        assert sorted(sub_lines) == [f"C7.{n}" for n in range(1, 9)]

    def test_a_term_dropped_from_its_file_is_retired_not_deleted(
        self, session: Session, tmp_path: Path
    ) -> None:
        project = make_project(session, technologies=["blockchain"])
        directory = copy_taxonomy(tmp_path)
        drop_term(directory, "technologies.json", "blockchain")

        report = load_taxonomies(session, directory)

        assert report.retired["technology"] == 1
        blockchain = session.get(Technology, "blockchain")
        assert blockchain is not None
        assert blockchain.retired_at is not None
        session.refresh(project)
        assert project.id is not None

    def test_a_term_back_in_its_file_is_current_again(
        self, session: Session, tmp_path: Path
    ) -> None:
        directory = copy_taxonomy(tmp_path)
        drop_term(directory, "technologies.json", "quantum")
        load_taxonomies(session, directory)

        load_taxonomies(session)

        quantum = session.get(Technology, "quantum")
        assert quantum is not None
        assert quantum.retired_at is None


class TestDemoData:
    def test_samples_cover_every_country_and_action_line(
        self, demo_db: Database
    ) -> None:
        with demo_db.make_session() as session:
            samples = session.exec(select(Project)).all()
            countries = set(session.exec(select(ProjectCountry.country_iso2)).all())
            lines = set(session.exec(select(ProjectActionLine.action_line_code)).all())
            all_countries = set(session.exec(select(Country.iso2)).all())
            all_lines = set(session.exec(select(ActionLine.code)).all())

        assert len(samples) >= 60
        assert all(p.is_sample for p in samples)
        assert countries == all_countries
        assert all_lines - {"C7"} <= lines  # C7 is covered by its eight sub-lines

    def test_samples_are_bilingual_and_french_for_maghreb_entries(
        self, demo_db: Database
    ) -> None:
        with demo_db.make_session() as session:
            samples = session.exec(select(Project)).all()
            maghreb = session.exec(
                select(Project).where(
                    col(Project.lead_org_country_iso2).in_(["DZ", "MA", "TN", "MR"])
                )
            ).all()

        assert all(p.title_ar and p.title_en and p.summary_ar for p in samples)
        assert maghreb
        assert all(p.title_fr and p.summary_fr for p in maghreb)

    def test_samples_use_only_fictional_web_addresses(self, demo_db: Database) -> None:
        with demo_db.make_session() as session:
            samples = session.exec(select(Project)).all()

        for project in samples:
            for url in (project.website, project.lead_org_website):
                assert url is None or ".example" in url, url
            assert project.contact_email
            assert project.contact_email.endswith("@example.org")

    def test_the_demo_has_good_practices_and_relations(self, demo_db: Database) -> None:
        with demo_db.make_session() as session:
            found = search.search_projects(
                session, params=SearchParams(good_practice=[True]), locale="ar"
            )
            assert found.total == 4
            assert all(item.good_practice for item in found.items)
            libya = related_entries.project_relations(
                session, public_id=sample_public_id("ly-01"), viewer=None
            )
            assert libya.replicated_in == ["SD"]
            assert [(r.relation, r.other.id) for r in libya.relations] == [
                ("replicated_in", sample_public_id("sd-01"))
            ]
            curator = session.exec(
                select(User).where(User.email == CURATOR_EMAIL)
            ).one()
            assert not curator.is_active
            assert curator.password_hash is None  # it cannot sign in

    def test_loading_the_exchange_twice_adds_nothing(self, demo_db: Database) -> None:
        with demo_db.make_session() as session:
            assert load_exchange(session) == 0

    def test_loading_the_demo_twice_adds_nothing(self, demo_db: Database) -> None:
        with demo_db.make_session() as session:
            before = session.exec(select(func.count()).select_from(Project)).one()

            added = load_demo(session)

            assert added == 0
            assert (
                session.exec(select(func.count()).select_from(Project)).one() == before
            )
