"""One exception tree for cyberfusion; `web.problems` turns it into RFC 9457 problem+json.

    CyberfusionError                 500  base of everything we raise on purpose
    ├── InvalidInput                 422  bad value; carries located issues (JSON path, line)
    │   ├── InvalidObservable        422  a value that is not a valid observable of its type
    │   ├── InvalidHandling          422  a handling record that breaks the rules
    │   └── MalformedDocument        400  body or file that cannot be parsed at all
    ├── AuthenticationFailed         401  no or bad credentials
    ├── PermissionDenied             403  authenticated but not allowed this action
    ├── NotFound                     404  absent, or present but not readable by the caller
    ├── Conflict                     409  stale version, duplicate name
    ├── NotAcceptable                406  no media type the client accepts can be served
    ├── PayloadTooLarge              413  body over the configured limit
    ├── UnsupportedMediaType         415  a body in a media type the endpoint does not take
    ├── TooManyRequests              429  login throttling
    └── AuditChainBroken             500  the audit trail does not verify
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Issue:
    """One located problem: where (JSON path, `file:line`, field) and what is wrong."""

    location: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the issue as the `errors[]` member of a problem document."""
        return {"location": self.location, "detail": self.message}


class CyberfusionError(Exception):
    """Base of every error cyberfusion raises on purpose."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"

    def __init_subclass__(cls, slug: str = "", status: int | None = None, **kw: Any) -> None:
        """A subclass names its problem type: `slug` (its title in words) and its own status."""
        super().__init_subclass__(**kw)
        if slug:
            cls.slug, cls.title = slug, slug.replace("-", " ").capitalize()
        if status is not None:
            cls.status = status

    def __init__(self, detail: str, issues: list[Issue] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.issues: list[Issue] = list(issues or [])


class InvalidInput(CyberfusionError, slug="invalid-input", status=422):
    """A request or file whose content breaks a rule; `issues` say where."""


class InvalidObservable(InvalidInput, slug="invalid-observable"):
    """A value that is not a valid observable of the stated type."""

    def __init__(self, obs_type: str, value: str, reason: str, location: str = "value") -> None:
        detail = f"not a valid {obs_type}: {reason}"
        super().__init__(detail, [Issue(location, detail)])
        self.obs_type = obs_type
        self.value = value
        self.reason = reason


class InvalidHandling(InvalidInput, slug="invalid-handling"):
    """A handling record that cannot be honoured (unknown token, bad TLP …)."""


class MalformedDocument(InvalidInput, slug="malformed-document", status=400):
    """A body or file that cannot be parsed at all (bad JSON, bad encoding)."""


class AuthenticationFailed(CyberfusionError, slug="authentication-failed", status=401):
    """No credentials, or credentials that do not check out."""


class PermissionDenied(CyberfusionError, slug="permission-denied", status=403):
    """The principal is known but its roles do not allow the action."""


class NotFound(CyberfusionError, slug="not-found", status=404):
    """Absent, or not readable by the caller: the two look the same on purpose."""


class Conflict(CyberfusionError, slug="conflict", status=409):
    """The write clashes with the stored state (stale version, taken name)."""


class NotAcceptable(CyberfusionError, slug="not-acceptable", status=406):
    """The client's Accept header names no media type the endpoint can answer in."""


class UnsupportedMediaType(CyberfusionError, slug="unsupported-media-type", status=415):
    """The request body's Content-Type is not one the endpoint takes."""


class PayloadTooLarge(CyberfusionError, slug="payload-too-large", status=413):
    """The request body is over the configured size limit."""


class TooManyRequests(CyberfusionError, slug="too-many-requests", status=429):
    """Too many attempts in the throttling window."""

    def __init__(self, detail: str, retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class AuditChainBroken(CyberfusionError, slug="audit-chain-broken"):
    """The hash chain of the audit trail does not verify at `seq`."""

    def __init__(self, detail: str, seq: int | None) -> None:
        super().__init__(detail)
        self.seq = seq
