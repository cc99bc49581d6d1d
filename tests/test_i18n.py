"""The Arabic and French catalogs are complete and match the code's messages."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR, negotiate_locale, translate
from app.messages import RULE_MESSAGES, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("app/**.py", "python"),
    ("app/templates/**.txt", "jinja2"),
    ("app/templates/**.html", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def message_ids_in_code() -> set[str]:
    found = extract_from_dir(
        str(ROOT), METHODS, keywords={"N_": None, "_": None, "gettext": None}
    )
    return {
        message
        for _file, _line, message, _comments, _context in found
        if isinstance(message, str)  # no plural forms are used
    }


@pytest.mark.parametrize("locale", ["ar", "fr"])
def test_every_message_is_translated_with_its_placeholders(locale: str) -> None:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale)
    entries = {m.id: m for m in catalog if m.id}

    assert set(entries) >= message_ids_in_code(), "run pybabel extract + update"
    for message_id, entry in entries.items():
        assert entry.string, f"{locale}: untranslated: {message_id}"
        assert "fuzzy" not in entry.flags, message_id
        assert sorted(PLACEHOLDER.findall(str(entry.string))) == sorted(
            PLACEHOLDER.findall(str(message_id))
        ), message_id


def test_every_error_code_has_a_message() -> None:
    assert set(RULE_MESSAGES) == set(ErrorCode)


def test_messages_are_translated_and_filled() -> None:
    template = RULE_MESSAGES[ErrorCode.UNKNOWN_CODE]

    assert translate("en", template, code="XX") == "Unknown code: XX."
    assert "XX" in translate("ar", template, code="XX")
    assert translate("ar", template, code="XX") != translate("fr", template, code="XX")


class FakeConnection:
    def __init__(self, query: dict[str, str], cookies: dict[str, str], header: str):
        self.query_params = query
        self.cookies = cookies
        self.headers = {"accept-language": header} if header else {}


@pytest.mark.parametrize(
    ("query", "cookies", "header", "expected"),
    [
        ({"lang": "fr"}, {"lang": "en"}, "ar", "fr"),
        ({}, {"lang": "en"}, "fr", "en"),
        ({}, {}, "de-DE,fr;q=0.8,en;q=0.5", "fr"),
        ({}, {}, "de-DE", "ar"),
        ({"lang": "xx"}, {}, "", "ar"),
        ({}, {}, "en;q=bad, fr;q=0.3", "fr"),
    ],
)
def test_locale_negotiation(
    query: dict[str, str], cookies: dict[str, str], header: str, expected: str
) -> None:
    connection = FakeConnection(query, cookies, header)

    assert negotiate_locale(connection) == expected  # type: ignore[arg-type]
