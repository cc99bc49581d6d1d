"""Contact an entry's team through the relay: the JSON API."""

from fastapi import APIRouter

router = APIRouter(tags=["exchange"])
