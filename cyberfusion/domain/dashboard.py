"""Dashboard figures: what they count, the months they cover, and response-time summaries.

Every figure counts only what the viewer may read; the store filters with the SQL form of
the access decision (cases and hits) or the party rule (disclosure requests, channel
threads) and this module only shapes and summarises what it returns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

#: How many months the series cover by default, and at most.
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One count in a monthly series: month `YYYY-MM`, the key (crime type, region …)."""

    month: str
    key: str
    count: int


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """How long answers took, in seconds: count, median and 90th percentile."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The figures one viewer may see, each over what the viewer may read."""

    cases: int
    own_cases: int
    by_crime_type: dict[str, int]
    occurrences: int
    since: date
    months: list[str] = field(default_factory=list)
    cases_by_crime_type: list[SeriesPoint] = field(default_factory=list)
    cases_by_region: list[SeriesPoint] = field(default_factory=list)
    hits: list[SeriesPoint] = field(default_factory=list)
    disclosure_times: ResponseTimes = ResponseTimes(0, None, None)
    request_times: ResponseTimes = ResponseTimes(0, None, None)


def month_start(now: datetime, months: int) -> datetime:
    """The first moment (UTC) of the month `months - 1` months before `now`'s month."""
    index = now.year * 12 + now.month - 1 - (months - 1)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def month_labels(now: datetime, months: int) -> list[str]:
    """`YYYY-MM` of each month the series cover, oldest first."""
    first = month_start(now, months)
    base = first.year * 12 + first.month - 1
    return [f"{(base + i) // 12:04d}-{(base + i) % 12 + 1:02d}" for i in range(months)]


def month_of(moment: datetime) -> str:
    """`YYYY-MM` of a UTC moment (the form the store groups by)."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def percentile(values: Sequence[float], share: float) -> float | None:
    """The `share` percentile (0..1) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def response_times(pairs: Sequence[tuple[datetime, datetime]]) -> ResponseTimes:
    """Median and p90 of the seconds from each request to its answer."""
    seconds = [max(0.0, (done - asked).total_seconds()) for asked, done in pairs]
    return ResponseTimes(len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.9))


def clamp_months(months: int) -> int:
    """Between 1 and MAX_MONTHS."""
    return max(1, min(months, MAX_MONTHS))
