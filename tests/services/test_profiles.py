"""Country profiles and comparisons: every count equals a plain count over the
entries the factories made; the regional figures are the member states'."""

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from app.errors import ErrorCode, InvalidInput, NotFound
from app.models import ProjectStatus
from app.services import profiles
from tests.factories import make_project

MEMBER_STATES = 22
# What each entry is filed under (the rest: the factory's defaults).
ENTRIES: list[dict[str, Any]] = [
    {
        "countries": ["TN"],
        "action_lines": ["C7.3", "C4"],
        "sdgs": [4, 9],
        "technologies": ["machine_learning"],
        "target_groups": ["students_researchers", "youth"],
        "implementation_status": "ongoing",
        "start_date": "2021-03-01",
    },
    {
        "countries": ["TN", "MA"],
        "action_lines": ["C7.4"],
        "sdgs": [3],
        "technologies": ["computer_vision", "machine_learning"],
        "target_groups": ["health_workers"],
        "implementation_status": "completed",
        "start_date": "2019-01-10",
        "end_date": "2022-06-30",
    },
    {
        "countries": ["MA"],
        "action_lines": ["C7"],
        "sdgs": [9],
        "technologies": ["generative_ai"],
        "target_groups": ["smes"],
        "implementation_status": "ongoing",
        "start_date": "2024-05-01",
    },
    {
        "countries": ["EG", "TN"],
        "action_lines": ["C1", "C7.3"],
        "sdgs": [4, 16],
        "technologies": ["arabic_nlp_speech"],
        "target_groups": ["youth"],
        "implementation_status": "planned",
        "start_date": "2025-09-01",
    },
    {
        "countries": ["EG"],
        "action_lines": ["C2"],
        "sdgs": [9],
        "technologies": ["iot"],
        "target_groups": ["farmers"],
        "implementation_status": "ongoing",
        "start_date": None,
    },
]
# Not public: counted nowhere.
SUBMITTED: dict[str, Any] = {"countries": ["TN"], "action_lines": ["C9"], "sdgs": [17]}
FIELDS = {
    "action_line": "action_lines",
    "sdg": "sdgs",
    "technology": "technologies",
    "target_group": "target_groups",
}


def filed(entry: dict[str, Any], name: str) -> set[Any]:
    """The values an entry counts under: a sub-line counts under its line."""
    values = set(entry[FIELDS[name]])
    if name == "action_line":
        values |= {code.split(".")[0] for code in values if "." in code}
    return values


def plain_counts(name: str, country: str | None) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for entry in ENTRIES:
        if country is None or country in entry["countries"]:
            for value in filed(entry, name):
                counts[value] = counts.get(value, 0) + 1
    return counts


def country_sum(name: str, value: Any) -> int:
    """The member states' counts of `value`, added up."""
    return sum(1 for e in ENTRIES for _c in e["countries"] if value in filed(e, name))


@pytest.fixture
def entries(session: Session) -> None:
    for entry in ENTRIES:
        make_project(session, primary_action_line=entry["action_lines"][0], **entry)
    make_project(
        session, status=ProjectStatus.SUBMITTED, primary_action_line="C9", **SUBMITTED
    )


@pytest.mark.usefixtures("entries")
class TestCountryProfile:
    @pytest.mark.parametrize("name", list(FIELDS))
    def test_counts_per_dimension_are_a_plain_count_of_the_country_s_entries(
        self, session: Session, name: str
    ) -> None:
        profile = profiles.country_profile(session, iso2="TN", locale="en")

        counted = {row.value: row.count for row in profile.by[name] if row.count}
        assert counted == plain_counts(name, "TN")
        for row in profile.by[name]:
            assert row.share == pytest.approx(row.count / 3)

    @pytest.mark.parametrize("name", list(FIELDS))
    def test_the_regional_figures_are_the_member_states_and_the_region_s(
        self, session: Session, name: str
    ) -> None:
        profile = profiles.country_profile(session, iso2="TN", locale="en")
        region = plain_counts(name, None)

        assert {row.value for row in profile.by[name]} == set(region)  # any entry
        for row in profile.by[name]:
            expected = country_sum(name, row.value) / MEMBER_STATES
            assert row.regional_average == pytest.approx(expected)
            assert row.regional_share == pytest.approx(region[row.value] / 5)

    def test_the_headline_counts_the_entries_running_and_the_start_years(
        self, session: Session
    ) -> None:
        profile = profiles.country_profile(session, iso2="TN", locale="fr")

        assert profile.name == "Tunisie"
        assert profile.total == 3  # the submitted entry is not public
        assert profile.member_states == MEMBER_STATES
        pairs = sum(len(e["countries"]) for e in ENTRIES)
        assert profile.regional_average == pytest.approx(pairs / MEMBER_STATES)
        assert profile.ongoing == 1
        assert (profile.first_year, profile.last_year) == (2019, 2025)
        assert profile.coverage["action_line"] == profiles.Coverage(3, 11)  # C1 C4 C7
        assert profile.coverage["sdg"] == profiles.Coverage(4, 17)
        assert profile.coverage["technology"].covered == 3

    def test_c7_sub_lines_are_marked_and_follow_c7(self, session: Session) -> None:
        rows = profiles.country_profile(session, iso2="TN", locale="en").by[
            "action_line"
        ]

        codes = [row.value for row in rows]
        assert codes == ["C1", "C2", "C4", "C7", "C7.3", "C7.4"]
        assert [row.sub for row in rows] == [False, False, False, False, True, True]
        c7 = rows[codes.index("C7")]
        assert c7.count == 3  # C7.3 twice and C7.4 once: three entries, each once

    def test_the_neighbours_are_of_the_same_sub_region(self, session: Session) -> None:
        profile = profiles.country_profile(session, iso2="TN", locale="en")

        assert profile.neighbours == ("DZ", "LY", "MR")

    def test_an_unknown_country_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFound):
            profiles.country_profile(session, iso2="XX", locale="en")


def test_a_country_without_entries_has_a_profile_of_zeros(session: Session) -> None:
    profile = profiles.country_profile(session, iso2="KM", locale="ar")

    assert profile.total == 0
    assert profile.first_year is None
    assert all(not rows for rows in profile.by.values())


@pytest.mark.usefixtures("entries")
class TestCompareCountries:
    @pytest.mark.parametrize("name", list(FIELDS))
    def test_each_column_is_a_plain_count_of_its_country(
        self, session: Session, name: str
    ) -> None:
        found = profiles.compare_countries(
            session, countries=["TN", "MA", "EG"], locale="en"
        )

        assert [c.total for c in found.countries] == [3, 2, 2]
        for index, iso2 in enumerate(["TN", "MA", "EG"]):
            column = {
                r.value: r.counts[index] for r in found.by[name] if r.counts[index]
            }
            assert column == plain_counts(name, iso2)

    @pytest.mark.parametrize(
        ("asked", "kind"),
        [(["TN"], "too_short"), (["TN", "MA", "EG", "DZ", "LY"], "too_long")],
    )
    def test_fewer_than_two_or_more_than_four_is_invalid(
        self, session: Session, asked: list[str], kind: str
    ) -> None:
        with pytest.raises(InvalidInput) as raised:
            profiles.compare_countries(session, countries=asked, locale="en")

        [problem] = raised.value.detail("en")
        assert problem["loc"] == ["query", "country"]
        assert problem["type"] == kind

    def test_an_unknown_code_is_invalid_and_named(self, session: Session) -> None:
        with pytest.raises(InvalidInput) as raised:
            profiles.compare_countries(session, countries=["TN", "XX"], locale="fr")

        [problem] = raised.value.detail("fr")
        assert problem["type"] == ErrorCode.UNKNOWN_CODE
        assert problem["loc"] == ["query", "country"]
        assert "XX" in problem["msg"]

    def test_codes_are_upper_cased_and_blanks_and_repeats_left_out(self) -> None:
        assert profiles.compared_codes(["tn", "", " MA ", "TN"]) == ["TN", "MA"]

    def test_the_table_has_stable_keys_or_translated_headers(
        self, session: Session
    ) -> None:
        found = profiles.compare_countries(session, countries=["TN", "MA"], locale="fr")

        keyed = profiles.comparison_rows(found, locale="fr", keys=True)
        labelled = profiles.comparison_rows(found, locale="fr")

        assert keyed[0] == ["dimension", "code", "label", "TN", "MA"]
        assert labelled[0][3:] == ["Tunisie", "Maroc"]
        assert keyed[1][:2] == ["entries", ""]
        assert keyed[1][3:] == ["3", "2"]
        [c7] = [row for row in keyed if row[1] == "C7"]
        assert c7[0] == "action_line"
        assert c7[3:] == ["3", "2"]
        [c7_labelled] = [row for row in labelled if row[1] == "C7"]
        assert c7_labelled[0] == "Grande orientation du SMSI"
        assert c7_labelled[2] == c7[2]  # the term's name, in French both times
        assert len(keyed) == len(labelled)


def test_the_file_is_named_after_the_countries_and_the_day() -> None:
    name = profiles.comparison_file_name(["TN", "MA"], date(2026, 12, 3))

    assert name == "compare-MA-TN-20261203.csv"
