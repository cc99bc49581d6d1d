"""Search: filters, facet semantics, Arabic-aware full text, sorts and cursors.

One hand-built set of entries, the same expectations on SQLite and PostgreSQL.
"""

import base64
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from app.errors import InvalidInput
from app.models import ProjectStatus
from app.schemas.search import ProjectSearchPage, SearchParams
from app.services import search
from tests.factories import make_project


def run(session: Session, **params: Any) -> ProjectSearchPage:
    return search.search_projects(
        session, params=SearchParams.model_validate(params), locale="en"
    )


def ids(page: ProjectSearchPage) -> set[str]:
    return {item.id for item in page.items}


def english_entry(session: Session, title: str) -> Any:
    return make_project(session, original_language="en", title={"en": title})


def english(session: Session, title: str) -> str:
    """A published entry written in English with this title: its public id."""
    return str(english_entry(session, title).public_id)


def order(page: ProjectSearchPage) -> list[str]:
    return [item.id for item in page.items]


def facet(page: ProjectSearchPage, name: str) -> dict[str | int, int]:
    return {entry.value: entry.count for entry in page.facets[name]}


@pytest.fixture
def entries(session: Session) -> dict[str, str]:
    """Four published entries and one draft, filed differently."""

    def entry(**overrides: Any) -> str:
        return make_project(session, **overrides).public_id

    return {
        "health": entry(
            title={"ar": "الذكاء الاصطناعي للصحة", "en": "AI for health"},
            action_lines=["C7.4", "C4"],
            primary_action_line="C7.4",
            sdgs=[3, 9],
            countries=["EG", "SD"],
            technologies=["machine_learning", "computer_vision"],
            start_date="2021-02-01",
            end_date="2023-06-30",
            implementation_status="completed",
            lead_organization={
                "name": "Nile Health Analytics",
                "entity_type": "academia",
                "country": "EG",
            },
        ),
        "learning": entry(
            original_language="fr",
            title={"fr": "Plateforme de santé scolaire", "en": "School health"},
            summary={"fr": "Apprentissage en ligne.", "en": "Online learning."},
            action_lines=["C7.3"],
            primary_action_line="C7.3",
            sdgs=[4],
            countries=["TN", "MA"],
            technologies=["generative_ai"],
            start_date="2024-09-01",
            lead_organization={
                "name": "Carthage EdTech",
                "entity_type": "private_sector",
                "country": "TN",
            },
        ),
        "security": entry(
            title={"ar": "مركز الأمن السيبراني", "en": "Cyber security centre"},
            action_lines=["C5"],
            primary_action_line="C5",
            sdgs=[9, 16],
            countries=["JO"],
            technologies=["ai_cybersecurity"],
            start_date="2019-01-01",
            end_date="2020-12-31",
        ),
        "agriculture": entry(
            title={"ar": "مساعد زراعي ذكي ٢٠٢٥", "en": "Smart farming assistant"},
            keywords=["الري", "Irrigation"],
            action_lines=["C7.7"],
            primary_action_line="C7.7",
            sdgs=[2],
            countries=["MA"],
            technologies=["iot", "machine_learning"],
            start_date=None,
        ),
        "draft": entry(
            status=ProjectStatus.DRAFT,
            title={"ar": "الذكاء الاصطناعي مسودة", "en": "AI draft"},
            countries=["EG"],
            sdgs=[3],
        ),
    }


class TestFilters:
    def test_c7_matches_its_sub_lines(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        page = run(session, action_line=["C7"])

        assert ids(page) == {
            entries["health"],
            entries["learning"],
            entries["agriculture"],
        }

    def test_or_within_a_filter_and_across_filters(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, country=["JO", "SD"])) == {
            entries["security"],
            entries["health"],
        }
        assert ids(run(session, country=["MA"], technology=["iot"])) == {
            entries["agriculture"]
        }

    def test_sub_region_matches_its_countries(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, sub_region=["maghreb"])) == {
            entries["learning"],
            entries["agriculture"],
        }

    def test_column_filters(self, session: Session, entries: dict[str, str]) -> None:
        assert ids(run(session, entity_type=["private_sector"])) == {
            entries["learning"]
        }
        assert ids(run(session, implementation_status=["completed"])) == {
            entries["health"]
        }

    def test_years_select_entries_running_in_the_range(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, year_from=2022, year_to=2022)) == {entries["health"]}
        assert ids(run(session, year_from=2024)) == {entries["learning"]}
        assert ids(run(session, year_to=2019)) == {entries["security"]}

    @pytest.mark.usefixtures("entries")
    def test_unknown_codes_name_their_parameter(self, session: Session) -> None:
        with pytest.raises(InvalidInput) as refused:
            run(session, technology=["telepathy"], sub_region=["atlantis"])

        assert {tuple(e["loc"]) for e in refused.value.detail()} == {
            ("query", "technology"),
            ("query", "sub_region"),
        }


class TestFacets:
    def test_counts_ignore_the_facets_own_filter_but_apply_the_others(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        page = run(session, country=["MA"], technology=["machine_learning"])

        assert ids(page) == {entries["agriculture"]}
        # Country counts: every filter but country (machine learning: health, agri).
        assert facet(page, "country") == {"EG": 1, "SD": 1, "MA": 1}
        # Technology counts: every filter but technology (Morocco: learning, agri).
        assert facet(page, "technology") == {
            "machine_learning": 1,
            "generative_ai": 1,
            "iot": 1,
        }

    @pytest.mark.usefixtures("entries")
    def test_many_to_many_counts_each_entry_once_per_value(
        self, session: Session
    ) -> None:
        page = run(session)

        assert page.total == 4  # the draft is not counted anywhere
        assert facet(page, "sdg") == {2: 1, 3: 1, 4: 1, 9: 2, 16: 1}
        assert facet(page, "country") == {"EG": 1, "SD": 1, "TN": 1, "MA": 2, "JO": 1}
        lines = facet(page, "action_line")
        assert lines["C7"] == 3  # health, learning, agriculture: once each
        assert (lines["C7.4"], lines["C4"], lines["C5"]) == (1, 1, 1)
        # Years an entry runs in: security 2019-20, health 2021-23, learning 2024-.
        assert facet(page, "year") == {
            2024: 1,
            2023: 1,
            2022: 1,
            2021: 1,
            2020: 1,
            2019: 1,
        }
        assert facet(page, "implementation_status") == {"ongoing": 3, "completed": 1}

    @pytest.mark.usefixtures("entries")
    def test_facets_have_labels_in_the_language_asked(self, session: Session) -> None:
        page = search.search_projects(
            session, params=SearchParams(country=["MA"]), locale="ar"
        )

        labels = {e.value: e.label for e in page.facets["country"]}
        assert labels["MA"] == "المغرب"
        status = {e.value: e.label for e in page.facets["implementation_status"]}
        assert status["ongoing"] == "جارٍ"


class TestFullText:
    @pytest.mark.parametrize(
        "query",
        [
            "الذكاء الاصطناعي",
            "الذكاء الإصطناعى",
            "الذكآء الاصطناعي",
            "الذَّكَاءُ الاصْطِنَاعِيُّ",
            "الذكــاء",
        ],
    )
    def test_arabic_spelling_variants_find_the_same_entries(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        page = run(session, q=query)

        # The words are in the health entry's title; "AI" also names the AI
        # technologies the others are filed under (machine learning, ...).
        assert order(page)[0] == entries["health"]

    @pytest.mark.parametrize("query", ["ذكاء", "صحة", "الصحة", "بالصحة", "والذكاء"])
    def test_arabic_words_match_with_or_without_the_article(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        # The title is «الذكاء الاصطناعي للصحة».
        page = run(session, q=query)

        assert order(page)[0] == entries["health"]
        if query in ("صحة", "الصحة", "بالصحة"):  # and «santé», its translation
            assert order(page) == [entries["health"], entries["learning"]]

    @pytest.mark.parametrize("query", ["santé", "sante", "SANTE", "Santé scolaire"])
    def test_accents_and_case_do_not_matter(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        page = run(session, q=query)

        # The title «Plateforme de santé scolaire» first; "santé" also names
        # C7.4 Cybersanté, under which the health entry is filed.
        assert order(page) == [entries["learning"], entries["health"]]

    def test_arabic_indic_digits_match_ascii_digits(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, q="2025")) == {entries["agriculture"]}
        assert ids(run(session, q="۲۰۲۵")) == {entries["agriculture"]}

    def test_the_last_word_is_a_prefix(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, q="الاصطنا")) == {entries["health"]}
        assert ids(run(session, q="cyber sec")) == {entries["security"]}
        assert ids(run(session, q="secu")) == {entries["security"]}
        assert ids(run(session, q='"secu"')) == set()  # quoted: the word itself

    def test_organisations_and_keywords_are_searched(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert ids(run(session, q="Carthage")) == {entries["learning"]}
        assert ids(run(session, q="الري")) == {entries["agriculture"]}

    def test_drafts_are_never_found(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        assert entries["draft"] not in ids(run(session, q="مسودة"))

    def test_the_best_match_comes_first(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        page = run(session, q="health")

        # Both titles hold the word; the health entry is also filed under
        # C7.4 E-health, which "health" names; the others do not match.
        assert order(page) == [entries["health"], entries["learning"]]

    @pytest.mark.parametrize(
        "query",
        ["the health of", "health and the", "الذكاء الاصطناعي في", "في للصحة"],
    )
    def test_stop_words_in_a_query_are_not_required(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        """«في», "the", "of" (app/data/stopwords.json) are not looked for: the
        entry «الذكاء الاصطناعي للصحة» / "AI for health" has none of them."""
        assert entries["health"] in ids(run(session, q=query))

    @pytest.mark.usefixtures("entries")
    def test_punctuation_only_queries_match_everything(self, session: Session) -> None:
        assert run(session, q="!!! ...").total == 4


class TestPartialMatchesAndRanking:
    def test_entries_matching_most_words_come_first(self, session: Session) -> None:
        """Not every word must match; the entry holding both comes first."""
        both = english(session, "Palm grove sensors")
        one = english(session, "Palm oil mills")

        assert order(run(session, q="palm sensors")) == [both, one]

    def test_rarer_words_count_for_more(self, session: Session) -> None:
        """Three entries say "platform", one says "drought": an entry holding
        only "drought" ranks above one holding only "platform"."""
        for title in ("Platform one", "Platform two", "Platform three"):
            english(session, title)
        drought = english(session, "Drought watch")

        assert order(run(session, q="platform drought"))[0] == drought

    def test_a_title_match_ranks_above_a_keyword_match(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        titled = english(session, "Irrigation sensors")

        page = run(session, q="irrigation")

        assert order(page) == [titled, entries["agriculture"]]  # keyword

    def test_the_word_as_typed_ranks_above_its_stem(self, session: Session) -> None:
        stemmed = make_project(
            session, original_language="en", title={"en": "Farmers first"}
        ).public_id
        exact = make_project(
            session, original_language="en", title={"en": "Farmer first"}
        ).public_id

        assert order(run(session, q="farmer")) == [exact, stemmed]
        assert order(run(session, q="farmers")) == [stemmed, exact]

    @pytest.mark.parametrize(
        ("stored", "query"),
        [
            ("مشاريع الري", "مشروع"),  # a broken plural and its singular
            ("مشروع الري", "المشاريع"),
            ("مبادرات رقمية", "مبادرة"),  # a sound plural
            ("تقنيات حديثة", "التقنية"),
            ("والتعليم للجميع", "تعليم"),  # attached conjunction and article
            ("Farmers and fishers", "farmer"),
            ("Les agriculteurs", "agriculteur"),
        ],
    )
    def test_stems_match_plural_and_attached_forms(
        self, session: Session, stored: str, query: str
    ) -> None:
        found = make_project(session, title={"ar": stored, "en": stored}).public_id

        assert found in ids(run(session, q=query))

    def test_a_quoted_phrase_means_the_phrase(self, session: Session) -> None:
        phrase = make_project(
            session, original_language="en", title={"en": "Early warning system"}
        )
        apart = make_project(
            session, original_language="en", title={"en": "Warning: early days"}
        )

        found = ids(run(session, q='"early warning"'))

        assert found == {phrase.public_id}
        assert apart.public_id in ids(run(session, q="early warning"))

    def test_a_phrase_keeps_the_place_of_its_stop_words(self, session: Session) -> None:
        inside = make_project(session, title={"ar": "الذكاء الاصطناعي في التعليم"})
        next_to = make_project(session, title={"ar": "الذكاء الاصطناعي التعليم"})

        found = ids(run(session, q='"الاصطناعي في التعليم"'))

        assert found == {inside.public_id}
        assert next_to.public_id not in found


class TestQueriesThatNameATerm:
    @pytest.mark.parametrize(
        "query", ["agriculture", "الزراعة الإلكترونية", "Cyberagriculture", "زراعة"]
    )
    def test_an_action_line_name_finds_the_entries_filed_under_it(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        """The agriculture entry's text says "farming", never "agriculture";
        it is filed under C7.7 E-agriculture."""
        assert entries["agriculture"] in ids(run(session, q=query))

    @pytest.mark.parametrize("query", ["Maroc", "Morocco", "المغرب"])
    def test_a_country_name_finds_the_entries_running_there(
        self, session: Session, entries: dict[str, str], query: str
    ) -> None:
        assert ids(run(session, q=query)) == {
            entries["learning"],
            entries["agriculture"],
        }

    @pytest.mark.usefixtures("entries")
    def test_a_name_needs_all_its_words(self, session: Session) -> None:
        """ "Good" alone does not name SDG 3 "Good health and well-being"."""
        assert ids(run(session, q="good")) == set()

    def test_a_text_match_ranks_above_the_term_alone(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        titled = make_project(
            session, original_language="en", title={"en": "Agriculture data"}
        ).public_id

        page = run(session, q="agriculture")

        assert order(page) == [titled, entries["agriculture"]]


def suggested(page: ProjectSearchPage) -> list[tuple[str, Any, Any]]:
    return [
        (s.kind.value, s.filter if s.kind.value != "spelling" else s.q, s.count)
        for s in page.suggestions
    ]


class TestSuggestions:
    @pytest.mark.usefixtures("entries")
    def test_a_query_naming_a_term_suggests_its_filter(self, session: Session) -> None:
        page = run(session, q="agriculture")

        (offer,) = page.suggestions
        assert (offer.kind.value, offer.filter, offer.value) == (
            "filter",
            "action_line",
            "C7.7",
        )
        assert (offer.label, offer.count) == ("E-agriculture", 1)

    @pytest.mark.usefixtures("entries")
    def test_a_filter_already_chosen_is_not_suggested(self, session: Session) -> None:
        assert run(session, q="agriculture", action_line=["C7.7"]).suggestions == []

    @pytest.mark.usefixtures("entries")
    def test_the_count_is_within_the_other_filters(self, session: Session) -> None:
        """ "Maroc" names Morocco; within C7.3 one of its two entries is left."""
        (offer,) = run(session, q="Maroc", action_line=["C7.3"]).suggestions
        assert (offer.filter, offer.value, offer.count) == ("country", "MA", 1)

    def test_a_misspelt_word_is_searched_as_the_closest_word(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        page = run(session, q="secruity")

        assert order(page) == [entries["security"]]
        assert suggested(page) == [("spelling", "security", 1)]
        assert page.suggestions[0].word == "secruity"

    @pytest.mark.usefixtures("entries")
    def test_no_result_lists_the_filters_to_leave_out(self, session: Session) -> None:
        page = run(session, q="health", country=["JO"])

        assert page.total == 0
        assert ("drop_filter", "country", 2) in suggested(page)  # health, learning
        assert ("drop_filter", "q", 1) in suggested(page)  # the Jordanian entry


class TestRelevancePages:
    def test_an_entry_published_between_pages_neither_repeats_nor_skips_one(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        first = run(session, q="health", limit=1)
        english(session, "Health first")  # ranks between the two

        second = run(session, q="health", limit=1, cursor=first.next_cursor)

        assert order(first) == [entries["health"]]
        assert order(second)[0] != entries["health"]
        rest = order(run(session, q="health"))
        assert rest[rest.index(entries["health"]) + 1] == order(second)[0]

    @pytest.mark.parametrize(
        "payload",
        [
            '["relevance", 20]',  # the offsets of earlier releases
            '["relevance", -1, 0, 5]',
            '["relevance", "a", 0, 5]',
            '["newest", 1, 0, 5]',
        ],
    )
    @pytest.mark.usefixtures("entries")
    def test_a_bad_relevance_cursor_is_refused(
        self, session: Session, payload: str
    ) -> None:
        cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

        with pytest.raises(InvalidInput):
            run(session, q="health", cursor=cursor)


class TestSortsAndCursors:
    @pytest.mark.parametrize("sort", ["newest", "title", "start_date", "relevance"])
    @pytest.mark.usefixtures("entries")
    def test_cursors_walk_every_entry_once(self, session: Session, sort: str) -> None:
        query = "a" if sort == "relevance" else None  # relevance needs words
        seen: list[str] = []
        cursor = None
        for _ in range(10):
            page = run(
                session,
                sort=sort,
                limit=1,
                cursor=cursor,
                q=query,
            )
            seen += [item.id for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break

        expected = run(session, sort=sort, limit=100, q=query)
        assert seen == [item.id for item in expected.items]
        assert len(seen) == len(set(seen))

    @pytest.mark.parametrize("sort", ["newest", "title", "start_date", "relevance"])
    @pytest.mark.usefixtures("entries")
    def test_a_numbered_page_is_the_page_the_cursors_reach(
        self, session: Session, sort: str
    ) -> None:
        query = "a" if sort == "relevance" else None
        walked = run(session, sort=sort, limit=100, q=query)

        for number in (1, 2, 3):
            page = run(session, sort=sort, limit=1, page=number, q=query)
            assert [item.id for item in page.items] == [
                item.id for item in walked.items[number - 1 : number]
            ]
            assert page.total == walked.total

    @pytest.mark.usefixtures("entries")
    def test_with_a_cursor_the_page_number_only_numbers_the_page(
        self, session: Session
    ) -> None:
        first = run(session, limit=1)
        second = run(session, limit=1, cursor=first.next_cursor)

        numbered = run(session, limit=1, cursor=first.next_cursor, page=7)

        assert numbered.items == second.items
        assert numbered.next_cursor == second.next_cursor

    @pytest.mark.usefixtures("entries")
    def test_a_page_past_the_last_is_empty(self, session: Session) -> None:
        page = run(session, limit=2, page=40)

        assert page.items == []
        assert page.next_cursor is None
        assert page.total == 4

    @pytest.mark.parametrize("number", [0, -1, 501])
    def test_a_page_number_out_of_bounds_is_refused(self, number: int) -> None:
        with pytest.raises(ValidationError):
            SearchParams.model_validate({"page": number})

    @pytest.mark.usefixtures("entries")
    def test_title_sort_follows_the_language(self, session: Session) -> None:
        titles = [item.title.en or "" for item in run(session, sort="title").items]

        assert titles == sorted(titles, key=str.lower)

    def test_start_date_sort_is_newest_start_first_undated_last(
        self, session: Session, entries: dict[str, str]
    ) -> None:
        order = [item.id for item in run(session, sort="start_date").items]

        assert order == [
            entries["learning"],
            entries["health"],
            entries["security"],
            entries["agriculture"],
        ]

    @pytest.mark.usefixtures("entries")
    def test_a_cursor_of_another_sort_is_refused(self, session: Session) -> None:
        cursor = run(session, sort="title", limit=1).next_cursor

        with pytest.raises(InvalidInput):
            run(session, sort="newest", cursor=cursor)


class TestTheApisJson:
    """The API splices each entry's JSON, serialised once, into the page."""

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"action_line": ["C7"], "limit": 2},
            {"q": "health"},
            {"sort": "title"},
            {"country": ["EG"], "sort": "start_date", "limit": 1},
            {"action_line": ["C9"]},
        ],
        ids=["newest", "filtered", "relevance", "title", "start-date", "none"],
    )
    @pytest.mark.usefixtures("entries")
    def test_is_the_response_models_json_byte_for_byte(
        self, session: Session, params: dict[str, Any]
    ) -> None:
        parsed = SearchParams.model_validate(params)
        spliced = search.search_projects_json(session, params=parsed, locale="ar")
        page = search.search_projects(session, params=parsed, locale="ar")
        assert spliced == TypeAdapter(ProjectSearchPage).dump_json(page, by_alias=True)
