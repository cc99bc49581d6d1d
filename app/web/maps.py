"""The map: a choropleth of the member states, drawn on the server as SVG."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
