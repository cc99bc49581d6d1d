"""The catalog as a policymaker uses it: the filters chosen stay chosen,
named, through a change of sort, a next page and a change of language, until
their chip is removed."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ON_ONE_BACKEND

pytestmark = ON_ONE_BACKEND  # see tests/browser/conftest.py


def _chips(page: Page) -> list[str]:
    return [
        re.sub(r"\s*×.*", "", chip, flags=re.S).strip()
        for chip in page.locator(".chip").all_inner_texts()
    ]


def test_filters_stay_through_sort_page_and_language_until_removed(
    page: Page,
) -> None:
    page.goto("/projects?lang=en")
    page.locator('input[name="action_line"][value="C7"]').check()
    page.locator('input[name="country"][value="EG"]').check()
    page.locator(".facets button").click()
    expect(page.locator(".chip")).to_have_count(2)
    assert _chips(page) == [
        "C7 ICT applications: benefits in all aspects of life",
        "Egypt",
    ]

    page.select_option("#sort", "title")
    page.locator(".search-row button").click()
    assert _chips(page) == [
        "C7 ICT applications: benefits in all aspects of life",
        "Egypt",
    ]
    assert "sort=title" in page.url

    page.locator("a[hreflang=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert _chips(page) == [
        "C7 تطبيقات تكنولوجيا المعلومات والاتصالات: الفوائد في جميع جوانب الحياة",
        "مصر",
    ]
    expect(page.locator("#sort")).to_have_value("title")

    page.locator(".chip", has_text="مصر").click()
    assert len(_chips(page)) == 1
    assert "country=" not in page.url
    assert "action_line=C7" in page.url


def test_a_combination_with_no_entry_keeps_its_values_checked_and_named(
    page: Page,
) -> None:
    page.goto("/projects?action_line=C7.4&country=EG&lang=fr")

    expect(page.locator(".total")).to_contain_text("0")
    assert _chips(page) == ["C7.4 Cybersanté", "Égypte"]
    expect(page.locator('input[name="action_line"][value="C7.4"]')).to_be_checked()
    expect(page.locator('input[name="country"][value="EG"]')).to_be_checked()
