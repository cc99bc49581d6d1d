"""Hostile characters, by class: the table every hostile-input test reads.

Each class is a short string a person (or an attacker) can put in a text
field. The text policy (app/text_policy.py) refuses some, normalises others;
every output (mail, feed, exports, charts, pages) must survive all of them,
including rows stored before the policy existed.
"""

HOSTILE: dict[str, str] = {
    "nul": "a\x00b",
    "carriage_return": "a\rb",
    "line_feed": "a\nb",
    "crlf_header_injection": "a\r\nBcc: victim@example.org",
    "vertical_tab": "a\x0bb",
    "form_feed": "a\x0cb",
    "escape": "a\x1b[31mb",
    "backspace": "a\x08b",
    "delete": "a\x7fb",
    "c1_next_line": "a\x85b",
    "c1_control": "a\x9bb",
    "line_separator": "a\u2028b",
    "paragraph_separator": "a\u2029b",
    "bidi_embedding": "a\u202bb\u202c",
    "bidi_override": "a\u202eb",
    "bidi_isolate": "a\u2067b\u2069",
    "noncharacter": "a\ufffeb",
    "byte_order_mark": "\ufeffab",
    "xml_markup": "<b>a</b> & \"b\" 'c' ]]>",
    "script_tag": "<script>alert(1)</script>",
    "formula": '=HYPERLINK("http://evil.example")',
    "tab": "a\tb",
    "no_break_space": "a\u00a0b",
}

# Classes a single-line field accepts (possibly normalised): the rest are refused.
SINGLE_LINE_ACCEPTED = {
    "byte_order_mark",
    "xml_markup",
    "script_tag",
    "formula",
    "tab",
    "no_break_space",
}
# Classes a multi-line field accepts (possibly normalised).
MULTI_LINE_ACCEPTED = SINGLE_LINE_ACCEPTED | {
    "carriage_return",
    "line_feed",
    "crlf_header_injection",
    "line_separator",
    "paragraph_separator",
    "bidi_embedding",
    "bidi_isolate",
}
