"""Country profiles and comparisons: a member state's published entries
counted per action line, SDG, technology and target group, beside the
region's figures (from the catalog index, as services.stats counts).

An entry running in several countries counts in each of them, so a
country's count is what the catalog filtered to that country lists. The
regional average per member state is the mean of the member states' counts
(their sum over the number of member states); the regional share is the
part of all published entries filed under a value.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError
from pyroaring import BitMap
from sqlmodel import Session

from app import encoding
from app.errors import ErrorCode, InvalidInput, NotFound
from app.i18n import translate
from app.messages import FILTER_TITLES, N_
from app.models import Country, ImplementationStatus
from app.services import catalog_index, taxonomy

# What a profile and a comparison count, in the order the pages show them.
DIMENSIONS = ("action_line", "sdg", "technology", "target_group")
MIN_COMPARED = 2
MAX_COMPARED = 4

CSV_HEADERS = {"dimension": N_("Dimension"), "code": N_("Code"), "label": N_("Label")}
ALL_ENTRIES = N_("All entries")


@dataclass(frozen=True)
class ProfileRow:
    """One value of a dimension: the country's entries filed under it, and
    the region's."""

    value: str | int
    name: str
    sub: bool  # a sub-line, shown under its line (C7.3 under C7)
    count: int
    share: float  # of the country's entries
    regional_average: float  # entries per member state
    regional_share: float  # of the region's entries


@dataclass(frozen=True)
class Coverage:
    """How many values of a dimension hold at least one entry, of how many."""

    covered: int
    of: int


@dataclass(frozen=True)
class CountryProfile:
    iso2: str
    name: str
    total: int
    regional_average: float  # entries per member state
    member_states: int
    ongoing: int  # implementation status "ongoing"
    first_year: int | None  # the earliest and latest start years
    last_year: int | None
    coverage: dict[str, Coverage]
    by: dict[str, list[ProfileRow]]
    # Member states of the same sub-region, to compare it with (at most three).
    neighbours: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Region:
    """The region's counts per dimension (the same for every profile, so kept
    with the snapshot): entries per value, and the member states' counts
    summed per value."""

    total: int
    country_sum: int
    counts: dict[str, dict[Any, int]]
    summed: dict[str, dict[Any, int]]


def _entries_of(snap: catalog_index.Snapshot, iso2: str) -> BitMap:
    return snap.by_value["country"].get(iso2, BitMap())


def _region(snap: catalog_index.Snapshot, members: tuple[str, ...]) -> _Region:
    def compute() -> _Region:
        summed: dict[str, dict[Any, int]] = {name: {} for name in DIMENSIONS}
        for iso2 in members:
            entries = _entries_of(snap, iso2)
            for name in DIMENSIONS:
                table = summed[name]
                counts = catalog_index.value_counts(snap, name, entries)
                for value, count in counts.items():
                    table[value] = table.get(value, 0) + count
        return _Region(
            total=len(snap.approved),
            country_sum=sum(len(_entries_of(snap, iso2)) for iso2 in members),
            counts={
                name: catalog_index.value_counts(snap, name, snap.approved)
                for name in DIMENSIONS
            },
            summed=summed,
        )

    found: _Region = snap.cached_view(("country-profiles", members), compute)
    return found


def _member_states(session: Session) -> tuple[str, ...]:
    """The member states in use (retired ones are no longer averaged over)."""
    return tuple(
        country.iso2
        for country in taxonomy.terms(session, Country, include_retired=False)
    )


def member_states(session: Session, locale: str) -> list[tuple[str, str]]:
    """(code, name in `locale`) of each member state, in the taxonomy's order."""
    names = catalog_index.snapshot(session).terms.names(locale)["country"]
    return [(iso2, names.get(iso2, iso2)) for iso2 in _member_states(session)]


def _neighbours(
    snap: catalog_index.Snapshot, iso2: str, members: tuple[str, ...]
) -> tuple[str, ...]:
    regions = snap.terms.region_countries.values()
    region = next((r for r in regions if iso2 in r), frozenset[str]())
    others = [c for c in members if c in region and c != iso2]
    return tuple(others[: MAX_COMPARED - 1])


def _known(snap: catalog_index.Snapshot, iso2: str) -> bool:
    return iso2 in snap.terms.labels["country"]


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _profile_rows(
    snap: catalog_index.Snapshot,
    name: str,
    counts: dict[Any, int],
    total: int,
    region: _Region,
    members: int,
    locale: str,
) -> list[ProfileRow]:
    """The values the country or the region has entries under, in the
    taxonomy's order."""
    labels = snap.terms.labels[name]
    parents = snap.terms.parents() if name == "action_line" else {}
    regional = region.counts[name]
    return [
        ProfileRow(
            value=value,
            name=labels[value][1][locale],
            sub=value in parents,
            count=counts.get(value, 0),
            share=_ratio(counts.get(value, 0), total),
            regional_average=_ratio(region.summed[name].get(value, 0), members),
            regional_share=_ratio(regional.get(value, 0), region.total),
        )
        for value in snap.terms.ordered[name]
        if counts.get(value) or regional.get(value)
    ]


def _coverage(
    snap: catalog_index.Snapshot, name: str, counts: dict[Any, int]
) -> Coverage:
    """Values with entries, of all; for the action lines, the lines (C7
    covered by any of its sub-lines), not the sub-lines."""
    values = snap.terms.ordered[name]
    if name == "action_line":
        parents = snap.terms.parents()
        values = [value for value in values if value not in parents]
    return Coverage(sum(1 for v in values if counts.get(v)), len(values))


def country_profile(session: Session, *, iso2: str, locale: str) -> CountryProfile:
    """A member state's entries counted per dimension, with the regional
    average per member state and the regional share beside each count."""
    snap = catalog_index.snapshot(session)
    if not _known(snap, iso2):
        raise NotFound(ErrorCode.NOT_FOUND, loc=("path", "iso2"))
    members = _member_states(session)
    region = _region(snap, members)
    entries = _entries_of(snap, iso2)
    total = len(entries)
    counts = {
        name: catalog_index.value_counts(snap, name, entries) for name in DIMENSIONS
    }
    ongoing = snap.by_value["implementation_status"].get(
        ImplementationStatus.ONGOING, BitMap()
    )
    years = [
        year for year, started in snap.started.items() if started.intersect(entries)
    ]
    return CountryProfile(
        iso2=iso2,
        name=snap.terms.labels["country"][iso2][1][locale],
        total=total,
        regional_average=_ratio(region.country_sum, len(members)),
        member_states=len(members),
        ongoing=entries.intersection_cardinality(ongoing),
        first_year=min(years, default=None),
        last_year=max(years, default=None),
        coverage={name: _coverage(snap, name, counts[name]) for name in DIMENSIONS},
        by={
            name: _profile_rows(
                snap, name, counts[name], total, region, len(members), locale
            )
            for name in DIMENSIONS
        },
        neighbours=_neighbours(snap, iso2, members),
    )


# --- comparison ------------------------------------------------------------


class _Compared(BaseModel):
    """How many countries a comparison holds (the pydantic rule gives the
    usual translated "Give at least 2 values." messages)."""

    country: Annotated[
        list[str], Field(min_length=MIN_COMPARED, max_length=MAX_COMPARED)
    ]


@dataclass(frozen=True)
class ComparedCountry:
    iso2: str
    name: str
    total: int


@dataclass(frozen=True)
class ComparisonRow:
    value: str | int
    name: str
    sub: bool
    counts: tuple[int, ...]  # one per compared country, in their order


@dataclass(frozen=True)
class Comparison:
    countries: list[ComparedCountry]
    by: dict[str, list[ComparisonRow]]


def compared_codes(countries: Iterable[str]) -> list[str]:
    """The codes as asked, upper-cased, blanks and repeats left out (a form
    leaves its empty choices blank)."""
    return list(dict.fromkeys(c.strip().upper() for c in countries if c.strip()))


def check_compared(session: Session, countries: list[str]) -> None:
    """Two to four known member states, else a 422 naming `country`."""
    try:
        _Compared(country=countries)
    except ValidationError as error:
        raise InvalidInput.from_validation(error, prefix=("query",)) from error
    snap = catalog_index.snapshot(session)
    unknown = [code for code in countries if not _known(snap, code)]
    if unknown:
        raise InvalidInput.collect(
            [
                (("query", "country"), ErrorCode.UNKNOWN_CODE, {"code": code})
                for code in unknown
            ]
        )


def compare_countries(
    session: Session, *, countries: list[str], locale: str
) -> Comparison:
    """Two to four member states side by side: each one's entries per value
    of every dimension (the values at least one of them has entries under)."""
    check_compared(session, countries)
    snap = catalog_index.snapshot(session)
    entries = [_entries_of(snap, iso2) for iso2 in countries]
    by: dict[str, list[ComparisonRow]] = {}
    for name in DIMENSIONS:
        counts = [catalog_index.value_counts(snap, name, e) for e in entries]
        labels = snap.terms.labels[name]
        parents = snap.terms.parents() if name == "action_line" else {}
        by[name] = [
            ComparisonRow(
                value=value,
                name=labels[value][1][locale],
                sub=value in parents,
                counts=tuple(c.get(value, 0) for c in counts),
            )
            for value in snap.terms.ordered[name]
            if any(c.get(value) for c in counts)
        ]
    names = snap.terms.labels["country"]
    return Comparison(
        countries=[
            ComparedCountry(iso2, names[iso2][1][locale], len(e))
            for iso2, e in zip(countries, entries, strict=True)
        ],
        by=by,
    )


def comparison_rows(
    comparison: Comparison, *, locale: str, keys: bool = False
) -> list[list[str]]:
    """The comparison as a table: a header row (in `locale`, or the stable
    keys: "dimension", "code", "label" and the ISO codes), the entries of
    each country, then a row per value. With `keys`, the dimension column
    holds the stable dimension names too ("action_line")."""
    countries = comparison.countries
    if keys:
        header = [*CSV_HEADERS, *(c.iso2 for c in countries)]
    else:
        header = [translate(locale, h) for h in CSV_HEADERS.values()]
        header += [c.name for c in countries]
    rows = [
        header,
        [
            "entries" if keys else translate(locale, ALL_ENTRIES),
            "",
            translate(locale, ALL_ENTRIES),
            *(str(c.total) for c in countries),
        ],
    ]
    for name, values in comparison.by.items():
        dimension = name if keys else translate(locale, FILTER_TITLES[name])
        rows += [
            [dimension, str(row.value), row.name, *(str(n) for n in row.counts)]
            for row in values
        ]
    return rows


def comparison_csv(comparison: Comparison, *, locale: str, keys: bool = False) -> str:
    """UTF-8 CSV with a byte-order mark, every cell defused (names are data:
    any stored text fits)."""
    return encoding.csv_document(comparison_rows(comparison, locale=locale, keys=keys))


def comparison_file_name(countries: list[str], day: date) -> str:
    """The download's name: the countries (sorted) and the day
    ("compare-MA-TN-20261203.csv")."""
    codes = "-".join(sorted(c for c in countries if c.isalpha()))
    return f"compare-{codes}-{day:%Y%m%d}.csv"
