"""The repository's languages, defined once (app/languages.py), and the one
order a missing text is looked for in."""

import pytest

from app.config import Settings
from app.i18n import LOCALES
from app.languages import LANGUAGES, Language, direction, fallback_order
from app.schemas.common import LocalizedText


def test_the_languages_are_the_enum_s_arabic_first() -> None:
    assert LANGUAGES == ("ar", "en", "fr") == tuple(Language)
    assert LOCALES == LANGUAGES  # the pages' languages are the texts'
    assert tuple(LocalizedText.model_fields) == LANGUAGES


@pytest.mark.parametrize(
    ("preferred", "original", "order"),
    [
        ("en", None, ("en", "ar", "fr")),
        ("fr", None, ("fr", "ar", "en")),
        ("ar", None, ("ar", "en", "fr")),
        ("fr", "en", ("fr", "en", "ar")),  # the entry's own language next
        ("en", "en", ("en", "ar", "fr")),
        ("ar", "fr", ("ar", "fr", "en")),
    ],
)
def test_a_text_is_looked_for_in_the_page_s_then_the_entry_s_language(
    preferred: str, original: str | None, order: tuple[str, ...]
) -> None:
    assert fallback_order(preferred, original) == order


def test_arabic_is_written_right_to_left() -> None:
    assert [direction(lang) for lang in LANGUAGES] == ["rtl", "ltr", "ltr"]


def test_the_default_language_is_a_setting_of_the_three() -> None:
    assert Settings(environment="test").default_locale == "ar"
    french = Settings.model_validate({"environment": "test", "default_locale": "fr"})
    assert french.default_locale == Language.FR
    with pytest.raises(ValueError, match="default_locale"):
        Settings.model_validate({"environment": "test", "default_locale": "de"})
