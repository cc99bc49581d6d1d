"""Marking the words of a search in a title or summary (`<mark>`, escaped).

A word of the text is marked when the search analyser (`app.analysis`) makes
it one of the query's words: the same surface form or the same stem, the last
query word also as the beginning of a word (the search reads it as a prefix).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from app import analysis, folding

# A written word: letters and digits with the marks written inside it
# (tashkeel, tatweel, Latin combining accents), so «الذَّكَاءُ» is one word.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_MARKS}])*")


MEMO_SIZE = 4096  # written words remembered per query


@dataclass(frozen=True)
class QueryWords:
    surfaces: frozenset[str]
    stems: frozenset[str]
    prefix: str | None  # the last word, matched as the start of a word
    # Written word -> matched: a page's cards repeat most of their words.
    _seen: dict[str, bool] = field(default_factory=dict, compare=False)

    def match(self, word: str) -> bool:
        """True if the written `word` is one of the query's words."""
        found = self._seen.get(word)
        if found is None:
            found = self._match(word)
            if len(self._seen) < MEMO_SIZE:  # bounded: kept for 256 queries
                self._seen[word] = found
        return found

    def _match(self, word: str) -> bool:
        for token in folding.tokens(word):
            if token in self.surfaces or analysis.stem(token) in self.stems:
                return True
            if self.prefix and token.startswith(self.prefix):
                return True
        return False


@lru_cache(maxsize=256)
def query_words(query: str) -> QueryWords:
    """The forms of `query`'s words (made once per query: each card asks)."""
    words = analysis.words(query)
    stems = frozenset(stem for word in words for stem in analysis.query_stems(word))
    last = words[-1] if words and not query.rstrip().endswith('"') else None
    return QueryWords(frozenset(words), stems, last)


def highlight(text: str, query: str | None) -> Markup:
    """`text` escaped, the words matching `query` in `<mark>`."""
    if not query:
        return escape(text)
    wanted = query_words(query)
    if not wanted.surfaces:
        return escape(text)
    # Escaped a stretch at a time between the marked words (most words are
    # not marked: escaping word by word costs a catalog page milliseconds).
    parts: list[str] = []
    end = 0
    for found in _WORD.finditer(text):
        if wanted.match(found.group()):
            parts.append(escape(text[end : found.start()]))
            parts.append(f"<mark>{escape(found.group())}</mark>")
            end = found.end()
    parts.append(escape(text[end:]))
    return Markup("".join(parts))
