"""TAXII sources: a remote collection an organisation pulls from or pushes to, its bookmark
and the record of each run. Pure data and rules (validation, the bookmark's moves).

The bookmark says how far a pull has landed: `added_after` (everything the remote added
up to it has landed), and within an unfinished walk the remote's `next` plus the newest
`X-TAXII-Date-Added-Last` seen so far. `added_after` only moves when a walk ends (`more`
false), so it never passes data that has not landed; a resumed walk starts at `next`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from cyberfusion.errors import InvalidInput, Issue

#: Most pages one run walks (a server that never says `more: false` is stopped there).
MAX_PAGES = 10_000
#: Objects asked for per page, and sent per add-objects request.
PAGE_LIMIT = 500
MIN_INTERVAL_SECONDS = 60
MAX_ERRORS = 50
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_COLLECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


class Direction(StrEnum):
    """Whether we read the remote collection or write to it."""

    PULL = "pull"
    PUSH = "push"


class AuthKind(StrEnum):
    """How we authenticate: none, HTTP Basic (`user:password` in the variable), Bearer."""

    NONE = "none"
    BASIC = "basic"
    BEARER = "bearer"


@dataclass(frozen=True, slots=True)
class Bookmark:
    """How far a pull has landed (see the module docstring)."""

    added_after: str = ""
    next: str = ""
    walk_last: str = ""

    def after_page(self, more: bool, next_value: str, last: str) -> Bookmark:
        """The bookmark once a page has landed: `next` while the walk goes on; at its end,
        `added_after` moves to the newest date_added the walk saw (never backwards)."""
        newest = max(self.walk_last, last)
        if more and next_value:
            return Bookmark(self.added_after, next_value, newest)
        return Bookmark(max(self.added_after, newest), "", "")


@dataclass(frozen=True, slots=True)
class SourceDraft:
    """What an administrator states to configure a source."""

    name: str
    direction: Direction
    api_root: str
    collection_id: str
    auth: AuthKind = AuthKind.NONE
    secret_env: str = ""
    interval_seconds: int = 0
    peer_org_id: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Source:
    """A configured source as services and adapters see it (never its secret)."""

    id: int
    org_id: str
    name: str
    direction: Direction
    api_root: str
    collection_id: str
    auth: AuthKind
    secret_env: str
    interval_seconds: int
    peer_org_id: str
    defaults: dict[str, Any]
    bookmark: Bookmark
    next_run_at: datetime | None
    created_at: datetime

    @property
    def collection_url(self) -> str:
        """The remote collection's URL (section 5.2)."""
        return f"{self.api_root}collections/{self.collection_id}/"


@dataclass
class RunCounts:
    """What one run did: objects fetched, landed (new or newer), unchanged, refused, pushed."""

    fetched: int = 0
    landed: int = 0
    unchanged: int = 0
    refused: int = 0
    pushed: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    #: The run stopped early (remote failure, hostile answers): it is recorded as failed.
    failed: bool = False

    def stop(self, message: str) -> None:
        """Record why the run stopped early."""
        self.failed = True
        self.error(message)

    def error(self, message: str) -> None:
        """Record one error (the first MAX_ERRORS are kept, then a count)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("more errors not shown")

    def as_dict(self) -> dict[str, int]:
        """The counts as stored."""
        return {"fetched": self.fetched, "landed": self.landed, "unchanged": self.unchanged,
                "refused": self.refused, "pushed": self.pushed, "pages": self.pages}


@dataclass(frozen=True, slots=True)
class SourceRun:
    """One recorded run of a source."""

    id: int
    source_id: int
    direction: Direction
    trigger: str
    status: str
    counts: dict[str, int]
    errors: list[str]
    started_at: datetime
    finished_at: datetime | None


def draft_issues(draft: SourceDraft) -> list[Issue]:
    """Located problems of a draft; empty when it may be stored."""
    issues: list[Issue] = []
    if not _NAME.match(draft.name):
        issues.append(Issue("name", "lower-case letters, digits, '.', '_' or '-' (max 64)"))
    parts = urlsplit(draft.api_root)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or not draft.api_root.endswith("/"):
        issues.append(Issue("api_root", "an http(s) URL of a TAXII 2.1 API root, ending in /"))
    if not _COLLECTION.match(draft.collection_id):
        issues.append(Issue("collection", "the remote collection's id"))
    if draft.auth is not AuthKind.NONE and not _ENV.match(draft.secret_env):
        issues.append(Issue("secret_env", "the name of the environment variable holding the "
                            "credentials (upper-case letters, digits and _)"))
    if draft.interval_seconds and draft.interval_seconds < MIN_INTERVAL_SECONDS:
        issues.append(Issue("interval", f"0 (manual runs only) or at least "
                            f"{MIN_INTERVAL_SECONDS} seconds"))
    if draft.direction is Direction.PUSH and not draft.peer_org_id:
        issues.append(Issue("peer_org", "a push names the organisation whose access decides "
                            "what leaves (the destination's organisation)"))
    return issues


def check_draft(draft: SourceDraft) -> None:
    """InvalidInput naming each problem of the draft."""
    issues = draft_issues(draft)
    if issues:
        raise InvalidInput("the source is not valid", issues)


def credentials(auth: AuthKind, secret: str | None, env_name: str) -> tuple[str, str]:
    """(user, password) for Basic or ("", token) for Bearer, from the variable's value."""
    if auth is AuthKind.NONE:
        return "", ""
    if not secret:
        raise InvalidInput("no credentials", [Issue(env_name, "the environment variable is "
                                                    "not set on this instance")])
    if auth is AuthKind.BEARER:
        return "", secret
    user, sep, password = secret.partition(":")
    if not sep or not user:
        raise InvalidInput("bad credentials", [Issue(env_name, "Basic credentials are "
                                                     "written user:password")])
    return user, password


def _text(doc: dict[str, Any], name: str, issues: list[Issue], default: str = "") -> str:
    """A string field of a JSON document; an issue if it is something else."""
    value = doc.get(name, default)
    if not isinstance(value, str):
        issues.append(Issue(name, "must be a string"))
        return default
    return value


def _choice(enum: Any, value: str, name: str, issues: list[Issue]) -> Any:
    """An enum member by value; an issue naming the choices otherwise."""
    try:
        return enum(value)
    except ValueError:
        issues.append(Issue(name, f"one of {', '.join(m.value for m in enum)}"))
        return None


def draft_from_json(doc: object) -> SourceDraft:
    """A draft from the API's JSON (defaults are read by the import options); located
    InvalidInput for what is not one."""
    if not isinstance(doc, dict):
        raise InvalidInput("not a source", [Issue("$", "send a JSON object")])
    issues: list[Issue] = []
    direction = _choice(Direction, _text(doc, "direction", issues, "pull"), "direction",
                        issues)
    auth = _choice(AuthKind, _text(doc, "auth", issues, "none"), "auth", issues)
    interval = doc.get("interval_seconds", 0)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 0:
        issues.append(Issue("interval_seconds", "a whole number of seconds (0: manual)"))
        interval = 0
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        issues.append(Issue("defaults", "an object (tlp, release, partners, hit_policy, "
                            "purpose, tlp_floor)"))
        defaults = {}
    draft = SourceDraft(_text(doc, "name", issues), direction or Direction.PULL,
                        _text(doc, "api_root", issues), _text(doc, "collection", issues),
                        auth or AuthKind.NONE, _text(doc, "secret_env", issues), interval,
                        _text(doc, "peer_org", issues), defaults)
    issues += [i for i in draft_issues(draft) if i.location not in {x.location for x in issues}]
    if issues:
        raise InvalidInput("the source is not valid", issues)
    return draft
