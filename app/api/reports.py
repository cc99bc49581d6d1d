"""Report a problem with a published entry; the desk's list of reports until
each is closed.: the JSON API."""

from fastapi import APIRouter

router = APIRouter(tags=["exchange"])
