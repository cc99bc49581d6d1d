"""What a text field may hold: the one text policy of every input path.

Two kinds of field. A *single-line* field (titles, names, keywords, a search)
holds one line; a *multi-line* field (descriptions, comments, reasons) may
hold line breaks and tabs. Both are normalised first, the way a person pasting
from a word processor or a PDF would expect, then checked:

- normalised in both: CRLF and CR become LF; the byte-order mark (U+FEFF, often
  pasted from files) is dropped;
- normalised in single-line fields: tab, no-break space and the other Unicode
  spaces become an ordinary space (a title copied from Word carries NBSPs);
- normalised in multi-line fields: U+2028 / U+2029 become a line break;
- refused in both (422 naming the field): NUL and every other C0 or C1 control
  (vertical tab, form feed, escape, U+0085 ...), DEL, lone surrogates,
  non-characters (U+FFFE ...) and the bidi overrides U+202D / U+202E, which
  reorder what a reader sees (Trojan Source);
- refused in single-line fields too: line breaks and every bidi embedding,
  override or isolate (U+202A-U+202E, U+2066-U+2069). Arabic and Latin text mix
  correctly without them, and pages isolate each value themselves.

Refusing rather than silently deleting keeps what was typed honest: the person
is told which invisible character is there and can remove it.
"""

from enum import Enum

# Tab, no-break space, and the other Unicode space separators (Zs).
SPACES = (
    "\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
)
_TO_SPACE = str.maketrans(dict.fromkeys(SPACES, " "))
_MULTI_LINE = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
LINE_BREAKS = frozenset("\n\u2028\u2029")
BIDI_OVERRIDES = frozenset("\u202d\u202e")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Problem(Enum):
    """Why a text is refused (each has its own message)."""

    NUL = "nul"
    CONTROL = "control"
    LINE_BREAK = "line_break"
    BIDI_CONTROL = "bidi_control"


def normalise(value: str, *, multiline: bool) -> str:
    """`value` with the harmless pasted forms replaced (see the module doc)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if multiline:
        return value.translate(_MULTI_LINE)
    return value.translate(_TO_SPACE)


def _is_refused_control(char: str, *, multiline: bool) -> bool:
    code = ord(char)
    if code < 0x20:
        return not (multiline and char in "\n\t")
    return (
        0x7F <= code <= 0x9F  # DEL and the C1 controls (U+0085 among them)
        or 0xD800 <= code <= 0xDFFF  # a lone surrogate cannot be stored as UTF-8
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE  # U+FFFE, U+FFFF and their kind per plane
    )


def problem(value: str, *, multiline: bool) -> tuple[Problem, str] | None:
    """The first refused character of a normalised `value`, as (why, "U+XXXX")."""
    for char in value:
        found: Problem | None = None
        if char == "\x00":
            found = Problem.NUL
        elif char in LINE_BREAKS and not multiline:
            found = Problem.LINE_BREAK
        elif _is_refused_control(char, multiline=multiline):
            found = Problem.CONTROL
        elif char in BIDI_OVERRIDES or (char in BIDI_CONTROLS and not multiline):
            found = Problem.BIDI_CONTROL
        if found is not None:
            return found, f"U+{ord(char):04X}"
    return None
