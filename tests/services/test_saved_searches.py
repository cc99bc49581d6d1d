"""Saved searches: what is kept of a catalog search, who may change it, and
its private feed."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.config import Settings
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Language, ProjectStatus, User
from app.models.exchange import AlertFrequency, SavedSearch
from app.schemas.subscriptions import SavedSearchUpdate
from app.services import alert_links, saved_searches
from tests.fixtures.alerts import SAVED_AT, make_published_entry, make_saved_search

SETTINGS = Settings(environment="test", public_base_url="https://repo.example")
WEEK = timedelta(days=7)


class TestSaveSearch:
    def test_the_query_is_kept_as_the_catalogs_filters_only(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(
            session,
            contributor,
            "https://repo.example/projects?q=health&action_line=C7.3"
            "&sort=title&page=3&limit=50&lang=fr&cursor=abc&sdg=4&sdg=4#top",
        )

        assert saved.query == "action_line=C7.3&sdg=4&q=health"
        assert saved.language == Language.EN  # the account's
        assert saved.last_sent_at == SAVED_AT  # digests start from now

    def test_an_unknown_code_is_refused_under_query(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            make_saved_search(session, contributor, "action_line=C99&country=ZZ")

        assert refused.value.status_code == 422
        assert [e["loc"] for e in refused.value.detail()] == [
            ["body", "query", "action_line"],
            ["body", "query", "country"],
        ]
        assert session.exec(select(SavedSearch)).all() == []

    def test_an_invalid_value_is_refused_under_query(
        self, session: Session, contributor: User
    ) -> None:
        with pytest.raises(InvalidInput) as refused:
            make_saved_search(
                session, contributor, "year_from=soon&good_practice=false"
            )

        locs = [e["loc"][:3] for e in refused.value.detail()]
        assert ["body", "query", "year_from"] in locs
        assert ["body", "query", "good_practice"] in locs

    def test_a_person_has_at_most_so_many_saved_searches(
        self, session: Session, contributor: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(saved_searches, "MAX_SAVED_SEARCHES", 2)
        make_saved_search(session, contributor)
        make_saved_search(session, contributor, "sdg=4")

        with pytest.raises(Conflict) as refused:
            make_saved_search(session, contributor, "sdg=5")

        assert refused.value.code == "TOO_MANY_SAVED_SEARCHES"

    def test_only_the_owner_sees_changes_or_deletes_a_saved_search(
        self, session: Session, contributor: User, other_contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        assert saved.id is not None

        with pytest.raises(NotFound) as refused:
            saved_searches.delete_saved_search(
                session, user=other_contributor, search_id=saved.id
            )
        assert refused.value.code == "SAVED_SEARCH_NOT_FOUND"
        changed = saved_searches.update_saved_search(
            session,
            user=contributor,
            search_id=saved.id,
            data=SavedSearchUpdate(frequency=AlertFrequency.MONTHLY),
            settings=SETTINGS,
        )

        assert changed.frequency == AlertFrequency.MONTHLY
        assert changed.name == "E-learning"
        assert (
            saved_searches.list_saved_searches(
                session, user=other_contributor, settings=SETTINGS
            )
            == []
        )


class TestPrivateFeed:
    def test_the_feed_shows_the_matching_published_entries_newest_first(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        make_published_entry(session, "Older match", published_at=SAVED_AT - WEEK)
        make_published_entry(session, "Newer match", published_at=SAVED_AT)
        make_published_entry(
            session,
            "About health",
            published_at=SAVED_AT,
            action_lines=["C7.4"],
            primary_action_line="C7.4",
        )
        make_published_entry(
            session, "A draft", status=ProjectStatus.DRAFT, published_at=None
        )
        token = alert_links.feed_token(SETTINGS, saved)

        xml = saved_searches.saved_search_feed(session, token=token, settings=SETTINGS)

        assert xml.index("Newer match") < xml.index("Older match")
        assert "About health" not in xml
        assert "A draft" not in xml
        assert "<title>E-learning</title>" in xml

    def test_a_renewed_feed_retires_the_old_address(
        self, session: Session, contributor: User
    ) -> None:
        saved = make_saved_search(session, contributor)
        old = alert_links.feed_token(SETTINGS, saved)
        assert saved.id is not None

        renewed = saved_searches.renew_feed(
            session, user=contributor, search_id=saved.id, settings=SETTINGS
        )

        assert old not in renewed.feed_url
        with pytest.raises(NotFound):
            saved_searches.saved_search_feed(session, token=old, settings=SETTINGS)
        token = renewed.feed_url.rsplit("/", 1)[1].removesuffix(".atom")
        assert saved_searches.saved_search_feed(session, token=token, settings=SETTINGS)

    @pytest.mark.parametrize(
        "token", ["", "1", "1-x", "abc-def", "99999999999-x", "²-x", "-1-x"]
    )
    def test_a_wrong_token_is_not_found(self, session: Session, token: str) -> None:
        with pytest.raises(NotFound):
            saved_searches.saved_search_feed(session, token=token, settings=SETTINGS)
