"""Text folding for search: one spelling per word, whatever the keyboard.

Applied to documents before indexing and to queries before matching, so
«الذكاء الاصطناعي», «الذكاء الإصطناعى» and «الذكآء الاصطناعي» are the same
words, and so are «santé» and «sante»; «الواحات» and «واحات» are one word (the
article is dropped). Both databases then index the same tokens (FTS5 on
SQLite, tsvector on PostgreSQL).
"""

import re
import sys
import unicodedata
from functools import lru_cache

# Letters whose variants are written interchangeably in Arabic. Hamza and madda
# carriers (أ إ آ ؤ ئ) decompose under NFKD and lose their marks below.
_ARABIC_LETTERS = {
    "ٱ": "ا",  # alef wasla
    "ى": "ي",  # alef maqsura
    "ة": "ه",  # ta marbuta
    "ـ": None,  # tatweel
}
# Look-alikes from Persian and Urdu keyboards (and text pasted from them): the
# same letter to a reader, another code point (as Lucene's Persian normaliser).
# Presentation forms (ﻻ, ﺔ) need nothing: NFKD gives their plain letters.
_LOOK_ALIKES = {
    "ی": "ي",  # farsi yeh
    "ې": "ي",
    "ۍ": "ي",
    "ێ": "ي",
    "ے": "ي",  # yeh barree
    "ک": "ك",  # keheh
    "ڪ": "ك",  # swash kaf
    "ھ": "ه",  # heh doachashmee
    "ہ": "ه",  # heh goal
    "ە": "ه",  # ae (and heh with yeh above, after NFKD)
    "ۃ": "ه",  # teh marbuta goal
}
# Letters other alphabets add for sounds Arabic writes with the nearest
# letter: «ڤيديو» and «فيديو», «گوگل» and «كوكل» are searched alike.
_NEIGHBOURS = {"ڤ": "ف", "پ": "ب", "چ": "ج", "ژ": "ز", "گ": "ك"}
_DIGITS = dict(zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789", strict=True))
# One table for one pass: every combining mark (tashkeel, accents, the marks
# NFKD splits off hamza carriers) dropped, letter variants and digits mapped.
_FOLD = str.maketrans(
    {chr(c): None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}
    | _ARABIC_LETTERS
    | _LOOK_ALIKES
    | _NEIGHBOURS
    | _DIGITS
)
# Letters and digits only: an underscore or a dot splits words on every engine.
_TOKEN = re.compile(r"[^\W_]+")


# The alef that carries tanwin al-fath at the end of a word is not part of it:
# «نموذجًا» is «نموذج» (the accusative), the mark written either side of it.
_TANWIN_ALEF = re.compile(
    "(?:\u064b\u0627|\u0627\u064b)(?![\\w\u0610-\u061a\u064b-\u065f\u0670])"
)


def fold(text: str) -> str:
    """`text` without case, accents, tashkeel, tatweel or letter variants."""
    text = _TANWIN_ALEF.sub("", text)
    return unicodedata.normalize("NFKD", text).translate(_FOLD).casefold()


# The definite article and the one-letter words written onto it, one or two:
# «الواحات», «والواحات», «بالواحات», «للواحات», «وبالواحات», «وللواحات» are
# all looked up as «واحات».
_ARTICLE = re.compile(r"^(?:[وف]?[بك]?ال|[وف]?لل)(?=\w{3})")
# «لل» is ل + the article, or ل written onto a word that begins with ل: «للاجئين»
# is «ل» + «اللاجئين», «للبنان» is «ل» + «لبنان». The words of the domain that
# begin with ل (folded), so their ل stays: reviewed, tests/test_analysis.py.
_LAM_WORDS = (
    "لاجي",  # لاجئ, refugee
    "لبنان",
    "ليبي",  # ليبيا, Libya, ليبي, Libyan
    "لغه",  # لغة, language
    "لغات",
    "لغوي",
    "لجنه",  # لجنة, committee
    "لجان",
    "لقاح",  # vaccine
    "لوجست",  # logistics
    "ليزر",  # laser
)
_LAM = re.compile(r"^([وف]?)لل(?=" + "|".join(w[1:] for w in _LAM_WORDS) + ")")


def without_article(word: str) -> str:
    """An Arabic word without its article (if what remains is 3+ letters)."""
    word = _LAM.sub(r"\1الل", word)  # «للاجئين» read as «اللاجئين»
    return _ARTICLE.sub("", word)


@lru_cache(maxsize=65_536)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    return tuple(without_article(word) for word in _TOKEN.findall(fold(chunk)))


def tokens(text: str) -> list[str]:
    """The folded words of `text`, in order, Arabic words without the article.

    Folded a whitespace-separated chunk at a time through a cache: words repeat
    (a search document has ~350 words, most of them common), and folding
    never joins or splits across whitespace, so the result is the same as
    folding the whole text (tests/test_folding.py checks it)."""
    return [token for chunk in text.split() for token in _chunk_tokens(chunk)]


def document(*parts: str | None) -> str:
    """The searchable form of several texts: folded words separated by spaces."""
    return " ".join(token for part in parts if part for token in tokens(part))
