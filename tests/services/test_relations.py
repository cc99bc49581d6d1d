"""Relations between entries: who proposes and who answers, shown both ways
only once accepted, duplicates, bad references, the replication figure."""

from typing import Any

import pytest
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from app.models import (
    OutboxMessage,
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationKind,
    RelationStatus,
    Role,
    User,
)
from app.schemas.relations import RelationIn, RelationReading, ReplicatedParams
from app.services import relations, replications, subscriptions, throttle
from tests.factories import make_project, make_user

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
Reading = RelationReading


def entry_of(
    session: Session,
    owner: User,
    *,
    status: ProjectStatus = ProjectStatus.APPROVED,
    title: str = "An entry",
) -> Project:
    """An entry owned by `owner`, of `owner`'s country."""
    country = owner.country_iso2 or "TN"
    return make_project(
        session,
        owner=owner,
        status=status,
        title={"en": title, "ar": "مبادرة"},
        lead_organization={
            "name": "Lead (fictional)",
            "entity_type": "government",
            "country": country,
        },
        countries=[country],
    )


def propose(
    session: Session,
    by: User,
    here: Project,
    other: Project | str,
    relation: Reading = Reading.REPLICATED_FROM,
    **fields: Any,
) -> Any:
    other_id = other if isinstance(other, str) else other.public_id
    data = RelationIn.model_validate(
        {"other": other_id, "relation": relation.value, **fields}
    )
    return relations.propose(
        session, public_id=here.public_id, data=data, by=by, settings=SETTINGS
    )


def mailed(session: Session, kind: str) -> list[str]:
    return sorted(
        session.exec(
            select(OutboxMessage.to_email).where(OutboxMessage.kind == kind)
        ).all()
    )


@pytest.fixture
def moroccan(session: Session) -> User:
    return make_user(session, country="MA", full_name="Youssef", email="ma@example.org")


@pytest.fixture
def jordanian(session: Session) -> User:
    return make_user(session, country="JO", full_name="Rania", email="jo@example.org")


@pytest.fixture
def telehealth(session: Session, moroccan: User) -> Project:
    """The Moroccan e-health entry, published."""
    return entry_of(session, moroccan, title="Moroccan telehealth")


@pytest.fixture
def replica(session: Session, jordanian: User) -> Project:
    """Jordan's replication of it, published."""
    return entry_of(session, jordanian, title="Jordanian telehealth")


def test_the_workflow_table() -> None:
    assert {
        (status, action): target
        for status, moves in relations.TRANSITIONS.items()
        for action, target in moves.items()
    } == {
        (RelationStatus.PROPOSED, "accept"): RelationStatus.ACCEPTED,
        (RelationStatus.PROPOSED, "decline"): RelationStatus.DECLINED,
        (RelationStatus.PROPOSED, "withdraw"): RelationStatus.WITHDRAWN,
    }


def test_every_reading_reads_back() -> None:
    assert set(relations.READINGS) == set(RelationReading)
    for reading, (kind, from_source) in relations.READINGS.items():
        assert relations.reading(kind, from_source=from_source) == reading
    assert relations.reading(RelationKind.SAME_PROGRAMME, from_source=False) == (
        Reading.SAME_PROGRAMME
    )


class TestPropose:
    def test_team_proposes_from_their_draft_to_a_published_entry(
        self,
        session: Session,
        telehealth: Project,
        jordanian: User,
    ) -> None:
        make_user(
            session, role=Role.FOCAL_POINT, country="MA", email="fp-ma@example.org"
        )
        draft = entry_of(session, jordanian, status=ProjectStatus.DRAFT)

        shown = propose(session, jordanian, draft, telehealth, note="We adapted it.")

        stored = session.exec(select(ProjectRelation)).one()
        assert (stored.source_id, stored.target_id) == (telehealth.id, draft.id)
        assert stored.kind == RelationKind.REPLICATED_IN
        assert stored.status == RelationStatus.PROPOSED
        assert stored.proposed_from_id == draft.id
        assert stored.proposed_by_id == jordanian.id
        assert shown.relation == Reading.REPLICATED_FROM
        assert shown.actions == ["withdraw"]
        # The Moroccan team (owner and focal point) is asked; not the proposer.
        assert mailed(session, "relation_proposed") == [
            "fp-ma@example.org",
            "ma@example.org",
        ]
        body = session.exec(select(OutboxMessage.body)).first() or ""
        assert "Replicated in: " in body
        assert "We adapted it." in body
        assert f"https://repo.example/projects/{telehealth.public_id}/relations" in body

    def test_the_entry_may_be_named_by_its_address(
        self, session: Session, telehealth: Project, replica: Project, jordanian: User
    ) -> None:
        url = f"https://repo.example/projects/{telehealth.public_id}?lang=ar"

        propose(session, jordanian, replica, url)

        assert session.exec(select(ProjectRelation)).one().source_id == telehealth.id

    @pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.MODERATOR])
    def test_focal_point_of_the_country_or_moderator_may_propose(
        self, session: Session, telehealth: Project, replica: Project, role: Role
    ) -> None:
        by = make_user(session, role=role, country="JO")

        propose(session, by, replica, telehealth)

        assert session.exec(select(ProjectRelation)).one().proposed_by_id == by.id

    def test_someone_else_cannot_propose(
        self, session: Session, telehealth: Project, replica: Project
    ) -> None:
        outsider = make_user(session, country="JO")
        foreign_fp = make_user(session, role=Role.FOCAL_POINT, country="EG")

        for by in (outsider, foreign_fp):
            with pytest.raises(PermissionDenied):
                propose(session, by, replica, telehealth)
        assert session.exec(select(ProjectRelation)).all() == []

    def test_an_unseen_draft_is_not_found(
        self, session: Session, moroccan: User, jordanian: User
    ) -> None:
        draft = entry_of(session, moroccan, status=ProjectStatus.DRAFT)
        mine = entry_of(session, jordanian)

        with pytest.raises(NotFound):
            propose(session, jordanian, draft, mine)

    def test_the_other_entry_must_exist_and_be_published(
        self, session: Session, moroccan: User, jordanian: User, replica: Project
    ) -> None:
        moroccan_draft = entry_of(session, moroccan, status=ProjectStatus.DRAFT)
        own_draft = entry_of(session, jordanian, status=ProjectStatus.SUBMITTED)

        cases: list[tuple[Project | str, str]] = [
            ("ZZZZZZZZZZ", "PROJECT_NOT_FOUND"),
            (moroccan_draft, "PROJECT_NOT_FOUND"),
            (own_draft, "NOT_PUBLISHED"),
        ]
        for other, code in cases:
            with pytest.raises(InvalidInput) as raised:
                propose(session, jordanian, replica, other)
            assert raised.value.code == code
            assert raised.value.problems[0][0] == ("body", "other")

    def test_an_entry_cannot_relate_to_itself(
        self, session: Session, replica: Project, jordanian: User
    ) -> None:
        with pytest.raises(InvalidInput) as raised:
            propose(session, jordanian, replica, replica)

        assert raised.value.code == "RELATION_TO_ITSELF"

    def test_the_same_relation_twice_is_a_conflict_either_way(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
    ) -> None:
        propose(session, jordanian, replica, telehealth)

        with pytest.raises(Conflict) as raised:
            propose(session, jordanian, replica, telehealth)
        with pytest.raises(Conflict):
            propose(session, moroccan, telehealth, replica, Reading.REPLICATED_FROM)
        assert raised.value.code == "RELATION_EXISTS"
        # Another kind between the same two entries is a different relation.
        propose(session, jordanian, replica, telehealth, Reading.INSPIRED_BY)
        assert len(session.exec(select(ProjectRelation)).all()) == 2

    def test_a_declined_relation_may_be_proposed_again(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
    ) -> None:
        first = propose(session, jordanian, replica, telehealth)
        relations.decline(session, relation_id=first.id, by=moroccan, settings=SETTINGS)

        again = propose(session, jordanian, replica, telehealth)

        assert again.status == RelationStatus.PROPOSED

    def test_a_person_may_make_only_so_many_proposals_a_day(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moderator: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(
            relations, "PROPOSALS_PER_DAY", throttle.Limit(attempts=2, seconds=86_400)
        )
        propose(session, jordanian, replica, telehealth, Reading.REPLICATED_FROM)
        propose(session, jordanian, replica, telehealth, Reading.INSPIRED_BY)

        with pytest.raises(TooManyRequests):
            propose(session, jordanian, replica, telehealth, Reading.SAME_PROGRAMME)
        # Moderators are not counted.
        propose(session, moderator, replica, telehealth, Reading.SAME_PROGRAMME)
        propose(session, moderator, replica, telehealth, Reading.FOLLOW_UP_OF)
        assert len(session.exec(select(ProjectRelation)).all()) == 4


class TestAnswer:
    def test_shown_both_ways_only_once_accepted(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)
        before = relations.relations_of(session, telehealth, None)
        assert before.relations == []
        assert before.pending == []

        relations.accept(
            session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
        )

        there = relations.relations_of(session, telehealth, None)
        here = relations.relations_of(session, replica, None)
        assert [(r.relation, r.other.id) for r in there.relations] == [
            (Reading.REPLICATED_IN, replica.public_id)
        ]
        assert [(r.relation, r.other.id) for r in here.relations] == [
            (Reading.REPLICATED_FROM, telehealth.public_id)
        ]
        assert there.relations[0].note is None  # notes are for the teams
        assert there.replicated_in_countries == 1
        assert there.replicated_in == ["JO"]
        assert mailed(session, "relation_decided") == ["jo@example.org"]

    def test_teams_see_the_proposal_waiting_with_their_actions(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
        moderator: User,
    ) -> None:
        propose(session, jordanian, replica, telehealth, note="Shall we?")

        answering = relations.relations_of(session, telehealth, moroccan).pending
        proposing = relations.relations_of(session, replica, jordanian).pending
        moderating = relations.relations_of(session, telehealth, moderator).pending
        assert [r.actions for r in answering] == [["accept", "decline"]]
        assert [r.actions for r in proposing] == [["withdraw"]]
        assert [r.actions for r in moderating] == [["accept", "decline"]]
        assert answering[0].note == "Shall we?"
        assert (
            relations.relations_of(session, telehealth, make_user(session)).pending
            == []
        )

    def test_the_proposing_side_cannot_accept_its_own_proposal(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)
        jordan_fp = make_user(session, role=Role.FOCAL_POINT, country="JO")

        for by in (jordanian, jordan_fp, make_user(session, country="EG")):
            with pytest.raises(PermissionDenied) as raised:
                relations.accept(
                    session, relation_id=proposal.id, by=by, settings=SETTINGS
                )
            assert raised.value.code == "PERMISSION_DENIED"

    def test_a_moderator_accepts_any_proposal(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moderator: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)

        relations.accept(
            session, relation_id=proposal.id, by=moderator, settings=SETTINGS
        )

        stored = session.exec(select(ProjectRelation)).one()
        assert stored.status == RelationStatus.ACCEPTED
        assert stored.decided_by_id == moderator.id

    def test_declined_and_withdrawn_are_never_shown(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
    ) -> None:
        declined = propose(session, jordanian, replica, telehealth)
        relations.decline(
            session, relation_id=declined.id, by=moroccan, settings=SETTINGS
        )
        withdrawn = propose(
            session, jordanian, replica, telehealth, Reading.INSPIRED_BY
        )
        relations.withdraw(
            session, relation_id=withdrawn.id, by=jordanian, settings=SETTINGS
        )

        for viewer in (None, jordanian, moroccan):
            found = relations.relations_of(session, telehealth, viewer)
            assert found.relations == []
            assert found.pending == []
        statuses = session.exec(
            select(ProjectRelation.status).order_by(col(ProjectRelation.id))
        ).all()
        assert statuses == [RelationStatus.DECLINED, RelationStatus.WITHDRAWN]
        # The proposer learns of the refusal, not of their own withdrawal.
        assert mailed(session, "relation_decided") == ["jo@example.org"]

    def test_only_the_proposing_side_withdraws(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
        moderator: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)

        for by in (moroccan, moderator):
            with pytest.raises(PermissionDenied):
                relations.withdraw(
                    session, relation_id=proposal.id, by=by, settings=SETTINGS
                )

    def test_answering_twice_is_a_conflict(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)
        relations.accept(
            session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
        )

        with pytest.raises(Conflict) as raised:
            relations.decline(
                session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
            )

        assert raised.value.code == "RELATION_NOT_PROPOSED"

    def test_of_two_answers_at_once_one_wins(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
        moderator: User,
    ) -> None:
        proposal = propose(session, jordanian, replica, telehealth)
        # A moderator declines it after this session read it as waiting.
        table = ProjectRelation.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            table.update()
            .where(table.c.id == proposal.id)
            .values(status=RelationStatus.DECLINED.value, decided_by_id=moderator.id)
        )
        session.commit()
        stale = session.get(ProjectRelation, proposal.id)
        set_committed_value(stale, "status", RelationStatus.PROPOSED)

        with pytest.raises(Conflict):
            relations.accept(
                session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
            )

        session.expire_all()
        assert session.get(ProjectRelation, proposal.id).status == (  # type: ignore[union-attr]
            RelationStatus.DECLINED
        )

    def test_an_unknown_relation_is_not_found(
        self, session: Session, moderator: User
    ) -> None:
        with pytest.raises(NotFound):
            relations.accept(session, relation_id=999, by=moderator, settings=SETTINGS)

    def test_accepting_tells_the_followers_of_both_entries(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        told: list[tuple[str, str]] = []

        def notify(
            _session: Session, *, project: Project, event: str, **_: Any
        ) -> None:
            told.append((project.public_id, event))

        monkeypatch.setattr(subscriptions, "notify_followers", notify)
        proposal = propose(session, jordanian, replica, telehealth)
        assert told == []

        relations.accept(
            session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
        )

        assert sorted(told) == sorted(
            [(telehealth.public_id, "relation"), (replica.public_id, "relation")]
        )


class TestVisibility:
    def test_a_relation_to_an_unpublished_entry_is_for_the_teams_only(
        self, session: Session, telehealth: Project, jordanian: User, moroccan: User
    ) -> None:
        draft = entry_of(session, jordanian, status=ProjectStatus.DRAFT)
        proposal = propose(session, jordanian, draft, telehealth)
        relations.accept(
            session, relation_id=proposal.id, by=moroccan, settings=SETTINGS
        )

        public = relations.relations_of(session, telehealth, None)
        team = relations.relations_of(session, telehealth, moroccan)

        assert public.relations == []
        assert public.replicated_in_countries == 0
        assert [r.other.published for r in team.relations] == [False]

    def test_the_public_reads_relations_of_published_entries_only(
        self, session: Session, telehealth: Project
    ) -> None:
        with pytest.raises(NotFound):
            relations.project_relations(session, public_id="NOSUCHID", viewer=None)
        found = relations.project_relations(
            session, public_id=telehealth.public_id, viewer=None
        )
        assert found.may_propose is False


def accepted(
    session: Session, source: Project, target: Project, moderator: User
) -> None:
    """`source` replicated in `target`, proposed and accepted by a moderator."""
    proposal = propose(session, moderator, target, source)
    relations.accept(session, relation_id=proposal.id, by=moderator, settings=SETTINGS)


class TestReplicatedFigure:
    def test_counts_the_distinct_countries_of_published_replications(
        self, session: Session, telehealth: Project, moderator: User
    ) -> None:
        for country in ("JO", "JO", "TN", "EG"):
            accepted(
                session,
                telehealth,
                entry_of(session, make_user(session, country=country)),
                moderator,
            )
        archived = entry_of(session, make_user(session, country="LB"))
        accepted(session, telehealth, archived, moderator)
        archived.status = ProjectStatus.ARCHIVED
        session.add(archived)
        session.commit()

        assert relations.replicated_in_countries(session, telehealth) == 3
        found = relations.relations_of(session, telehealth, None)
        assert found.replicated_in == ["EG", "JO", "TN"]

    def test_the_listing_sorts_by_the_figure(
        self, session: Session, moroccan: User, moderator: User
    ) -> None:
        once = entry_of(session, moroccan, title="Once")
        twice = entry_of(session, moroccan, title="Twice")
        entry_of(session, moroccan, title="Never")
        accepted(
            session,
            once,
            entry_of(session, make_user(session, country="JO")),
            moderator,
        )
        for country in ("TN", "EG"):
            accepted(
                session,
                twice,
                entry_of(session, make_user(session, country=country)),
                moderator,
            )

        by_figure = replications.replicated_entries(
            session, params=ReplicatedParams(sort="replications")
        )
        newest = replications.replicated_entries(
            session, params=ReplicatedParams(sort="newest", limit=1)
        )

        assert [(e.id, e.replicated_in_countries) for e in by_figure.items] == [
            (twice.public_id, 2),
            (once.public_id, 1),
        ]
        assert by_figure.total == 2
        assert [e.id for e in newest.items] == [twice.public_id]
        assert newest.total == 2


class TestModeratorsList:
    def test_lists_the_proposals_waiting_oldest_first(
        self,
        session: Session,
        telehealth: Project,
        replica: Project,
        jordanian: User,
        moroccan: User,
        moderator: User,
    ) -> None:
        first = propose(session, jordanian, replica, telehealth)
        second = propose(session, moroccan, telehealth, replica, Reading.INSPIRED)
        answered = propose(
            session, moroccan, telehealth, replica, Reading.SAME_PROGRAMME
        )
        relations.accept(
            session, relation_id=answered.id, by=moderator, settings=SETTINGS
        )

        waiting = relations.waiting_relations(session, moderator=moderator)

        assert [(w.id, w.relation, w.proposing.id) for w in waiting] == [
            (first.id, Reading.REPLICATED_FROM, replica.public_id),
            (second.id, Reading.INSPIRED, telehealth.public_id),
        ]
        assert waiting[0].proposed_by == "Rania"
        with pytest.raises(PermissionDenied):
            relations.waiting_relations(session, moderator=moroccan)
