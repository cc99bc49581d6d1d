"""Partnership offers: part of an entry's record, wherever the record goes
(stored, read back, revised, filtered, counted and exported)."""

import pytest
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import InvalidInput
from app.models import ProjectStatus, User
from app.models.exchange import OFFER_NOTE_MAX_CHARS, Offer, ProjectOffer
from app.schemas.project import ProjectDraft, ProjectUpdate
from app.schemas.search import ProjectFilters, SearchParams
from app.services import exports, projects, records, revisions, search
from tests.factories import make_project, project_data

SETTINGS = Settings(environment="test")
NOTE = {
    "ar": "نرحّب بمن يرغب في تكرار التجربة.",
    "en": "Teams that wish to replicate it are welcome.",
}


class TestOffersInTheRecord:
    def test_offers_and_note_are_stored_and_read_back_in_order(
        self, session: Session
    ) -> None:
        entry = make_project(
            session,
            offers=["seeks_funding", "open_to_replication"],
            offer_note=NOTE,
        )

        public = projects.get_public_project(session, entry.public_id)

        # In the order the choices are listed, whatever order they were given.
        assert public.offers == ["open_to_replication", "seeks_funding"]
        assert public.offer_note.ar == NOTE["ar"]
        assert public.offer_note.en == NOTE["en"]
        assert public.offer_note.fr is None
        assert entry.offer_note_en == NOTE["en"]
        rows = session.exec(
            select(ProjectOffer.offer).where(ProjectOffer.project_id == entry.id)
        ).all()
        assert sorted(rows) == ["open_to_replication", "seeks_funding"]

    def test_offers_are_optional(self, session: Session) -> None:
        entry = make_project(session)

        public = projects.get_public_project(session, entry.public_id)

        assert public.offers == []
        assert public.offer_note.languages() == []

    def test_an_unknown_or_repeated_offer_is_refused(self) -> None:
        for offers in (["free_lunch"], ["seeks_partners", "seeks_partners"]):
            with pytest.raises(ValueError, match="offers"):
                ProjectDraft.model_validate(project_data(offers=offers))

    def test_a_note_too_long_is_refused(self) -> None:
        note = {"en": "x" * (OFFER_NOTE_MAX_CHARS + 1)}
        with pytest.raises(ValueError, match=r"offer_note\.en"):
            ProjectDraft.model_validate(project_data(offer_note=note))

    def test_the_record_a_client_sends_back_keeps_them(self, session: Session) -> None:
        entry = make_project(session, offers=["seeks_partners"], offer_note=NOTE)

        data = records.record_data(session, entry)

        assert data["offers"] == ["seeks_partners"]
        assert data["offer_note"] == {**NOTE, "fr": None}


class TestOffersThroughEditing:
    def test_a_draft_edit_replaces_the_offers(
        self, session: Session, contributor: User
    ) -> None:
        draft = make_project(
            session,
            status=ProjectStatus.DRAFT,
            owner=contributor,
            offers=["seeks_partners"],
        )

        record = revisions.edit_project(
            session,
            public_id=draft.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {"version": draft.version, "offers": ["seeks_funding"]}
            ),
            settings=SETTINGS,
        )

        assert record.offers == ["seeks_funding"]
        rows = session.exec(
            select(ProjectOffer.offer).where(ProjectOffer.project_id == draft.id)
        ).all()
        assert rows == ["seeks_funding"]

    def test_a_revision_of_a_published_entry_keeps_them_until_and_after_approval(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(session, owner=contributor, offers=["open_to_replication"])

        revisions.edit_project(
            session,
            public_id=entry.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {
                    "version": entry.version,
                    "offers": ["open_to_replication", "offers_expertise"],
                    "offer_note": {"fr": "Nous formons les équipes."},
                }
            ),
            settings=SETTINGS,
        )
        before = projects.get_public_project(session, entry.public_id)
        view = revisions.revision_view(
            session, public_id=entry.public_id, user=moderator
        )
        revisions.decide_revision(
            session,
            public_id=entry.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )
        after = projects.get_public_project(session, entry.public_id)

        assert before.offers == ["open_to_replication"]  # the public version
        assert {change.field for change in view.changes} == {"offers", "offer_note"}
        assert after.offers == ["open_to_replication", "offers_expertise"]
        assert after.offer_note.fr == "Nous formons les équipes."

    def test_an_edit_that_leaves_them_out_keeps_them(
        self, session: Session, contributor: User, moderator: User
    ) -> None:
        entry = make_project(
            session, owner=contributor, offers=["seeks_partners"], offer_note=NOTE
        )

        revisions.edit_project(
            session,
            public_id=entry.public_id,
            editor=contributor,
            update=ProjectUpdate.model_validate(
                {"version": entry.version, "keywords": ["new"]}
            ),
            settings=SETTINGS,
        )
        revisions.decide_revision(
            session,
            public_id=entry.public_id,
            moderator=moderator,
            action="approve",
            reason=None,
            settings=SETTINGS,
        )
        after = projects.get_public_project(session, entry.public_id)

        assert after.keywords == ["new"]
        assert after.offers == ["seeks_partners"]
        assert after.offer_note.en == NOTE["en"]


class TestOffersInTheCatalog:
    @pytest.fixture
    def entries(self, session: Session) -> dict[str, str]:
        made = {
            "partners": make_project(session, offers=["seeks_partners"]),
            "both": make_project(session, offers=["seeks_partners", "seeks_funding"]),
            "none": make_project(session),
        }
        make_project(session, status=ProjectStatus.DRAFT, offers=["seeks_partners"])
        return {name: entry.public_id for name, entry in made.items()}

    @pytest.mark.parametrize("how", ["index", "sql"])
    def test_the_offer_filter_and_facet(
        self, session: Session, entries: dict[str, str], how: str
    ) -> None:
        find = search.search_projects if how == "index" else search.reference_search

        page = find(
            session, params=SearchParams(offer=[Offer.SEEKS_PARTNERS]), locale="fr"
        )
        everything = find(session, params=SearchParams(), locale="en")

        assert {item.id for item in page.items} == {
            entries["partners"],
            entries["both"],
        }
        assert page.total == 2
        facet = {f.value: (f.label, f.count) for f in everything.facets["offer"]}
        assert facet == {
            "seeks_partners": ("Seeks partners", 2),
            "seeks_funding": ("Seeks funding", 1),
        }

    def test_several_offers_match_any_of_them(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        page = search.search_projects(
            session,
            params=SearchParams(offer=[Offer.SEEKS_FUNDING, Offer.OPEN_TO_REPLICATION]),
            locale="en",
        )

        assert [item.id for item in page.items] == [entries["both"]]

    def test_an_unknown_offer_is_refused(self) -> None:
        with pytest.raises(ValueError, match="offer"):
            SearchParams.model_validate({"offer": ["free_lunch"]})


class TestOffersInExports:
    def test_columns_hold_the_offers_names_and_the_note(self, session: Session) -> None:
        entry = make_project(
            session,
            offers=["open_to_replication", "seeks_funding"],
            offer_note={"ar": NOTE["ar"]},
        )
        labels = exports.Labels(session, "fr")
        (batch,) = list(exports.published_batches(session, ProjectFilters()))

        row = exports.row(batch[0], labels)

        assert batch[0].id == entry.public_id
        assert row["offers"] == "Ouvert à la reproduction; Cherche un financement"
        assert row["offer_note"] == NOTE["ar"]  # the one language it is in
        assert list(exports.headers("en", keys=True)).count("offers") == 1

    def test_an_entry_without_offers_has_empty_cells(self, session: Session) -> None:
        make_project(session)
        labels = exports.Labels(session, "en")
        (batch,) = list(exports.published_batches(session, ProjectFilters()))

        row = exports.row(batch[0], labels)

        assert row["offers"] == ""
        assert row["offer_note"] == ""


def test_deleting_an_entry_deletes_its_offers(
    session: Session, contributor: User
) -> None:
    draft = make_project(
        session,
        status=ProjectStatus.DRAFT,
        owner=contributor,
        offers=["seeks_partners"],
    )

    projects.delete_draft(session, public_id=draft.public_id, user=contributor)

    left = session.exec(
        select(ProjectOffer).where(col(ProjectOffer.project_id) == draft.id)
    ).all()
    assert left == []


def test_invalid_input_is_a_field_error(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        projects.validated(
            session,
            ProjectDraft,
            project_data(offers=["free_lunch"]),
            prefix=("body",),
        )

    assert refused.value.detail("en")[0]["loc"] == ["body", "offers", 0]
