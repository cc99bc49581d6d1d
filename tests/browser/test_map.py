"""The map as a visitor uses it: a small state's marker and a large state's
shape each lead, in the page itself, to that country's page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ON_ONE_BACKEND

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py


@pytest.mark.parametrize(("lang", "bahrain"), [("en", "Bahrain"), ("ar", "البحرين")])
def test_bahrains_marker_opens_its_country_page(
    page: Page, lang: str, bahrain: str
) -> None:
    page.goto(f"/map?lang={lang}")
    marker = page.locator(f'svg.map-svg a[href="/countries/BH?lang={lang}"] circle')
    box = marker.bounding_box()
    assert box is not None
    assert min(box["width"], box["height"]) >= 24  # a target easy to hit

    marker.click()

    expect(page).to_have_url(re.compile(rf"/countries/BH\?lang={lang}$"))
    expect(page.locator("h1")).to_have_text(bahrain)


def test_a_click_on_morocco_opens_its_country_page(page: Page) -> None:
    page.goto("/map?lang=fr")
    # Where its name is drawn: names let clicks through to the shape below.
    name = page.locator("svg.map-svg g[aria-hidden] text", has_text="Maroc")
    box = name.bounding_box()
    assert box is not None

    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    expect(page).to_have_url(re.compile(r"/countries/MA\?lang=fr$"))
    expect(page.locator("h1")).to_have_text("Maroc")


def test_the_map_is_keyboard_reachable_and_named(page: Page) -> None:
    page.goto("/map?lang=en")
    link = page.locator('svg.map-svg a[href="/countries/TN?lang=en"]')

    link.focus()

    expect(link).to_be_focused()
    expect(link).to_have_accessible_name(re.compile(r"^Tunisia: \d+ entr(y|ies)$"))
