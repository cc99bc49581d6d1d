"""Dependencies shared by the API and page routes."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request, on the engine `create_app` built."""
    yield from session_scope(request.app.state.engine)


SessionDep = Annotated[Session, Depends(get_session)]
