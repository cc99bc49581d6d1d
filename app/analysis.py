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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import Stemmer

from app import folding
from app.languages import LANGUAGES, LanguageCode

Language = LanguageCode
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
    for lang in LANGUAGES
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


def _own_stems(word: str) -> frozenset[str]:
    if is_arabic(word):
        return frozenset({arabic_stem(word)})
    return frozenset(latin_stem(word, lang) for lang in LATIN_LANGUAGES)


def _lexicon() -> dict[str, frozenset[str]]:
    """Stem -> the stems of its group's words in all three languages
    (`app/data/lexicon.json`), each stemmed in its own language."""
    table: dict[str, set[str]] = {}
    for group in _LEXICON_DATA["groups"]:  # type: ignore[attr-defined]
        words = {lang: _folded_word(word) for lang, word in group.items()}
        stems = {stem(word, lang) for lang, word in words.items()}
        for word in words.values():
            for key in _own_stems(word):
                table.setdefault(key, set()).update(stems)
    return {key: frozenset(found) for key, found in table.items()}


_LEXICON_DATA = _data("lexicon.json")
LEXICON = _lexicon()


@lru_cache(maxsize=16_384)
def query_stems(word: str) -> frozenset[str]:
    """The stems a query word may match: a query has no language, so a Latin
    word is stemmed both as English and as French; with each stem, the stems
    of its translations in the domain's lexicon («صحة» also finds "health"
    and «santé»)."""
    own = _own_stems(word)
    return own.union(*(LEXICON.get(s, frozenset()) for s in own))


# --- the stored document and the query, as the index sees them ---------------

# Field classes, best first: a word found in a title ranks above one found in
# a summary (or the keywords), which ranks above one in the body (descriptions,
# organisation and partner names). An index term is its class's digit and the
# word's surface form, or its class's digit + STEMMED and the word's stem:
# "1health" (a title's word), "6health" (a body's stem). Both databases index
# these terms as they are, so a lookup is one term, never a parse.
TITLE, SUMMARY, BODY = 1, 2, 3
FIELD_CLASSES = (TITLE, SUMMARY, BODY)
STEMMED = 3
# A stop word's place in the document: phrases keep their distances («الإنذار
# في وقت مبكر» is not the phrase «الإنذار المبكر»), and no stop word is indexed.
GAP = "0"

Field = tuple[int, str | None, Language]


def document(fields: Iterable[Field]) -> str:
    """The search document of an entry's `fields` (class, text, language):
    every word's surface term in the order of the texts (so phrases are
    consecutive terms), then each class's distinct stems."""
    surface: list[str] = []
    stems: dict[int, dict[str, None]] = {c: {} for c in FIELD_CLASSES}
    for field_class, text, lang in fields:
        if not text:
            continue
        for word in folding.tokens(text):
            if word in STOP_WORDS:
                surface.append(GAP)
                continue
            surface.append(f"{field_class}{word}")
            stems[field_class][stem(word, lang)] = None
    surface += [
        f"{field_class + STEMMED}{word}"
        for field_class in FIELD_CLASSES
        for word in stems[field_class]
    ]
    return " ".join(surface)


_SURFACE_CLASSES = frozenset(str(c) for c in FIELD_CLASSES)


def surface_words(document: str) -> set[str]:
    """The words (folded, as written) of a stored search document."""
    return {t[1:] for t in document.split() if t[:1] in _SURFACE_CLASSES}


@dataclass(frozen=True, slots=True)
class Unit:
    """What a query looks for: a word (its surface form and stems) or a quoted
    phrase (its surface forms in a row, GAP for a stop word within)."""

    words: tuple[str, ...]
    stems: frozenset[str] = frozenset()
    prefix: bool = False  # the query's last word: also its longer words
    # A phrase's translations (the lexicon's phrases), as phrases of words.
    translations: tuple[tuple[str, ...], ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def label(self) -> str:
        return " ".join(w for w in self.words if w != GAP)


MAX_UNITS = 16  # words and phrases a query is searched for; more are ignored
_QUOTED = re.compile(r'"([^"]*)"?')


def _phrase_words(text: str) -> tuple[str, ...]:
    """A phrase's words as the index holds them in a row (GAP: a stop word)."""
    words = [GAP if w in STOP_WORDS else w for w in folding.tokens(text)]
    while words and words[0] == GAP:
        words.pop(0)
    while words and words[-1] == GAP:
        words.pop()
    return tuple(words)


def _phrases() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A lexicon phrase's words -> its translations' words."""
    table: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for group in _LEXICON_DATA["phrases"]:  # type: ignore[attr-defined]
        forms = [_phrase_words(text) for text in group.values()]
        for form in forms:
            table[form] = tuple(other for other in forms if other != form)
    return table


PHRASES = _phrases()


def _phrase(text: str) -> Unit | None:
    words = _phrase_words(text)
    if not words:
        return None
    return Unit(words, translations=PHRASES.get(words, ()))


def parse_query(q: str) -> list[Unit]:
    """The units of query `q`: each quoted phrase, each other word but the stop
    words (the last word, when the query ends in it, also as a prefix), in
    order, without repeats."""
    units: list[Unit] = []
    position = 0
    for quoted in [*_QUOTED.finditer(q), None]:
        end = quoted.start() if quoted else len(q)
        plain = words(q[position:end])
        last_is_prefix = quoted is None and not q[end - 1 : end].isspace()
        for index, word in enumerate(plain):
            prefix = last_is_prefix and index == len(plain) - 1
            translated = PHRASES.get((word,), ())  # "cybersecurity": «الأمن السيبراني»
            units.append(Unit((word,), query_stems(word), prefix, translated))
        if quoted is not None:
            phrase = _phrase(quoted.group(1))
            if phrase is not None:
                units.append(phrase)
            position = quoted.end()
    unique = list(dict.fromkeys(units))
    return unique[:MAX_UNITS]


# An entry's searched texts: field -> its class (each in ar, en and fr columns).
SEARCHED_FIELDS = {
    "title": TITLE,
    "summary": SUMMARY,
    "description": BODY,
    "impact": BODY,
    "challenges": BODY,
}


def entry_document(
    texts: Mapping[str, str | None],
    keywords: Sequence[str],
    names: Sequence[str | None],
) -> str:
    """An entry's search document: `texts` by column ("title_ar", ...), its
    keywords (summary class) and its organisations' names (body class). The
    body is the description, the impact and the challenges: «فُحص أكثر من
    خمسة وأربعين ألف مريض» is told in the impact."""
    fields: list[Field] = [
        (field_class, texts.get(f"{name}_{lang}"), lang)
        for name, field_class in SEARCHED_FIELDS.items()
        for lang in LANGUAGES
    ]
    fields += [(SUMMARY, keyword, "en") for keyword in keywords]
    fields += [(BODY, name, "en") for name in names]
    fields.sort(key=lambda f: f[0])
    return document(fields)
