"""The knowledge-exchange filters: `offer` (a link table, like a taxonomy) and
`good_practice` (a column holding TRUE while a designation is in force).

Both are read by the search (the in-memory catalog index) and by every SQL
output (exports, statistics): the same answers from each path.
"""

from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from app.models import Offer, Project, ProjectOffer, ProjectStatus
from app.schemas.search import ProjectFilters, SearchParams
from app.services import filters, search
from tests.factories import make_project


def offered(session: Session, *offers: Offer, good_practice: bool = False) -> str:
    project = make_project(session)
    assert project.id is not None
    for offer in offers:
        session.add(ProjectOffer(project_id=project.id, offer=offer))
    if good_practice:
        project.good_practice = True
        session.add(project)
    session.commit()
    return project.public_id


@pytest.fixture
def entries(session: Session) -> dict[str, str]:
    return {
        "replicable": offered(session, Offer.OPEN_TO_REPLICATION, good_practice=True),
        "partners": offered(session, Offer.SEEKS_PARTNERS, Offer.SEEKS_FUNDING),
        "plain": offered(session),
        "draft": make_project(session, status=ProjectStatus.DRAFT).public_id,
    }


def found(session: Session, **params: Any) -> set[str]:
    page = search.search_projects(
        session, params=SearchParams.model_validate(params), locale="en"
    )
    return {item.id for item in page.items}


def found_by_sql(session: Session, **params: Any) -> set[str]:
    query = filters.matching(session, ProjectFilters.model_validate(params))
    return {project.public_id for project in session.exec(query).all()}


class TestOfferFilter:
    def test_an_offer_finds_the_entries_stating_it(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        for find in (found, found_by_sql):
            assert find(session, offer=["seeks_partners"]) == {entries["partners"]}

    def test_offers_are_alternatives(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        wanted = {"offer": ["seeks_funding", "open_to_replication"]}
        expected = {entries["partners"], entries["replicable"]}
        assert found(session, **wanted) == expected
        assert found_by_sql(session, **wanted) == expected

    @pytest.mark.usefixtures("entries")
    def test_the_facet_counts_each_offer_in_the_listed_order(
        self, session: Session
    ) -> None:
        page = search.search_projects(session, params=SearchParams(), locale="fr")
        facet = [(f.value, f.label, f.count) for f in page.facets["offer"]]
        assert facet == [
            ("open_to_replication", "Ouvert à la reproduction", 1),
            ("seeks_partners", "Cherche des partenaires", 1),
            ("seeks_funding", "Cherche un financement", 1),
        ]

    def test_an_unknown_offer_is_refused(self) -> None:
        with pytest.raises(ValidationError) as raised:
            SearchParams.model_validate({"offer": ["free_lunch"]})
        assert raised.value.errors()[0]["loc"][0] == "offer"


class TestGoodPracticeFilter:
    def test_true_finds_the_designated_entries(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        for find in (found, found_by_sql):
            assert find(session, good_practice=["true"]) == {entries["replicable"]}

    @pytest.mark.usefixtures("entries")
    def test_the_facet_names_good_practices(self, session: Session) -> None:
        page = search.search_projects(session, params=SearchParams(), locale="ar")
        assert [(f.value, f.count) for f in page.facets["good_practice"]] == [(True, 1)]
        assert page.facets["good_practice"][0].label == "ممارسة جيدة"

    def test_a_withdrawn_designation_leaves_the_filter(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert found(session, good_practice=["true"]) == {entries["replicable"]}
        project = session.exec(
            select(Project).where(Project.public_id == entries["replicable"])
        ).one()
        project.good_practice = None
        session.add(project)
        session.commit()
        assert found(session, good_practice=["true"]) == set()

    def test_false_is_refused_with_its_reason(self) -> None:
        with pytest.raises(ValidationError) as raised:
            SearchParams.model_validate({"good_practice": ["false"]})
        error = raised.value.errors()[0]
        assert error["type"] == "ONLY_TRUE"
        assert error["loc"][0] == "good_practice"
