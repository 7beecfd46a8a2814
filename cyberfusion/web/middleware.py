"""ASGI middleware: request body limit (413 problem+json) and security headers (strict CSP,
Permissions-Policy, no-store on every answer to a request that carries credentials)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cyberfusion.errors import PayloadTooLarge
from cyberfusion.web.deps import SESSION_COOKIE
from cyberfusion.web.problems import error_document

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Nothing here needs a device or sensor: deny them all, to us and to anything framed.
PERMISSIONS = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
    "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
    "xr-spatial-tracking"))
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", PERMISSIONS.encode()),
]
NO_STORE = (b"cache-control", b"no-store")


class _TooLarge(PayloadTooLarge):
    """Raised from `receive` when the streamed body passes the limit."""


class BodyLimit:
    """Refuse bodies over `limit` bytes: by Content-Length up front, else while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(f"the request body is over the limit of {self.limit} bytes")
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body, media = error_document(413, "payload-too-large", "Payload too large",
                                     f"the request body is over the limit of {self.limit} bytes",
                                     scope.get("path", ""), [])
        raw = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media.encode()),
                                (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})


def credentialed(scope: Scope) -> bool:
    """A request with a bearer token or a session cookie (its answer is never cached)."""
    if scope.get("path", "").startswith("/static/"):
        return False
    headers = dict(scope["headers"])
    cookies = headers.get(b"cookie", b"")
    return b"authorization" in headers or f"{SESSION_COOKIE}=".encode() in cookies


class SecurityHeaders:
    """Add CSP and friends to every HTTP response; no-store where credentials were sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        private = credentialed(scope)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                if private or b"set-cookie" in present:
                    headers = [h for h in headers if h[0].lower() != NO_STORE[0]] + [NO_STORE]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
