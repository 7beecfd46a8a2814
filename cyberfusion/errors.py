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
    ├── PayloadTooLarge              413  body over the configured limit
    ├── TooManyRequests              429  login throttling
    └── AuditChainBroken             500  the audit trail does not verify
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def __init__(self, detail: str, issues: list[Issue] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.issues: list[Issue] = list(issues or [])


class InvalidInput(CyberfusionError):
    """A request or file whose content breaks a rule; `issues` say where."""

    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class InvalidObservable(InvalidInput):
    """A value that is not a valid observable of the stated type."""

    slug = "invalid-observable"
    title = "Invalid observable"

    def __init__(self, obs_type: str, value: str, reason: str, location: str = "value") -> None:
        detail = f"not a valid {obs_type}: {reason}"
        super().__init__(detail, [Issue(location, detail)])
        self.obs_type = obs_type
        self.value = value
        self.reason = reason


class InvalidHandling(InvalidInput):
    """A handling record that cannot be honoured (unknown token, bad TLP …)."""

    slug = "invalid-handling"
    title = "Invalid handling"


class MalformedDocument(InvalidInput):
    """A body or file that cannot be parsed at all (bad JSON, bad encoding)."""

    status = 400
    slug = "malformed-document"
    title = "Malformed document"


class AuthenticationFailed(CyberfusionError):
    """No credentials, or credentials that do not check out."""

    status = 401
    slug = "authentication-failed"
    title = "Authentication failed"


class PermissionDenied(CyberfusionError):
    """The principal is known but its roles do not allow the action."""

    status = 403
    slug = "permission-denied"
    title = "Permission denied"


class NotFound(CyberfusionError):
    """Absent, or not readable by the caller: the two look the same on purpose."""

    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(CyberfusionError):
    """The write clashes with the stored state (stale version, taken name)."""

    status = 409
    slug = "conflict"
    title = "Conflict"


class PayloadTooLarge(CyberfusionError):
    """The request body is over the configured size limit."""

    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class TooManyRequests(CyberfusionError):
    """Too many attempts in the throttling window."""

    status = 429
    slug = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class AuditChainBroken(CyberfusionError):
    """The hash chain of the audit trail does not verify at `seq`."""

    slug = "audit-chain-broken"
    title = "Audit chain broken"

    def __init__(self, detail: str, seq: int | None) -> None:
        super().__init__(detail)
        self.seq = seq
