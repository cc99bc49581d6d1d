"""Request bounds: the largest body the app reads."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Refuse a request body over `max_bytes` with 413, before it is read whole.

    A declared `Content-Length` over the limit is refused at the first read,
    without reading anything; a body sent in chunks is counted as it arrives
    and refused as soon as it passes the limit. The error is raised from the
    route's own read, so the app's handlers answer it (JSON for the API, the
    error page in the user's language for pages).
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        too_large = declared is not None and (
            not declared.isdigit() or int(declared) > self.max_bytes
        )
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if too_large:
                raise HTTPException(status_code=413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, bounded_receive, send)
