"""Login throttling: slow password spraying per address; strangers cannot lock users out.

The rule, on failures counted in a sliding window (`window`):

- Per address, across every username: from `address_delay_after` failures on, each further
  attempt must wait 1, 2, 3, ... seconds (one more per failure, at most the window) after
  the newest failure; at `address_max_failures` the address is refused until its oldest
  counted failure leaves the window. Only that address is slowed. The delay grows linearly
  so that the maximum is reached within the window (a doubling delay would outgrow it).
- Per user, across every address: after `user_max_failures` failures for a username
  (existing or not, so the answer reveals nothing) attempts are refused until the oldest
  counted failure leaves the window, unless the attempt is *trusted*: it comes from an
  address this username has logged in from before, or carries a valid one-time code. So a
  stranger can throttle guessing against a user but cannot keep that user out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Failures:
    """Failed attempts counted in the window: how many, the oldest and the newest."""

    count: int
    oldest: datetime | None = None
    newest: datetime | None = None


NO_FAILURES = Failures(0)


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    """The operator's limits (config.Settings login_*)."""

    window: timedelta
    address_delay_after: int
    address_max_failures: int
    user_max_failures: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an attempt is refused and how many seconds to wait before the next one."""

    reason: str
    retry_after: int


def _seconds_until(now: datetime, moment: datetime) -> int:
    """Whole seconds from now to `moment`, at least 1."""
    return max(1, math.ceil((moment - now).total_seconds()))


def address_delay(limits: ThrottleLimits, count: int) -> timedelta:
    """How long an address must wait after its newest failure, given `count` failures."""
    over = count - limits.address_delay_after
    if over < 0:
        return timedelta(0)
    return min(timedelta(seconds=over + 1), limits.window)


def by_address(limits: ThrottleLimits, now: datetime, failures: Failures) -> Refusal | None:
    """The per-address part: growing delay, then refusal until the window slides."""
    if failures.count >= limits.address_max_failures and failures.oldest is not None:
        return Refusal("too many failed logins from this address",
                       _seconds_until(now, failures.oldest + limits.window))
    delay = address_delay(limits, failures.count)
    if delay and failures.newest is not None and now < failures.newest + delay:
        return Refusal("failed logins from this address; wait before trying again",
                       _seconds_until(now, failures.newest + delay))
    return None


def by_user(limits: ThrottleLimits, now: datetime, failures: Failures,
            trusted: bool) -> Refusal | None:
    """The per-user part: refuse untrusted attempts after too many failures for the user."""
    if trusted or failures.count < limits.user_max_failures or failures.oldest is None:
        return None
    return Refusal("too many failed logins for this user from unrecognised addresses",
                   _seconds_until(now, failures.oldest + limits.window))


def decide(limits: ThrottleLimits, now: datetime, address: Failures, user: Failures,
           trusted: bool) -> Refusal | None:
    """None when the attempt may be checked, else the refusal (address rule first)."""
    return by_address(limits, now, address) or by_user(limits, now, user, trusted)
