"""Each output encodes for its own format.

The input text policy decides what a field may hold; these functions make any
stored text (rows older than the policy included) safe for one output: a mail
header or body, XML (the Atom feed, SVG charts), a spreadsheet cell, a CSV cell,
JSON. They never refuse: an output must not fail on text it can repair, and one
bad row must not cut off a download or stop the mail worker.
"""

import csv
import io
import re
from collections.abc import Iterable

# Python strings may hold lone surrogates (from `surrogateescape`, JSON `\ud800`),
# which no UTF-8 encoder accepts: the response or the mail fails while sent.
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls, space, DEL, C1 controls (NEL among them) and the Unicode line and
# paragraph separators: everything `str.splitlines()` splits on, which Python's
# email package refuses in a header, and every control that could garble one.
_HEADER_BREAKS = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]+")
# Characters XML 1.0 forbids (C0 but tab, LF and CR; U+FFFE, U+FFFF; lone
# surrogates), plus DEL and C1, which it allows but discourages.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BODY_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and LF stay
# A spreadsheet treats a cell starting with these as a formula: defuse them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def utf8_text(value: str) -> str:
    """`value` encodable as UTF-8: lone surrogates become U+FFFD."""
    return _SURROGATES.sub("\ufffd", value)


def header_text(value: str) -> str:
    """`value` as one line for a mail header (a subject, a name).

    A line break would end the header and start another (`Bcc:` injection),
    and Python's email package raises on one, so every control character and
    line or paragraph separator becomes a space; runs of spaces collapse and
    the ends are trimmed.
    """
    return utf8_text(_HEADER_BREAKS.sub(" ", value)).strip(" ")


def mail_body_text(value: str) -> str:
    """`value` as a plain-text mail body: every kind of line break becomes LF
    (the email package rewrites them as CRLF), other controls go (an escape
    sequence must not reach a terminal), lone surrogates become U+FFFD."""
    return utf8_text(_BODY_CONTROLS.sub("", _LINE_BREAKS.sub("\n", value)))


def xml_text(value: str) -> str:
    """`value` holding only characters XML 1.0 allows.

    One illegal character makes a whole document unreadable to any parser
    (feed readers drop the feed), so those are removed, and so are DEL and C1
    controls. Escaping `&`, `<`, `>` and quotes stays the autoescaping
    template's job (app/templating.py), so it is never done twice.
    """
    return _NOT_XML.sub("", value)


def defused(value: str) -> str:
    """`value`, made inert if a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_text(value: str) -> str:
    """`value` as an XLSX cell.

    A cell is XML inside the workbook: openpyxl refuses C0 controls
    (`ILLEGAL_CHARACTERS_RE`, raised in the middle of a streamed download) and
    writes U+FFFE into a file no program opens, so XML's rules apply. Line
    breaks become LF, a spreadsheet's own; formulas are defused.
    """
    return defused(xml_text(re.sub("\r\n?", "\n", value)))


def csv_text(value: str) -> str:
    """`value` as a CSV cell: CSV is plain text and the csv module quotes line
    breaks, so only NUL goes (many readers stop at it) and lone surrogates are
    replaced; formulas are defused, since the file opens in a spreadsheet."""
    return defused(utf8_text(value.replace("\x00", "")))


BYTE_ORDER_MARK = "\ufeff"  # so spreadsheet programs read the CSV as UTF-8


def csv_document(rows: Iterable[Iterable[object]]) -> str:
    """A small CSV file in one string: the byte-order mark, then the rows,
    every cell through `csv_text` (the full export streams instead)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_text(str(cell)) for cell in row])
    return BYTE_ORDER_MARK + buffer.getvalue()
