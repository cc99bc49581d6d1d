"""Good practices: the JSON API."""

from fastapi import APIRouter

router = APIRouter(tags=["exchange"])
