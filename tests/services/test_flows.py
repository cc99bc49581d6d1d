"""Knowledge flows: exact counts per pair of countries, pairs below the
threshold left out, and nothing but counts."""

import itertools
import json
from typing import Any

import pytest
from sqlmodel import Session

from app.config import Settings
from app.models import (
    ContactMessage,
    ContactPurpose,
    ContactThread,
    Project,
    ProjectRelation,
    ProjectStatus,
    RelationKind,
    RelationStatus,
    User,
)
from app.services import flows
from tests.factories import make_project, make_user

SETTINGS = Settings(environment="test")
_tokens = itertools.count(1)


def entry_in(session: Session, country: str, **overrides: Any) -> Project:
    return make_project(
        session,
        owner=make_user(session, country=country),
        countries=[country],
        **overrides,
    )


def contact(
    session: Session, sender: User, entry: Project, *, country: str | None
) -> ContactThread:
    """A thread `sender` (writing from `country`) started with `entry`'s team."""
    assert entry.id is not None
    assert sender.id is not None
    thread = ContactThread(
        project_id=entry.id,
        sender_id=sender.id,
        purpose=ContactPurpose.REPLICATE,
        subject="Private subject about rural clinics",
        sender_organization="Private Organisation",
        sender_country_iso2=country,
        reply_token_hash=f"{next(_tokens):064d}",
    )
    session.add(thread)
    session.flush()
    assert thread.id is not None
    session.add(
        ContactMessage(thread_id=thread.id, from_team=False, body="Private body text")
    )
    session.commit()
    return thread


def relate(
    session: Session,
    source: Project,
    target: Project,
    *,
    status: RelationStatus = RelationStatus.ACCEPTED,
) -> None:
    assert source.id
    assert target.id
    assert source.owner_id
    session.add(
        ProjectRelation(
            source_id=source.id,
            target_id=target.id,
            kind=RelationKind.REPLICATED_IN,
            status=status,
            proposed_by_id=source.owner_id,
            proposed_from_id=source.id,
        )
    )
    session.commit()


@pytest.fixture
def morocco(session: Session) -> Project:
    return entry_in(session, "MA")


@pytest.fixture
def jordanian(session: Session) -> User:
    return make_user(session, country="JO")


def shown(session: Session, threshold: int = 3) -> dict[tuple[str, str], int]:
    found = flows.knowledge_flows(
        session,
        settings=Settings(environment="test", knowledge_flow_threshold=threshold),
        locale="en",
    )
    return {pair.countries: pair.total for pair in found.pairs}


class TestKnowledgeFlows:
    def test_counts_contacts_and_relations_of_a_pair_both_ways(
        self, session: Session, morocco: Project, jordanian: User
    ) -> None:
        jordan = entry_in(session, "JO")
        contact(session, jordanian, morocco, country="JO")
        contact(session, make_user(session, country="MA"), jordan, country="MA")
        relate(session, morocco, jordan)
        relate(session, jordan, morocco)

        assert shown(session) == {("JO", "MA"): 4}

    def test_a_pair_below_the_threshold_is_left_out(
        self, session: Session, morocco: Project, jordanian: User
    ) -> None:
        for _ in range(2):
            contact(session, jordanian, morocco, country="JO")
        for _ in range(3):
            contact(session, make_user(session, country="TN"), morocco, country="TN")

        found = flows.knowledge_flows(session, settings=SETTINGS, locale="fr")

        assert [(p.countries, p.total) for p in found.pairs] == [(("MA", "TN"), 3)]
        # Jordan joined by 2 only: not even named.
        assert [(c.iso2, c.name) for c in found.countries] == [
            ("MA", "Maroc"),
            ("TN", "Tunisie"),
        ]
        assert found.threshold == 3
        assert shown(session, threshold=2) == {("JO", "MA"): 2, ("MA", "TN"): 3}

    def test_only_what_joins_two_countries_counts(
        self, session: Session, morocco: Project, jordanian: User
    ) -> None:
        jordan = entry_in(session, "JO")
        draft = entry_in(session, "JO", status=ProjectStatus.DRAFT)
        for _ in range(3):
            contact(session, make_user(session, country="MA"), morocco, country="MA")
            contact(session, jordanian, morocco, country=None)
        relate(session, morocco, draft)
        relate(session, morocco, jordan, status=RelationStatus.PROPOSED)
        relate(session, jordan, morocco, status=RelationStatus.DECLINED)

        assert shown(session, threshold=1) == {}

    def test_nothing_but_counts_is_told(
        self, session: Session, morocco: Project, jordanian: User
    ) -> None:
        for _ in range(3):
            contact(session, jordanian, morocco, country="JO")

        found = flows.knowledge_flows(session, settings=SETTINGS, locale="en")

        text = json.dumps(found.model_dump(mode="json"))
        assert "Private" not in text
        assert morocco.public_id not in text
        assert jordanian.email not in text
        assert set(found.model_dump()) == {"threshold", "countries", "pairs"}
