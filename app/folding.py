"""Text folding for search: one spelling per word, whatever the keyboard.

Applied to documents before indexing and to queries before matching, so
«الذكاء الاصطناعي», «الذكاء الإصطناعى» and «الذكآء الاصطناعي» are the same
words, and so are «santé» and «sante»; «الواحات» and «واحات» are one word (the
article is dropped). Both databases then index the same tokens (FTS5 on
SQLite, tsvector on PostgreSQL).
"""

import re
import unicodedata

# Letters whose variants are written interchangeably in Arabic. Hamza and madda
# carriers (أ إ آ ؤ ئ) decompose under NFKD and lose their marks below.
_ARABIC_LETTERS = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura
        "ة": "ه",  # ta marbuta
        "ـ": None,  # tatweel
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Letters and digits only: an underscore or a dot splits words on every engine.
_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` without case, accents, tashkeel, tatweel or letter variants."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_ARABIC_LETTERS).translate(_DIGITS).casefold()


# The definite article and the one-letter words written onto it: «الواحات»,
# «والواحات», «بالواحات», «للواحات» are all looked up as «واحات».
_ARTICLE = re.compile(r"^(?:[وفبك]?ال|لل)(?=\w{3})")


def without_article(word: str) -> str:
    """An Arabic word without its article (if what remains is 3+ letters)."""
    return _ARTICLE.sub("", word)


def tokens(text: str) -> list[str]:
    """The folded words of `text`, in order, Arabic words without the article."""
    return [without_article(word) for word in _TOKEN.findall(fold(text))]


def document(*parts: str | None) -> str:
    """The searchable form of several texts: folded words separated by spaces."""
    return " ".join(token for part in parts if part for token in tokens(part))
