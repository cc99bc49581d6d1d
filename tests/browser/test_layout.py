"""Pages as a reader sees them: direction and fonts per language, every resource
served, and no sideways scrolling on a narrow screen (WCAG 1.4.10, reflow)."""

import pytest
from playwright.sync_api import Page, Request, Response

from tests.browser.conftest import ON_ONE_BACKEND, OpenContext
from tests.browser.test_accessibility import LANGUAGES, PAGES, AuditedPage, in_language

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py

FONTS = {"ar": "Noto Sans Arabic", "en": "Noto Sans", "fr": "Noto Sans"}
LOADED_FONTS = """() => document.fonts.ready.then(fonts => [...fonts]
    .filter(face => face.status === "loaded")
    .map(face => face.family.replaceAll('"', "")))"""
# How far the h1's text is from the start edge of <main>: the right edge in
# a right-to-left page.
START_GAP = """() => {
    const main = document.querySelector("main").getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(document.querySelector("h1"));
    const text = range.getBoundingClientRect();
    return getComputedStyle(document.body).direction === "rtl"
        ? main.right - text.right
        : text.left - main.left;
}"""
# The innermost elements (or their text) that stick out of the viewport, if any.
STICKING_OUT = r"""() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out = el => {
        const box = el.getBoundingClientRect();
        const clipped = el.clientWidth > 1 && el.scrollWidth > el.clientWidth;
        return box.width > 1 && (box.left < 0 || box.right > width || clipped);
    };
    const found = [...document.body.querySelectorAll("*")].filter(out);
    return found
        .filter(el => !found.some(other => other !== el && el.contains(other)))
        .map(el => `<${el.localName} class="${el.className}">`
            + ` ${el.textContent.replace(/\s+/g, " ").trim().slice(0, 60)}`);
}"""


class TestLanguage:
    @pytest.mark.parametrize(
        ("lang", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr")]
    )
    def test_page_runs_in_its_direction_in_the_apps_own_font(
        self, page: Page, lang: str, direction: str
    ) -> None:
        page.goto(f"/?lang={lang}")

        assert page.evaluate("getComputedStyle(document.body).direction") == direction
        assert page.evaluate(START_GAP) < 40  # main's padding is 24 px
        assert FONTS[lang] in page.evaluate(LOADED_FONTS)

    def test_arabic_charts_use_the_arabic_font(self, page: Page) -> None:
        page.goto("/charts/action-lines.svg?lang=ar")

        assert "Noto Sans Arabic" in page.evaluate(LOADED_FONTS)


class TestResources:
    @pytest.mark.parametrize("path", ["/", "/dashboard", "/countries/TN"])
    def test_every_stylesheet_font_script_and_chart_is_served(
        self, page: Page, path: str
    ) -> None:
        failed: list[str] = []

        def check(response: Response) -> None:
            if response.status >= 400:
                failed.append(f"{response.status} {response.url}")

        def lost(request: Request) -> None:
            failed.append(f"{request.failure} {request.url}")

        page.on("response", check)
        page.on("requestfailed", lost)
        page.goto(in_language(path, "ar"), wait_until="networkidle")

        assert not failed


class TestReflow:
    @pytest.mark.parametrize("lang", LANGUAGES)
    @pytest.mark.parametrize("audited", PAGES, ids=lambda audited: audited.name)
    def test_page_fits_320_css_pixels_without_sideways_scrolling(
        self, open_context: OpenContext, audited: AuditedPage, lang: str
    ) -> None:
        page = open_context(audited.role).new_page()
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(in_language(audited.path, lang))
        sticking_out = page.evaluate(STICKING_OUT)

        assert not sticking_out, "\n".join(sticking_out)
