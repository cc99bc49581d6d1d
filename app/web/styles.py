"""Stylesheets made from the taxonomy: each SDG's official colour as a class.

Pages name the class (`class="sdg-7"`) rather than carry an inline `style=`,
which their Content-Security-Policy refuses; site.css reads `--sdg-colour`.
"""

import re

from fastapi import APIRouter
from fastapi.responses import Response

from app.deps import SessionDep
from app.services import taxonomy

router = APIRouter(include_in_schema=False)

# Colours are data: only a hex colour is written into the stylesheet.
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?")
# The colours change only with the seeds: an hour's staleness is harmless.
MAX_AGE_SECONDS = 3600


def sdg_colour_rules(colours: dict[int, str]) -> str:
    """A `.sdg-<number> { --sdg-colour: ... }` rule per well-formed colour."""
    return "".join(
        f".sdg-{number} {{ --sdg-colour: {colour}; }}\n"
        for number, colour in sorted(colours.items())
        if HEX_COLOUR.fullmatch(colour)
    )


@router.get("/styles/sdg-colours.css", name="sdg_colours")
def sdg_colours(session: SessionDep) -> Response:
    sdgs = taxonomy.list_sdgs(session, include_retired=True)
    return Response(
        sdg_colour_rules({sdg.number: sdg.color for sdg in sdgs}),
        media_type="text/css",
        headers={"Cache-Control": f"public, max-age={MAX_AGE_SECONDS}"},
    )
