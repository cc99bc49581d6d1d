"""The country profile's and the comparison's views: the services' counts as
tables (numbers formatted for the locale, links to the filtered catalog, the
bars drawn as SVG attributes, which the page's CSP allows, unlike style="")."""

from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal, format_percent
from sqlmodel import Session

from app.i18n import translate
from app.languages import direction
from app.messages import CHART_TITLES, FILTER_TITLES, N_
from app.schemas.search import ProjectFilters
from app.services import filters as catalog
from app.services import profiles
from app.services.profiles import (
    ComparedCountry,
    Comparison,
    ComparisonRow,
    CountryProfile,
    ProfileRow,
)
from app.taxonomies import labelled
from app.web.rendering import format_number

CAPTIONS = {
    "action_line": CHART_TITLES["action-lines"],
    "sdg": CHART_TITLES["sdgs"],
    "technology": N_("Entries per technology"),
    "target_group": N_("Entries per target group"),
}
COVERAGE_LABELS = {
    "action_line": N_("WSIS action lines covered"),
    "sdg": N_("SDGs covered"),
    "technology": N_("Technologies covered"),
    "target_group": N_("Target groups covered"),
}
BAR_LABEL = N_("{country}: {share}; region: {regional_share}")
OUT_OF = N_("{count} of {total}")
YEAR_SPAN = N_("{first}–{last}")  # noqa: RUF001 - a range takes an en dash
BAR_WIDTH = 100  # the SVG's viewBox width


def percent(share: float, locale: str) -> str:
    return format_percent(share, locale=locale)


def decimal(value: float, locale: str) -> str:
    return format_decimal(value, format="#,##0.00", locale=locale)


def _bar(share: float, scale: float, rtl: bool) -> dict[str, float]:
    """A bar of the viewBox: its length for `share` (the longest in its table
    fills it), from the start edge (the right one in Arabic)."""
    width = round(BAR_WIDTH * share / scale, 2) if scale else 0.0
    if share and width < 1:
        width = 1.0  # an entry is never drawn as nothing
    return {"x": BAR_WIDTH - width if rtl else 0.0, "width": width}


def _cell_link(iso2: str, name: str, value: Any, count: int, locale: str) -> str | None:
    if not count:
        return None
    return catalog.catalog_url(ProjectFilters(), locale, country=iso2, **{name: value})


def _profile_row(
    profile: CountryProfile,
    name: str,
    row: ProfileRow,
    scale: float,
    locale: str,
) -> dict[str, Any]:
    rtl = direction(locale) == "rtl"
    share, regional_share = (
        percent(row.share, locale),
        percent(row.regional_share, locale),
    )
    return {
        "label": labelled(name, row.value, row.name),
        "sub": row.sub,
        "sdg": row.value if name == "sdg" else None,
        "count": format_number(row.count, locale),
        "href": _cell_link(profile.iso2, name, row.value, row.count, locale),
        "share": share,
        "average": decimal(row.regional_average, locale),
        "regional_share": regional_share,
        "country_bar": _bar(row.share, scale, rtl),
        "region_bar": _bar(row.regional_share, scale, rtl),
        "bar_label": translate(
            locale,
            BAR_LABEL,
            country=profile.name,
            share=share,
            regional_share=regional_share,
        ),
    }


def profile_tables(profile: CountryProfile, locale: str) -> list[dict[str, Any]]:
    """One table per dimension: the country's count and share beside the
    regional average per member state and the regional share."""
    tables = []
    for name, rows in profile.by.items():
        scale = max((max(r.share, r.regional_share) for r in rows), default=0.0)
        tables.append(
            {
                "name": name,
                "caption": translate(locale, CAPTIONS[name]),
                "heading": translate(locale, FILTER_TITLES[name]),
                "rows": [_profile_row(profile, name, r, scale, locale) for r in rows],
            }
        )
    return tables


def profile_figures(profile: CountryProfile, locale: str) -> list[dict[str, str]]:
    """The headline figures: each a label, a value and an optional note."""
    figures = [
        {
            "label": translate(locale, N_("Published entries")),
            "value": format_number(profile.total, locale),
            "note": translate(
                locale,
                N_("Regional average: {average} per member state"),
                average=decimal(profile.regional_average, locale),
            ),
        },
        {
            "label": translate(locale, N_("Ongoing entries")),
            "value": format_number(profile.ongoing, locale),
            "note": "",
        },
    ]
    if profile.first_year is not None and profile.last_year is not None:
        span = (
            str(profile.first_year)
            if profile.first_year == profile.last_year
            else translate(
                locale, YEAR_SPAN, first=profile.first_year, last=profile.last_year
            )
        )
        label = translate(locale, N_("Start years"))
        figures.append({"label": label, "value": span, "note": ""})
    for name, coverage in profile.coverage.items():
        value = translate(
            locale,
            OUT_OF,
            count=format_number(coverage.covered, locale),
            total=format_number(coverage.of, locale),
        )
        label = translate(locale, COVERAGE_LABELS[name])
        figures.append({"label": label, "value": value, "note": ""})
    return figures


def compare_href(countries: list[str], locale: str, **more: str) -> str:
    query = [("country", iso2) for iso2 in countries] + [("lang", locale)]
    return urlencode(query + list(more.items()))


def profile_links(
    session: Session, profile: CountryProfile, locale: str
) -> dict[str, Any]:
    """Where the profile leads: the catalog and the dashboard filtered to the
    country, and the comparison with its neighbours or a chosen country."""
    query = urlencode({"country": profile.iso2, "lang": locale})
    others = [
        {"iso2": iso2, "name": name}
        for iso2, name in profiles.member_states(session, locale)
        if iso2 != profile.iso2
    ]
    neighbours = [profile.iso2, *profile.neighbours]
    return {
        "catalog": f"/projects?{query}",
        "dashboard": f"/dashboard?{query}",
        "neighbours": "/compare?" + compare_href(neighbours, locale)
        if profile.neighbours
        else None,
        "others": others,
    }


def picker(session: Session, chosen: list[str], locale: str) -> list[dict[str, Any]]:
    """The member states as checkboxes, the chosen ones checked."""
    return [
        {"iso2": iso2, "name": name, "checked": iso2 in chosen}
        for iso2, name in profiles.member_states(session, locale)
    ]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _comparison_table(
    name: str,
    rows: list[ComparisonRow],
    countries: list[ComparedCountry],
    locale: str,
) -> dict[str, Any]:
    shares = [
        [_share(n, c.total) for n, c in zip(row.counts, countries, strict=True)]
        for row in rows
    ]
    scale = max((share for row in shares for share in row), default=0.0)
    rtl = direction(locale) == "rtl"
    return {
        "name": name,
        "caption": translate(locale, CAPTIONS[name]),
        "heading": translate(locale, FILTER_TITLES[name]),
        "rows": [
            {
                "label": labelled(name, row.value, row.name),
                "sub": row.sub,
                "sdg": row.value if name == "sdg" else None,
                "cells": [
                    {
                        "count": format_number(n, locale),
                        "href": _cell_link(c.iso2, name, row.value, n, locale),
                        "share": percent(share, locale),
                        "bar": _bar(share, scale, rtl),
                    }
                    for n, c, share in zip(
                        row.counts, countries, row_shares, strict=True
                    )
                ],
            }
            for row, row_shares in zip(rows, shares, strict=True)
        ],
    }


def comparison_view(comparison: Comparison, locale: str) -> dict[str, Any]:
    """The comparison's columns (one per country) and its tables: in each
    cell the count, linked to the catalog filtered to the country and the
    value, and its share of the country's entries (with a bar)."""
    countries = comparison.countries
    codes = [c.iso2 for c in countries]
    return {
        "countries": [
            {
                "iso2": c.iso2,
                "name": c.name,
                "total": format_number(c.total, locale),
                "href": f"/countries/{c.iso2}?lang={locale}",
                "catalog": "/projects?"
                + urlencode({"country": c.iso2, "lang": locale}),
            }
            for c in countries
        ],
        "tables": [
            _comparison_table(name, rows, countries, locale)
            for name, rows in comparison.by.items()
        ],
        "csv": "/compare.csv?" + compare_href(codes, locale),
        "csv_keys": "/compare.csv?" + compare_href(codes, locale, header="keys"),
    }
