"""A remote TAXII 2.1 collection through `taxii2-client` (the OASIS client), with a timeout
on every request and the paging headers (`X-TAXII-Date-Added-Last`) it does not return.

Credentials come from the environment variable the source names, read at each run; they
are never stored in the database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any

import requests
from taxii2client.exceptions import TAXIIServiceException  # type: ignore[import-untyped]
from taxii2client.v21 import Collection  # type: ignore[import-untyped]

from cyberfusion.domain.sources import AuthKind, Source, credentials
from cyberfusion.domain.taxii import parse_stamp, stamp
from cyberfusion.errors import InvalidInput


class RemoteError(Exception):
    """The remote server failed, timed out or answered something that is not TAXII 2.1."""


class _Bearer(requests.auth.AuthBase):
    """`Authorization: Bearer <token>` (taxii2-client's TokenAuth says `Token`)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass(frozen=True, slots=True)
class RemotePage:
    """One envelope: its objects, `more`, `next` and the date_added of its last object."""

    objects: list[dict[str, Any]]
    more: bool
    next: str
    last: str


class Remote:
    """The source's remote collection."""

    def __init__(self, source: Source, timeout: float) -> None:
        user, secret = credentials(source.auth, os.environ.get(source.secret_env),
                                   source.secret_env)
        auth: requests.auth.AuthBase | None = None
        if source.auth is AuthKind.BASIC:
            auth = requests.auth.HTTPBasicAuth(user, secret)
        elif source.auth is AuthKind.BEARER:
            auth = _Bearer(secret)
        self.collection = Collection(source.collection_url, auth=auth)
        session = self.collection._conn.session
        session.request = partial(session.request, timeout=timeout)
        self._last: requests.Response | None = None
        session.hooks["response"].append(self._keep)

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Remember the last response (for its headers)."""
        del args, kwargs
        self._last = response

    def page(self, added_after: str, next_value: str, limit: int) -> RemotePage:
        """The next page of objects (section 5.3)."""
        filters: dict[str, Any] = {"limit": limit}
        if added_after:
            filters["added_after"] = added_after
        if next_value:
            filters["next"] = next_value
        envelope = self._call(lambda: self.collection.get_objects(**filters))
        if not isinstance(envelope, dict):
            raise RemoteError("the server's answer is not a TAXII envelope")
        objects = envelope.get("objects") or []
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise RemoteError("the envelope's `objects` is not a list of objects")
        last = self._last.headers.get("X-TAXII-Date-Added-Last", "") if self._last else ""
        return RemotePage(objects, envelope.get("more") is True,
                          str(envelope.get("next") or ""), _normal(last))

    def add(self, objects: list[dict[str, Any]], wait: float) -> dict[str, Any]:
        """Add objects (section 5.4) and wait up to `wait` seconds for the final status."""
        status = self._call(lambda: self.collection.add_objects(
            {"objects": objects}, wait_for_completion=True, poll_interval=0.5, timeout=wait))
        raw: dict[str, Any] = status._raw
        return raw

    def _call(self, call: Any) -> Any:
        """Run one client call; every failure becomes a RemoteError saying what happened."""
        try:
            return call()
        except requests.Timeout as exc:
            raise RemoteError(f"the server did not answer in time ({exc})") from exc
        except requests.HTTPError as exc:
            code = exc.response.status_code if exc.response is not None else "?"
            raise RemoteError(f"the server answered HTTP {code}") from exc
        except (requests.RequestException, TAXIIServiceException, ValueError) as exc:
            raise RemoteError(f"{type(exc).__name__}: {exc}") from exc


def _normal(text: str) -> str:
    """A TAXII timestamp in one fixed form (so bookmarks compare as text), or ""."""
    if not text:
        return ""
    try:
        return stamp(parse_stamp(text.strip(), "X-TAXII-Date-Added-Last"))
    except InvalidInput:
        return ""
