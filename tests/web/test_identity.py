"""The visual identity: the colour tokens pass contrast, and every icon the
pages may use is listed once, styled and served."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web.colours import contrast
from app.web.rendering import ICONS, icon

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


def token(name: str) -> str:
    css = (STATIC / "css" / "site.css").read_text(encoding="utf-8")
    found = re.search(rf"--{name}:\s*(#[0-9a-f]{{6}}|#[0-9a-f]{{3}})\b", css)
    assert found, name
    return found.group(1)


WHITE = "#ffffff"


@pytest.mark.parametrize(
    ("text", "background", "least"),
    [
        ("ink", "paper", 4.5),
        ("muted", "paper", 4.5),
        ("muted", "soft", 4.5),
        ("accent", "paper", 4.5),
        ("accent", "soft", 4.5),
        ("accent", "accent-soft", 4.5),
        ("accent-dark", "paper", 4.5),
        ("focus", "paper", 3.0),  # a focus ring: 3:1 (WCAG 1.4.11)
        ("focus-on-dark", "accent-dark", 3.0),
    ],
)
def test_colour_tokens_pass_contrast(text: str, background: str, least: float) -> None:
    assert contrast(token(text), token(background)) >= least


def test_white_reads_on_the_dark_bands() -> None:
    assert contrast(WHITE, token("accent-dark")) >= 4.5
    assert contrast(WHITE, token("accent")) >= 4.5  # buttons


def test_every_listed_icon_is_copied_and_has_its_class() -> None:
    css = (STATIC / "css" / "icons.css").read_text(encoding="utf-8")

    classes = set(re.findall(r"^\.icon-([a-z0-9-]+) \{ --icon", css, re.M))
    assert classes == set(ICONS)
    for name in ICONS:
        assert (STATIC / "icons" / f"{name}.svg").is_file(), name


def test_an_icon_is_decorative_and_an_unknown_one_is_a_mistake() -> None:
    assert str(icon("map")) == '<span class="icon icon-map" aria-hidden="true"></span>'
    with pytest.raises(ValueError, match=r"icons\.txt"):
        icon("no-such-icon")


def test_icons_are_served_by_the_app(client: TestClient) -> None:
    response = client.get("/static/icons/map.svg")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    page = client.get("/projects", params={"lang": "ar"}).text
    assert "/static/css/icons.css" in page
    assert 'class="icon icon-download"' in page
