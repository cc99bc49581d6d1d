"""Marking a search's words in titles and summaries."""

from app.web.highlight import highlight


def test_words_are_marked_in_any_form_the_search_matches() -> None:
    marked = highlight("مبادرات الصحة الرقمية للأطفال", "مبادرة للصحة طفل")
    assert marked == (
        "<mark>مبادرات</mark> <mark>الصحة</mark> الرقمية <mark>للأطفال</mark>"
    )


def test_english_and_french_inflections_are_marked() -> None:
    assert highlight("Farmers and farming", "farm") == (
        "<mark>Farmers</mark> and <mark>farming</mark>"
    )
    assert highlight("La santé des enfants", "sante enfant") == (
        "La <mark>santé</mark> des <mark>enfants</mark>"
    )


def test_a_word_written_with_tashkeel_is_one_word() -> None:
    assert highlight("الذَّكَاءُ الاصطناعي", "ذكاء") == ("<mark>الذَّكَاءُ</mark> الاصطناعي")


def test_the_text_is_escaped_and_stop_words_are_not_marked() -> None:
    assert highlight("<b>AI</b> & the health", "the health") == (
        "&lt;b&gt;AI&lt;/b&gt; &amp; the <mark>health</mark>"
    )


def test_the_last_word_is_also_a_prefix() -> None:
    assert highlight("Health data", "heal") == "<mark>Health</mark> data"


def test_without_a_query_the_text_is_only_escaped() -> None:
    assert highlight("a < b", None) == "a &lt; b"
    assert highlight("in the", "the") == "in the"
