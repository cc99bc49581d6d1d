"""axe-core (from npm, see package.json) run inside a Playwright page."""

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")

Violation = dict[str, Any]


def audit(page: Page) -> list[Violation]:
    """Every axe violation on the page as it is now (axe's default rule set)."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run scripts/setup.sh dev")
    # Evaluated, not added as a <script>: the page's CSP refuses inline scripts
    # (as it should), while Playwright's own evaluation is not subject to it.
    page.evaluate(f"{AXE_SCRIPT.read_text(encoding='utf-8')}\n;undefined")
    violations: list[Violation] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(results => results.violations)"
    )
    return violations


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def report(violations: list[Violation]) -> str:
    """What to fix: rule, impact, help and the failing elements, one per line."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)
