"""Knowledge flows: the dashboard's matrix of country pairs joined by
contacts and accepted relations (counts only, small counts hidden)."""

import unicodedata
from typing import Any

from sqlmodel import Session

from app.config import Settings
from app.services import flows

LEVELS = 4  # shades of a cell: flow-level-1 (few) .. flow-level-4 (most)


def _sort_key(name: str) -> str:
    """Alphabetical without accents nor the Arabic article, as on the map."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.removeprefix("ال")


def _level(total: int, highest: int) -> int:
    return max(1, -(-total * LEVELS // highest))


def flows_view(
    session: Session, *, locale: str, settings: Settings
) -> dict[str, Any] | None:
    """The matrix as the dashboard draws it, or None when no pair is shown:
    rows and columns are the countries of a shown pair, by name; a cell is
    the pair's total (None off the shown pairs, and on the diagonal)."""
    found = flows.knowledge_flows(session, settings=settings, locale=locale)
    if not found.pairs:
        return None
    totals = {pair.countries: pair.total for pair in found.pairs}
    highest = max(totals.values())
    countries = sorted(found.countries, key=lambda c: _sort_key(c.name))

    def cell(row: str, column: str) -> dict[str, Any]:
        total = totals.get((row, column) if row < column else (column, row))
        return {
            "total": total,
            "level": _level(total, highest) if total else None,
        }

    return {
        "threshold": found.threshold,
        "countries": countries,
        "rows": [
            {"country": row, "cells": [cell(row.iso2, c.iso2) for c in countries]}
            for row in countries
        ],
    }
