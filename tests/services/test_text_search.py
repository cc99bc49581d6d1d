"""What a text query looks up, which terms it names, and how answers rank.

`app.services.text_search` is pure: a query's units (`analysis.parse_query`)
become index lookups rendered for FTS5 and for tsquery, a query may name a
taxonomy term or a country, the places each unit was found in rank the
entries, and a misspelt word gets its closest spellings. No database here.
"""

import json
from collections.abc import Callable, Mapping
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from pyroaring import BitMap

from app import analysis
from app.analysis import BODY, GAP, SUMMARY, TITLE, Unit
from app.services import text_search
from app.services.text_search import (
    EXACT,
    FILED,
    STEM,
    AnyOf,
    Labels,
    Lookup,
    Places,
    Ranking,
    lookups,
    rank,
    spellings,
)


def only_unit(query: str) -> Unit:
    (unit,) = analysis.parse_query(query)
    return unit


def exact_lookups(unit: Unit) -> list[tuple[int, Lookup]]:
    """The lookups of the word as typed: the first place per field class,
    one lookup each."""
    found = []
    for weight, place in lookups(unit)[: len(EXACT)]:
        (lookup,) = place.lookups
        found.append((weight, lookup))
    return found


def stem_lookups(unit: Unit) -> list[tuple[int, AnyOf]]:
    return lookups(unit)[len(EXACT) :]


# --- what a unit looks up --------------------------------------------------------


def test_a_word_is_looked_up_as_typed_in_the_title_the_summary_and_the_body() -> None:
    unit = only_unit("health")

    found = [(weight, lookup.terms) for weight, lookup in exact_lookups(unit)]

    assert found == [
        (EXACT[TITLE], ("1health",)),
        (EXACT[SUMMARY], ("2health",)),
        (EXACT[BODY], ("3health",)),
    ]


def test_a_word_is_looked_up_by_its_stems_in_one_place_per_stem_class() -> None:
    """A stem term is its class's digit + 3: "4" in titles, "5" in summaries,
    "6" in bodies. "health" also stands for «santé» and «صحة» (the lexicon):
    the three stems are one place, read in one lookup, found if any is."""
    unit = only_unit("health ")

    found = stem_lookups(unit)

    assert found == [
        (
            STEM[TITLE],
            AnyOf((Lookup(("4health",)), Lookup(("4sant",)), Lookup(("4صح",)))),
        ),
        (
            STEM[SUMMARY],
            AnyOf((Lookup(("5health",)), Lookup(("5sant",)), Lookup(("5صح",)))),
        ),
        (
            STEM[BODY],
            AnyOf((Lookup(("6health",)), Lookup(("6sant",)), Lookup(("6صح",)))),
        ),
    ]


def test_a_place_of_several_lookups_is_written_as_their_or() -> None:
    place = AnyOf((Lookup(("4health",)), Lookup(("4sant",))))

    assert place.fts5() == '"4health" OR "4sant"'
    assert place.tsquery() == "('4health') | ('4sant')"


def test_a_word_typed_last_is_also_its_longer_words_but_not_its_stems() -> None:
    """The word being typed ("heal" -> "health") is a prefix as typed; its
    stem is a whole word (a prefix of a stem would find far too much)."""
    unit = only_unit("heal")
    assert unit.prefix

    assert [lookup.prefix for _w, lookup in exact_lookups(unit)] == [True] * 3
    assert stem_lookups(unit)
    assert not any(
        lookup.prefix for _w, place in stem_lookups(unit) for lookup in place.lookups
    )


def test_a_word_followed_by_a_space_is_not_a_prefix() -> None:
    unit = only_unit("health ")

    assert not any(
        lookup.prefix for _w, place in lookups(unit) for lookup in place.lookups
    )


def test_a_quoted_phrase_is_its_words_in_a_row_once_per_field_class() -> None:
    unit = only_unit('"water quality"')

    assert lookups(unit) == [
        (EXACT[TITLE], AnyOf((Lookup(("1water", "1quality")),))),
        (EXACT[SUMMARY], AnyOf((Lookup(("2water", "2quality")),))),
        (EXACT[BODY], AnyOf((Lookup(("3water", "3quality")),))),
    ]


def test_a_stop_word_inside_a_phrase_keeps_its_place_as_a_gap() -> None:
    """«الإنذار في المبكر» is not «الإنذار المبكر»: «في» is no index term, but
    the phrase still needs a word between the two."""
    unit = only_unit('"الإنذار في المبكر"')

    assert lookups(unit) == [
        (EXACT[TITLE], AnyOf((Lookup(("1انذار", GAP, "1مبكر")),))),
        (EXACT[SUMMARY], AnyOf((Lookup(("2انذار", GAP, "2مبكر")),))),
        (EXACT[BODY], AnyOf((Lookup(("3انذار", GAP, "3مبكر")),))),
    ]
    assert GAP == "0"


# --- how a lookup is written for each backend ------------------------------------


@pytest.mark.parametrize(
    ("lookup", "fts5", "tsquery"),
    [
        pytest.param(Lookup(("1health",)), '"1health"', "'1health'", id="word"),
        pytest.param(
            Lookup(("1heal",), prefix=True), '"1heal"*', "'1heal':*", id="prefix"
        ),
        pytest.param(
            Lookup(("1early", "1warning")),
            '"1early 1warning"',
            "'1early' <-> '1warning'",
            id="phrase",
        ),
        pytest.param(
            Lookup(("1early", "1warn"), prefix=True),
            '"1early 1warn"*',
            "'1early' <-> '1warn':*",
            id="phrase-ending-in-a-prefix",
        ),
        pytest.param(
            Lookup(("1انذار", GAP, "1مبكر")),
            '"1انذار 0 1مبكر"',
            "'1انذار' <-> '0' <-> '1مبكر'",
            id="phrase-with-a-gap",
        ),
    ],
)
def test_a_lookup_is_written_as_an_fts5_phrase_and_a_tsquery_literal(
    lookup: Lookup, fts5: str, tsquery: str
) -> None:
    assert lookup.fts5() == fts5
    assert lookup.tsquery() == tsquery


def test_a_query_matches_an_entry_holding_any_of_its_lookups() -> None:
    units = analysis.parse_query('"water quality"')

    assert text_search.fts5_any(units) == (
        '"1water 1quality" OR "2water 2quality" OR "3water 3quality"'
    )
    assert text_search.tsquery_any(units) == (
        "('1water' <-> '1quality') | ('2water' <-> '2quality')"
        " | ('3water' <-> '3quality')"
    )


def test_lookups_two_units_share_are_asked_once() -> None:
    """«santé» and "health" have the same stems: each stem term once."""
    units = analysis.parse_query("santé health")
    every = {
        lookup
        for unit in units
        for _w, place in lookups(unit)
        for lookup in place.lookups
    }

    fts5 = text_search.fts5_any(units).split(" OR ")
    tsquery = text_search.tsquery_any(units).split(" | ")

    assert sorted(fts5) == sorted(lookup.fts5() for lookup in every)
    assert sorted(tsquery) == sorted(f"({lookup.tsquery()})" for lookup in every)
    assert fts5.count('"4sant"') == 1
    assert tsquery.count("('4sant')") == 1


# --- queries that name a term ----------------------------------------------------

LABELS: dict[str, dict[Any, dict[str, str]]] = {
    "action_line": {
        "C7.7": {
            "ar": "الزراعة الإلكترونية",
            "en": "E-agriculture",
            "fr": "Cyberagriculture",
        },
        "C7.4": {"ar": "الصحة الإلكترونية", "en": "E-health", "fr": "Cybersanté"},
    },
    "sdg": {
        3: {
            "ar": "الصحة الجيدة والرفاه",
            "en": "Good health and well-being",
            "fr": "Bonne santé et bien-être",
        },
        13: {
            "ar": "العمل المناخي",
            "en": "Climate action",
            "fr": "Mesures relatives à la lutte contre les changements climatiques",
        },
    },
    "country": {
        "TN": {"ar": "تونس", "en": "Tunisia", "fr": "Tunisie"},
        "MA": {"ar": "المغرب", "en": "Morocco", "fr": "Maroc"},
    },
}
NAMES = text_search.term_names(LABELS)

E_AGRICULTURE = ("action_line", "C7.7")
E_HEALTH = ("action_line", "C7.4")
GOOD_HEALTH = ("sdg", 3)
CLIMATE_ACTION = ("sdg", 13)
TUNISIA = ("country", "TN")
MOROCCO = ("country", "MA")


def named(
    query: str, names: list[text_search.TermName] = NAMES
) -> set[tuple[str, Any]]:
    units = analysis.parse_query(query)
    return {(term.filter, term.value) for term in text_search.named_terms(names, units)}


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        # a word of a name, in any of the three languages
        pytest.param("agriculture", {E_AGRICULTURE}, id="agriculture"),
        pytest.param("الزراعة", {E_AGRICULTURE}, id="arabic-agriculture"),
        pytest.param("الزراعة الإلكترونية", {E_AGRICULTURE}, id="arabic-name"),
        pytest.param("Cyberagriculture", {E_AGRICULTURE}, id="cyber-name"),
        pytest.param("santé", {E_HEALTH}, id="sante"),
        pytest.param("health", {E_HEALTH}, id="health"),
        pytest.param("Cybersanté", {E_HEALTH}, id="cybersante"),
        pytest.param("Maroc", {MOROCCO}, id="maroc"),
        pytest.param("المغرب", {MOROCCO}, id="arabic-morocco"),
        pytest.param("Morocco", {MOROCCO}, id="morocco"),
        pytest.param("tunisia health", {TUNISIA, E_HEALTH}, id="country-and-word"),
        # a long name is named by all its words, or by an alias
        pytest.param("good", set(), id="good-alone"),
        pytest.param("good health", {GOOD_HEALTH, E_HEALTH}, id="good-health-alias"),
        pytest.param("climate", {CLIMATE_ACTION}, id="climate-alias"),
        # the generic words of "E-…" names name nothing alone
        pytest.param("e", set(), id="e"),
        pytest.param("الإلكترونية", set(), id="arabic-electronic"),
        # a quoted phrase names nothing: it asks for its words as they are
        pytest.param('"good health"', set(), id="phrase"),
    ],
)
def test_a_query_names_the_terms_one_of_whose_names_it_holds(
    query: str, terms: set[tuple[str, Any]]
) -> None:
    assert named(query) == terms


def test_health_alone_does_not_name_good_health_and_well_being() -> None:
    """ "health" is a word of SDG 3's names, but not all of any of them."""
    assert GOOD_HEALTH not in named("health")
    assert GOOD_HEALTH not in named("santé")
    assert GOOD_HEALTH not in named("الصحة")


def test_the_french_generic_word_names_nothing_alone() -> None:
    """«Santé électronique» is named by «santé», as "E-health" by "health"."""
    names = text_search.term_names(
        {"action_line": {"C7.4": {"fr": "Santé électronique"}}}
    )

    assert named("santé", names) == {E_HEALTH}
    assert named("électronique", names) == set()


def test_a_named_term_stands_for_every_unit_of_its_name() -> None:
    """«الزراعة الإلكترونية»: both words are E-agriculture, the generic one too."""
    units = analysis.parse_query("الزراعة الإلكترونية")

    (term,) = text_search.named_terms(NAMES, units)

    assert (term.filter, term.value) == E_AGRICULTURE
    assert term.units == frozenset({0, 1})


def test_a_named_term_stands_only_for_the_units_of_its_name() -> None:
    """In "tunisia health", Tunisia is the first word; E-health the second."""
    units = analysis.parse_query("tunisia health")

    found = {
        (term.filter, term.value): term.units
        for term in text_search.named_terms(NAMES, units)
    }

    assert found == {TUNISIA: frozenset({0}), E_HEALTH: frozenset({1})}


def test_a_term_named_twice_counts_once() -> None:
    units = analysis.parse_query("Morocco Maroc المغرب")

    (term,) = text_search.named_terms(NAMES, units)

    assert (term.filter, term.value) == MOROCCO
    assert term.units == frozenset({0, 1, 2})


# --- every alias names its term --------------------------------------------------


def _alias_file() -> dict[str, dict[str, list[str]]]:
    loaded: dict[str, dict[str, list[str]]] = json.loads(
        files("app").joinpath("data", "term_aliases.json").read_text(encoding="utf-8")
    )
    loaded.pop("_comment")
    return loaded


ALIAS_FILE = _alias_file()


def _term_value(filter_name: str, key: str) -> Any:
    """The term's value as the labels hold it: SDGs are numbers."""
    return int(key) if filter_name == "sdg" else key


def _alias_labels() -> Labels:
    """Every term the alias file mentions, with a name no query here holds, so
    only its aliases can name it."""
    labels: dict[str, dict[Any, dict[str, str]]] = {}
    for number, (filter_name, key) in enumerate(
        (filter_name, key) for filter_name, terms in ALIAS_FILE.items() for key in terms
    ):
        name = f"zzterm{number}"
        labels.setdefault(filter_name, {})[_term_value(filter_name, key)] = {
            "ar": name,
            "en": name,
            "fr": name,
        }
    return labels


ALIAS_NAMES = text_search.term_names(_alias_labels())
ALIASES = [
    pytest.param(
        filter_name,
        _term_value(filter_name, key),
        alias,
        id=f"{filter_name}={key}: {alias}",
    )
    for filter_name, terms in ALIAS_FILE.items()
    for key, aliases in terms.items()
    for alias in aliases
]


def test_the_alias_file_names_terms_of_the_taxonomies_a_query_can_name() -> None:
    assert ALIASES
    assert set(ALIAS_FILE) <= set(text_search.NAMED)


@pytest.mark.parametrize(("filter_name", "value", "alias"), ALIASES)
def test_every_alias_names_its_term(filter_name: str, value: Any, alias: str) -> None:
    assert (filter_name, value) in named(alias, ALIAS_NAMES)


# --- ranking ---------------------------------------------------------------------

TOTAL = 100  # the published entries searched

IdArray = npt.NDArray[np.uint32]
KeyArray = npt.NDArray[np.int64]


def published_on(keys: Mapping[int, int]) -> Callable[[IdArray], KeyArray]:
    """The publication keys of entries (larger: newer), 0 if not given."""

    def published(ids: IdArray) -> KeyArray:
        return np.array([keys.get(int(pid), 0) for pid in ids], dtype=np.int64)

    return published


def same_day(ids: IdArray) -> KeyArray:
    return np.full(len(ids), 5, dtype=np.int64)


def ids_of(ranking: Ranking) -> list[int]:
    return [int(pid) for pid in ranking.ids]


def test_an_entry_matching_more_units_ranks_first_whatever_its_places() -> None:
    """Entry 1 has the first word in its title, summary and body; entry 2 has
    both words, in its body only. Entry 3 has the second word in its body."""
    first_word: Places = [
        (EXACT[TITLE], BitMap([1])),
        (EXACT[SUMMARY], BitMap([1])),
        (EXACT[BODY], BitMap([1, 2])),
    ]
    second_word: Places = [(EXACT[BODY], BitMap([2, 3]))]

    ranking = rank([first_word, second_word], published_on({1: 9, 2: 1, 3: 1}), TOTAL)

    assert ids_of(ranking) == [2, 1, 3]


def test_a_rarer_word_counts_for_more_than_a_common_one() -> None:
    """In a catalog where most entries are about AI, "health" says more: an
    entry with "health" in its body beats one with "AI" in its title."""
    common: Places = [(EXACT[TITLE], BitMap([1])), (EXACT[BODY], BitMap(range(2, 90)))]
    rare: Places = [(EXACT[BODY], BitMap([90, 91]))]

    ranking = rank([common, rare], same_day, TOTAL)

    assert ids_of(ranking)[:3] == [91, 90, 1]


def test_within_the_same_units_a_title_beats_a_summary() -> None:
    """Even when the entry found in a summary is newer."""
    word: Places = [(EXACT[TITLE], BitMap([1])), (EXACT[SUMMARY], BitMap([2]))]

    ranking = rank([word], published_on({1: 1, 2: 9}), TOTAL)

    assert ids_of(ranking) == [1, 2]


def test_the_places_best_first() -> None:
    """Title > summary > body; as typed > stem; filed under a named term
    between a title and a summary. Entry n is found in the nth place only,
    and the worse the place the newer the entry."""
    word: Places = [
        (EXACT[TITLE], BitMap([1])),
        (STEM[TITLE], BitMap([2])),
        (FILED, BitMap([3])),
        (EXACT[SUMMARY], BitMap([4])),
        (STEM[SUMMARY], BitMap([5])),
        (EXACT[BODY], BitMap([6])),
        (STEM[BODY], BitMap([7])),
    ]

    ranking = rank([word], published_on({n: n for n in range(1, 8)}), TOTAL)

    assert ids_of(ranking) == [1, 2, 3, 4, 5, 6, 7]


def test_more_places_break_a_tie_between_equal_best_places() -> None:
    """Both have the word in the title; entry 2 also in its body."""
    word: Places = [(EXACT[TITLE], BitMap([1, 2])), (EXACT[BODY], BitMap([2]))]

    ranking = rank([word], published_on({1: 9, 2: 1}), TOTAL)

    assert ids_of(ranking) == [2, 1]
    assert ranking.scores[0] > ranking.scores[1]


def test_equal_scores_rank_the_newest_first_then_the_largest_id() -> None:
    word: Places = [(EXACT[TITLE], BitMap([1, 2, 3, 4]))]

    ranking = rank([word], published_on({1: 20, 2: 30, 3: 30, 4: 10}), TOTAL)

    assert ids_of(ranking) == [3, 2, 1, 4]
    assert len(set(ranking.scores.tolist())) == 1
    assert ranking.published.tolist() == [30, 30, 20, 10]


def test_the_hits_are_every_entry_found_anywhere() -> None:
    first_word: Places = [(EXACT[TITLE], BitMap([1, 5])), (STEM[BODY], BitMap([7]))]
    second_word: Places = [(EXACT[SUMMARY], BitMap([5, 9])), (FILED, BitMap())]

    ranking = rank([first_word, second_word], same_day, TOTAL)

    assert ranking.hits() == BitMap([1, 5, 7, 9])
    assert len(ranking) == 4


def keyset_ranking() -> Ranking:
    """Four entries of one score: 30, 20 and 10 published on day 30, 40 on 10."""
    word: Places = [(EXACT[TITLE], BitMap([10, 20, 30, 40]))]
    ranking = rank([word], published_on({10: 30, 20: 30, 30: 30, 40: 10}), TOTAL)
    assert ids_of(ranking) == [30, 20, 10, 40]
    return ranking


def test_the_page_after_an_entry_starts_right_after_it() -> None:
    ranking = keyset_ranking()

    for position in range(len(ranking)):
        score, published, pid = (
            int(ranking.scores[position]),
            int(ranking.published[position]),
            int(ranking.ids[position]),
        )
        assert ranking.start_after(score, published, pid) == position + 1


def test_the_page_after_a_key_no_entry_has_starts_where_it_would_be() -> None:
    """An entry of the previous page may have gone: the next page starts
    after every entry that ranks before its key, and repeats none."""
    ranking = keyset_ranking()
    score = int(ranking.scores[0])

    assert ranking.start_after(score, 30, 25) == 1  # between ids 30 and 20
    assert ranking.start_after(score, 30, 5) == 3  # after id 10, before day 10
    assert ranking.start_after(score, 20, 99) == 3  # between days 30 and 10
    assert ranking.start_after(score, 99, 1) == 0  # newer than all
    assert ranking.start_after(score, 1, 1) == 4  # older than all
    assert ranking.start_after(score + 1, 1, 1) == 0  # a better score
    assert ranking.start_after(score - 1, 99, 99) == 4  # a worse score


def test_no_places_rank_nothing() -> None:
    assert len(rank([], same_day, TOTAL)) == 0
    assert len(rank([[(EXACT[TITLE], BitMap())]], same_day, TOTAL)) == 0
    assert rank([], same_day, TOTAL).hits() == BitMap()


def random_ranking(seed: int, entries: int = 5_000) -> tuple[Ranking, dict[int, int]]:
    rng = np.random.default_rng(seed)
    ids = rng.choice(entries * 3, entries, replace=False) + 1
    days = {int(pid): int(rng.integers(0, 40)) for pid in ids}
    places: list[Places] = [
        [(w, BitMap(int(p) for p in ids if rng.random() < 0.3)) for w in (12, 4, 2)],
        [(w, BitMap(int(p) for p in ids if rng.random() < 0.1)) for w in (8, 6)],
    ]
    return rank(places, published_on(days), TOTAL), days


@pytest.mark.parametrize("seed", range(5))
def test_the_first_pages_of_a_partial_sort_are_the_full_orders(seed: int) -> None:
    """A first page sorts only its best entries (a partial sort); pages
    asked for later, and the whole ranking, agree with a full sort."""
    partial, _days = random_ranking(seed)
    full, _days = random_ranking(seed)
    everything = full.ids.tolist()

    assert partial.ranked_ids(0, 21) == everything[:21]
    assert partial.ranked_ids(21, 21) == everything[21:42]
    assert partial.ranked_ids(300, 50) == everything[300:350]
    assert partial.ranked_ids(len(everything) - 5, 50) == everything[-5:]


@pytest.mark.parametrize("seed", range(3))
def test_each_ranked_entry_gives_its_keyset_and_the_next_page_starts_after_it(
    seed: int,
) -> None:
    ranking, days = random_ranking(seed)
    everything = ranking.ids.tolist()
    scores = ranking.scores.tolist()

    for position in (0, 1, 20, 777, len(everything) - 1):
        score, published, pid = ranking.entry(position)
        assert (score, published, pid) == (
            scores[position],
            days[everything[position]],
            everything[position],
        )
        assert ranking.start_after(score, published, pid) == position + 1


# --- spellings -------------------------------------------------------------------


def test_a_misspelt_word_gets_its_closest_spelling_first() -> None:
    vocabulary = {"health": 10, "wealth": 2, "help": 50}

    assert spellings("helth", vocabulary)[0] == "health"


def test_equally_close_spellings_go_to_the_more_used_word_first() -> None:
    """ "help" and "wealth" are both two edits from "helth"."""
    vocabulary = {"health": 10, "wealth": 2, "help": 50}

    assert spellings("helth", vocabulary) == ["health", "help", "wealth"]


def test_a_short_word_allows_one_edit_only() -> None:
    """ "helt": "held" and "help" are one edit away, "health" two."""
    assert text_search.max_edits("helt") == 1
    assert text_search.max_edits("helth") == 2

    assert spellings("helt", {"health": 100, "held": 5, "help": 1}) == ["held", "help"]


def test_a_longer_word_allows_two_edits_but_not_three() -> None:
    assert spellings("helth", {"wealthy": 100, "wealth": 1}) == ["wealth"]


def test_the_word_itself_is_never_suggested() -> None:
    assert spellings("health", {"health": 10, "wealth": 2}) == ["wealth"]


def test_a_word_with_digits_gets_no_spelling() -> None:
    assert spellings("covid19", {"covid": 10, "covid-19": 5, "covid18": 1}) == []


def test_an_empty_vocabulary_gets_no_spelling() -> None:
    assert spellings("helth", {}) == []


def test_at_most_limit_spellings() -> None:
    vocabulary = {f"helt{letter}": 1 for letter in "abcdefgh"}

    assert len(spellings("helth", vocabulary, limit=3)) == 3


# --- names that hold shorter names, phrases in other languages, every entry ------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Policy or strategy", ["Policy or strategy", "Policy", "strategy"]),
        ("سياسة أو استراتيجية", ["سياسة أو استراتيجية", "سياسة", "استراتيجية"]),
        (
            "Politique ou stratégie",
            ["Politique ou stratégie", "Politique", "stratégie"],
        ),
        (
            "Extended reality (AR/VR)",
            ["Extended reality (AR/VR)", "Extended reality", "AR", "VR"],
        ),
        ("Machine learning", ["Machine learning"]),
    ],
)
def test_a_name_with_or_or_brackets_also_names_its_term_by_each_part(
    name: str, expected: list[str]
) -> None:
    assert text_search.alternatives(name) == expected


def test_an_activity_type_is_named_by_each_of_its_names_alternatives() -> None:
    labels: Labels = {
        "activity_type": {
            "policy_strategy": {
                "ar": "سياسة أو استراتيجية",
                "en": "Policy or strategy",
                "fr": "Politique ou stratégie",
            }
        }
    }
    names = text_search.term_names(labels)
    for query in ("strategy", "استراتيجيات", "politiques"):
        named = text_search.named_terms(names, analysis.parse_query(query + " "))
        assert [(t.filter, t.value) for t in named] == [
            ("activity_type", "policy_strategy")
        ], query


def test_a_phrase_is_also_looked_up_as_its_translations_ranked_as_a_stem() -> None:
    unit = only_unit('"alerte précoce"')

    translated = lookups(unit)[len(EXACT) :]

    assert translated == [
        (
            STEM[TITLE],
            AnyOf((Lookup(("1انذار", "1مبكر")), Lookup(("1early", "1warning")))),
        ),
        (
            STEM[SUMMARY],
            AnyOf((Lookup(("2انذار", "2مبكر")), Lookup(("2early", "2warning")))),
        ),
        (
            STEM[BODY],
            AnyOf((Lookup(("3انذار", "3مبكر")), Lookup(("3early", "3warning")))),
        ),
    ]


@pytest.mark.parametrize(
    "query", ["مبادرات", "initiatives", "التقنيات", "technologies"]
)
def test_a_word_describing_every_entry_finds_them_all(query: str) -> None:
    units = analysis.parse_query(query + " ")

    found = text_search.resolve(units, [], lambda _u: False, lambda _w: [])

    assert found.every == frozenset({0})
    assert found.corrections == {}  # found everywhere: nothing to correct


def test_every_entry_ranks_below_the_entries_saying_the_word() -> None:
    saying, everyone = BitMap([1]), BitMap([1, 2, 3])
    word: Places = [(STEM[BODY], saying), (text_search.EVERY, everyone)]

    ranking = rank([word], same_day, TOTAL)

    assert ids_of(ranking)[0] == 1
    assert ranking.hits() == everyone


# --- a stored document read in Python (places carried across changes) -----------


@pytest.mark.parametrize(
    ("lookup", "held"),
    [
        pytest.param(Lookup(("1early",)), True, id="a-term"),
        pytest.param(Lookup(("1ear",)), False, id="not-a-term"),
        pytest.param(Lookup(("1ear",), prefix=True), True, id="a-prefix"),
        pytest.param(Lookup(("1early", "1warning")), True, id="a-phrase"),
        pytest.param(Lookup(("1warning", "1early")), False, id="out-of-order"),
        pytest.param(Lookup(("1early", "1war"), prefix=True), True, id="phrase-prefix"),
        pytest.param(Lookup(("1warning", GAP, "1heat")), True, id="over-a-gap"),
        pytest.param(Lookup(("1warning", "1heat")), False, id="the-gap-counts"),
    ],
)
def test_a_document_holds_a_lookup_as_the_index_would(
    lookup: Lookup, held: bool
) -> None:
    """tests/services/test_catalog_index.py compares this with both indexes."""
    document = text_search.Document("1early 1warning 0 1heat 4earli 4warn 4heat")

    assert lookup.holds(document) is held
    assert AnyOf((Lookup(("1none",)), lookup)).holds(document) is held


def test_the_terms_a_query_names_and_every_entry_join_the_units_places() -> None:
    query = text_search.Resolved(
        units=[only_unit("agriculture "), only_unit("initiatives ")],
        named=[text_search.NamedTerm("action_line", "C7.7", frozenset({0}))],
        corrections={},
        every=frozenset({1}),
    )
    read: list[Places] = [[(EXACT[TITLE], BitMap([1]))], [(STEM[BODY], BitMap([2]))]]
    everyone = BitMap([1, 2, 3, 4])

    places = text_search.with_terms(query, read, lambda _t: BitMap([3]), everyone)

    assert places == [
        [(EXACT[TITLE], BitMap([1])), (FILED, BitMap([3]))],
        [(STEM[BODY], BitMap([2])), (text_search.EVERY, everyone)],
    ]
    assert read[0] == [(EXACT[TITLE], BitMap([1]))]  # the index's reads unchanged
