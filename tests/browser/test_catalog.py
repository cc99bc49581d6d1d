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
    page.goto("/projects?lang=en&limit=2")  # two a page: there are pages
    page.locator("details.facet summary", has_text="WSIS action line").click()
    page.locator('input[name="action_line"][value="C7"]').check()
    page.locator("details.facet summary", has_text="Country").click()
    page.locator('input[name="country"][value="EG"]').check()
    page.locator(".facets > button").click()
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

    page.locator(".pagination a", has_text="2").first.click()
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("2")
    expect(page.locator(".pagination .range")).to_contain_text("3–4 of")
    assert _chips(page) == [
        "C7 ICT applications: benefits in all aspects of life",
        "Egypt",
    ]
    page.locator(".pagination a[rel=next]").click()
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("3")
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


def test_a_long_group_folds_and_finds_a_value_as_it_is_typed(page: Page) -> None:
    page.goto("/projects?lang=fr")
    group = page.locator("details.facet", has_text="Pays")
    expect(group.locator("input[type=checkbox]").first).to_be_hidden()  # folded

    group.locator("summary").first.click()
    expect(group.locator('input[value="DZ"]')).to_be_visible()
    expect(group.locator('input[value="YE"]')).to_be_hidden()  # behind "more"
    group.get_by_role("searchbox").fill("yém")

    expect(group.locator('input[value="YE"]')).to_be_visible()
    expect(group.locator('input[value="DZ"]')).to_be_hidden()
    group.get_by_role("searchbox").fill("zzz")
    expect(group.locator(".facet-none")).to_be_visible()


def test_arabic_letter_forms_are_found_alike_in_a_group(page: Page) -> None:
    page.goto("/projects?lang=ar")
    group = page.locator("details.facet", has_text="البلد")
    group.locator("summary").first.click()

    group.get_by_role("searchbox").fill("الاردن")  # typed without the hamza

    expect(group.locator('input[value="JO"]')).to_be_visible()  # الأردن
    expect(group.locator('input[value="TN"]')).to_be_hidden()


def test_on_a_phone_the_first_result_is_on_the_first_screen(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/projects?lang=ar&country=TN")

    first = page.locator(".card").first.bounding_box()
    assert first is not None
    assert first["y"] < 640
    toggle = page.locator("details.filters-panel > summary")
    expect(toggle).to_have_text("معايير التصفية (1)")
    expect(page.locator("details.facet").first).to_be_hidden()

    toggle.click()
    expect(page.locator("details.facet").first).to_be_visible()
