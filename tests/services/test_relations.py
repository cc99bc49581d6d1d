"""Relations between entries: who proposes and who answers, shown both ways
only once accepted, duplicates, bad references, the daily limit, the
replication figure."""

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
from app.schemas.relations import RelationReading, ReplicatedParams
from app.services import related_entries, relations, replications, subscriptions
from tests.factories import make_user
from tests.factories_exchange import outbox
from tests.fixtures.relations import (
    answer_relation,
    propose_relation,
    relations_entry,
)

Reading = RelationReading


def mailed(session: Session, kind: str) -> list[str]:
    return sorted(message.to_email for message in outbox(session, kind=kind))


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
        ma_telehealth: Project,
        jo_owner: User,
    ) -> None:
        make_user(
            session, role=Role.FOCAL_POINT, country="MA", email="fp-ma@example.org"
        )
        draft = relations_entry(session, jo_owner, status=ProjectStatus.DRAFT)

        shown = propose_relation(
            session, jo_owner, draft, ma_telehealth, note="We adapted it."
        )

        stored = session.exec(select(ProjectRelation)).one()
        assert (stored.source_id, stored.target_id) == (ma_telehealth.id, draft.id)
        assert stored.kind == RelationKind.REPLICATED_IN
        assert stored.status == RelationStatus.PROPOSED
        assert stored.proposed_from_id == draft.id
        assert stored.proposed_by_id == jo_owner.id
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
        assert (
            f"https://repo.example/projects/{ma_telehealth.public_id}/relations" in body
        )

    def test_the_entry_may_be_named_by_its_address(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        url = f"https://repo.example/projects/{ma_telehealth.public_id}?lang=ar"

        propose_relation(session, jo_owner, jo_replica, url)

        assert session.exec(select(ProjectRelation)).one().source_id == ma_telehealth.id

    @pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.MODERATOR])
    def test_focal_point_of_the_country_or_moderator_may_propose(
        self, session: Session, ma_telehealth: Project, jo_replica: Project, role: Role
    ) -> None:
        by = make_user(session, role=role, country="JO")

        propose_relation(session, by, jo_replica, ma_telehealth)

        assert session.exec(select(ProjectRelation)).one().proposed_by_id == by.id

    def test_someone_else_cannot_propose(
        self, session: Session, ma_telehealth: Project, jo_replica: Project
    ) -> None:
        outsider = make_user(session, country="JO")
        foreign_fp = make_user(session, role=Role.FOCAL_POINT, country="EG")

        for by in (outsider, foreign_fp):
            with pytest.raises(PermissionDenied):
                propose_relation(session, by, jo_replica, ma_telehealth)
        assert session.exec(select(ProjectRelation)).all() == []

    def test_an_unseen_draft_is_not_found(
        self, session: Session, ma_owner: User, jo_owner: User
    ) -> None:
        draft = relations_entry(session, ma_owner, status=ProjectStatus.DRAFT)
        mine = relations_entry(session, jo_owner)

        with pytest.raises(NotFound):
            propose_relation(session, jo_owner, draft, mine)

    def test_the_other_entry_must_exist_and_be_published(
        self, session: Session, ma_owner: User, jo_owner: User, jo_replica: Project
    ) -> None:
        moroccan_draft = relations_entry(session, ma_owner, status=ProjectStatus.DRAFT)
        own_draft = relations_entry(session, jo_owner, status=ProjectStatus.SUBMITTED)

        cases: list[tuple[Project | str, str]] = [
            ("ZZZZZZZZZZ", "PROJECT_NOT_FOUND"),
            (moroccan_draft, "PROJECT_NOT_FOUND"),
            (own_draft, "NOT_PUBLISHED"),
        ]
        for other, code in cases:
            with pytest.raises(InvalidInput) as raised:
                propose_relation(session, jo_owner, jo_replica, other)
            assert raised.value.code == code
            assert raised.value.problems[0][0] == ("body", "other")

    def test_an_entry_cannot_relate_to_itself(
        self, session: Session, jo_replica: Project, jo_owner: User
    ) -> None:
        with pytest.raises(InvalidInput) as raised:
            propose_relation(session, jo_owner, jo_replica, jo_replica)

        assert raised.value.code == "RELATION_TO_ITSELF"

    def test_the_same_relation_twice_is_a_conflict_either_way(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        propose_relation(session, jo_owner, jo_replica, ma_telehealth)

        with pytest.raises(Conflict) as raised:
            propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        with pytest.raises(Conflict):
            propose_relation(
                session, ma_owner, ma_telehealth, jo_replica, Reading.REPLICATED_FROM
            )
        assert raised.value.code == "RELATION_EXISTS"
        # Another kind between the same two entries is a different relation.
        propose_relation(
            session, jo_owner, jo_replica, ma_telehealth, Reading.INSPIRED_BY
        )
        assert len(session.exec(select(ProjectRelation)).all()) == 2

    def test_a_declined_relation_may_be_proposed_again(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        first = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        answer_relation(session, first.id, "decline", ma_owner)

        again = propose_relation(session, jo_owner, jo_replica, ma_telehealth)

        assert again.status == RelationStatus.PROPOSED

    def test_a_person_may_make_only_so_many_proposals_a_day(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        moderator: User,
    ) -> None:
        two_a_day = Settings(environment="test", relation_limit_per_day="2/86400")
        for reading in (Reading.REPLICATED_FROM, Reading.INSPIRED_BY):
            propose_relation(
                session,
                jo_owner,
                jo_replica,
                ma_telehealth,
                reading,
                settings=two_a_day,
            )

        with pytest.raises(TooManyRequests) as refused:
            propose_relation(
                session,
                jo_owner,
                jo_replica,
                ma_telehealth,
                Reading.SAME_PROGRAMME,
                settings=two_a_day,
            )
        assert refused.value.code == "RELATION_LIMIT_REACHED"
        assert refused.value.problems[0][2]["limit"] == 2
        assert 0 < refused.value.retry_after <= 86_400
        # Moderators are not counted.
        for reading in (Reading.SAME_PROGRAMME, Reading.FOLLOW_UP_OF):
            propose_relation(
                session,
                moderator,
                jo_replica,
                ma_telehealth,
                reading,
                settings=two_a_day,
            )
        assert len(session.exec(select(ProjectRelation)).all()) == 4


class TestAnswer:
    def test_shown_both_ways_only_once_accepted(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        before = related_entries.relations_of(session, ma_telehealth, None)
        assert before.relations == []
        assert before.pending == []

        answer_relation(session, proposal.id, "accept", ma_owner)

        there = related_entries.relations_of(session, ma_telehealth, None)
        here = related_entries.relations_of(session, jo_replica, None)
        assert [(r.relation, r.other.id) for r in there.relations] == [
            (Reading.REPLICATED_IN, jo_replica.public_id)
        ]
        assert [(r.relation, r.other.id) for r in here.relations] == [
            (Reading.REPLICATED_FROM, ma_telehealth.public_id)
        ]
        assert there.relations[0].note is None  # notes are for the teams
        assert there.replicated_in_countries == 1
        assert there.replicated_in == ["JO"]
        assert mailed(session, "relation_decided") == ["jo@example.org"]

    def test_teams_see_the_proposal_waiting_with_their_actions(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        moderator: User,
    ) -> None:
        propose_relation(session, jo_owner, jo_replica, ma_telehealth, note="Shall we?")

        answering = related_entries.relations_of(
            session, ma_telehealth, ma_owner
        ).pending
        proposing = related_entries.relations_of(session, jo_replica, jo_owner).pending
        moderating = related_entries.relations_of(
            session, ma_telehealth, moderator
        ).pending
        assert [r.actions for r in answering] == [["accept", "decline"]]
        assert [r.actions for r in proposing] == [["withdraw"]]
        assert [r.actions for r in moderating] == [["accept", "decline"]]
        assert answering[0].note == "Shall we?"
        assert (
            related_entries.relations_of(
                session, ma_telehealth, make_user(session)
            ).pending
            == []
        )

    def test_the_proposing_side_cannot_accept_its_own_proposal(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        jordan_fp = make_user(session, role=Role.FOCAL_POINT, country="JO")

        for by in (jo_owner, jordan_fp, make_user(session, country="EG")):
            with pytest.raises(PermissionDenied) as raised:
                answer_relation(session, proposal.id, "accept", by)
            assert raised.value.code == "PERMISSION_DENIED"

    def test_a_moderator_accepts_any_proposal(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        moderator: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)

        answer_relation(session, proposal.id, "accept", moderator)

        stored = session.exec(select(ProjectRelation)).one()
        assert stored.status == RelationStatus.ACCEPTED
        assert stored.decided_by_id == moderator.id

    def test_declined_and_withdrawn_are_never_shown(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        declined = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        answer_relation(session, declined.id, "decline", ma_owner)
        withdrawn = propose_relation(
            session, jo_owner, jo_replica, ma_telehealth, Reading.INSPIRED_BY
        )
        answer_relation(session, withdrawn.id, "withdraw", jo_owner)

        for viewer in (None, jo_owner, ma_owner):
            found = related_entries.relations_of(session, ma_telehealth, viewer)
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
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        moderator: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)

        for by in (ma_owner, moderator):
            with pytest.raises(PermissionDenied):
                answer_relation(session, proposal.id, "withdraw", by)

    def test_answering_twice_is_a_conflict(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        answer_relation(session, proposal.id, "accept", ma_owner)

        with pytest.raises(Conflict) as raised:
            answer_relation(session, proposal.id, "decline", ma_owner)

        assert raised.value.code == "RELATION_NOT_PROPOSED"

    def test_of_two_answers_at_once_one_wins(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        moderator: User,
    ) -> None:
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
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
            answer_relation(session, proposal.id, "accept", ma_owner)

        session.expire_all()
        assert session.get(ProjectRelation, proposal.id).status == (  # type: ignore[union-attr]
            RelationStatus.DECLINED
        )

    def test_an_unknown_relation_is_not_found(
        self, session: Session, moderator: User
    ) -> None:
        with pytest.raises(NotFound) as raised:
            answer_relation(session, 999, "accept", moderator)

        assert raised.value.code == "RELATION_NOT_FOUND"

    def test_accepting_tells_the_followers_of_both_entries(
        self,
        session: Session,
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        told: list[tuple[str, str]] = []

        def notify(
            _session: Session, *, project: Project, event: str, **_: Any
        ) -> None:
            told.append((project.public_id, event))

        monkeypatch.setattr(subscriptions, "notify_followers", notify)
        proposal = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        assert told == []

        answer_relation(session, proposal.id, "accept", ma_owner)

        assert sorted(told) == sorted(
            [(ma_telehealth.public_id, "relation"), (jo_replica.public_id, "relation")]
        )


class TestVisibility:
    def test_a_relation_to_an_unpublished_entry_is_for_the_teams_only(
        self, session: Session, ma_telehealth: Project, jo_owner: User, ma_owner: User
    ) -> None:
        draft = relations_entry(session, jo_owner, status=ProjectStatus.DRAFT)
        proposal = propose_relation(session, jo_owner, draft, ma_telehealth)
        answer_relation(session, proposal.id, "accept", ma_owner)

        public = related_entries.relations_of(session, ma_telehealth, None)
        team = related_entries.relations_of(session, ma_telehealth, ma_owner)

        assert public.relations == []
        assert public.replicated_in_countries == 0
        assert [r.other.published for r in team.relations] == [False]

    def test_the_public_reads_relations_of_published_entries_only(
        self, session: Session, ma_telehealth: Project
    ) -> None:
        with pytest.raises(NotFound):
            related_entries.project_relations(
                session, public_id="NOSUCHID", viewer=None
            )
        found = related_entries.project_relations(
            session, public_id=ma_telehealth.public_id, viewer=None
        )
        assert found.may_propose is False


def accepted(
    session: Session, source: Project, target: Project, moderator: User
) -> None:
    """`source` replicated in `target`, proposed and accepted by a moderator."""
    proposal = propose_relation(session, moderator, target, source)
    answer_relation(session, proposal.id, "accept", moderator)


class TestReplicatedFigure:
    def test_counts_the_distinct_countries_of_published_replications(
        self, session: Session, ma_telehealth: Project, moderator: User
    ) -> None:
        for country in ("JO", "JO", "TN", "EG"):
            accepted(
                session,
                ma_telehealth,
                relations_entry(session, make_user(session, country=country)),
                moderator,
            )
        archived = relations_entry(session, make_user(session, country="LB"))
        accepted(session, ma_telehealth, archived, moderator)
        archived.status = ProjectStatus.ARCHIVED
        session.add(archived)
        session.commit()

        found = related_entries.relations_of(session, ma_telehealth, None)
        assert found.replicated_in_countries == 3
        assert found.replicated_in == ["EG", "JO", "TN"]

    def test_the_listing_sorts_by_the_figure(
        self, session: Session, ma_owner: User, moderator: User
    ) -> None:
        once = relations_entry(session, ma_owner, title="Once")
        twice = relations_entry(session, ma_owner, title="Twice")
        relations_entry(session, ma_owner, title="Never")
        accepted(
            session,
            once,
            relations_entry(session, make_user(session, country="JO")),
            moderator,
        )
        for country in ("TN", "EG"):
            accepted(
                session,
                twice,
                relations_entry(session, make_user(session, country=country)),
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
        ma_telehealth: Project,
        jo_replica: Project,
        jo_owner: User,
        ma_owner: User,
        moderator: User,
    ) -> None:
        first = propose_relation(session, jo_owner, jo_replica, ma_telehealth)
        second = propose_relation(
            session, ma_owner, ma_telehealth, jo_replica, Reading.INSPIRED
        )
        answered = propose_relation(
            session, ma_owner, ma_telehealth, jo_replica, Reading.SAME_PROGRAMME
        )
        answer_relation(session, answered.id, "accept", moderator)

        waiting = related_entries.waiting_relations(session, moderator=moderator)

        assert [(w.id, w.relation, w.proposing.id) for w in waiting] == [
            (first.id, Reading.REPLICATED_FROM, jo_replica.public_id),
            (second.id, Reading.INSPIRED, ma_telehealth.public_id),
        ]
        assert waiting[0].proposed_by == "Rania"
        with pytest.raises(PermissionDenied):
            related_entries.waiting_relations(session, moderator=ma_owner)
