"""The search analyser: each rule, word by word, and the curated tables.

A row is (what is typed, its surface form, its stem). Documents and queries go
through the same functions, so two words that share a stem match each other.
"""

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app import analysis, folding
from app.languages import LANGUAGES

DATA = Path(analysis.__file__).parent / "data"


def analysed(word: str) -> tuple[str, str]:
    (term,) = analysis.analyse(word)
    return term.surface, term.stem


ARABIC_RULES = [
    # the article, alone and with و ف ب ك ل written onto it
    ("الصحة", "صحه", "صح"),
    ("للصحة", "صحه", "صح"),
    ("والتعليم", "تعليم", "تعليم"),
    ("بالذكاء", "ذكاء", "ذكاء"),
    ("فالتعليم", "تعليم", "تعليم"),
    ("كالتعليم", "تعليم", "تعليم"),
    ("وبالطاقة", "طاقه", "طاق"),  # two letters written onto the article
    ("وللتعليم", "تعليم", "تعليم"),
    ("فبالتالي", "تالي", "تال"),
    ("وبال", "وبال", "وبال"),  # nothing would remain
    # «لل» before a word beginning with ل: ل + the article, the word keeps its ل
    ("للاجئين", "لاجيين", "لاج"),
    ("وللاجئين", "لاجيين", "لاج"),
    ("للبنان", "لبنان", "لبنان"),
    ("لليبيا", "ليبيا", "ليبيا"),
    ("للغة", "لغه", "لغ"),
    ("للقاحات", "لقاحات", "لقاح"),
    # only while three letters remain: «الله», «الذي» keep what they are
    ("الله", "الله", "الله"),
    # feminine, nisba and sound plural endings
    ("مبادرة", "مبادره", "مبادر"),
    ("مبادرات", "مبادرات", "مبادر"),
    ("تقني", "تقني", "تقن"),
    ("تقنية", "تقنيه", "تقن"),
    ("تقنيات", "تقنيات", "تقن"),
    ("الصحية", "صحيه", "صح"),
    ("المبرمجون", "مبرمجون", "مبرمج"),
    ("المبرمجين", "مبرمجين", "مبرمج"),
    ("مستشفى", "مستشفي", "مستشف"),
    ("مستشفيات", "مستشفيات", "مستشف"),
    ("مشاريعها", "مشاريعها", "مشروع"),  # a suffix, then a broken plural
    # a country and its adjective
    ("تونس", "تونس", "تونس"),
    ("التونسية", "تونسيه", "تونس"),
    ("المغربي", "مغربي", "مغرب"),
    # kept: the rules would cut a name
    ("السودان", "سودان", "سودان"),
    ("السودانية", "سودانيه", "سودان"),
    ("البحرين", "بحرين", "بحرين"),
    ("لبنان", "لبنان", "لبنان"),
    # broken plurals (the table)
    ("مشاريع", "مشاريع", "مشروع"),
    ("والمشاريع", "مشاريع", "مشروع"),
    ("المدن", "مدن", "مدين"),
    ("مدينة", "مدينه", "مدين"),
    ("الأطفال", "اطفال", "طفل"),
    ("نساء", "نساء", "مرا"),
    ("المرأة", "مراه", "مرا"),
    ("المزارعين", "مزارعين", "مزرع"),
    ("المزرعة", "مزرعه", "مزرع"),
    # spelling: hamza seats, alef maqsura, ta marbuta, tashkeel, tatweel
    ("الإصطناعى", "اصطناعي", "اصطناع"),
    ("الاصطناعي", "اصطناعي", "اصطناع"),
    ("الذَّكَاءُ", "ذكاء", "ذكاء"),
    ("مبـــادرة", "مبادره", "مبادر"),
    # Persian and Urdu look-alikes, presentation forms, neighbouring letters
    ("کتاب", "كتاب", "كتاب"),
    ("التقنیة", "تقنيه", "تقن"),
    ("ﻟﻠﺼﺤﺔ", "صحه", "صح"),
    ("ڤيديو", "فيديو", "فيديو"),
    ("گوگل", "كوكل", "كوكل"),
    # digits
    ("٢٠٢٥", "2025", "2025"),
    ("۲۰۲۵", "2025", "2025"),
]


@pytest.mark.parametrize(("typed", "surface", "stem"), ARABIC_RULES)
def test_arabic_words(typed: str, surface: str, stem: str) -> None:
    assert analysed(typed) == (surface, stem)


LATIN_RULES = [
    # (typed, language of the text, surface, stem)
    ("Agriculture", "en", "agriculture", "agricultur"),
    ("agricultural", "en", "agricultural", "agricultur"),
    ("farmers", "en", "farmers", "farmer"),
    ("Health", "en", "health", "health"),
    ("technologies", "en", "technologies", "technolog"),
    ("technology", "en", "technology", "technolog"),
    ("santé", "fr", "sante", "sant"),
    ("Santé", "fr", "sante", "sant"),
    ("éducation", "fr", "education", "educ"),
    ("université", "fr", "universite", "universit"),
    ("universite", "fr", "universite", "universit"),
    ("agriculteurs", "fr", "agriculteurs", "agriculteur"),
    ("intelligence", "fr", "intelligence", "intelligent"),
]


@pytest.mark.parametrize(("typed", "lang", "surface", "stem"), LATIN_RULES)
def test_english_and_french_words(
    typed: str, lang: analysis.Language, surface: str, stem: str
) -> None:
    (term,) = analysis.analyse(typed, lang)
    assert (term.surface, term.stem) == (surface, stem)


def test_a_query_word_is_stemmed_as_english_and_as_french() -> None:
    assert "agriculteur" in analysis.query_stems("agriculteurs")
    university, universities = "university", "universities"
    assert analysis.query_stems(universities) & analysis.query_stems(university)
    assert "farm" in analysis.query_stems("farms")
    assert analysis.query_stems("مبادرات") == {"مبادر"}


def test_stop_words_are_dropped_and_positions_kept() -> None:
    terms = analysis.analyse("الذكاء الاصطناعي في التعليم")
    assert [(t.position, t.surface) for t in terms] == [
        (0, "ذكاء"),
        (1, "اصطناعي"),
        (3, "تعليم"),
    ]
    assert analysis.words("the health of children") == ["health", "children"]
    assert analysis.words("la santé des enfants") == ["sante", "enfants"]
    assert analysis.words("في من the de") == []


def _curated() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((DATA / "arabic_words.json").read_text())
    return loaded


PLURALS: dict[str, str] = _curated()["plurals"]  # type: ignore[assignment]
KEPT: list[str] = _curated()["kept"]  # type: ignore[assignment]


@pytest.mark.parametrize(("plural", "singular"), sorted(PLURALS.items()))
def test_each_broken_plural_is_searched_as_its_singular(
    plural: str, singular: str
) -> None:
    """With and without the article: «مشاريع», «المشاريع» and «مشروع» meet."""
    (target,) = folding.tokens(singular)
    expected = analysis.arabic_stem(target)
    for form in (plural, "ال" + plural, "وال" + plural):
        assert analysed(form)[1] == expected, form


@pytest.mark.parametrize("word", KEPT)
def test_kept_words_are_never_cut(word: str) -> None:
    (surface,) = folding.tokens(word)
    assert analysed(word) == (surface, surface)


def test_the_tables_hold_single_words_and_no_stop_word() -> None:
    for word in [*PLURALS, *PLURALS.values(), *KEPT]:
        assert len(folding.tokens(word)) == 1, word
        assert folding.tokens(word)[0] not in analysis.STOP_WORDS, word


_MARKS = st.sampled_from("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640")
_WORDS = st.sampled_from(
    [w for w, _s, _t in ARABIC_RULES if analysis.is_arabic(w)] + list(PLURALS)
)


@settings(max_examples=200, deadline=None)
@given(word=_WORDS, marks=st.lists(st.tuples(st.integers(1, 8), _MARKS), max_size=3))
def test_tashkeel_and_tatweel_never_change_a_word(
    word: str, marks: list[tuple[int, str]]
) -> None:
    marked = word
    for at, mark in marks:
        cut = min(at, len(marked))
        marked = marked[:cut] + mark + marked[cut:]
    # Tanwin al-fath beside a final alef makes the alef its seat, not a letter
    # (the next test): every other mark leaves the word as it is.
    assume(not re.search("(?:\u064b\u0627|\u0627\u064b)(?!\\w)", marked))
    assert analysis.analyse(marked) == analysis.analyse(word)


@pytest.mark.parametrize(
    ("written", "word"),
    [
        ("نموذجًا", "نموذج"),  # the mark before its alef
        ("نموذجاً", "نموذج"),  # the mark after it
        ("لغويًا", "لغوي"),
        ("نموذجا", "نموذجا"),  # no mark: the alef may be a letter («دنيا»)
        ("دنيا", "دنيا"),
    ],
)
def test_the_alef_carrying_tanwin_al_fath_is_no_letter(written: str, word: str) -> None:
    assert analysis.words(written) == [word]


# --- the stored document and the query ---------------------------------------


def test_a_document_holds_each_word_per_field_and_each_class_s_stems() -> None:
    document = analysis.entry_document(
        {"title_en": "Farmers first", "summary_fr": "La santé des enfants"},
        keywords=["مشاريع"],
        names=["Nile Health"],
    )

    assert document.split() == [
        "1farmers",
        "1first",
        "0",  # «la», a stop word, keeps its place
        "2sante",
        "0",
        "2enfants",
        "2مشاريع",
        "3nile",
        "3health",
        "4farmer",
        "4first",
        "5sant",
        "5enfant",
        "5مشروع",  # the keyword's broken plural, as its singular
        "6nile",
        "6health",
    ]
    assert analysis.surface_words(document) == {
        "farmers",
        "first",
        "sante",
        "enfants",
        "مشاريع",
        "nile",
        "health",
    }


@pytest.mark.parametrize(
    ("query", "units"),
    [
        ("health", [(("health",), True)]),
        ("health ", [(("health",), False)]),  # typed in full: no prefix
        ("the health of children", [(("health",), False), (("children",), True)]),
        (
            '"early warning" systems',
            [(("early", "warning"), False), (("systems",), True)],
        ),
        ('"الإنذار في المبكر"', [(("انذار", "0", "مبكر"), False)]),
        ('"في الإنذار"', [(("انذار",), False)]),  # stop words at the ends dropped
        ("health health", [(("health",), False), (("health",), True)]),
        ('"', []),
        ("في the de", []),
    ],
)
def test_a_query_is_its_words_and_quoted_phrases(
    query: str, units: list[tuple[tuple[str, ...], bool]]
) -> None:
    parsed = analysis.parse_query(query)

    assert [(unit.words, unit.prefix) for unit in parsed] == units


def test_a_query_has_at_most_max_units() -> None:
    query = " ".join(f"word{i}x" for i in range(40))

    assert len(analysis.parse_query(query)) == analysis.MAX_UNITS


def test_a_quoted_word_is_looked_up_as_written_only() -> None:
    (unit,) = analysis.parse_query('"farmers"')

    assert unit.stems == frozenset()
    assert not unit.prefix


@pytest.mark.parametrize(
    ("word", "translations"),
    [
        ("صحه", {"health", "sant"}),
        ("maladies", {"diseas", "مرض"}),
        ("eau", {"water", "ماء"}),
        ("heritage", {"patrimoin", "تراث"}),
    ],
)
def test_a_query_word_also_finds_its_translations(
    word: str, translations: set[str]
) -> None:
    assert translations <= analysis.query_stems(word)


def test_the_lexicon_holds_single_words_one_group_each() -> None:
    groups = json.loads((DATA / "lexicon.json").read_text(encoding="utf-8"))["groups"]
    seen: dict[str, int] = {}
    for number, group in enumerate(groups):
        assert set(group) == {"ar", "en", "fr"}, group
        for lang, word in group.items():
            (folded,) = folding.tokens(word)  # one word each
            key = (lang, analysis.stem(folded, lang))
            assert seen.setdefault(str(key), number) == number, (group, key)
            assert folded not in analysis.STOP_WORDS, word


@pytest.mark.parametrize(
    ("query", "translations"),
    [
        ('"alerte précoce"', (("انذار", "مبكر"), ("early", "warning"))),
        ('"الإنذار المبكر"', (("early", "warning"), ("alerte", "precoce"))),
        ('"langue des signes"', (("لغه", "اشاره"), ("sign", "language"))),
        ("cybersecurity ", (("امن", "سيبراني"), ("cybersecurite",))),
        ('"early warnings"', ()),  # not the lexicon's phrase
    ],
)
def test_a_lexicon_phrase_carries_its_translations(
    query: str, translations: tuple[tuple[str, ...], ...]
) -> None:
    (unit,) = analysis.parse_query(query)
    assert unit.translations == translations


def test_every_lexicon_phrase_has_its_three_languages_and_no_two_share_a_form() -> None:
    """And no form loses a word at its ends to the stop words: «التعلم الآلي»
    would be «تعلم» alone («الآلي» folds to «الي», the stop word «إلى»)."""
    texts = [
        text
        for group in analysis._LEXICON_DATA["phrases"]  # type: ignore[attr-defined]
        for text in group.values()
    ]
    forms = [analysis._phrase_words(text) for text in texts]
    assert all(
        len(form) == len(folding.tokens(text))
        for form, text in zip(forms, texts, strict=True)
    )
    assert len(forms) == len(set(forms))
    assert all(
        set(group) == set(LANGUAGES)
        for group in analysis._LEXICON_DATA["phrases"]  # type: ignore[attr-defined]
    )
