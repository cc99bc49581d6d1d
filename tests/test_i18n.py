"""The Arabic and French catalogs are complete and match the code's messages."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR, negotiate_locale, plural, translate
from app.messages import RULE_MESSAGES, VALIDATION_MESSAGES, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("app/**.py", "python"),
    ("app/templates/**.txt", "jinja2"),
    ("app/templates/**.html", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def message_ids_in_code() -> set[str | tuple[str, str]]:
    """Every message the code marks: a string, or (singular, plural)."""
    found = extract_from_dir(
        str(ROOT),
        METHODS,
        keywords={
            "N_": None,
            "_": None,
            "gettext": None,
            "Np_": (1, 2),
            "ngettext": (1, 2),
        },
    )
    return {
        message if isinstance(message, str) else (message[0], message[1])
        for _file, _line, message, _comments, _context in found
    }


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


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
        if isinstance(message_id, str):
            assert _placeholders(str(entry.string)) == _placeholders(message_id)
            continue
        # A plural form may say its number in words ("مبادرة واحدة").
        assert len(entry.string) == catalog.num_plurals, message_id
        for form in entry.string:
            assert form, message_id
            assert set(_placeholders(form)) <= set(_placeholders(message_id[1]))


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


ARABIC_ENTRIES = {
    0: "0 مبادرة",
    1: "مبادرة واحدة",
    2: "مبادرتان",
    3: "3 مبادرات",
    11: "11 مبادرة",
    100: "100 مبادرة",
}


class TestPluralForms:
    """Counted messages take the CLDR plural form of their number: Arabic
    has six (zero, one, two, few 3-10, many 11-99, other 100-102...)."""

    @pytest.mark.parametrize(("n", "expected"), ARABIC_ENTRIES.items())
    def test_arabic_counts_of_entries(self, n: int, expected: str) -> None:
        text = plural("ar", "%(num)s entry", "%(num)s entries", n) % {"num": n}
        assert text == expected

    @pytest.mark.parametrize(
        ("n", "expected"),
        [
            (0, "يجب ألا يقل عن 0 حرف."),
            (1, "يجب ألا يقل عن حرف واحد."),
            (2, "يجب ألا يقل عن حرفين."),
            (3, "يجب ألا يقل عن 3 أحرف."),
            (10, "يجب ألا يقل عن 10 أحرف."),
            (11, "يجب ألا يقل عن 11 حرفًا."),
            (100, "يجب ألا يقل عن 100 حرف."),
        ],
    )
    def test_a_counted_rule_message_follows_its_number(
        self, n: int, expected: str
    ) -> None:
        message = VALIDATION_MESSAGES["string_too_short"]
        assert translate("ar", message, min_length=str(n)) == expected

    @pytest.mark.parametrize(
        ("lang", "n", "expected"),
        [
            ("fr", 0, "0 initiative"),
            ("fr", 1, "1 initiative"),
            ("fr", 2, "2 initiatives"),
            ("en", 1, "1 entry"),
            ("en", 0, "0 entries"),
            ("en", 2, "2 entries"),
        ],
    )
    def test_french_and_english(self, lang: str, n: int, expected: str) -> None:
        text = plural(lang, "%(num)s entry", "%(num)s entries", n) % {"num": n}
        assert text == expected
