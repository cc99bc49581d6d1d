"""The layers import downwards only: the page layer (app/web) builds on the
services and the API's errors, never the other way round, so the services
and the API run without templates (the CLI, the mail worker, the API)."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).parents[1] / "app"
BELOW_THE_PAGES = [
    *sorted((APP / "services").glob("*.py")),
    *sorted((APP / "api").glob("*.py")),
    *sorted(p for p in APP.glob("*.py") if p.name != "main.py"),
]


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", BELOW_THE_PAGES, ids=lambda p: str(p.relative_to(APP)))
def test_nothing_below_the_pages_imports_them(path: Path) -> None:
    assert not {m for m in _imported(path) if m.startswith("app.web")}


SQL_NAMES = {"select", "insert", "update", "delete", "text", "func", "col"}


@pytest.mark.parametrize(
    "path", sorted((APP / "web").glob("*.py")), ids=lambda p: p.name
)
def test_the_page_layer_builds_no_sql(path: Path) -> None:
    """Pages call services; the SQL is in the services only."""
    tree = ast.parse(path.read_text("utf-8"))
    built = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[0] in ("sqlmodel", "sqlalchemy")
        for alias in node.names
    }
    assert not built & SQL_NAMES
