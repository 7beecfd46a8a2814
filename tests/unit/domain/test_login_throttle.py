"""The login throttling rule: growing delay then refusal per address, no lock-out per user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cyberfusion.domain.login_throttle import (
    NO_FAILURES,
    Failures,
    ThrottleLimits,
    address_delay,
    by_address,
    by_user,
    decide,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LIMITS = ThrottleLimits(window=timedelta(minutes=15), address_delay_after=3,
                        address_max_failures=8, user_max_failures=5)


def _failures(count: int, oldest_ago: int = 600, newest_ago: int = 0) -> Failures:
    return Failures(count, NOW - timedelta(seconds=oldest_ago),
                    NOW - timedelta(seconds=newest_ago))


def test_delay_grows_from_the_threshold_and_is_capped_by_the_window() -> None:
    assert [address_delay(LIMITS, n).total_seconds() for n in range(2, 7)] == [0, 1, 2, 3, 4]
    assert address_delay(LIMITS, 10_000) == LIMITS.window


def test_address_under_the_threshold_is_not_slowed() -> None:
    assert by_address(LIMITS, NOW, _failures(2)) is None
    assert decide(LIMITS, NOW, NO_FAILURES, NO_FAILURES, trusted=False) is None


def test_address_waits_out_the_delay_after_its_newest_failure() -> None:
    refusal = by_address(LIMITS, NOW, _failures(6, newest_ago=1))
    assert refusal is not None and refusal.retry_after == 3
    assert by_address(LIMITS, NOW, _failures(6, newest_ago=4)) is None


def test_address_at_the_maximum_is_refused_until_the_oldest_failure_slides_out() -> None:
    refusal = by_address(LIMITS, NOW, _failures(8, oldest_ago=600, newest_ago=900))
    assert refusal is not None and refusal.retry_after == 300


def test_user_over_the_limit_is_refused_only_for_untrusted_attempts() -> None:
    many = _failures(5, oldest_ago=60)
    refusal = by_user(LIMITS, NOW, many, trusted=False)
    assert refusal is not None and refusal.retry_after == 840
    assert by_user(LIMITS, NOW, many, trusted=True) is None
    assert by_user(LIMITS, NOW, _failures(4), trusted=False) is None


def test_address_rule_applies_even_to_trusted_attempts() -> None:
    refusal = decide(LIMITS, NOW, _failures(8), NO_FAILURES, trusted=True)
    assert refusal is not None and "address" in refusal.reason
