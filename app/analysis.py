"""Text analysis for search: one pipeline for stored documents and for queries.

Every backend indexes and looks up what this module produces, so SQLite and
PostgreSQL match the same entries. A word is analysed into two forms:

- its **surface** form: folded (`app.folding`: case, accents, tashkeel, hamza
  seats, letter variants of other keyboards, presentation forms, digits) and,
  in Arabic, without the article and the one-letter words written onto it
  («والتعليم» -> «تعليم»);
- its **stem**: Arabic light stemming after Larkey, Ballesteros and Connell
  ("Light stemming for Arabic information retrieval", 2007), the practice
  Lucene's Arabic analyzer follows: common suffixes cut while two letters
  remain, plus a curated table of broken plurals and variants
  (`app/data/arabic_words.json`: «مشاريع» is searched as «مشروع»); English and
  French words with the Snowball stemmers (PyStemmer).

Stop words (`app/data/stopwords.json`) are dropped from both sides, so «في»,
"the" or "de" neither block a match nor weigh in ranking.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

import Stemmer

from app import folding

Language = Literal["ar", "en", "fr"]
LATIN_LANGUAGES: tuple[Language, ...] = ("en", "fr")


def _data(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        files("app").joinpath("data", name).read_text(encoding="utf-8")
    )
    return loaded


def _folded_word(word: str) -> str:
    """A curated word as the analyser sees it: folded, without the article."""
    found = folding.tokens(word)
    if len(found) != 1:
        raise ValueError(f"not one word: {word!r}")
    return found[0]


_STOP_DATA = _data("stopwords.json")
STOP_WORDS: frozenset[str] = frozenset(
    folding.fold(word)
    for lang in ("ar", "en", "fr")
    for word in _STOP_DATA[lang]  # type: ignore[attr-defined]
)
_ARABIC_DATA = _data("arabic_words.json")
# Arabic suffixes, folded (ة is ه, ى is ي), in the order Larkey's light10
# tries them; each is cut at most once, while two letters remain.
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _curated() -> dict[str, str]:
    """Folded word -> the form it is stemmed as: broken plurals -> their
    singular, kept words -> themselves (checked before every cut)."""
    table = {_folded_word(word): _folded_word(word) for word in _ARABIC_DATA["kept"]}  # type: ignore[attr-defined]
    plurals: dict[str, str] = _ARABIC_DATA["plurals"]  # type: ignore[assignment]
    for plural, singular in plurals.items():
        table[_folded_word(plural)] = _folded_word(singular)
    return table


_CURATED = _curated()
_KEPT = frozenset(_CURATED[w] for w in _CURATED if _CURATED[w] == w)
_SNOWBALL = {"en": Stemmer.Stemmer("english"), "fr": Stemmer.Stemmer("french")}


def is_arabic(word: str) -> bool:
    return _ARABIC.search(word) is not None


@lru_cache(maxsize=65_536)
def arabic_stem(word: str) -> str:
    """The light stem of a folded Arabic word (its article already gone): the
    table first (a broken plural becomes its singular), then the suffixes; a
    cut that leaves a broken plural («مشاريعها» -> «مشاريع») goes through the
    table once more."""
    target = _CURATED.get(word, word)
    if target in _KEPT:
        return target
    cut = _cut_suffixes(target)
    if cut != target and cut in _CURATED and cut not in _KEPT:
        cut = _cut_suffixes(_CURATED[cut])
    return cut


def _cut_suffixes(word: str) -> str:
    for suffix in _SUFFIXES:
        if word in _KEPT:
            break
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=65_536)
def latin_stem(word: str, lang: Language) -> str:
    return str(_SNOWBALL[lang].stemWord(word))


def stem(word: str, lang: Language = "en") -> str:
    """The stem of a folded word: Arabic whatever `lang` says (a text in any
    language may hold Arabic words), else Snowball in `lang` (English for an
    Arabic text's Latin words)."""
    if is_arabic(word):
        return arabic_stem(word)
    return latin_stem(word, "fr" if lang == "fr" else "en")


@dataclass(frozen=True, slots=True)
class Term:
    """A word of a text: where it is, its surface form and its stem."""

    position: int
    surface: str
    stem: str


def words(text: str) -> list[str]:
    """The surface forms of `text`'s words, stop words left out."""
    return [word for word in folding.tokens(text) if word not in STOP_WORDS]


def analyse(text: str, lang: Language = "en") -> list[Term]:
    """`text` as indexed: each word's surface form and stem, numbered in the
    order of the text with the stop words counted (so a phrase query, analysed
    the same way, matches the same positions)."""
    found: list[Term] = []
    for position, word in enumerate(folding.tokens(text)):
        if word not in STOP_WORDS:
            found.append(Term(position, word, stem(word, lang)))
    return found


def query_stems(word: str) -> frozenset[str]:
    """The stems a query word may match: a query has no language, so a Latin
    word is stemmed both as English and as French."""
    if is_arabic(word):
        return frozenset({arabic_stem(word)})
    return frozenset(latin_stem(word, lang) for lang in LATIN_LANGUAGES)
