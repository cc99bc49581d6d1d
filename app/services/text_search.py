"""What a text query looks up and how its answers are ranked, for every path.

A query is its units (`analysis.parse_query`: words and quoted phrases). Each
unit is looked up as index terms per field class (`analysis.document`), and a
unit naming a taxonomy term or a country ("agriculture", «تونس», "Maroc")
also finds the entries filed under it. An entry matches when it matches any
unit; the ranking puts first the entries matching the most units, then the
best places they were found in (title > summary > body; the word as typed >
its stem; filed under a named term counts between a title and a summary),
then the newest. The catalog index (per snapshot, cached) and the plain SQL
reference fetch the same lookups and rank here, so both backends and both
paths answer the same entries in the same order.
"""

import bisect
import json
import math
import re
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import numpy as np
from pyroaring import BitMap
from rapidfuzz import process
from rapidfuzz.distance import OSA

from app import analysis
from app.analysis import BODY, STEMMED, SUMMARY, TITLE, Unit

# How much a unit found in each place weighs. A unit's rarity (thousandths)
# outweighs all the places of the others: MATCHED > the most they can add.
EXACT = {TITLE: 12, SUMMARY: 8, BODY: 4}
STEM = {TITLE: 10, SUMMARY: 6, BODY: 2}
FILED = 9
# A word that describes every entry of this catalog («مبادرات», "initiatives",
# "technologies": it is a catalog of technology initiatives) finds them all,
# below every place a word is found in: the entries saying it come first.
EVERY = 1
_EVERY_WORDS = "initiative initiatives technology technologies technologie"
_EVERY_ARABIC = "مبادرة مبادرات تقنية تقنيات تكنولوجيا"
# A unit's score: its best place's weight, then how many places it was found
# in (the word in the title and the summary beats the word in the title).
PLACES = 32  # more than a unit's places (3 exact, 3 stem, 3 translated, filed, every)
MATCHED = 2**16
assert analysis.MAX_UNITS * (EXACT[TITLE] + 1) * PLACES < MATCHED

# The taxonomies a query can name, with the words that name none of their terms
# alone: "E-health" is named by "health", «الصحة الإلكترونية» by «الصحة»,
# "Cybersanté" by "santé".
NAMED = (
    "action_line",
    "sdg",
    "country",
    "sub_region",
    "technology",
    "target_group",
    "activity_type",
)
_GENERIC_WORDS: tuple[tuple[str, analysis.Language], ...] = (
    ("e electronic", "en"),
    ("électronique", "fr"),
)
_GENERIC = frozenset(
    analysis.stem(word, lang)
    for text, lang in _GENERIC_WORDS
    for word in analysis.words(text)
) | frozenset(analysis.stem(w) for w in analysis.words("الإلكتروني الإلكترونية"))
_CYBER = "cyber"
EVERY_STEMS = frozenset(
    stem
    for text in (_EVERY_WORDS, _EVERY_ARABIC)
    for word in analysis.words(text)
    for stem in analysis.query_stems(word)
)


class Document:
    """A stored search document (`analysis.document`) read for lookups in
    Python: what an entry's changed document holds, without the index."""

    def __init__(self, text: str) -> None:
        self.terms = text.split()
        self.positions: dict[str, list[int]] = {}
        for position, term in enumerate(self.terms):
            self.positions.setdefault(term, []).append(position)
        self.sorted = sorted(self.positions)

    def has_prefix(self, prefix: str) -> bool:
        at = bisect.bisect_left(self.sorted, prefix)
        return at < len(self.sorted) and self.sorted[at].startswith(prefix)

    def term_at(self, position: int, term: str, *, prefix: bool) -> bool:
        if position >= len(self.terms):
            return False
        found = self.terms[position]
        return found.startswith(term) if prefix else found == term


@dataclass(frozen=True, slots=True)
class Lookup:
    """Index terms in a row (one, or a phrase's), the last maybe a prefix."""

    terms: tuple[str, ...]
    prefix: bool = False

    def holds(self, document: Document) -> bool:
        """Whether `document` matches, as FTS5 and tsquery match it: the terms
        at consecutive positions, the last one's start if a prefix."""
        first, *rest = self.terms
        if not rest:
            return (
                document.has_prefix(first)
                if self.prefix
                else first in document.positions
            )
        last = len(self.terms) - 1
        return any(
            all(
                document.term_at(start + i, term, prefix=self.prefix and i == last)
                for i, term in enumerate(self.terms)
                if i
            )
            for start in document.positions.get(first, ())
        )

    def fts5(self) -> str:
        """An FTS5 phrase (the terms are letters and digits: nothing to escape)."""
        return '"' + " ".join(self.terms) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        """A tsquery literal (quoted lexemes: no parser, no dictionary)."""
        lexemes = [f"'{term}'" for term in self.terms]
        if self.prefix:
            lexemes[-1] += ":*"
        return " <-> ".join(lexemes)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Lookups of which an entry needs one: one place a unit may be found in
    (a word in one field class, or its stems there, any of them)."""

    lookups: tuple[Lookup, ...]
    # Places are the keys of the kept places, looked up by the thousand when
    # a change is applied: the hash is computed once.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.lookups))

    def __hash__(self) -> int:
        return self._hash

    def holds(self, document: Document) -> bool:
        return any(lookup.holds(document) for lookup in self.lookups)

    def fts5(self) -> str:
        return " OR ".join(lookup.fts5() for lookup in self.lookups)

    def tsquery(self) -> str:
        return " | ".join(f"({lookup.tsquery()})" for lookup in self.lookups)


def lookups(unit: Unit) -> list[tuple[int, AnyOf]]:
    """(weight, lookups) of each place `unit` may be found in: as typed in
    each field class, then in each by its stems (its own and those of its
    lexicon translations) and, for a lexicon phrase, by its translations.
    A place is one index read, whatever the number of its lookups."""
    found: list[tuple[int, AnyOf]] = []
    for field_class, weight in EXACT.items():
        terms = tuple(
            w if w == analysis.GAP else f"{field_class}{w}" for w in unit.words
        )
        found.append((weight, AnyOf((Lookup(terms, unit.prefix),))))
    stems = sorted(unit.stems)
    for field_class, weight in STEM.items():
        if stems:
            term = field_class + STEMMED
            found.append((weight, AnyOf(tuple(Lookup((f"{term}{s}",)) for s in stems))))
        if unit.translations:  # a phrase's translations rank as its stems
            found.append(
                (
                    weight,
                    AnyOf(
                        tuple(
                            _in_class(field_class, phrase)
                            for phrase in unit.translations
                        )
                    ),
                )
            )
    return found


def _in_class(field_class: int, words: tuple[str, ...]) -> Lookup:
    return Lookup(tuple(w if w == analysis.GAP else f"{field_class}{w}" for w in words))


def any_lookup(units: Sequence[Unit]) -> list[Lookup]:
    """Every lookup of `units`: an entry matching one matches the query."""
    places = [place for unit in units for _w, place in lookups(unit)]
    return list(dict.fromkeys(lookup for place in places for lookup in place.lookups))


def fts5_any(units: Sequence[Unit]) -> str:
    return " OR ".join(lookup.fts5() for lookup in any_lookup(units))


def tsquery_any(units: Sequence[Unit]) -> str:
    return " | ".join(f"({lookup.tsquery()})" for lookup in any_lookup(units))


# --- queries that name a term -------------------------------------------------

Labels = Mapping[str, Mapping[Any, Mapping[str, str]]]  # filter -> value -> names


@dataclass(frozen=True, slots=True)
class TermName:
    """One name of a term, as the query side sees it."""

    filter: str
    value: Any
    required: frozenset[str]  # stems the query must hold to name it
    covered: frozenset[str]  # stems of the query the term stands for
    words: frozenset[str] = frozenset()  # the name's words (spellings)


def _name_stems(name: str, lang: analysis.Language) -> list[str]:
    found = []
    for word in analysis.words(name):
        if lang == "fr" and word.startswith(_CYBER) and len(word) > len(_CYBER) + 3:
            found.append(analysis.stem(word[len(_CYBER) :], lang))
        found.append(analysis.stem(word, lang))
    return found


def _aliases() -> dict[str, dict[str, list[str]]]:
    loaded: dict[str, dict[str, list[str]]] = json.loads(
        files("app").joinpath("data", "term_aliases.json").read_text(encoding="utf-8")
    )
    loaded.pop("_comment")
    return loaded


ALIASES = _aliases()


def _term_name(
    name: str, value: Any, text: str, lang: analysis.Language
) -> TermName | None:
    stems = _name_stems(text, lang)
    required = frozenset(stems) - _GENERIC
    if lang == "fr" and any(w.startswith(_CYBER) for w in analysis.words(text)):
        required = frozenset(s for s in required if not s.startswith(_CYBER))
    if not required:
        return None
    words = frozenset(analysis.words(text))
    return TermName(name, value, required, frozenset(stems), words)


_OR = re.compile(r"\s(?:or|ou|أو)\s|/|[()]")
_BRACKETED = re.compile(r"\([^)]*\)")


def alternatives(name: str) -> list[str]:
    """A term's name and the shorter names it holds: "Policy or strategy" is
    also named by "policy" and by "strategy", "Extended reality (AR/VR)" by
    "extended reality", "AR" and "VR"."""
    parts = [part.strip() for part in _OR.split(name)]
    found = [name, _BRACKETED.sub(" ", name).strip(), *parts]
    return [part for part in dict.fromkeys(found) if part]


def term_names(labels: Labels) -> list[TermName]:
    """The names of every term of the NAMED taxonomies: its names in the three
    languages and its aliases (app/data/term_aliases.json)."""
    found: list[TermName | None] = []
    for name in NAMED:
        aliases = ALIASES.get(name, {})
        for value, names in labels.get(name, {}).items():
            for lang, text in names.items():
                for part in alternatives(text):
                    found.append(_term_name(name, value, part, lang))  # type: ignore[arg-type]
            for alias in aliases.get(str(value), []):
                found.append(_term_name(name, value, alias, "en"))
    return [term for term in found if term is not None]


@dataclass(frozen=True, slots=True)
class NamedTerm:
    """A term the query names, and which of its units it stands for."""

    filter: str
    value: Any
    units: frozenset[int]  # positions in the query's units


def named_terms(names: Iterable[TermName], units: Sequence[Unit]) -> list[NamedTerm]:
    """The terms `units` name: all of a name's required stems among the
    query's word stems. A term counts once, with every unit it stands for."""
    stems_of = {
        i: u.stems | frozenset(_name_stems(u.words[0], "fr"))
        for i, u in enumerate(units)
        if not u.is_phrase
    }
    held = frozenset().union(*stems_of.values()) if stems_of else frozenset()
    covered: dict[tuple[str, Any], set[int]] = {}
    for name in names:
        if name.required <= held:
            key = (name.filter, name.value)
            covered.setdefault(key, set()).update(
                i for i, stems in stems_of.items() if stems & name.covered
            )
    return [NamedTerm(f, v, frozenset(i)) for (f, v), i in covered.items()]


@dataclass(frozen=True)
class Resolved:
    """A query as searched: its units (a word found nowhere replaced by the
    closest word the catalog holds), the terms they name, the replacements."""

    units: list[Unit]
    named: list[NamedTerm]
    corrections: dict[str, str]  # word as typed -> word searched
    every: frozenset[int] = frozenset()  # units that describe every entry


def resolve(
    units: Sequence[Unit],
    names: Iterable[TermName],
    found: Callable[[Unit], bool],
    closest: Callable[[str], Iterable[str]],
) -> Resolved:
    """`units` as searched: a word that no published entry holds and that
    names no term is searched as its closest spelling that one holds
    ("helth" as "health"), so a misspelt word still finds something; the
    words that describe every entry are marked (`EVERY`). `found`
    tells whether a unit finds a published entry; `closest`, the candidate
    spellings of a word, best first (`spellings`)."""
    names = list(names)
    name_words = {word: 0 for name in names for word in name.words}
    named = named_terms(names, units)
    every = frozenset(
        position
        for position, unit in enumerate(units)
        if not unit.is_phrase and unit.stems & EVERY_STEMS
    )
    covered = {position for term in named for position in term.units} | every
    searched = list(units)
    corrections: dict[str, str] = {}
    for position, unit in enumerate(units):
        if unit.is_phrase or position in covered or found(unit):
            continue
        word = unit.words[0]
        for other in [*closest(word), *spellings(word, name_words)]:
            candidate = Unit((other,), analysis.query_stems(other))
            if found(candidate) or named_terms(names, [candidate]):
                searched[position] = candidate
                corrections[unit.words[0]] = other
                break
    if corrections:
        named = named_terms(names, searched)
    return Resolved(searched, named, corrections, every)


def with_terms(
    query: Resolved,
    found: Sequence["Places"],
    filed: Callable[[NamedTerm], BitMap],
    everyone: BitMap,
) -> list["Places"]:
    """Each unit's places (`found`, from the index) with, for the units naming
    a term, the entries filed under it (`filed`, FILED), and for a word that
    describes every entry, all of them (`everyone`, EVERY): what `rank` ranks,
    on every path."""
    places = [list(unit) for unit in found]
    for term in query.named:
        hits = filed(term)
        for position in term.units:
            places[position].append((FILED, hits))
    for position in query.every:
        places[position].append((EVERY, everyone))
    return places


# --- ranking -------------------------------------------------------------------


# A ranked entry's sort key is one integer, larger first: its score, then its
# place in the newest order (newest first, then the larger id), so ordering a
# common word's 70,000 entries is one key, and the first page a partial sort.
NEWEST_BITS = 24  # room for 16 million entries
assert analysis.MAX_UNITS * 17_000 * MATCHED < 2 ** (63 - NEWEST_BITS)


class Ranking:
    """A query's matching entries with their scores, ranked on demand: the
    first page costs a partial sort, a later one the full sort (kept)."""

    def __init__(
        self,
        found: np.ndarray,
        scores: np.ndarray,
        newest: np.ndarray,
        published: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        self._found = found  # uint32 ids, ascending
        self._scores = scores  # int64, per id
        self._keys = (scores << NEWEST_BITS) + ((1 << NEWEST_BITS) - 1 - newest)
        self._published = published  # ids -> newest-order keys
        self._order = np.zeros(0, dtype=np.int64)  # best first (a prefix)

    @property
    def nbytes(self) -> int:
        arrays = (self._found, self._scores, self._keys, self._order)
        return int(sum(a.nbytes for a in arrays))

    def __len__(self) -> int:
        return len(self._found)

    def hits(self) -> BitMap:
        return BitMap(array("I", self._found.tobytes()))

    def order(self, count: int) -> np.ndarray:
        """Indices (into the ascending ids) of the best `count`, best first."""
        if count > len(self._order) and len(self._order) < len(self):
            if count >= len(self) // 4:  # most of it: sort it all, once
                self._order = np.argsort(-self._keys)
            else:
                best = np.argpartition(-self._keys, count - 1)[:count]
                self._order = best[np.argsort(-self._keys[best])]
        return self._order[:count]

    def ranked_ids(self, start: int, count: int) -> list[int]:
        """The ids ranked `start` to `start + count` (0 = best)."""
        return self._found[self.order(start + count)[start:]].tolist()  # type: ignore[no-any-return]

    def entry(self, position: int) -> tuple[int, int, int]:
        """(score, newest-order key, id) of the entry ranked `position`."""
        at = self.order(position + 1)[position : position + 1]
        pid = self._found[at]
        return int(self._scores[at][0]), int(self._published(pid)[0]), int(pid[0])

    # Whole arrays in rank order (tests and small answers).

    @property
    def ids(self) -> np.ndarray:
        ranked: np.ndarray = self._found[self.order(len(self))]
        return ranked

    @property
    def scores(self) -> np.ndarray:
        ranked: np.ndarray = self._scores[self.order(len(self))]
        return ranked

    @property
    def published(self) -> np.ndarray:
        return self._published(self.ids)

    def start_after(self, score: int, published: int, pid: int) -> int:
        """Where the page after the entry `pid` (of that score and time)
        starts: just after it where it is now, else where its key would be.

        A keyset, so an entry published between two pages neither repeats
        nor skips one. Scores move a little when the catalog changes (a
        word's rarity depends on how many entries hold it), so the entry
        itself is looked for first; two others can still swap places if a
        publication changes which of their words is rarer."""
        at = int(np.searchsorted(self._found, pid))
        if at < len(self) and int(self._found[at]) == pid:
            return int(np.count_nonzero(self._keys > self._keys[at])) + 1
        keys = self._published(self._found)
        better = (self._scores > score) | (
            (self._scores == score)
            & ((keys > published) | ((keys == published) & (self._found > pid)))
        )
        return int(np.count_nonzero(better))


Places = list[tuple[int, BitMap]]  # (weight, entries found there) of one unit


def rarity(total: int, holding: int) -> int:
    """How much matching a unit says, from how many of the `total` entries
    hold it: BM25's inverse document frequency, ln(1 + (N - n + 0.5) /
    (n + 0.5)), as Lucene computes it, in thousandths (never 0 for a unit
    that matches). In a catalog where nearly every entry is about AI,
    «الذكاء الاصطناعي» says little and «الصحة» much."""
    if not holding:
        return 0
    return max(1, round(math.log1p((total - holding + 0.5) / (holding + 0.5)) * 1000))


def _ids(hits: BitMap) -> np.ndarray:
    return np.frombuffer(hits.to_array(), dtype=np.uint32)


def newest_positions(
    ids: np.ndarray, published: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Each of `ids`' place in the newest order among them (0 = published
    last, then the larger id): for a caller without the catalog's order."""
    order = np.lexsort((-ids.astype(np.int64), -published(ids)))
    positions = np.empty(len(ids), dtype=np.int64)
    positions[order] = np.arange(len(ids))
    return positions


def rank(
    places: Sequence[Places],
    published: Callable[[np.ndarray], np.ndarray],
    total: int,
    newest: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Ranking:
    """Entries found anywhere in `places` (one list per unit), best first: by
    the sum of the rarity of the units each matches (so matching every word
    beats matching some of them, and the rarer words count for more), then by
    the best place each unit was found in (title > summary > body; as typed >
    stem) and how many places, then the newest (`published`: the publication
    keys of an array of ids; `newest`, if given, their places in the newest
    order, else worked out from `published`), then the largest id. `total`:
    the entries searched (the published ones)."""
    union = BitMap.union(BitMap(), *(hits for unit in places for _w, hits in unit))
    found = _ids(union)
    size = int(found[-1]) + 1 if len(found) else 0
    scores = np.zeros(size, dtype=np.int64)
    for unit in places:
        best = np.zeros(size, dtype=np.int64)
        count = np.zeros(size, dtype=np.int64)
        for weight, hits in unit:
            if hits:
                at = _ids(hits)
                best[at] = np.maximum(best[at], weight)
                count[at] += 1
        holding = len(BitMap.union(BitMap(), *(hits for _w, hits in unit)))
        matched = rarity(total, holding) * MATCHED
        scores += (best * PLACES + count) + matched * (best > 0)
    positions = newest(found) if newest else newest_positions(found, published)
    return Ranking(found, scores[found], positions.astype(np.int64), published)


# --- spelling ------------------------------------------------------------------


def max_edits(word: str) -> int:
    """How far a spelling suggestion may be from `word`: one edit for a short
    word, two for a longer one (an edit: a letter added, dropped, changed, or
    two neighbours swapped, "plam" -> "palm": the optimal string alignment
    distance)."""
    return 1 if len(word) <= 4 else 2


def spellings(word: str, vocabulary: Mapping[str, int], limit: int = 5) -> list[str]:
    """Words of `vocabulary` (word -> documents holding it) within
    `max_edits` of `word`, closest first, then the most used."""
    if not vocabulary or any(c.isdigit() for c in word):
        return []
    found = process.extract(
        word,
        list(vocabulary),
        scorer=OSA.distance,
        score_cutoff=max_edits(word),
        limit=limit * 4,
    )
    ranked = sorted(
        (distance, -vocabulary[other], other)
        for other, distance, _i in found
        if other != word
    )
    return [other for _d, _n, other in ranked[:limit]]
