"""The public pages' views (app/web/views.py) shaped from the services' answers."""

from typing import Any, ClassVar

from app.schemas.search import MAX_PAGE_NUMBER, ProjectSearchPage, SearchParams
from app.web.views import (
    _insert_in_order,
    catalog_chips,
    isolated,
    pagination,
    value_label,
    without,
)

ORDER = ["C7", "C7.1", "C7.3", "C7.4", "C7.5", "C8"]


def test_a_chosen_value_nothing_matches_is_listed_in_the_taxonomy_s_order() -> None:
    listed = [("C7", 4), ("C7.3", 1), ("C7.5", 2), ("C8", 1)]

    _insert_in_order(listed, "C7.4", ORDER)
    _insert_in_order(listed, "C7.1", ORDER)
    _insert_in_order(listed, "XX", ORDER)  # not in the taxonomy: last

    assert [value for value, _count in listed] == [
        "C7",
        "C7.1",
        "C7.3",
        "C7.4",
        "C7.5",
        "C8",
        "XX",
    ]
    assert dict(listed)["C7.4"] == 0


def test_values_are_named_with_codes_only_where_the_taxonomy_shows_them() -> None:
    names = {"action_line": {"C7.4": "E-health"}, "country": {"EG": "Egypt"}}

    assert value_label("action_line", "C7.4", names, "en") == "C7.4 E-health"
    assert value_label("country", "EG", names, "en") == "Egypt"
    assert value_label("implementation_status", "ongoing", names, "fr") == "En cours"
    assert value_label("country", "ZZ", names, "en") == "ZZ"


def _page(total: int, items: int, next_cursor: str | None = None) -> ProjectSearchPage:
    # Only the number of items counts here: stand-ins, not records.
    stand_in: Any = object()
    return ProjectSearchPage.model_construct(
        items=[stand_in] * items,
        total=total,
        next_cursor=next_cursor,
        facets={},
        suggestions=[],
    )


class TestPagination:
    def test_the_last_numbered_page_links_on_by_cursor_alone(self) -> None:
        params = SearchParams(limit=1, page=MAX_PAGE_NUMBER)

        shown = pagination(_page(10_000, 1, "abc"), params, "en")

        assert shown["next"] is not None
        assert "cursor=abc" in shown["next"]
        assert "page=" not in shown["next"]  # 501 would be refused
        assert shown["range"] == "500–500 of 10,000 entries"

    def test_past_the_numbered_pages_no_number_or_range_is_made_up(self) -> None:
        params = SearchParams(limit=1, cursor="abc")

        shown = pagination(_page(10_000, 1, "def"), params, "en")

        assert shown["range"] is None
        assert shown["links"] == []
        assert shown["previous"] is None
        assert shown["next"] is not None

    def test_a_page_past_the_last_still_offers_the_pages(self) -> None:
        params = SearchParams(limit=2, page=9)

        shown = pagination(_page(5, 0), params, "en")

        assert shown["range"] is None
        assert [link.number for link in shown["links"]] == [1, 2, 3]
        assert not any(link.current for link in shown["links"])


class TestChips:
    NAMES: ClassVar[dict[str, dict[Any, str]]] = {"country": {"TN": "Tunisia"}}

    def test_the_years_running_are_a_chip_kept_in_hidden_fields(self) -> None:
        params = SearchParams(country=["TN"], year_from=2021, year_to=2024)

        chips = catalog_chips(params, self.NAMES, "en")

        assert [chip["label"] for chip in chips] == ["Tunisia", "Running 2021–2024"]
        assert chips[1]["fields"] == [("year_from", 2021), ("year_to", 2024)]
        assert chips[1]["hidden"]
        assert without(params, "years:all").year_from is None
        assert without(params, "years:all").country == ["TN"]

    def test_the_words_are_a_chip_only_where_no_search_box_holds_them(self) -> None:
        params = SearchParams(q="water", year_from=2020)

        assert [c["label"] for c in catalog_chips(params, {}, "fr")] == [
            "En cours depuis 2020"
        ]
        with_words = catalog_chips(params, {}, "fr", words=True)
        assert with_words[-1]["label"] == "Mots : water"
        assert without(params, "q:all").q is None

    def test_a_removal_returns_to_the_first_page(self) -> None:
        params = SearchParams(country=["TN"], page=4, cursor="abc")

        kept = without(params, "country:TN")

        assert (kept.page, kept.cursor, kept.country) == (None, None, [])


def test_a_citation_s_text_cannot_split_it() -> None:
    pieces = isolated(
        "en",
        "{title}, at {url}",
        {"title": "a {url} \0 b", "url": "https://x.example/"},
        ltr={"url"},
    )

    assert pieces == [
        {"text": "a {url} \0 b", "ltr": False},
        {"text": ", at ", "ltr": False},
        {"text": "https://x.example/", "ltr": True},
    ]
