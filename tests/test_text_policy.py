"""The text policy on its own: what each kind of field refuses or normalises."""

import pytest

from app import text_policy
from app.text_policy import Problem
from tests.support.hostile import HOSTILE, MULTI_LINE_ACCEPTED, SINGLE_LINE_ACCEPTED


def verdict(value: str, *, multiline: bool) -> Problem | None:
    cleaned = text_policy.normalise(value, multiline=multiline).strip()
    found = text_policy.problem(cleaned, multiline=multiline)
    return found[0] if found else None


class TestSingleLineFields:
    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_each_hostile_class_is_accepted_or_refused_as_specified(
        self, kind: str
    ) -> None:
        refused = verdict(HOSTILE[kind], multiline=False) is not None

        assert refused == (kind not in SINGLE_LINE_ACCEPTED)

    def test_pasted_spaces_become_ordinary_spaces(self) -> None:
        pasted = "Smart\u00a0farming\tin\u2007Tunisia\u3000"

        assert text_policy.normalise(pasted, multiline=False) == (
            "Smart farming in Tunisia "
        )

    @pytest.mark.parametrize(
        ("value", "problem"),
        [
            ("a\nb", Problem.LINE_BREAK),
            ("a\u2028b", Problem.LINE_BREAK),
            ("a\x85b", Problem.CONTROL),
            ("a\x00b", Problem.NUL),
            ("a\u2067b", Problem.BIDI_CONTROL),
            ("a\ud800b", Problem.CONTROL),
            ("a\U0001fffeb", Problem.CONTROL),
            ("a\ufdd0b", Problem.CONTROL),
        ],
    )
    def test_refusals_name_the_character(self, value: str, problem: Problem) -> None:
        found = text_policy.problem(
            text_policy.normalise(value, multiline=False), multiline=False
        )

        assert found is not None
        assert found[0] == problem
        assert found[1] == f"U+{ord(value[1]):04X}"

    def test_arabic_joiners_and_direction_marks_are_kept(self) -> None:
        # ZWNJ / ZWJ shape Arabic and Persian letters; LRM / RLM are ordinary marks.
        text = "الذكاء\u200cالاصطناعي\u200d \u200fAI\u200e"

        assert text_policy.problem(text, multiline=False) is None


class TestMultiLineFields:
    @pytest.mark.parametrize("kind", sorted(HOSTILE))
    def test_each_hostile_class_is_accepted_or_refused_as_specified(
        self, kind: str
    ) -> None:
        refused = verdict(HOSTILE[kind], multiline=True) is not None

        assert refused == (kind not in MULTI_LINE_ACCEPTED)

    def test_line_endings_become_one_kind(self) -> None:
        pasted = "one\r\ntwo\rthree\u2028four\u2029five"

        assert text_policy.normalise(pasted, multiline=True) == (
            "one\ntwo\nthree\nfour\nfive"
        )

    def test_tabs_and_line_breaks_are_kept(self) -> None:
        assert text_policy.problem("a\tb\nc", multiline=True) is None
