"""Good-practice designations: who may designate what, the one designation in
force, its withdrawal, and where both show (history, filter, facet, lists)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.models import (
    Follow,
    GoodPractice,
    ModerationAction,
    ModerationEvent,
    OutboxMessage,
    Project,
    ProjectStatus,
    User,
)
from app.schemas.good_practices import (
    DesignationIn,
    GoodPracticeFilters,
    GoodPracticeParams,
)
from app.schemas.search import ProjectFilters, SearchParams
from app.services import designations, filters, moderation, projects, search
from tests.factories import make_project

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def designation(**overrides: Any) -> DesignationIn:
    fields: dict[str, Any] = {
        "citation_en": "Cut waiting times in rural clinics by half.",
        "citation_ar": "خفّض أوقات الانتظار في العيادات الريفية إلى النصف.",
        "year": 2025,
        "framework": "WSIS Prize 2025",
    }
    return DesignationIn.model_validate(fields | overrides)


def designate(
    session: Session, project: Project, moderator: User, **overrides: Any
) -> None:
    designations.designate(
        session,
        public_id=project.public_id,
        moderator=moderator,
        data=designation(**overrides),
        settings=SETTINGS,
        now=NOW,
    )


def stored(session: Session, project: Project) -> Project:
    session.expire_all()
    found = session.get(Project, project.id)
    assert found is not None
    return found


def in_filter(session: Session) -> set[str]:
    """The entries the catalog finds with good_practice=true, by the index and
    by SQL (they must agree)."""
    page = search.search_projects(
        session, params=SearchParams(good_practice=[True]), locale="en"
    )
    indexed = {item.id for item in page.items}
    query = filters.matching(session, ProjectFilters(good_practice=[True]))
    assert indexed == {p.public_id for p in session.exec(query).all()}
    return indexed


def facet(session: Session) -> list[tuple[Any, int]]:
    page = search.search_projects(session, params=SearchParams(), locale="en")
    return [(f.value, f.count) for f in page.facets["good_practice"]]


class TestDesignate:
    def test_moderator_designates_an_approved_entry(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, owner=contributor)

        record = designations.designate(
            session,
            public_id=entry.public_id,
            moderator=moderator,
            data=designation(),
            settings=SETTINGS,
            now=NOW,
        )

        assert record.project_id == entry.public_id
        assert record.citation.en == "Cut waiting times in rural clinics by half."
        assert (record.year, record.framework) == (2025, "WSIS Prize 2025")
        assert record.designated_by.name == moderator.full_name
        assert record.withdrawn_at is None
        assert stored(session, entry).good_practice is True
        rows = session.exec(select(GoodPractice)).all()
        assert [(row.project_id, row.designated_at) for row in rows] == [
            (entry.id, NOW)
        ]

    def test_the_entry_version_moves_on(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        before = entry.version

        designate(session, entry, moderator)

        assert stored(session, entry).version == before + 1

    def test_designation_is_recorded_in_history_with_the_original_citation(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, owner=contributor)  # written in Arabic

        designate(session, entry, moderator)

        history = moderation.history(session, public_id=entry.public_id, user=moderator)
        last = history[-1]
        assert last.action == ModerationAction.DESIGNATE_GOOD_PRACTICE
        assert (last.from_status, last.to_status) == (
            ProjectStatus.APPROVED,
            ProjectStatus.APPROVED,
        )
        assert last.reason == "خفّض أوقات الانتظار في العيادات الريفية إلى النصف."
        assert last.actor.id == moderator.id

    def test_the_owner_is_told_in_their_language(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, owner=contributor)

        designate(session, entry, moderator)

        (message,) = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "good_practice")
        ).all()
        assert message.to_email == contributor.email
        assert "A test AI platform" in message.subject
        assert "(2025, WSIS Prize 2025)" in message.body
        assert "Cut waiting times in rural clinics by half." in message.body
        assert f"https://repo.example/projects/{entry.public_id}" in message.body

    def test_followers_are_told_and_the_owner_once(
        self,
        session: Session,
        contributor: User,
        other_contributor: User,
        moderator: User,
    ) -> None:
        entry = make_project(session, owner=contributor)
        assert entry.id is not None
        for follower in (contributor, other_contributor):
            assert follower.id is not None
            session.add(Follow(user_id=follower.id, project_id=entry.id))
        session.commit()

        designate(session, entry, moderator)

        sent = session.exec(
            select(OutboxMessage.kind, OutboxMessage.to_email).order_by(
                col(OutboxMessage.id)
            )
        ).all()
        assert sorted(sent) == sorted(
            [
                ("good_practice", contributor.email),
                ("follow_designation", other_contributor.email),
            ]
        )

    def test_a_contributor_cannot_designate(
        self, session: Session, contributor: User
    ) -> None:
        entry = make_project(session, owner=contributor)

        with pytest.raises(PermissionDenied):
            designate(session, entry, contributor)
        assert stored(session, entry).good_practice is None

    def test_the_countrys_focal_point_cannot_designate(
        self, session: Session, focal_point: User
    ) -> None:
        entry = make_project(session)

        with pytest.raises(PermissionDenied):
            designate(session, entry, focal_point)

    @pytest.mark.parametrize(
        "status",
        [ProjectStatus.SUBMITTED, ProjectStatus.DRAFT, ProjectStatus.ARCHIVED],
    )
    def test_only_a_published_entry_can_be_designated(
        self, session: Session, moderator: User, status: ProjectStatus
    ) -> None:
        entry = make_project(session, status=status)

        with pytest.raises(Conflict) as raised:
            designate(session, entry, moderator)

        assert raised.value.code == "NOT_PUBLISHED"
        assert session.exec(select(GoodPractice)).all() == []

    def test_designating_twice_is_a_conflict(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator)

        with pytest.raises(Conflict) as raised:
            designate(session, entry, moderator)

        assert raised.value.code == "ALREADY_GOOD_PRACTICE"
        assert len(session.exec(select(GoodPractice)).all()) == 1

    def test_a_citation_is_required(self, session: Session, moderator: User) -> None:
        entry = make_project(session)

        with pytest.raises(InvalidInput) as raised:
            designate(session, entry, moderator, citation_en=None, citation_ar="")

        assert raised.value.code == "CITATION_REQUIRED"
        assert raised.value.detail()[0]["loc"] == ["body", "citation"]
        assert stored(session, entry).good_practice is None
        assert session.exec(select(ModerationEvent)).all() == []

    def test_the_year_is_next_year_at_the_latest(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)

        with pytest.raises(InvalidInput) as raised:
            designate(session, entry, moderator, year=2028)

        assert raised.value.code == "DESIGNATION_YEAR_AHEAD"
        assert raised.value.detail()[0]["msg"] == "The year can be 2027 at the latest."
        designate(session, entry, moderator, year=2027)

    def test_an_unseen_entry_is_not_found(
        self, session: Session, moderator: User
    ) -> None:
        with pytest.raises(NotFound):
            designations.designate(
                session,
                public_id="NOSUCHENTRY",
                moderator=moderator,
                data=designation(),
                settings=SETTINGS,
            )


class TestWithdraw:
    def test_moderator_withdraws_with_a_reason(
        self, session: Session, moderator: User, admin: User
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator)

        record = designations.withdraw(
            session,
            public_id=entry.public_id,
            moderator=admin,
            reason="The service closed in 2026.",
            now=NOW,
        )

        assert record.withdrawn_at == NOW
        assert record.withdrawn_by is not None
        assert record.withdrawn_by.id == admin.id
        assert record.withdrawal_reason == "The service closed in 2026."
        assert stored(session, entry).good_practice is None
        assert designations.current_designation(session, entry) is None
        # The designation stays on record.
        assert len(session.exec(select(GoodPractice)).all()) == 1

    def test_withdrawal_is_recorded_in_history(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator)

        designations.withdraw(
            session, public_id=entry.public_id, moderator=moderator, reason="Closed."
        )

        lines = [
            (event.action, event.reason)
            for event in moderation.history(
                session, public_id=entry.public_id, user=moderator
            )
        ]
        assert lines[-2][0] == ModerationAction.DESIGNATE_GOOD_PRACTICE
        assert lines[-1] == (ModerationAction.WITHDRAW_GOOD_PRACTICE, "Closed.")

    @pytest.mark.parametrize("reason", [None, ""])
    def test_a_reason_is_required(
        self, session: Session, moderator: User, reason: str | None
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator)

        with pytest.raises(InvalidInput) as raised:
            designations.withdraw(
                session, public_id=entry.public_id, moderator=moderator, reason=reason
            )

        assert raised.value.code == "REASON_REQUIRED"
        assert stored(session, entry).good_practice is True

    def test_withdrawing_what_is_not_designated_is_a_conflict(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)

        with pytest.raises(Conflict) as raised:
            designations.withdraw(
                session, public_id=entry.public_id, moderator=moderator, reason="No."
            )

        assert raised.value.code == "NOT_GOOD_PRACTICE"

    def test_a_contributor_cannot_withdraw(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, owner=contributor)
        designate(session, entry, moderator)

        with pytest.raises(PermissionDenied):
            designations.withdraw(
                session, public_id=entry.public_id, moderator=contributor, reason="x"
            )

    def test_a_withdrawn_entry_can_be_designated_again(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator, year=2024)
        designations.withdraw(
            session, public_id=entry.public_id, moderator=moderator, reason="Old."
        )

        designate(session, entry, moderator, year=2026)

        found = designations.current_designation(session, entry)
        assert found is not None
        assert found.year == 2026
        assert len(session.exec(select(GoodPractice)).all()) == 2


class TestWhereItShows:
    def test_designation_and_withdrawal_enter_and_leave_filter_and_facet(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        make_project(session)
        assert in_filter(session) == set()
        assert facet(session) == []

        designate(session, entry, moderator)
        assert in_filter(session) == {entry.public_id}
        assert facet(session) == [(True, 1)]

        designations.withdraw(
            session, public_id=entry.public_id, moderator=moderator, reason="Closed."
        )
        assert in_filter(session) == set()
        assert facet(session) == []

    def test_the_public_record_carries_the_designation_in_force(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        assert (
            projects.get_public_project(session, entry.public_id).good_practice is None
        )

        designate(session, entry, moderator)
        summary = projects.get_public_project(session, entry.public_id).good_practice

        assert summary is not None
        assert (summary.year, summary.framework) == (2025, "WSIS Prize 2025")
        assert summary.citation.en == "Cut waiting times in rural clinics by half."
        designations.withdraw(
            session, public_id=entry.public_id, moderator=moderator, reason="Closed."
        )
        assert (
            projects.get_public_project(session, entry.public_id).good_practice is None
        )

    def test_archiving_keeps_the_designation_but_hides_it_from_every_list(
        self, session: Session, moderator: User
    ) -> None:
        entry = make_project(session)
        designate(session, entry, moderator)

        moderation.decide(
            session,
            public_id=entry.public_id,
            moderator=moderator,
            action="archive",
            reason=None,
            settings=SETTINGS,
        )

        assert designations.current_designation(session, entry) is not None
        assert in_filter(session) == set()
        assert (
            designations.good_practices(session, params=GoodPracticeParams()).total == 0
        )
        assert designations.count_good_practices(session, filters=ProjectFilters()) == 0
        assert designations.designation_years(session) == []
        # A moderator may still withdraw it.
        designations.withdraw(
            session, public_id=entry.public_id, moderator=moderator, reason="Archived."
        )
        assert stored(session, entry).good_practice is None


class TestLists:
    @pytest.fixture
    def designated(self, session: Session, moderator: User) -> dict[str, Project]:
        """Three good practices: Tunisia C7.3 (2024), Egypt C7.4 (2025, no
        framework), Tunisia C7.4 (2025, newest); and a plain entry."""
        entries = {
            "tn_2024": make_project(session),
            "eg_2025": make_project(
                session,
                countries=["EG"],
                action_lines=["C7.4"],
                primary_action_line="C7.4",
            ),
            "tn_2025": make_project(
                session, action_lines=["C7.4"], primary_action_line="C7.4"
            ),
        }
        make_project(session)
        moments = {"tn_2024": 1, "eg_2025": 2, "tn_2025": 3}
        for name, entry in entries.items():
            designations.designate(
                session,
                public_id=entry.public_id,
                moderator=moderator,
                data=designation(
                    year=int(name[-4:]), framework=None if "eg" in name else "Prize"
                ),
                settings=SETTINGS,
                now=NOW.replace(day=moments[name]),
            )
        return entries

    def ids(self, session: Session, **params: Any) -> list[str]:
        page = designations.good_practices(
            session, params=GoodPracticeParams.model_validate(params)
        )
        return [item.project.id for item in page.items]

    def test_newest_designation_first(
        self, session: Session, designated: dict[str, Project]
    ) -> None:
        assert self.ids(session) == [
            designated[name].public_id for name in ("tn_2025", "eg_2025", "tn_2024")
        ]

    def test_filters_by_country_action_line_and_year(
        self, session: Session, designated: dict[str, Project]
    ) -> None:
        assert self.ids(session, country=["EG"]) == [designated["eg_2025"].public_id]
        assert self.ids(session, action_line=["C7"], country=["TN"]) == [
            designated["tn_2025"].public_id,
            designated["tn_2024"].public_id,
        ]
        assert self.ids(session, year=[2024]) == [designated["tn_2024"].public_id]
        assert self.ids(session, year=[2023]) == []

    def test_pages_and_total(
        self, session: Session, designated: dict[str, Project]
    ) -> None:
        page = designations.good_practices(
            session, params=GoodPracticeParams(limit=2, page=2)
        )
        assert page.total == 3
        assert [item.project.id for item in page.items] == [
            designated["tn_2024"].public_id
        ]

    def test_unknown_codes_are_refused(self, session: Session) -> None:
        with pytest.raises(InvalidInput):
            designations.good_practices(
                session, params=GoodPracticeParams(action_line=["C99"])
            )

    @pytest.mark.usefixtures("designated")
    def test_years_and_counts(self, session: Session) -> None:
        assert designations.designation_years(session) == [2025, 2024]
        count = designations.count_good_practices
        assert count(session, filters=ProjectFilters()) == 3
        assert count(session, filters=ProjectFilters(country=["TN"])) == 2
        assert count(session, filters=GoodPracticeFilters(sdg=[3])) == 0

    @pytest.mark.usefixtures("designated")
    def test_each_item_carries_its_citation_in_every_language(
        self, session: Session
    ) -> None:
        item = designations.good_practices(
            session, params=GoodPracticeParams(country=["EG"])
        ).items[0]
        assert item.citation.ar
        assert item.citation.en
        assert item.citation.fr is None
        assert (item.year, item.framework) == (2025, None)
        assert item.project.good_practice is not None


def test_only_one_designation_is_in_force(session: Session, moderator: User) -> None:
    entry = make_project(session)
    designate(session, entry, moderator)
    in_force = session.exec(
        select(GoodPractice).where(col(GoodPractice.withdrawn_at).is_(None))
    ).all()
    assert len(in_force) == 1
