"""Knowledge flows: exact counts per pair of countries, small counts hidden
(contacts count only when they alone reach the threshold: relations are
public, so the total less them must not tell a few contacts), and nothing
but counts."""

import json
from collections import Counter

import pytest
from sqlmodel import Session

from app.config import Settings
from app.models import Project, ProjectStatus, RelationStatus, User
from app.services import flows
from tests.factories import make_user
from tests.factories_exchange import make_entry_of
from tests.fixtures.relations import make_contact_thread, make_relation

SETTINGS = Settings(environment="test")


def entry_in(session: Session, country: str, **overrides: object) -> Project:
    """A published entry (unless `status`) of `country`, with its own owner."""
    owner = make_user(session, country=country)
    return make_entry_of(session, country, owner=owner, **overrides)


def contacts(session: Session, entry: Project, country: str, count: int) -> None:
    """`count` people of `country` write to `entry`'s team."""
    for _ in range(count):
        sender = make_user(session, country=country)
        make_contact_thread(session, sender, entry, country=country)


def relations(session: Session, source: Project, target: Project, count: int) -> None:
    for _ in range(count):
        make_relation(session, source, target)


@pytest.fixture
def morocco(session: Session) -> Project:
    return entry_in(session, "MA")


@pytest.fixture
def jordan(session: Session) -> Project:
    return entry_in(session, "JO")


def shown(session: Session, threshold: int = 3) -> dict[tuple[str, str], int]:
    found = flows.knowledge_flows(
        session,
        settings=Settings(environment="test", knowledge_flow_threshold=threshold),
        locale="en",
    )
    return {pair.countries: pair.total for pair in found.pairs}


class TestKnowledgeFlows:
    def test_counts_contacts_and_relations_of_a_pair_both_ways(
        self, session: Session, morocco: Project, jordan: Project
    ) -> None:
        contacts(session, morocco, "JO", 2)
        contacts(session, jordan, "MA", 1)
        relations(session, morocco, jordan, 1)
        relations(session, jordan, morocco, 1)

        assert shown(session) == {("JO", "MA"): 5}

    def test_three_contacts_alone_are_shown(
        self, session: Session, morocco: Project
    ) -> None:
        contacts(session, morocco, "JO", 3)

        assert shown(session) == {("JO", "MA"): 3}

    def test_two_relations_and_one_contact_are_not_shown(
        self, session: Session, morocco: Project, jordan: Project
    ) -> None:
        # Shown as 3, less the 2 public relations, it would tell that one
        # person of Jordan wrote to a Moroccan team.
        relations(session, morocco, jordan, 2)
        contacts(session, morocco, "JO", 1)

        assert shown(session) == {}

    def test_a_few_contacts_are_not_added_to_relations(
        self, session: Session, morocco: Project, jordan: Project
    ) -> None:
        relations(session, morocco, jordan, 3)
        contacts(session, morocco, "JO", 2)

        assert shown(session) == {("JO", "MA"): 3}

    def test_a_pair_below_the_threshold_is_left_out(
        self, session: Session, morocco: Project
    ) -> None:
        contacts(session, morocco, "JO", 2)
        contacts(session, morocco, "TN", 3)

        found = flows.knowledge_flows(session, settings=SETTINGS, locale="fr")

        assert [(p.countries, p.total) for p in found.pairs] == [(("MA", "TN"), 3)]
        # Jordan joined by 2 only: not even named.
        assert [(c.iso2, c.name) for c in found.countries] == [
            ("MA", "Maroc"),
            ("TN", "Tunisie"),
        ]
        assert found.threshold == 3
        assert shown(session, threshold=2) == {("JO", "MA"): 2, ("MA", "TN"): 3}

    def test_only_what_joins_two_published_sides_counts(
        self, session: Session, morocco: Project, jordan: Project
    ) -> None:
        draft = entry_in(session, "JO", status=ProjectStatus.DRAFT)
        unpublished = entry_in(session, "MA", status=ProjectStatus.SUBMITTED)
        contacts(session, morocco, "MA", 3)  # the same country
        contacts(session, unpublished, "JO", 3)  # an entry not published
        jordanian = make_user(session, country="JO")
        for _ in range(3):  # a sender of no stated country
            make_contact_thread(session, jordanian, morocco, country=None)
        make_relation(session, morocco, draft)
        make_relation(session, morocco, jordan, status=RelationStatus.PROPOSED)
        make_relation(session, jordan, morocco, status=RelationStatus.DECLINED)

        assert shown(session, threshold=1) == {}

    def test_nothing_but_counts_is_told(
        self, session: Session, morocco: Project
    ) -> None:
        jordanian: User = make_user(session, country="JO")
        for _ in range(3):
            make_contact_thread(session, jordanian, morocco, country="JO")

        found = flows.knowledge_flows(session, settings=SETTINGS, locale="en")

        text = json.dumps(found.model_dump(mode="json"))
        assert "Private" not in text
        assert morocco.public_id not in text
        assert jordanian.email not in text
        assert set(found.model_dump()) == {"threshold", "countries", "pairs"}


class TestShownTotals:
    @pytest.mark.parametrize(
        ("contacts_count", "relations_count", "expected"),
        [(0, 0, None), (1, 2, None), (2, 2, None), (3, 0, 3), (2, 3, 3), (3, 3, 6)],
    )
    def test_contacts_count_only_when_they_alone_reach_the_threshold(
        self, contacts_count: int, relations_count: int, expected: int | None
    ) -> None:
        pair = ("JO", "MA")
        found = flows.shown_totals(
            Counter({pair: contacts_count}), Counter({pair: relations_count}), 3
        )

        assert dict(found).get(pair) == expected
