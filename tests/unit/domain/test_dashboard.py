"""Dashboard arithmetic: the months a series covers, percentiles, response times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cyberfusion.domain.dashboard import (
    ResponseTimes,
    clamp_months,
    month_labels,
    month_start,
    percentile,
    response_times,
)

NOW = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)


def test_months_cross_the_year() -> None:
    assert month_start(NOW, 3) == datetime(2025, 12, 1, tzinfo=UTC)
    assert month_labels(NOW, 3) == ["2025-12", "2026-01", "2026-02"]
    assert month_labels(NOW, 1) == ["2026-02"]
    assert len(month_labels(NOW, 24)) == 24


def test_percentiles_interpolate() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile(list(map(float, range(11))), 0.9) == 9.0


def test_response_times_from_pairs() -> None:
    pairs = [(NOW, NOW + timedelta(minutes=m)) for m in (10, 20, 30, 40, 600)]
    times = response_times(pairs)
    assert (times.count, times.median_seconds) == (5, 1800.0)
    assert times.p90_seconds == pytest.approx(2400 + 0.6 * (36000 - 2400))
    assert response_times([]) == ResponseTimes(0, None, None)


def test_months_are_clamped() -> None:
    assert clamp_months(0) == 1
    assert clamp_months(1000) == 60
