"""The country profile printed as a ministry would print it: one or two A4
pages, without the site's navigation, footer or forms, naming its address."""

import io

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.browser.conftest import ON_ONE_BACKEND

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

LANGUAGES = ["ar", "en", "fr"]
# What only the screen shows: the navigation, the footer, the forms and hint.
SCREEN_ONLY = [
    ".site-header",
    ".site-footer",
    ".languages",
    "form",
    ".profile-actions",
    ".skip",
]
# The header's and footer's own words, which must not reach the paper.
NOT_PRINTED = {
    "en": ["Sign in", "Register", "Choose a country", "hosted by the Arab ICT"],
    "fr": ["Se connecter", "S’inscrire", "Catalogue"],
    "ar": ["تسجيل الدخول", "إنشاء حساب"],
}


def printed(page: Page) -> PdfReader:
    page.emulate_media(media="print")
    return PdfReader(io.BytesIO(page.pdf(format="A4")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_profile_prints_on_at_most_two_a4_pages(page: Page, lang: str) -> None:
    page.goto(f"/countries/TN?lang={lang}")

    pdf = printed(page)

    assert 1 <= len(pdf.pages) <= 2
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    # A4 is 595 x 842 points (Chromium rounds its pixels: a point more or less).
    assert abs(float(width) - 595) <= 1.5
    assert abs(float(height) - 842) <= 1.5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_navigation_footer_and_forms_are_not_printed(page: Page, lang: str) -> None:
    page.goto(f"/countries/TN?lang={lang}")
    page.emulate_media(media="print")

    for selector in SCREEN_ONLY:
        for element in page.locator(selector).all():
            assert not element.is_visible(), f"{selector} shows in print"
    assert page.locator(".printed").is_visible()  # the address and the day

    text = "".join(p.extract_text() for p in printed(page).pages)
    for words in NOT_PRINTED[lang]:
        assert words not in text, words
    assert "/countries/TN?lang=" in text.replace("\n", "")


def test_on_screen_the_address_line_is_hidden_and_the_hint_shown(page: Page) -> None:
    page.goto("/countries/TN?lang=en")

    assert not page.locator(".printed").is_visible()
    assert page.locator(".print-hint").is_visible()
    assert page.locator(".site-header").is_visible()
